#include "tls-identity.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
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

static int
tls_identity_fingerprint_x509(X509 *cert, char *out, size_t out_size)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	size_t pos = 0;

	if (!X509_digest(cert, EVP_sha256(), md, &len) || out_size < len * 3)
		return -1;
	for (unsigned int i = 0; i < len; i++)
		pos += (size_t)snprintf(out + pos, out_size - pos, i ? ":%02X" : "%02X", md[i]);
	return 0;
}

int
tls_identity_fingerprint(const char *cert_path, char *out, size_t out_size)
{
	FILE *f = fopen(cert_path, "re");
	X509 *cert;
	int ret;

	if (!f)
		return -1;
	cert = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (!cert)
		return -1;
	ret = tls_identity_fingerprint_x509(cert, out, out_size);
	X509_free(cert);
	return ret;
}

int
tls_identity_fingerprint_pem(const char *pem, char *out, size_t out_size)
{
	BIO *bio = BIO_new_mem_buf(pem, -1);
	X509 *cert = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
	int ret = cert ? tls_identity_fingerprint_x509(cert, out, out_size) : -1;

	X509_free(cert);
	BIO_free(bio);
	return ret;
}

int
tls_identity_check_pair_pem(const char *cert_pem, const char *key_pem)
{
	BIO *cert_bio = BIO_new_mem_buf(cert_pem, -1), *key_bio = BIO_new_mem_buf(key_pem, -1);
	X509 *cert = cert_bio ? PEM_read_bio_X509(cert_bio, NULL, NULL, NULL) : NULL;
	EVP_PKEY *key = key_bio ? PEM_read_bio_PrivateKey(key_bio, NULL, NULL, NULL) : NULL;
	int ret = cert && key && X509_check_private_key(cert, key) == 1 ? 0 : -1;

	EVP_PKEY_free(key);
	X509_free(cert);
	BIO_free(key_bio);
	BIO_free(cert_bio);
	/* what OpenSSL queued on the way must not fail the next TLS call on this thread */
	ERR_clear_error();
	return ret;
}
