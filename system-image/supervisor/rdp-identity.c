/*
 * The RDP server's identity for this boot: a one-time password, the TLS
 * certificate and key (kept from boot to boot), and what `porthole connect`
 * needs to reach the server. The secrets are root's alone: the compositor
 * gets them as open files at its start (rdp_identity_open()) and never needs
 * the right to open them, so neither does anyone who shares its user.
 */
#include "rdp-identity.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "monotonic.h"
#include "paths.h"
#include "shared-tree.h"
#include "sv-log.h"
#include "tls-identity.h"

/* Kept from boot to boot when `porthole boot` binds its state here. */
#define PORTHOLE_TLS_DIR "/var/lib/porthole"

/* A one-time RDP password for this boot, in root's private run dir. */
int
rdp_identity_make_password(struct rdp_identity *id, const struct sv_config *config,
			   const char *run_dir)
{
	static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
	unsigned char random_bytes[20];
	char password[sizeof random_bytes + 2];
	int fd, random_fd;

	if (config->rdp_password_file[0]) {
		snprintf(id->password_path, sizeof id->password_path, "%s",
			 config->rdp_password_file);
		return 0;
	}
	random_fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (random_fd < 0 ||
	    read(random_fd, random_bytes, sizeof random_bytes) != (ssize_t)sizeof random_bytes) {
		sv_log("cannot read /dev/urandom: %s", strerror(errno));
		if (random_fd >= 0)
			close(random_fd);
		return -1;
	}
	close(random_fd);
	for (size_t i = 0; i < sizeof random_bytes; i++)
		password[i] = alphabet[random_bytes[i] % (sizeof alphabet - 1)];
	password[sizeof random_bytes] = '\n';
	password[sizeof random_bytes + 1] = '\0';

	if (path_printf(id->password_path, sizeof id->password_path, "%s/rdp-password", run_dir) <
	    0)
		return -1;
	unlink(id->password_path);
	fd = open(id->password_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, password, strlen(password)) != (ssize_t)strlen(password)) {
		sv_log("cannot write %s: %s", id->password_path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	explicit_bzero(password, sizeof password);
	return 0;
}

/*
 * The RDP server's TLS identity, in the system distro's private state rather than
 * the shared dir (user distros read that). Reused while it is there: making an
 * RSA key is most of a boot's time, and a certificate that stays is one a client
 * can keep trusting.
 */
int
rdp_identity_prepare_tls(struct rdp_identity *id, const struct sv_config *config)
{
	char fingerprint[128], err[256];
	int64_t start;

	if (config->rdp_tls_cert[0]) {
		/* the user's own, from the merged config */
		snprintf(id->tls_cert_path, sizeof id->tls_cert_path, "%s", config->rdp_tls_cert);
		snprintf(id->tls_key_path, sizeof id->tls_key_path, "%s", config->rdp_tls_key);
		return 0;
	}
	if (path_printf(id->tls_cert_path, sizeof id->tls_cert_path, "%s/rdp-tls.crt",
			PORTHOLE_TLS_DIR) < 0 ||
	    path_printf(id->tls_key_path, sizeof id->tls_key_path, "%s/rdp-tls.key",
			PORTHOLE_TLS_DIR) < 0 ||
	    shared_tree_mkdir_owned(PORTHOLE_TLS_DIR, NULL) < 0) {
		sv_log("cannot prepare %s: %s", PORTHOLE_TLS_DIR, strerror(errno));
		return -1;
	}
	if (access(id->tls_key_path, R_OK) == 0 &&
	    tls_identity_fingerprint(id->tls_cert_path, fingerprint, sizeof fingerprint) == 0) {
		/* an earlier boot may have handed the files to the service user: root's again */
		if (chown(id->tls_key_path, 0, 0) < 0 || chmod(id->tls_key_path, 0600) < 0) {
			sv_log("cannot make %s root's: %s", id->tls_key_path, strerror(errno));
			return -1;
		}
		sv_log("RDP certificate %s kept from an earlier boot", id->tls_cert_path);
		return 0;
	}
	start = monotonic_ms();
	if (tls_identity_generate(id->tls_cert_path, id->tls_key_path, "porthole", 365, err,
				  sizeof err) < 0) {
		sv_log("cannot make the RDP certificate in %s: %s", PORTHOLE_TLS_DIR, err);
		return -1;
	}
	sv_log("RDP certificate generated in %lld ms: %s", (long long)(monotonic_ms() - start),
	       id->tls_cert_path);
	return 0;
}

int
rdp_identity_open(struct rdp_identity *id)
{
	const char *paths[RDP_IDENTITY_FDS] = {id->password_path, id->tls_cert_path,
					       id->tls_key_path};

	for (int i = 0; i < RDP_IDENTITY_FDS; i++) {
		id->fds[i] = open(paths[i], O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (id->fds[i] < 0) {
			sv_log("cannot open %s: %s", paths[i], strerror(errno));
			return -1;
		}
	}
	return 0;
}

void
rdp_identity_close(struct rdp_identity *id)
{
	for (int i = 0; i < RDP_IDENTITY_FDS; i++) {
		if (id->fds[i] >= 0)
			close(id->fds[i]);
		id->fds[i] = -1;
	}
}

/*
 * What `porthole connect` needs to reach this boot's RDP server, root's alone:
 * the fingerprint is taken here, not from a file in the runtime dir, which
 * every app of the service user can replace.
 */
int
rdp_identity_write_connect_info(const struct rdp_identity *id, const struct sv_config *config,
				const char *run_dir)
{
	char text[PATH_MAX * 2 + 512], fingerprint[128];

	if (tls_identity_fingerprint(id->tls_cert_path, fingerprint, sizeof fingerprint) < 0) {
		sv_log("%s is not a PEM certificate", id->tls_cert_path);
		return -1;
	}
	snprintf(text, sizeof text, "listen=%s\nuser=%s\npassword-file=%s\nfingerprint=%s\n",
		 config->rdp_listen, config->rdp_user, id->password_path, fingerprint);
	return shared_tree_write_text(run_dir, "connect.ini", text);
}
