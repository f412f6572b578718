#include "service.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

const char *
sv_state_name(enum sv_state state)
{
	switch (state) {
	case SV_DOWN:
		return "down";
	case SV_STARTING:
		return "starting";
	case SV_READY:
		return "ready";
	case SV_STOPPING:
		return "stopping";
	case SV_FAILED:
		return "failed";
	}
	return "?";
}

static void
sv_service_set_state(struct sv_service *service, enum sv_state state, const char *why)
{
	enum sv_state old = service->state;

	service->state = state;
	service->ops->state_changed(service, old, why);
}

void
sv_service_init(struct sv_service *service, const char *name, const struct sv_ops *ops,
		const struct sv_policy *policy, void *owner)
{
	memset(service, 0, sizeof *service);
	service->name = name;
	service->ops = ops;
	service->policy = *policy;
	if (service->policy.restart_limit > SV_RESTART_LIMIT_MAX)
		service->policy.restart_limit = SV_RESTART_LIMIT_MAX;
	if (service->policy.restart_limit < 1)
		service->policy.restart_limit = 1;
	service->owner = owner;
	service->state = SV_DOWN;
	service->restart_delay_ms = service->policy.restart_delay_min_ms;
}

static void
sv_service_spawn(struct sv_service *service)
{
	char why[64];
	pid_t pid = service->ops->spawn(service);

	if (pid < 0) {
		/* Same as an immediate crash: counted, retried with backoff. */
		sv_service_handle_exit(service, 0, -1);
		return;
	}
	service->pid = pid;
	snprintf(why, sizeof why, "pid %d", (int)pid);
	sv_service_set_state(service, SV_STARTING, why);
	service->ops->arm_timer(service, service->policy.ready_timeout_ms);
}

void
sv_service_start(struct sv_service *service)
{
	service->wanted = true;
	if (service->state != SV_DOWN && service->state != SV_FAILED)
		return;
	service->exit_count = 0;
	service->restart_delay_ms = service->policy.restart_delay_min_ms;
	service->ops->arm_timer(service, 0);
	sv_service_spawn(service);
}

void
sv_service_handle_ready(struct sv_service *service, pid_t pid)
{
	if (service->state != SV_STARTING || pid != service->pid)
		return;
	service->ops->arm_timer(service, 0);
	service->restart_delay_ms = service->policy.restart_delay_min_ms;
	sv_service_set_state(service, SV_READY, "READY=1");
}

/* How many of the recorded exits fall inside the window ending now. */
static int
sv_service_recent_exits(struct sv_service *service, int64_t now)
{
	int limit = service->policy.restart_limit;
	unsigned stored =
		service->exit_count < (unsigned)limit ? service->exit_count : (unsigned)limit;
	int recent = 0;

	for (unsigned i = 0; i < stored; i++) {
		if (now - service->exits[i] <= service->policy.restart_window_ms)
			recent++;
	}
	return recent;
}

static void
sv_describe_status(int status, char *why, size_t size)
{
	if (status == -1)
		snprintf(why, size, "could not be started");
	else if (WIFEXITED(status))
		snprintf(why, size, "exited with status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(why, size, "killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else
		snprintf(why, size, "ended (wait status 0x%x)", (unsigned)status);
}

bool
sv_service_handle_exit(struct sv_service *service, pid_t pid, int status)
{
	int64_t now = service->ops->now_ms(service);
	bool was_ready = service->state == SV_READY;
	char why[160], reason[96];

	if (status != -1 && (pid <= 0 || pid != service->pid))
		return false;
	service->pid = 0;
	service->ops->arm_timer(service, 0);
	sv_describe_status(status, reason, sizeof reason);
	if (service->state == SV_STOPPING || !service->wanted) {
		sv_service_set_state(service, SV_DOWN, reason);
		return true;
	}

	/*
	 * A service that served and then ended cleanly was asked to (a quit on the
	 * compositor's control socket): not a crash, so it never adds up to a
	 * crash loop; it comes back after the shortest delay.
	 */
	if (was_ready && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		snprintf(why, sizeof why, "%s; restarting in %d ms (a clean exit, not a crash)",
			 reason, service->policy.restart_delay_min_ms);
		sv_service_set_state(service, SV_DOWN, why);
		service->ops->arm_timer(service, service->policy.restart_delay_min_ms);
		return true;
	}
	service->exits[service->exit_count % (unsigned)service->policy.restart_limit] = now;
	service->exit_count++;
	if (sv_service_recent_exits(service, now) >= service->policy.restart_limit) {
		snprintf(why, sizeof why, "%s; %d exits within %d s, giving up (crash loop)",
			 reason, service->policy.restart_limit,
			 service->policy.restart_window_ms / 1000);
		sv_service_set_state(service, SV_FAILED, why);
		return true;
	}

	/* A service that had been serving restarts at once: it was not a crash
	 * loop. One that never got ready waits, longer each time. */
	int delay = was_ready ? 0 : service->restart_delay_ms;
	if (!was_ready) {
		service->restart_delay_ms *= 2;
		if (service->restart_delay_ms > service->policy.restart_delay_max_ms)
			service->restart_delay_ms = service->policy.restart_delay_max_ms;
	}
	snprintf(why, sizeof why, "%s; restarting in %d ms", reason, delay);
	sv_service_set_state(service, SV_DOWN, why);
	if (delay == 0) {
		service->restarts++;
		sv_service_spawn(service);
	} else {
		service->ops->arm_timer(service, delay);
	}
	return true;
}

void
sv_service_handle_timer(struct sv_service *service)
{
	switch (service->state) {
	case SV_DOWN:
		if (service->wanted) {
			service->restarts++;
			sv_service_spawn(service);
		}
		break;
	case SV_STARTING:
		/* Not ready in time: treat it as hung. Its exit is counted and
		 * restarted like a crash. */
		service->ops->kill(service, service->pid, SIGKILL);
		break;
	case SV_STOPPING:
		service->ops->kill(service, service->pid, SIGKILL);
		break;
	case SV_READY:
	case SV_FAILED:
		break;
	}
}

void
sv_service_stop(struct sv_service *service)
{
	service->wanted = false;
	service->ops->arm_timer(service, 0);
	if (service->pid > 0 && service->state != SV_STOPPING) {
		service->ops->kill(service, service->pid, SIGTERM);
		sv_service_set_state(service, SV_STOPPING, "SIGTERM");
		service->ops->arm_timer(service, service->policy.stop_timeout_ms);
	} else if (service->pid <= 0 && service->state != SV_DOWN) {
		sv_service_set_state(service, SV_DOWN, "stopped");
	}
}

bool
sv_service_is_stopped(const struct sv_service *service)
{
	return service->pid <= 0 && (service->state == SV_DOWN || service->state == SV_FAILED);
}
