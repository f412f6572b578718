/*
 * The RDP server's identity for this boot: a one-time password, the TLS
 * certificate and key, and the connection details `porthole connect` reads.
 */
#ifndef PORTHOLE_RDP_IDENTITY_H
#define PORTHOLE_RDP_IDENTITY_H

#include <limits.h>

#include "spawn.h"
#include "sv-config.h"

/* The password, the certificate and the key, opened for the compositor. */
#define RDP_IDENTITY_FDS 3
enum { RDP_IDENTITY_PASSWORD, RDP_IDENTITY_CERT, RDP_IDENTITY_KEY };

struct rdp_identity {
	char password_path[PATH_MAX];
	char tls_cert_path[PATH_MAX];
	char tls_key_path[PATH_MAX];
	int fds[RDP_IDENTITY_FDS]; /* -1 while not open */
};

/**
 * A one-time password in @run_dir, root's alone (or the config's password
 * file). 0 or -1, with the reason logged.
 */
int rdp_identity_make_password(struct rdp_identity *id, const struct sv_config *config,
			       const char *run_dir);

/** The TLS certificate and key, root's alone, made at the first boot and kept. 0 or -1. */
int rdp_identity_prepare_tls(struct rdp_identity *id, const struct sv_config *config);

/**
 * Opens the three for reading (close-on-exec; a service's spawn keeps them):
 * the compositor reads them as "fd:N" and closes its copies. 0 or -1.
 */
int rdp_identity_open(struct rdp_identity *id);

void rdp_identity_close(struct rdp_identity *id);

/** connect.ini in @run_dir: listen address, user, password file, certificate fingerprint. */
int rdp_identity_write_connect_info(const struct rdp_identity *id, const struct sv_config *config,
				    const char *run_dir);

#endif
