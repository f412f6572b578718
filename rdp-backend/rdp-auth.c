/*
 * Who may log in: the user name and password the server was given (none on
 * local transports), compared in constant time, and the rate limit on failed
 * logins.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <winpr/ntlm.h>
#include <winpr/string.h>

#include "log.h"
#include "monotonic.h"
#include "rdp-internal.h"
#include "secret-file.h"

/*
 * Failed logins are remembered per source address (a local transport is one
 * address, ""), and the peer that failed is answered only after a delay that
 * doubles with each failure from its address. A guesser is slowed, and no one
 * else ever waits: the right password is let in at once, from anywhere.
 */
#define RDP_AUTH_ADDRESSES 64       /* addresses remembered at once ... */
#define RDP_AUTH_MEMORY_MS 60000    /* ... for this long after their last failure */
#define RDP_AUTH_DELAY_FIRST_MS 500 /* the first failure's delay ... */
#define RDP_AUTH_DELAY_MAX_MS 8000  /* ... doubling up to this */

struct rdp_auth_address {
	char address[64];
	int failures;
	int64_t last_ms;
};

struct rdp_auth {
	char *user; /* NULL: no credentials asked (unix and vsock only) */
	char *password;
	pthread_mutex_t lock; /* logins are checked on their peers' own threads */
	struct rdp_auth_address addresses[RDP_AUTH_ADDRESSES];
};

struct rdp_auth *
rdp_auth_create(const char *user, char **password)
{
	struct rdp_auth *auth = calloc(1, sizeof *auth);

	if (!auth)
		return NULL;
	pthread_mutex_init(&auth->lock, NULL);
	if (user && *password) {
		auth->user = strdup(user);
		auth->password = *password;
		*password = NULL;
		if (!auth->user)
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
	pthread_mutex_destroy(&auth->lock);
	free(auth);
}

const char *
rdp_auth_user(const struct rdp_auth *auth)
{
	return auth->user;
}

/* How long the peer that just failed waits; counts the failure. Under auth->lock. */
static int
rdp_auth_note_failure(struct rdp_auth *auth, const char *address)
{
	int64_t now = monotonic_ms();
	struct rdp_auth_address *slot = NULL, *spare = NULL;
	int delay = RDP_AUTH_DELAY_FIRST_MS;

	for (int i = 0; i < RDP_AUTH_ADDRESSES; i++) {
		struct rdp_auth_address *a = &auth->addresses[i];

		if (a->failures && now - a->last_ms > RDP_AUTH_MEMORY_MS)
			a->failures = 0;
		if (a->failures && strcmp(a->address, address) == 0)
			slot = a;
		/* a free slot, else the address whose last failure is the oldest */
		if (!spare || (spare->failures && (!a->failures || a->last_ms < spare->last_ms)))
			spare = a;
	}
	if (!slot) {
		slot = spare;
		snprintf(slot->address, sizeof slot->address, "%s", address);
		slot->failures = 0;
	}
	slot->last_ms = now;
	if (slot->failures < 30)
		slot->failures++;
	for (int i = 1; i < slot->failures && delay < RDP_AUTH_DELAY_MAX_MS; i++)
		delay *= 2;
	return delay < RDP_AUTH_DELAY_MAX_MS ? delay : RDP_AUTH_DELAY_MAX_MS;
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

int
rdp_auth_refuse(struct rdp_auth *auth, const char *address)
{
	int delay_ms;

	pthread_mutex_lock(&auth->lock);
	delay_ms = rdp_auth_note_failure(auth, address);
	pthread_mutex_unlock(&auth->lock);
	return delay_ms;
}

bool
rdp_auth_check(struct rdp_auth *auth, const char *address, const char *user, const char *password,
	       int *delay_ms)
{
	*delay_ms = 0;
	if (!auth->user)
		return true;
	if (user && strcmp(user, auth->user) == 0 &&
	    rdp_auth_secret_equal(password, auth->password))
		return true;
	*delay_ms = rdp_auth_refuse(auth, address);
	return false;
}

char *
rdp_auth_user_name(const SEC_WINNT_AUTH_IDENTITY *who)
{
	char *name = NULL;
	int bytes;

	/* a user name is at most 256 characters in Windows; longer ones are no one's */
	if (!who->User || who->UserLength == 0 || who->UserLength > 256)
		return NULL;
	bytes = ConvertFromUnicode(CP_UTF8, 0, (LPCWSTR)who->User, (int)who->UserLength, &name, 0,
				   NULL, NULL);
	/* the whole name: one with a NUL inside is not the name before it */
	if (bytes <= 0 || !name || strlen(name) != (size_t)bytes) {
		free(name);
		return NULL;
	}
	return name;
}

bool
rdp_auth_ntlm_v2_hash(const struct rdp_auth *auth, const char *user,
		      const SEC_WINNT_AUTH_IDENTITY *who, BYTE hash[16])
{
	BYTE nt_hash[16];
	bool ok;

	if (!auth->user || !user || strcmp(user, auth->user) != 0 || who->DomainLength > 256)
		return false;
	ok = NTOWFv1A(auth->password, (UINT32)strlen(auth->password), nt_hash) &&
	     NTOWFv2FromHashW(nt_hash, (LPWSTR)who->User, who->UserLength * 2, (LPWSTR)who->Domain,
			      who->DomainLength * 2, hash);
	explicit_bzero(nt_hash, sizeof nt_hash);
	return ok;
}
