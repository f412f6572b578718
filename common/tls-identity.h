/*
 * The TLS identity of the RDP server: the configured certificate and key, or a
 * self-signed pair generated at start (key mode 0600). Its SHA-256 fingerprint
 * is logged and written next to it, so a client can pin it.
 */
#ifndef PORTHOLE_TLS_IDENTITY_H
#define PORTHOLE_TLS_IDENTITY_H

#include <stddef.h>

/**
 * Writes a new self-signed RSA-2048 certificate for @common_name valid for
 * @days to @cert_path and its key to @key_path (0600, never world-readable).
 * Returns 0, or -1 with the reason in @err.
 */
int tls_identity_generate(const char *cert_path, const char *key_path, const char *common_name,
			  int days, char *err, size_t err_size);

/** Fills @out with "AA:BB:..." (SHA-256 of the DER certificate). 0 or -1. */
int tls_identity_fingerprint(const char *cert_path, char *out, size_t out_size);

/** The same for a certificate in PEM text. */
int tls_identity_fingerprint_pem(const char *pem, char *out, size_t out_size);

/** 0 when @key_pem is a private key (PEM) that belongs to the certificate @cert_pem. */
int tls_identity_check_pair_pem(const char *cert_pem, const char *key_pem);

#endif
