/*
 * The RDP server's secrets, read before porthole-compositor says it is ready
 * (a wrong file is said at start, not after): the TLS identity and the
 * password. Without FreeRDP: the server's module takes them once loaded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libweston/libweston.h>

#include "paths.h"
#include "rdp-server.h"
#include "secret-file.h"
#include "tls-identity.h"

/* The first line of @source: a mode-0600 file, or an fd a privileged parent opened ("fd:N"). */
static char *
rdp_secrets_read_password(const char *source)
{
	char err[300], *text = secret_read(source, SECRET_PRIVATE, 4096, err, sizeof err),
		       *password;

	if (!text) {
		weston_log("rdp: the password: %s\n", err);
		return NULL;
	}
	text[strcspn(text, "\r\n")] = '\0';
	if (!text[0]) {
		weston_log("rdp: %s holds no password on its first line\n", source);
		secret_free(text);
		return NULL;
	}
	password = strdup(text);
	secret_free(text);
	return password;
}

/* The most a PEM certificate or key may take: a 4096-bit RSA key is about 3.3 kB. */
#define RDP_TLS_PEM_MAX (64 * 1024)

/*
 * The TLS identity, held in memory for the peers: the configured certificate
 * and key (files, or fds a privileged parent opened), or a self-signed pair
 * made now in the runtime dir. Its fingerprint is logged and written there, so
 * a client can pin it.
 */
static int
rdp_secrets_load_tls(struct rdp_secrets *secrets, const struct rdp_secrets_sources *from)
{
	char fingerprint[128], fp_path[600], cert_path[512], key_path[512], err[300];
	const char *cert = from->tls_cert, *key = from->tls_key;
	FILE *f;

	if (!!cert != !!key) {
		weston_log("rdp: give both --rdp-tls-cert and --rdp-tls-key, or neither\n");
		return -1;
	}
	if (!cert) {
		if (path_printf(cert_path, sizeof cert_path, "%s/%s.rdp.crt", from->runtime_dir,
				from->socket_name) < 0 ||
		    path_printf(key_path, sizeof key_path, "%s/%s.rdp.key", from->runtime_dir,
				from->socket_name) < 0) {
			weston_log("rdp: runtime dir path too long for the TLS files\n");
			return -1;
		}
		if (tls_identity_generate(cert_path, key_path, "porthole", 365, err, sizeof err) <
		    0) {
			weston_log("rdp: cannot make a TLS certificate: %s\n", err);
			return -1;
		}
		cert = cert_path;
		key = key_path;
	}
	secrets->cert_pem = secret_read(cert, SECRET_PUBLIC, RDP_TLS_PEM_MAX, err, sizeof err);
	if (!secrets->cert_pem) {
		weston_log("rdp: the TLS certificate: %s\n", err);
		return -1;
	}
	secrets->key_pem = secret_read(key, SECRET_PRIVATE, RDP_TLS_PEM_MAX, err, sizeof err);
	if (!secrets->key_pem) {
		weston_log("rdp: the TLS key: %s\n", err);
		return -1;
	}
	if (tls_identity_fingerprint_pem(secrets->cert_pem, fingerprint, sizeof fingerprint) < 0) {
		weston_log("rdp: %s is not a PEM certificate\n", cert);
		return -1;
	}
	/* found now, not at the first client's handshake */
	if (tls_identity_check_pair_pem(secrets->cert_pem, secrets->key_pem) < 0) {
		weston_log("rdp: %s is not the private key (PEM) of the certificate %s\n", key,
			   cert);
		return -1;
	}
	weston_log("rdp: TLS certificate %s, SHA-256 %s\n", cert, fingerprint);
	snprintf(fp_path, sizeof fp_path, "%s/%s.rdp.fingerprint", from->runtime_dir,
		 from->socket_name);
	f = fopen(fp_path, "we");
	if (f) {
		fprintf(f, "%s\n", fingerprint);
		fclose(f);
	}
	return 0;
}

int
rdp_secrets_load(struct rdp_secrets *secrets, const struct rdp_secrets_sources *from)
{
	*secrets = (struct rdp_secrets){NULL};
	if (!!from->user != !!from->password_file) {
		weston_log("rdp: give both --rdp-user and --rdp-password-file, or neither\n");
		return -1;
	}
	if (from->password_file &&
	    !(secrets->password = rdp_secrets_read_password(from->password_file)))
		return -1;
	if (rdp_secrets_load_tls(secrets, from) < 0) {
		rdp_secrets_release(secrets);
		return -1;
	}
	return 0;
}

void
rdp_secrets_release(struct rdp_secrets *secrets)
{
	secret_free(secrets->password);
	secret_free(secrets->cert_pem);
	secret_free(secrets->key_pem);
	*secrets = (struct rdp_secrets){NULL};
}
