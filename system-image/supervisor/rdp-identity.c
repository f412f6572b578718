/*
 * The RDP server's identity for this boot: a one-time password, the TLS
 * certificate and key (kept from boot to boot), and what `porthole connect`
 * needs to reach the server.
 */
#include "rdp-identity.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "paths.h"
#include "shared-tree.h"
#include "sv-log.h"
#include "tls-identity.h"

/* Kept from boot to boot when `porthole boot` binds its state here. */
#define PORTHOLE_TLS_DIR "/var/lib/porthole"

static int64_t
rdp_identity_now_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* A one-time RDP password for this boot, readable by the service user alone
 * (and by root: `porthole connect` reads it through the distro's root). */
int
rdp_identity_make_password(struct rdp_identity *id, const struct sv_config *config,
			   const char *run_dir, const struct sv_identity *owner)
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
	fd = open(id->password_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, password, strlen(password)) != (ssize_t)strlen(password) ||
	    (owner->drop && fchown(fd, owner->uid, owner->gid) < 0)) {
		sv_log("cannot write %s: %s", id->password_path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/*
 * The RDP server's TLS identity, in the system distro's private state rather than
 * the shared dir (user distros read that). Reused while it is there: making an
 * RSA key is most of a boot's time, and a certificate that stays is one a client
 * can keep trusting.
 */
int
rdp_identity_prepare_tls(struct rdp_identity *id, const struct sv_config *config,
			 const struct sv_identity *owner)
{
	char fingerprint[128], err[256];
	int64_t start;

	if (config->rdp_tls_cert[0])
		return 0; /* the user's own, passed on in the merged config */
	if (path_printf(id->tls_cert_path, sizeof id->tls_cert_path, "%s/rdp-tls.crt",
			PORTHOLE_TLS_DIR) < 0 ||
	    path_printf(id->tls_key_path, sizeof id->tls_key_path, "%s/rdp-tls.key",
			PORTHOLE_TLS_DIR) < 0 ||
	    shared_tree_mkdir_owned(PORTHOLE_TLS_DIR, owner) < 0 ||
	    chmod(PORTHOLE_TLS_DIR, 0700) < 0) {
		sv_log("cannot prepare %s: %s", PORTHOLE_TLS_DIR, strerror(errno));
		return -1;
	}
	if (access(id->tls_key_path, R_OK) == 0 &&
	    tls_identity_fingerprint(id->tls_cert_path, fingerprint, sizeof fingerprint) == 0) {
		sv_log("RDP certificate %s kept from an earlier boot", id->tls_cert_path);
		return 0;
	}
	start = rdp_identity_now_ms();
	if (tls_identity_generate(id->tls_cert_path, id->tls_key_path, "porthole", 365, err,
				  sizeof err) < 0) {
		sv_log("cannot make the RDP certificate in %s: %s", PORTHOLE_TLS_DIR, err);
		return -1;
	}
	if (owner->drop && (chown(id->tls_cert_path, owner->uid, owner->gid) < 0 ||
			    chown(id->tls_key_path, owner->uid, owner->gid) < 0)) {
		sv_log("cannot hand %s to %s: %s", PORTHOLE_TLS_DIR, config->user, strerror(errno));
		return -1;
	}
	sv_log("RDP certificate generated in %lld ms: %s",
	       (long long)(rdp_identity_now_ms() - start), id->tls_cert_path);
	return 0;
}

/* What `porthole connect` needs to reach this boot's RDP server. */
int
rdp_identity_write_connect_info(const struct rdp_identity *id, const struct sv_config *config,
				const char *run_dir)
{
	char text[PATH_MAX * 3 + 512];

	snprintf(text, sizeof text,
		 "listen=%s\nuser=%s\npassword-file=%s\nfingerprint-file=%s/runtime-dir/"
		 "wayland-0.rdp.fingerprint\nshared-dir=%s\n",
		 config->rdp_listen, config->rdp_user, id->password_path, config->shared_dir,
		 config->shared_dir);
	return shared_tree_write_text(run_dir, "connect.ini", text);
}
