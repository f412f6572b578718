/*
 * One supervised service as a small state machine: down, starting, ready,
 * stopping, failed. It decides; the ops it is given act (fork, signal, timers),
 * so the unit tests drive it without starting a process.
 */
#ifndef PORTHOLE_SERVICE_H
#define PORTHOLE_SERVICE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

enum sv_state {
	SV_DOWN,     /* not running; a restart may be pending */
	SV_STARTING, /* spawned, readiness not yet told */
	SV_READY,    /* told READY=1 */
	SV_STOPPING, /* sent SIGTERM, waiting for the exit */
	SV_FAILED,   /* crash loop: no more restarts until started again */
};

struct sv_service;

struct sv_ops {
	/** Starts the process; returns its pid or -1. */
	pid_t (*spawn)(struct sv_service *service);
	/** Sends @sig to the process. */
	void (*kill)(struct sv_service *service, pid_t pid, int sig);
	/** Calls sv_service_handle_timer() after @ms; 0 cancels the pending call. */
	void (*arm_timer)(struct sv_service *service, int ms);
	/** Monotonic milliseconds. */
	int64_t (*now_ms)(struct sv_service *service);
	/** Tells the owner after every state change (logging, boot readiness). */
	void (*state_changed)(struct sv_service *service, enum sv_state old_state, const char *why);
};

struct sv_policy {
	int restart_delay_min_ms; /* first restart of a service that never got ready */
	int restart_delay_max_ms; /* the delay doubles up to this */
	int restart_limit;        /* this many exits ... */
	int restart_window_ms;    /* ... within this window: failed */
	int ready_timeout_ms;     /* no READY=1 by then: killed, counted as a crash */
	int stop_timeout_ms;      /* SIGKILL after SIGTERM */
};

#define SV_RESTART_LIMIT_MAX 64

struct sv_service {
	const char *name;
	const struct sv_ops *ops;
	struct sv_policy policy;
	void *owner;

	enum sv_state state;
	pid_t pid;
	bool wanted; /* should run: cleared by stop, set by start */
	int restart_delay_ms;
	int restarts;                        /* how many times it was started again after an exit */
	int64_t exits[SV_RESTART_LIMIT_MAX]; /* recent exit times, ring */
	unsigned exit_count;
};

void sv_service_init(struct sv_service *service, const char *name, const struct sv_ops *ops,
		     const struct sv_policy *policy, void *owner);

/** Starts the service now (also after it failed). */
void sv_service_start(struct sv_service *service);

/** Readiness arrived from the process @pid. Stale pids are ignored. */
void sv_service_handle_ready(struct sv_service *service, pid_t pid);

/** The service's process exited with wait @status. Returns false when @pid is not its. */
bool sv_service_handle_exit(struct sv_service *service, pid_t pid, int status);

/** The timer armed through the ops fired. */
void sv_service_handle_timer(struct sv_service *service);

/** Stops it: SIGTERM, SIGKILL after the stop timeout; no restart. */
void sv_service_stop(struct sv_service *service);

/** Whether nothing of it runs any more (down or failed, no pid). */
bool sv_service_is_stopped(const struct sv_service *service);

const char *sv_state_name(enum sv_state state);

#endif
