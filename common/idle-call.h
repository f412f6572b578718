/*
 * "Run once when idle": a function called the next time the event loop has
 * nothing else to do, however often it was asked for meanwhile. Many changes
 * in one dispatch (a commit per window, a burst of requests) make one call.
 */
#ifndef PORTHOLE_IDLE_CALL_H
#define PORTHOLE_IDLE_CALL_H

#include <stdbool.h>

#include <wayland-server-core.h>

struct idle_call {
	struct wl_event_loop *loop;
	void (*func)(void *data);
	void *data;
	struct wl_event_source *source; /* while a call is due */
};

void idle_call_init(struct idle_call *call, struct wl_event_loop *loop, void (*func)(void *data),
		    void *data);

/** Makes the call due, unless it is already. False when out of memory. */
bool idle_call_schedule(struct idle_call *call);

/** Whether a call is due. */
bool idle_call_pending(const struct idle_call *call);

/** No call is due any more; NULL-safe and safe on a call never scheduled. */
void idle_call_cancel(struct idle_call *call);

#endif
