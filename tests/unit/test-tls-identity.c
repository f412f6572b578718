#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tls-identity.h"
#include "tap.h"

int
main(void)
{
	struct tap t = {0};
	char dir[] = "/tmp/porthole-cert-test-XXXXXX", cert[128], key[128], fp1[128], fp2[128],
	     err[256];
	struct stat st;

	if (!mkdtemp(dir))
		return 1;
	snprintf(cert, sizeof cert, "%s/c.pem", dir);
	snprintf(key, sizeof key, "%s/k.pem", dir);
	TAP_CHECK(&t, tls_identity_generate(cert, key, "porthole", 30, err, sizeof err) == 0,
		  "generates a self-signed pair (%s)", err);
	TAP_CHECK(&t, stat(key, &st) == 0 && (st.st_mode & 0777) == 0600, "the key is 0600 (%o)",
		  st.st_mode & 0777);
	TAP_CHECK(&t, tls_identity_fingerprint(cert, fp1, sizeof fp1) == 0 && strlen(fp1) == 95,
		  "SHA-256 fingerprint as 32 hex pairs: %s", fp1);
	TAP_CHECK(&t, tls_identity_fingerprint(cert, fp2, sizeof fp2) == 0 && strcmp(fp1, fp2) == 0,
		  "the fingerprint is stable");
	TAP_CHECK(&t,
		  tls_identity_generate(cert, key, "porthole", 30, err, sizeof err) == 0 &&
			  tls_identity_fingerprint(cert, fp2, sizeof fp2) == 0 &&
			  strcmp(fp1, fp2) != 0,
		  "a new pair has a new fingerprint");
	TAP_CHECK(&t, tls_identity_fingerprint(key, fp2, sizeof fp2) < 0,
		  "a key is not taken for a certificate");
	TAP_CHECK(&t,
		  tls_identity_generate("/nonexistent/c.pem", "/nonexistent/k.pem", "x", 1, err,
					sizeof err) < 0 &&
			  strstr(err, "/nonexistent"),
		  "an unwritable path is reported: %s", err);
	unlink(cert);
	unlink(key);
	rmdir(dir);
	return tap_finish(&t);
}
