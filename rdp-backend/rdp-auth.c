/*
 * Who may log in: the user name and password the server was given (none on
 * local transports), compared in constant time, and the rate limit on failed
 * logins.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/crypto.h>

#include "log.h"
#include "rdp-internal.h"

#define RDP_AUTH_FAILURES_MAX 5 /* failed logins within the window ... */
#define RDP_AUTH_WINDOW_S 30    /* ... make the server refuse connections ... */
#define RDP_AUTH_LOCKOUT_S 10   /* ... for this long */

struct rdp_auth {
	char *user; /* NULL: no credentials asked (unix and vsock only) */
	char *password;
	time_t failures[RDP_AUTH_FAILURES_MAX];
	int next_failure;
	time_t locked_until;
};

static char *
rdp_auth_read_password(const char *path)
{
	char line[512];
	struct stat st;
	FILE *f;

	f = fopen(path, "r");
	if (!f) {
		weston_log("rdp: cannot read the password file %s: %s\n", path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) == 0 && (st.st_mode & 077)) {
		weston_log("rdp: %s is readable by others (mode %o); run: chmod 600 %s\n", path,
			   st.st_mode & 0777, path);
		fclose(f);
		return NULL;
	}
	if (!fgets(line, sizeof line, f) || !line[0] || line[0] == '\n') {
		weston_log("rdp: %s holds no password on its first line\n", path);
		fclose(f);
		return NULL;
	}
	fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	return strdup(line);
}

struct rdp_auth *
rdp_auth_create(const char *user, const char *password_file)
{
	struct rdp_auth *auth = calloc(1, sizeof *auth);

	if (!auth)
		return NULL;
	if (!!user != !!password_file) {
		weston_log("rdp: give both --rdp-user and --rdp-password-file, or neither\n");
		goto err;
	}
	if (user) {
		auth->user = strdup(user);
		auth->password = rdp_auth_read_password(password_file);
		if (!auth->user || !auth->password)
			goto err;
	}
	return auth;
err:
	rdp_auth_destroy(auth);
	return NULL;
}

void
rdp_auth_destroy(struct rdp_auth *auth)
{
	if (!auth)
		return;
	if (auth->password) {
		explicit_bzero(auth->password, strlen(auth->password));
		free(auth->password);
	}
	free(auth->user);
	free(auth);
}

const char *
rdp_auth_user(const struct rdp_auth *auth)
{
	return auth->user;
}

bool
rdp_auth_is_locked(const struct rdp_auth *auth)
{
	return time(NULL) < auth->locked_until;
}

static void
rdp_auth_note_failure(struct rdp_auth *auth)
{
	time_t now = time(NULL);
	time_t oldest;

	auth->failures[auth->next_failure] = now;
	auth->next_failure = (auth->next_failure + 1) % RDP_AUTH_FAILURES_MAX;
	oldest = auth->failures[auth->next_failure];
	if (oldest && now - oldest < RDP_AUTH_WINDOW_S) {
		auth->locked_until = now + RDP_AUTH_LOCKOUT_S;
		weston_log("rdp: %d failed logins within %d s; refusing connections for %d s\n",
			   RDP_AUTH_FAILURES_MAX, RDP_AUTH_WINDOW_S, RDP_AUTH_LOCKOUT_S);
	}
}

/* Constant time: the comparison must not tell an attacker how much was right. */
static bool
rdp_auth_secret_equal(const char *given, const char *expected)
{
	size_t a = given ? strlen(given) : 0, b = strlen(expected);
	unsigned char diff = a != b;
	size_t n = a < b ? a : b;

	if (n)
		diff |= CRYPTO_memcmp(given, expected, n) != 0;
	return !diff;
}

bool
rdp_auth_check(struct rdp_auth *auth, const char *user, const char *password)
{
	if (!auth->user)
		return true;
	if (user && strcmp(user, auth->user) == 0 &&
	    rdp_auth_secret_equal(password, auth->password))
		return true;
	rdp_auth_note_failure(auth);
	return false;
}
