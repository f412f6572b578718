/*
 * portholed's configuration: the image's /etc/porthole/porthole.ini, then the
 * user's file on top (as WSLg's .wslgconfig). The supervisor's own keys are read
 * here; the merged file is handed to the compositor, and [system-distro-env]
 * becomes the environment of every service.
 */
#ifndef PORTHOLE_SV_CONFIG_H
#define PORTHOLE_SV_CONFIG_H

#include <limits.h>
#include <stddef.h>

#include "service.h"

struct sv_config_entry {
	char *section, *key, *value;
};

struct sv_config {
	char user[64];                    /* [supervisor] user: services run as this user */
	char shared_dir[PATH_MAX];        /* [supervisor] shared-dir */
	struct sv_policy policy;          /* [supervisor] restart-limit, restart-window, ... */
	char gpu_adapter[128];            /* [gpu] adapter: Mesa d3d12's adapter choice */
	char renderer[16];                /* [core] renderer: forced when not "auto" */
	char rdp_listen[256];             /* [rdp] listen */
	char rdp_user[64];                /* [rdp] user */
	char rdp_password_file[PATH_MAX]; /* [rdp] password-file; empty: one per boot */
	char rdp_tls_cert[PATH_MAX];      /* [rdp] tls-cert; empty: portholed keeps one */
	char rdp_tls_key[PATH_MAX];       /* [rdp] tls-key, with tls-cert */

	struct sv_config_entry *entries; /* both files, the user's winning */
	size_t entry_count;
};

/** Built-in defaults, no file read. */
void sv_config_init(struct sv_config *config);

/**
 * Reads @path over what is there. A file that is missing is no error (returns
 * 0 with @why empty). A malformed one changes nothing: returns -1 with
 * "PATH line N: reason" in @why.
 */
int sv_config_load(struct sv_config *config, const char *path, char *why, size_t why_size);

/** Writes every entry as one ini file (the compositor's --config). */
int sv_config_write(const struct sv_config *config, const char *path);

/** Calls @fn for every [system-distro-env] entry. */
void sv_config_for_each_env(const struct sv_config *config,
			    void (*fn)(void *data, const char *name, const char *value),
			    void *data);

void sv_config_release(struct sv_config *config);

#endif
