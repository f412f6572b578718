/*
 * portholed's service state machine driven by hand: fake spawn, kill and timers,
 * a clock the test moves. Covers restart, backoff, the crash-loop limit, the
 * ready and stop timeouts, and stale pids.
 */
#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "service.h"
#include "spawn.h"
#include "tap.h"

struct fake {
	pid_t next_pid;
	bool spawn_fails;
	int spawns;
	int last_signal;
	pid_t last_signal_pid;
	int timer_ms; /* armed delay; 0 none */
	int64_t now;
	char last_why[160];
};

static pid_t
fake_spawn(struct sv_service *service)
{
	struct fake *fake = service->owner;

	fake->spawns++;
	return fake->spawn_fails ? -1 : fake->next_pid++;
}

static void
fake_kill(struct sv_service *service, pid_t pid, int sig)
{
	struct fake *fake = service->owner;

	fake->last_signal = sig;
	fake->last_signal_pid = pid;
}

static void
fake_arm_timer(struct sv_service *service, int ms)
{
	((struct fake *)service->owner)->timer_ms = ms;
}

static int64_t
fake_now(struct sv_service *service)
{
	return ((struct fake *)service->owner)->now;
}

static void
fake_state_changed(struct sv_service *service, enum sv_state old_state, const char *why)
{
	struct fake *fake = service->owner;

	(void)old_state;
	snprintf(fake->last_why, sizeof fake->last_why, "%s", why);
}

static const struct sv_ops fake_ops = {
	.spawn = fake_spawn,
	.kill = fake_kill,
	.arm_timer = fake_arm_timer,
	.now_ms = fake_now,
	.state_changed = fake_state_changed,
};

static const struct sv_policy policy = {
	.restart_delay_min_ms = 100,
	.restart_delay_max_ms = 400,
	.restart_limit = 3,
	.restart_window_ms = 10000,
	.ready_timeout_ms = 5000,
	.stop_timeout_ms = 2000,
};

static int
crashed(void)
{
	return SIGSEGV; /* a wait status for "killed by SIGSEGV" */
}

/* Start, readiness, restarts with backoff, the crash loop that gives up. */
static void
test_lifecycle(struct tap *t, struct sv_service *s, struct fake *fake)
{
	sv_service_init(s, "svc", &fake_ops, &policy, fake);
	TAP_CHECK(t, s->state == SV_DOWN && sv_service_is_stopped(s), "a new service is down");

	sv_service_start(s);
	TAP_CHECK(t, s->state == SV_STARTING && s->pid == 100 && fake->timer_ms == 5000,
		  "start spawns and arms the ready timeout");
	sv_service_handle_ready(s, 999);
	TAP_CHECK(t, s->state == SV_STARTING, "readiness from another pid is ignored");
	sv_service_handle_ready(s, 100);
	TAP_CHECK(t, s->state == SV_READY && fake->timer_ms == 0,
		  "READY=1 from its pid: ready, timeout cancelled");
	TAP_CHECK(t, !sv_service_handle_exit(s, 555, 0), "an unknown pid's exit is not its");

	/* a ready service that dies comes back at once */
	fake->now += 50;
	sv_service_handle_exit(s, 100, crashed());
	TAP_CHECK(t, s->state == SV_STARTING && s->pid == 101 && s->restarts == 1,
		  "a crash after ready restarts at once (pid %d)", (int)s->pid);
	TAP_CHECK(t, strstr(fake->last_why, "pid 101") != NULL, "the new pid is told: %s",
		  fake->last_why);

	/* never ready again: backoff doubles */
	fake->now += 50;
	sv_service_handle_exit(s, 101, 1 << 8);
	TAP_CHECK(t,
		  s->state == SV_DOWN && fake->timer_ms == 100 && strstr(fake->last_why, "100 ms"),
		  "a crash before ready waits the minimum delay: %s", fake->last_why);
	sv_service_handle_timer(s);
	TAP_CHECK(t, s->state == SV_STARTING && s->pid == 102, "the timer restarts it");

	fake->now += 50;
	sv_service_handle_exit(s, 102, 1 << 8);
	TAP_CHECK(t, s->state == SV_FAILED && strstr(fake->last_why, "crash loop"),
		  "the third exit within the window gives up: %s", fake->last_why);
	sv_service_handle_timer(s);
	TAP_CHECK(t, s->state == SV_FAILED && fake->spawns == 3, "a failed service stays down");

	/* start again after failing: the count starts over */
	sv_service_start(s);
	TAP_CHECK(t, s->state == SV_STARTING && s->pid == 103, "start after failed spawns again");

	/* exits spread wider than the window never add up to a loop */
	for (int i = 0; i < 5; i++) {
		pid_t pid = s->pid;
		sv_service_handle_ready(s, pid);
		fake->now += 6000;
		sv_service_handle_exit(s, pid, crashed());
	}
	TAP_CHECK(t, s->state == SV_STARTING, "five exits 6 s apart (window 10 s) keep restarting");
}

/* A service that never gets ready is killed; stopping stops for good. */
static void
test_timeouts_and_stop(struct tap *t, struct sv_service *s, struct fake *fake)
{
	/* ready timeout: killed, then the exit counts as a crash */
	int64_t before = fake->now;
	sv_service_handle_timer(s);
	TAP_CHECK(t, fake->last_signal == SIGKILL && fake->last_signal_pid == s->pid,
		  "not ready in time: SIGKILL");
	fake->now = before + 20000;
	sv_service_handle_exit(s, s->pid, SIGKILL);
	TAP_CHECK(t, s->state == SV_DOWN && fake->timer_ms > 0,
		  "the hung one is restarted after a delay");

	/* the delay never exceeds the maximum */
	for (int i = 0; i < 2; i++) {
		sv_service_handle_timer(s);
		fake->now += 20000;
		sv_service_handle_exit(s, s->pid, 1 << 8);
	}
	TAP_CHECK(t, fake->timer_ms == 400, "backoff is capped at the maximum: %d ms",
		  fake->timer_ms);

	/* stop: SIGTERM, SIGKILL at the stop timeout, no restart */
	sv_service_handle_timer(s);
	pid_t running = s->pid;
	sv_service_stop(s);
	TAP_CHECK(t,
		  s->state == SV_STOPPING && fake->last_signal == SIGTERM && fake->timer_ms == 2000,
		  "stop sends SIGTERM and arms the stop timeout");
	sv_service_handle_timer(s);
	TAP_CHECK(t, fake->last_signal == SIGKILL && fake->last_signal_pid == running,
		  "still there at the timeout: SIGKILL");
	sv_service_handle_exit(s, running, SIGKILL);
	TAP_CHECK(t, s->state == SV_DOWN && sv_service_is_stopped(s) && s->pid == 0,
		  "after the exit it is down and stays so");
	int spawns = fake->spawns;
	sv_service_handle_timer(s);
	TAP_CHECK(t, fake->spawns == spawns, "no restart after stop");
}

/* spawn failures count as crashes and end in failed, not a busy loop */
static void
test_spawn_failures(struct tap *t)
{
	struct sv_service broken;
	struct fake broken_fake = {.next_pid = 200, .now = 0, .spawn_fails = true};
	sv_service_init(&broken, "broken", &fake_ops, &policy, &broken_fake);
	sv_service_start(&broken);
	for (int i = 0; i < 10 && broken.state == SV_DOWN; i++)
		sv_service_handle_timer(&broken);
	TAP_CHECK(t, broken.state == SV_FAILED && broken_fake.spawns == 3,
		  "a service that cannot be spawned fails after the limit (%d tries)",
		  broken_fake.spawns);
}

/* A service that served and then exits 0 (asked to quit) comes back, however often. */
static void
test_clean_exits(struct tap *t)
{
	struct fake fake = {.next_pid = 300, .now = 0};
	struct sv_service s;

	sv_service_init(&s, "quits", &fake_ops, &policy, &fake);
	sv_service_start(&s);
	sv_service_handle_ready(&s, s.pid);
	sv_service_handle_exit(&s, s.pid, 0);
	TAP_CHECK(t,
		  s.state == SV_DOWN && fake.timer_ms == 100 &&
			  strstr(fake.last_why, "not a crash"),
		  "a clean exit after ready waits the shortest delay: %s", fake.last_why);
	sv_service_handle_timer(&s);
	for (int i = 1; i < 10; i++) {
		sv_service_handle_ready(&s, s.pid);
		fake.now += 10;
		sv_service_handle_exit(&s, s.pid, 0);
		sv_service_handle_timer(&s);
	}
	TAP_CHECK(t, s.state == SV_STARTING && fake.spawns == 11,
		  "ten clean exits within the window are no crash loop (%d spawns)", fake.spawns);
	sv_service_handle_ready(&s, s.pid);
	sv_service_handle_exit(&s, s.pid, 1 << 8);
	TAP_CHECK(t, s.state == SV_STARTING && s.restarts == 11,
		  "nor do they count toward one: a crash after them restarts at once");
}

/* The identity a service drops to carries its user's groups, read before any fork. */
static void
test_identity_groups(struct tap *t)
{
	struct passwd *pw = getpwuid(getuid());
	struct sv_identity id = {0};
	bool has_primary = false;

	TAP_CHECK(t, pw != NULL, "the user running the test has a passwd entry");
	if (!pw)
		return;
	TAP_CHECK(t, sv_identity_set_user(&id, pw->pw_name, pw->pw_uid, pw->pw_gid) == 0,
		  "the groups of %s are read", pw->pw_name);
	for (size_t i = 0; i < id.n_groups; i++)
		has_primary |= id.groups[i] == pw->pw_gid;
	TAP_CHECK(t, id.drop && id.uid == pw->pw_uid && has_primary,
		  "the identity drops to uid %d with its own group among %zu", (int)id.uid,
		  id.n_groups);
	sv_identity_release(&id);
	TAP_CHECK(t, id.groups == NULL && id.n_groups == 0, "released, it holds no groups");
}

int
main(void)
{
	struct tap t = {0};
	struct fake fake = {.next_pid = 100, .now = 1000};
	struct sv_service s;

	test_lifecycle(&t, &s, &fake);
	test_timeouts_and_stop(&t, &s, &fake);
	test_spawn_failures(&t);
	test_clean_exits(&t);
	test_identity_groups(&t);
	return tap_finish(&t);
}
