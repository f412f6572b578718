/*
 * A client before it is active: its own thread takes it through TLS, the RDP
 * connection sequence and the password check, so nothing it does (or fails to
 * do) before then reaches the compositor's event loop. FreeRDP's TLS accept
 * blocks until the handshake ends, however long the client takes; here that
 * stalls only the client's own thread, and a deadline cuts it.
 *
 * The event loop takes the peer at activation: the thread asks it to activate
 * the peer (and waits), then stops reading, and the loop adds the peer's
 * sockets to its own. A peer that fails, or is cut, before that is freed by
 * the event loop once its thread has ended.
 */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <winpr/string.h>
#include <winpr/synch.h>

#include "log.h"
#include "monotonic.h"
#include "rdp-internal.h"

/*
 * Clients on their way in at once: over this many, the one that has been
 * connecting longest is cut, so a flood of idle connections cannot keep a
 * fresh client out for good. Each costs a thread, a socket and FreeRDP's
 * connection state, no more: graphics and channels come at activation.
 */
#define RDP_LOGINS_MAX 32
/* A client must have given the right password this long after it connected ... */
#define RDP_LOGIN_AUTH_DEADLINE_MS 10000
/* ... and be active this long after it connected. */
#define RDP_LOGIN_ACTIVE_DEADLINE_MS 30000
#define RDP_LOGIN_TICK_MS 1000
/* FreeRDP's connection sequence needs far less than the default 8 MiB. */
#define RDP_LOGIN_STACK_SIZE (2u << 20)

struct rdp_logins {
	struct rdp_server *server;
	struct wl_list all; /* rdp_login::link, oldest first; the event loop's only */
	int count;
	int ended_untrimmed;          /* logins ended since memory was last given back */
	struct wl_event_source *tick; /* deadlines */

	/* what the threads tell the event loop */
	pthread_mutex_t lock;
	struct wl_list news; /* rdp_login::news_link; under lock */
	int wake_fd;         /* eventfd */
	struct wl_event_source *wake_event;
};

struct rdp_login {
	struct rdp_logins *logins;
	struct rdp_peer *peer;
	struct wl_list link; /* rdp_logins::all */
	int64_t started_ms;
	pthread_t thread;
	atomic_bool stop;          /* the event loop cut it */
	atomic_bool authenticated; /* the right password (or none needed) */
	psPeerLicenseCallback license_default;
	struct rdp_nla_check nla; /* bound to the thread while it runs */
	char nla_user[64];        /* the user the client named in NLA, as logged */

	/* under logins->lock */
	struct wl_list news_link; /* rdp_logins::news while in_news */
	bool in_news;
	bool activate_asked;
	bool activate_answered;
	bool activate_result;
	bool finished;  /* the thread no longer touches the peer */
	bool activated; /* it finished with the peer active: the event loop takes it */
	pthread_cond_t cond;
};

/* --- from the thread to the event loop ------------------------------------------------- */

/* Under logins->lock: queues the login for the event loop's next look. */
static void
rdp_login_post_locked(struct rdp_login *login)
{
	uint64_t one = 1;

	if (!login->in_news) {
		wl_list_insert(login->logins->news.prev, &login->news_link);
		login->in_news = true;
	}
	/* an eventfd only fails to count at 2^64 - 1 */
	if (write(login->logins->wake_fd, &one, sizeof one) < 0)
		return;
}

/* On the login thread, from FreeRDP's first Activate: the event loop activates the peer. */
static BOOL
rdp_login_handle_activate(freerdp_peer *client)
{
	struct rdp_login *login = ((struct rdp_peer_context *)client->context)->peer->login;
	struct rdp_logins *logins = login->logins;
	bool result;

	pthread_mutex_lock(&logins->lock);
	login->activate_asked = true;
	rdp_login_post_locked(login);
	while (!login->activate_answered && !atomic_load(&login->stop))
		pthread_cond_wait(&login->cond, &logins->lock);
	result = login->activate_answered && login->activate_result;
	pthread_mutex_unlock(&logins->lock);
	return result;
}

/* Waits @ms on the login thread, or less if the login is cut meanwhile. */
static void
rdp_login_wait(struct rdp_login *login, int ms)
{
	struct rdp_logins *logins = login->logins;
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&logins->lock);
	while (!atomic_load(&login->stop) &&
	       pthread_cond_timedwait(&login->cond, &logins->lock, &until) != ETIMEDOUT)
		;
	pthread_mutex_unlock(&logins->lock);
}

/* The user name a client sent, fit for a log line: no control bytes, at most 63 bytes. */
static void
rdp_login_user_for_log(const char *user, char out[64])
{
	size_t n = 0;

	for (; user && user[n] && n < 63; n++)
		out[n] = (unsigned char)user[n] < 0x20 || user[n] == 0x7f ? '?' : user[n];
	out[n] = '\0';
}

/*
 * FreeRDP's licensing step, the first after the Client Info PDU brought the
 * user name and password: the check happens here, before the capability
 * exchange, and a wrong password ends the connection after its delay.
 */
static LicenseCallbackResult
rdp_login_handle_license(freerdp_peer *client, wStream *s)
{
	struct rdp_peer *peer = ((struct rdp_peer_context *)client->context)->peer;
	struct rdp_login *login = peer->login;
	struct rdp_auth *auth = peer->server->auth;
	rdpSettings *settings = client->context->settings;
	const char *user = freerdp_settings_get_string(settings, FreeRDP_Username);
	const char *password = freerdp_settings_get_string(settings, FreeRDP_Password);
	char shown[64];
	int delay_ms;

	if (!atomic_load(&login->authenticated)) {
		rdp_login_user_for_log(user, shown);
		if (!rdp_auth_check(auth, client->hostname, user, password, &delay_ms)) {
			weston_log("rdp: refused %s: wrong user name or password (user \"%s\"); "
				   "answered after %d ms\n",
				   client->hostname, shown, delay_ms);
			rdp_login_wait(login, delay_ms);
			return LICENSE_CB_ABORT;
		}
		atomic_store(&login->authenticated, true);
		if (rdp_auth_user(auth))
			weston_log("rdp: %s logged in as %s\n", client->hostname, shown);
		else
			weston_log("rdp: %s connected (no credentials on local transports)\n",
				   client->hostname);
	}
	return login->license_default(client, s);
}

/* --- Network Level Authentication, on the login thread ----------------------------------- */

static bool
rdp_login_nla_hash(struct rdp_nla_check *check, const SEC_WINNT_AUTH_IDENTITY *who,
		   BYTE ntlm_v2_hash[16])
{
	struct rdp_login *login = wl_container_of(check, login, nla);
	char *user = rdp_auth_user_name(who);
	bool known = rdp_auth_ntlm_v2_hash(login->peer->server->auth, user, who, ntlm_v2_hash);

	rdp_login_user_for_log(user, login->nla_user);
	free(user);
	return known;
}

/* A wrong answer waits as a wrong password does at licensing, then FreeRDP tells the client. */
static void
rdp_login_nla_verdict(struct rdp_nla_check *check, bool accepted)
{
	struct rdp_login *login = wl_container_of(check, login, nla);
	const char *address = login->peer->client->hostname;
	int delay_ms;

	if (accepted) {
		atomic_store(&login->authenticated, true);
		weston_log("rdp: %s logged in as %s (network level authentication)\n", address,
			   login->nla_user);
		return;
	}
	delay_ms = rdp_auth_refuse(login->peer->server->auth, address);
	weston_log("rdp: refused %s: wrong user name or password (user \"%s\", network level "
		   "authentication); answered after %d ms\n",
		   address, login->nla_user, delay_ms);
	rdp_login_wait(login, delay_ms);
}

/*
 * After NLA FreeRDP copies the client's credentials, the password it sent in
 * the clear over CredSSP among them, into the peer, and never frees them: the
 * check is done (rdp-nla.c), so they are wiped and freed here, at once.
 */
static BOOL
rdp_login_handle_logon(freerdp_peer *client, SEC_WINNT_AUTH_IDENTITY *identity, BOOL automatic)
{
	if (identity->Password)
		explicit_bzero(identity->Password,
			       (size_t)identity->PasswordLength * sizeof(WCHAR));
	free(identity->User);
	free(identity->Domain);
	free(identity->Password);
	identity->User = identity->Domain = identity->Password = NULL;
	identity->UserLength = identity->DomainLength = identity->PasswordLength = 0;
	return TRUE;
}

/* Reads and answers the client until it is active, fails, or is cut. */
static bool
rdp_login_converse(struct rdp_login *login)
{
	freerdp_peer *client = login->peer->client;
	HANDLE handles[RDP_MAX_EVENT_FDS];
	DWORD n, status;

	while (!atomic_load(&login->stop)) {
		n = client->GetEventHandles(client, handles, RDP_MAX_EVENT_FDS);
		if (n == 0)
			return false;
		/* the timeout only bounds how late a cut without a shutdown is seen */
		status = WaitForMultipleObjects(n, handles, FALSE, 1000);
		if (status == WAIT_FAILED || atomic_load(&login->stop))
			return false;
		/* OpenSSL's error queue is per thread: start clean, leave nothing */
		ERR_clear_error();
		if (!client->CheckFileDescriptor(client))
			return false;
		pthread_mutex_lock(&login->logins->lock);
		bool active = login->activate_answered && login->activate_result;
		pthread_mutex_unlock(&login->logins->lock);
		if (active)
			return true;
	}
	return false;
}

static void *
rdp_login_thread(void *data)
{
	struct rdp_login *login = data;
	struct rdp_peer *peer = login->peer;
	bool active = false;

	if (rdp_peer_prepare(peer)) {
		login->license_default = peer->client->LicenseCallback;
		peer->client->LicenseCallback = rdp_login_handle_license;
		peer->client->Activate = rdp_login_handle_activate;
		peer->client->Logon = rdp_login_handle_logon;
		login->nla.hash = rdp_login_nla_hash;
		login->nla.verdict = rdp_login_nla_verdict;
		rdp_nla_check_bind(&login->nla);
		active = rdp_login_converse(login);
		rdp_nla_check_bind(NULL);
	}
	ERR_clear_error();
	pthread_mutex_lock(&login->logins->lock);
	login->finished = true;
	login->activated = active;
	rdp_login_post_locked(login);
	pthread_mutex_unlock(&login->logins->lock);
	return NULL;
}

/* --- on the event loop ------------------------------------------------------------------- */

/* Has the thread end soon: no more waiting on the event loop, the socket shut. */
static void
rdp_login_cut(struct rdp_login *login)
{
	atomic_store(&login->stop, true);
	/* wakes FreeRDP's blocking TLS accept and every read: they fail at once */
	shutdown(login->peer->client->sockfd, SHUT_RDWR);
	pthread_mutex_lock(&login->logins->lock);
	pthread_cond_broadcast(&login->cond);
	pthread_mutex_unlock(&login->logins->lock);
}

/* Ends the login thread now (it is cut unless it finished) and forgets the login. */
static void
rdp_login_end(struct rdp_login *login)
{
	struct rdp_logins *logins = login->logins;
	bool finished;

	pthread_mutex_lock(&logins->lock);
	finished = login->finished;
	pthread_mutex_unlock(&logins->lock);
	/* a thread that handed the peer over leaves its connection as it is */
	if (!finished)
		rdp_login_cut(login);
	pthread_join(login->thread, NULL);
	pthread_mutex_lock(&logins->lock);
	if (login->in_news)
		wl_list_remove(&login->news_link);
	pthread_mutex_unlock(&logins->lock);
	pthread_cond_destroy(&login->cond);
	wl_list_remove(&login->link);
	logins->count--;
	logins->ended_untrimmed++;
	login->peer->login = NULL;
	free(login);
}

/*
 * What ended logins held (FreeRDP's connection state is megabytes, allocated on
 * their threads' malloc arenas) goes back to the system: once a flood of them is
 * over, and every so often while one goes on.
 */
static void
rdp_logins_give_back_memory(struct rdp_logins *logins)
{
	if (logins->ended_untrimmed == 0 ||
	    (logins->count > 0 && logins->ended_untrimmed < RDP_LOGINS_MAX / 2))
		return;
	logins->ended_untrimmed = 0;
	malloc_trim(0);
}

/* The thread asked for activation: the peer joins the compositor. */
static void
rdp_login_answer_activation(struct rdp_login *login)
{
	bool result = !atomic_load(&login->stop) && rdp_peer_activate(login->peer);

	pthread_mutex_lock(&login->logins->lock);
	login->activate_answered = true;
	login->activate_result = result;
	pthread_cond_broadcast(&login->cond);
	pthread_mutex_unlock(&login->logins->lock);
}

static void
rdp_login_handle_news(struct rdp_login *login, bool activate, bool finished, bool activated)
{
	struct rdp_peer *peer = login->peer;

	if (finished) {
		bool cut = atomic_load(&login->stop);

		rdp_login_end(login);
		if (activated && !cut && peer->activated)
			rdp_peer_go_live(peer);
		else
			rdp_peer_destroy(peer);
		return;
	}
	if (activate)
		rdp_login_answer_activation(login);
}

static int
rdp_logins_handle_wake(int fd, uint32_t mask, void *data)
{
	struct rdp_logins *logins = data;
	uint64_t count;

	if (read(fd, &count, sizeof count) < 0 && errno != EAGAIN)
		weston_log("rdp: logins: %s\n", strerror(errno));
	/* one at a time: handling one may end others (and their news) */
	for (;;) {
		struct rdp_login *login;
		bool activate, finished, activated;

		pthread_mutex_lock(&logins->lock);
		if (wl_list_empty(&logins->news)) {
			pthread_mutex_unlock(&logins->lock);
			break;
		}
		login = wl_container_of(logins->news.next, login, news_link);
		wl_list_remove(&login->news_link);
		login->in_news = false;
		activate = login->activate_asked && !login->activate_answered;
		finished = login->finished;
		activated = login->activated;
		pthread_mutex_unlock(&logins->lock);
		rdp_login_handle_news(login, activate, finished, activated);
	}
	rdp_logins_give_back_memory(logins);
	return 0;
}

/* Cuts the clients that are past their deadline; their threads then end them. */
static int
rdp_logins_handle_tick(void *data)
{
	struct rdp_logins *logins = data;
	struct rdp_login *login;
	int64_t now = monotonic_ms();

	wl_list_for_each(login, &logins->all, link)
	{
		int64_t age = now - login->started_ms;
		bool authenticated = atomic_load(&login->authenticated);

		if (atomic_load(&login->stop))
			continue;
		if (age > RDP_LOGIN_ACTIVE_DEADLINE_MS ||
		    (!authenticated && age > RDP_LOGIN_AUTH_DEADLINE_MS)) {
			weston_log("rdp: cutting %s: %s within %d s\n",
				   login->peer->client->hostname,
				   authenticated ? "not active" : "no login",
				   (authenticated ? RDP_LOGIN_ACTIVE_DEADLINE_MS
						  : RDP_LOGIN_AUTH_DEADLINE_MS) /
					   1000);
			rdp_login_cut(login);
		}
	}
	if (!wl_list_empty(&logins->all))
		wl_event_source_timer_update(logins->tick, RDP_LOGIN_TICK_MS);
	return 0;
}

/* Full: the client connecting longest without a login makes room. */
static bool
rdp_logins_make_room(struct rdp_logins *logins)
{
	struct rdp_login *login;

	if (logins->count < RDP_LOGINS_MAX)
		return true;
	wl_list_for_each(login, &logins->all, link)
	{
		if (!atomic_load(&login->stop) && !atomic_load(&login->authenticated)) {
			weston_log("rdp: %d clients connecting; cutting the oldest, %s\n",
				   logins->count, login->peer->client->hostname);
			rdp_login_cut(login);
			/* its thread is about to end: the slot is counted free from now */
			return true;
		}
	}
	return false;
}

bool
rdp_login_start(struct rdp_server *server, freerdp_peer *client)
{
	struct rdp_logins *logins = server->logins;
	struct rdp_login *login;
	struct rdp_peer *peer;
	pthread_attr_t attr;
	int err;

	if (!rdp_logins_make_room(logins)) {
		weston_log("rdp: refusing %s: %d clients are logging in\n", client->hostname,
			   logins->count);
		return false;
	}
	peer = calloc(1, sizeof *peer);
	login = calloc(1, sizeof *login);
	if (!peer || !login)
		goto err;
	peer->server = server;
	peer->client = client;
	peer->clipboard_max_bytes = server->clipboard_max_bytes;
	peer->login = login;
	peer->end_login = rdp_login_end;
	wl_list_init(&peer->link);
	login->logins = logins;
	login->peer = peer;
	login->started_ms = monotonic_ms();
	pthread_cond_init(&login->cond, NULL);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, RDP_LOGIN_STACK_SIZE);
	err = pthread_create(&login->thread, &attr, rdp_login_thread, login);
	pthread_attr_destroy(&attr);
	if (err) {
		weston_log("rdp: refusing %s: no thread for it: %s\n", client->hostname,
			   strerror(err));
		pthread_cond_destroy(&login->cond);
		goto err;
	}
	wl_list_insert(logins->all.prev, &login->link);
	logins->count++;
	if (logins->count == 1)
		wl_event_source_timer_update(logins->tick, RDP_LOGIN_TICK_MS);
	weston_log("rdp: connection from %s\n", client->hostname[0] ? client->hostname : "local");
	return true;
err:
	free(login);
	free(peer);
	return false;
}

struct rdp_logins *
rdp_logins_create(struct rdp_server *server)
{
	struct rdp_logins *logins = calloc(1, sizeof *logins);

	if (!logins)
		return NULL;
	logins->server = server;
	wl_list_init(&logins->all);
	wl_list_init(&logins->news);
	pthread_mutex_init(&logins->lock, NULL);
	logins->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (logins->wake_fd >= 0)
		logins->wake_event =
			wl_event_loop_add_fd(server->loop, logins->wake_fd, WL_EVENT_READABLE,
					     rdp_logins_handle_wake, logins);
	logins->tick = wl_event_loop_add_timer(server->loop, rdp_logins_handle_tick, logins);
	if (!logins->wake_event || !logins->tick) {
		rdp_logins_destroy(logins);
		return NULL;
	}
	return logins;
}

void
rdp_logins_destroy(struct rdp_logins *logins)
{
	if (!logins)
		return;
	/* each cut wakes its thread at once; the peer goes with it */
	while (!wl_list_empty(&logins->all)) {
		struct rdp_login *login = wl_container_of(logins->all.next, login, link);

		rdp_peer_destroy(login->peer);
	}
	if (logins->tick)
		wl_event_source_remove(logins->tick);
	if (logins->wake_event)
		wl_event_source_remove(logins->wake_event);
	if (logins->wake_fd >= 0)
		close(logins->wake_fd);
	pthread_mutex_destroy(&logins->lock);
	free(logins);
}
