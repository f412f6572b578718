#include "tls-identity.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

static int
tls_identity_write_key(EVP_PKEY *key, const char *path)
{
	FILE *f;
	int fd, ok;

	/* Created 0600 from the start: the key is never readable by anyone else. */
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return -1;
	}
	ok = PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL);
	return fclose(f) == 0 && ok ? 0 : -1;
}

int
tls_identity_generate(const char *cert_path, const char *key_path, const char *common_name,
		      int days, char *err, size_t err_size)
{
	EVP_PKEY *key = EVP_RSA_gen(2048);
	X509 *cert = NULL;
	X509_NAME *name;
	FILE *f = NULL;
	int ret = -1;

	if (!key) {
		snprintf(err, err_size, "cannot generate an RSA key");
		return -1;
	}
	cert = X509_new();
	if (!cert)
		goto out;
	X509_set_version(cert, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(cert), (long)time(NULL));
	X509_gmtime_adj(X509_getm_notBefore(cert), -60);
	X509_gmtime_adj(X509_getm_notAfter(cert), (long)days * 24 * 3600);
	X509_set_pubkey(cert, key);
	name = X509_get_subject_name(cert);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)common_name, -1,
				   -1, 0);
	X509_set_issuer_name(cert, name);
	if (!X509_sign(cert, key, EVP_sha256())) {
		snprintf(err, err_size, "cannot sign the certificate");
		goto out;
	}
	if (tls_identity_write_key(key, key_path) < 0) {
		snprintf(err, err_size, "cannot write %s: %s", key_path, strerror(errno));
		goto out;
	}
	f = fopen(cert_path, "w");
	if (!f || !PEM_write_X509(f, cert) || fclose(f) != 0) {
		if (f)
			f = NULL;
		snprintf(err, err_size, "cannot write %s: %s", cert_path, strerror(errno));
		goto out;
	}
	f = NULL;
	ret = 0;
out:
	X509_free(cert);
	EVP_PKEY_free(key);
	return ret;
}

int
tls_identity_fingerprint(const char *cert_path, char *out, size_t out_size)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	FILE *f = fopen(cert_path, "r");
	X509 *cert;
	size_t pos = 0;

	if (!f)
		return -1;
	cert = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (!cert)
		return -1;
	if (!X509_digest(cert, EVP_sha256(), md, &len) || out_size < len * 3) {
		X509_free(cert);
		return -1;
	}
	X509_free(cert);
	for (unsigned int i = 0; i < len; i++)
		pos += (size_t)snprintf(out + pos, out_size - pos, i ? ":%02X" : "%02X", md[i]);
	return 0;
}
