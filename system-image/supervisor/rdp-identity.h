/*
 * The RDP server's identity for this boot: a one-time password, the TLS
 * certificate and key, and the connection details `porthole connect` reads.
 */
#ifndef PORTHOLE_RDP_IDENTITY_H
#define PORTHOLE_RDP_IDENTITY_H

#include <limits.h>

#include "spawn.h"
#include "sv-config.h"

struct rdp_identity {
	char password_path[PATH_MAX];
	char tls_cert_path[PATH_MAX]; /* empty: the user's [rdp] tls-cert is used */
	char tls_key_path[PATH_MAX];
};

/**
 * A one-time password in @run_dir (or the config's password file), readable
 * by @owner (the service user) alone. 0 or -1, with the reason logged.
 */
int rdp_identity_make_password(struct rdp_identity *id, const struct sv_config *config,
			       const char *run_dir, const struct sv_identity *owner);

/** The TLS certificate and key, made at the first boot and kept. 0 or -1. */
int rdp_identity_prepare_tls(struct rdp_identity *id, const struct sv_config *config,
			     const struct sv_identity *owner);

/** connect.ini in @run_dir: listen address, user, password and fingerprint files. 0 or -1. */
int rdp_identity_write_connect_info(const struct rdp_identity *id, const struct sv_config *config,
				    const char *run_dir);

#endif
