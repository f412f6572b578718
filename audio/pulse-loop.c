/*
 * pa_mainloop_api on a wl_event_loop. libpulse asks for three kinds of events:
 * fd watches (wl fd sources), timers at an absolute wall-clock time (wl timers,
 * millisecond resolution) and "defer" events that run once per loop iteration
 * while enabled. wl_event_loop has no such thing, so one eventfd stays readable
 * while any defer event is enabled and its handler runs them all.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <pulse/timeval.h>

#include "pulse-loop.h"

/* libpulse marks timevals taken from the monotonic clock with this bit in
 * tv_usec (its own main loop only; kept here in case a caller sets it). */
#define PULSE_TIMEVAL_MONOTONIC_BIT (1UL << 30)

struct pulse_loop {
	pa_mainloop_api api; /* first: libpulse hands back the api pointer */
	struct wl_event_loop *loop;
	struct wl_list io_events;    /* pa_io_event::link */
	struct wl_list time_events;  /* pa_time_event::link */
	struct wl_list defer_events; /* pa_defer_event::link */
	int defer_fd;                /* eventfd: readable while a defer event is enabled */
	struct wl_event_source *defer_source;
	int n_defer_enabled;
	unsigned defer_round; /* pa_defer_event::round of the dispatch under way */
};

struct pa_io_event {
	struct pulse_loop *owner;
	struct wl_list link; /* pulse_loop::io_events */
	struct wl_event_source *source;
	int fd;
	pa_io_event_cb_t callback;
	pa_io_event_destroy_cb_t destroy_callback;
	void *userdata;
};

struct pa_time_event {
	struct pulse_loop *owner;
	struct wl_list link; /* pulse_loop::time_events */
	struct wl_event_source *source;
	pa_time_event_cb_t callback;
	pa_time_event_destroy_cb_t destroy_callback;
	void *userdata;
	struct timeval when;
};

struct pa_defer_event {
	struct pulse_loop *owner;
	struct wl_list link; /* pulse_loop::defer_events */
	bool enabled;
	unsigned round;
	pa_defer_event_cb_t callback;
	pa_defer_event_destroy_cb_t destroy_callback;
	void *userdata;
};

static struct pulse_loop *
to_pulse_loop(pa_mainloop_api *api)
{
	return (struct pulse_loop *)api;
}

/* ---- fd watches ---- */

static uint32_t
pulse_loop_wl_mask(pa_io_event_flags_t flags)
{
	return ((flags & PA_IO_EVENT_INPUT) ? WL_EVENT_READABLE : 0) |
	       ((flags & PA_IO_EVENT_OUTPUT) ? WL_EVENT_WRITABLE : 0);
}

static int
pulse_loop_handle_io(int fd, uint32_t mask, void *data)
{
	pa_io_event *event = data;
	pa_io_event_flags_t flags = PA_IO_EVENT_NULL;

	if (mask & WL_EVENT_READABLE)
		flags |= PA_IO_EVENT_INPUT;
	if (mask & WL_EVENT_WRITABLE)
		flags |= PA_IO_EVENT_OUTPUT;
	if (mask & WL_EVENT_HANGUP)
		flags |= PA_IO_EVENT_HANGUP;
	if (mask & WL_EVENT_ERROR)
		flags |= PA_IO_EVENT_ERROR;
	event->callback(&event->owner->api, event, event->fd, flags, event->userdata);
	return 0;
}

static pa_io_event *
pulse_loop_io_new(pa_mainloop_api *api, int fd, pa_io_event_flags_t flags, pa_io_event_cb_t cb,
		  void *userdata)
{
	struct pulse_loop *pulse_loop = to_pulse_loop(api);
	pa_io_event *event = calloc(1, sizeof *event);

	if (!event)
		return NULL;
	event->owner = pulse_loop;
	event->fd = fd;
	event->callback = cb;
	event->userdata = userdata;
	event->source = wl_event_loop_add_fd(pulse_loop->loop, fd, pulse_loop_wl_mask(flags),
					     pulse_loop_handle_io, event);
	if (!event->source) {
		free(event);
		return NULL;
	}
	wl_list_insert(&pulse_loop->io_events, &event->link);
	return event;
}

static void
pulse_loop_io_enable(pa_io_event *event, pa_io_event_flags_t flags)
{
	wl_event_source_fd_update(event->source, pulse_loop_wl_mask(flags));
}

static void
pulse_loop_io_free(pa_io_event *event)
{
	/* removal inside the event's own callback is safe: wl defers the free */
	wl_event_source_remove(event->source);
	wl_list_remove(&event->link);
	if (event->destroy_callback)
		event->destroy_callback(&event->owner->api, event, event->userdata);
	free(event);
}

static void
pulse_loop_io_set_destroy(pa_io_event *event, pa_io_event_destroy_cb_t cb)
{
	event->destroy_callback = cb;
}

/* ---- timers ---- */

static void
pulse_loop_arm_timer(pa_time_event *event, const struct timeval *when)
{
	struct timeval now, target;
	struct timespec mono;
	int64_t delay_us;

	if (!when) {
		wl_event_source_timer_update(event->source, 0);
		return;
	}
	target = *when;
	if ((unsigned long)target.tv_usec & PULSE_TIMEVAL_MONOTONIC_BIT) {
		target.tv_usec &= ~(suseconds_t)PULSE_TIMEVAL_MONOTONIC_BIT;
		clock_gettime(CLOCK_MONOTONIC, &mono);
		now.tv_sec = mono.tv_sec;
		now.tv_usec = mono.tv_nsec / 1000;
	} else {
		gettimeofday(&now, NULL);
	}
	event->when = target;
	delay_us = (int64_t)(target.tv_sec - now.tv_sec) * 1000000 + (target.tv_usec - now.tv_usec);
	/* 0 would disarm a wl timer: a due event fires at the next millisecond */
	wl_event_source_timer_update(event->source,
				     delay_us <= 0 ? 1 : (int)((delay_us + 999) / 1000));
}

static int
pulse_loop_handle_timer(void *data)
{
	pa_time_event *event = data;

	event->callback(&event->owner->api, event, &event->when, event->userdata);
	return 0;
}

static pa_time_event *
pulse_loop_time_new(pa_mainloop_api *api, const struct timeval *when, pa_time_event_cb_t cb,
		    void *userdata)
{
	struct pulse_loop *pulse_loop = to_pulse_loop(api);
	pa_time_event *event = calloc(1, sizeof *event);

	if (!event)
		return NULL;
	event->owner = pulse_loop;
	event->callback = cb;
	event->userdata = userdata;
	event->source = wl_event_loop_add_timer(pulse_loop->loop, pulse_loop_handle_timer, event);
	if (!event->source) {
		free(event);
		return NULL;
	}
	wl_list_insert(&pulse_loop->time_events, &event->link);
	pulse_loop_arm_timer(event, when);
	return event;
}

static void
pulse_loop_time_restart(pa_time_event *event, const struct timeval *when)
{
	pulse_loop_arm_timer(event, when);
}

static void
pulse_loop_time_free(pa_time_event *event)
{
	wl_event_source_remove(event->source);
	wl_list_remove(&event->link);
	if (event->destroy_callback)
		event->destroy_callback(&event->owner->api, event, event->userdata);
	free(event);
}

static void
pulse_loop_time_set_destroy(pa_time_event *event, pa_time_event_destroy_cb_t cb)
{
	event->destroy_callback = cb;
}

/* ---- defer events ---- */

static void
pulse_loop_defer_wake(struct pulse_loop *pulse_loop)
{
	uint64_t one = 1, count;

	if (pulse_loop->n_defer_enabled > 0) {
		if (write(pulse_loop->defer_fd, &one, sizeof one) < 0 && errno != EAGAIN)
			return;
	} else if (read(pulse_loop->defer_fd, &count, sizeof count) < 0) {
		return; /* already drained */
	}
}

static int
pulse_loop_handle_defer(int fd, uint32_t mask, void *data)
{
	struct pulse_loop *pulse_loop = data;
	unsigned round = ++pulse_loop->defer_round;
	pa_defer_event *event;
	bool ran;

	/* A callback may free any defer event (a context going frees its stream's),
	 * so the walk starts over after each call; each event runs once a round. */
	do {
		ran = false;
		wl_list_for_each(event, &pulse_loop->defer_events, link)
		{
			if (event->enabled && event->round != round) {
				event->round = round;
				event->callback(&pulse_loop->api, event, event->userdata);
				ran = true;
				break;
			}
		}
	} while (ran);
	return 0;
}

static void
pulse_loop_defer_enable(pa_defer_event *event, int enable)
{
	struct pulse_loop *pulse_loop = event->owner;

	if (event->enabled == !!enable)
		return;
	event->enabled = !!enable;
	pulse_loop->n_defer_enabled += enable ? 1 : -1;
	pulse_loop_defer_wake(pulse_loop);
}

static pa_defer_event *
pulse_loop_defer_new(pa_mainloop_api *api, pa_defer_event_cb_t cb, void *userdata)
{
	struct pulse_loop *pulse_loop = to_pulse_loop(api);
	pa_defer_event *event = calloc(1, sizeof *event);

	if (!event)
		return NULL;
	event->owner = pulse_loop;
	event->callback = cb;
	event->userdata = userdata;
	wl_list_insert(pulse_loop->defer_events.prev, &event->link);
	pulse_loop_defer_enable(event, 1);
	return event;
}

static void
pulse_loop_defer_free(pa_defer_event *event)
{
	pulse_loop_defer_enable(event, 0);
	wl_list_remove(&event->link);
	if (event->destroy_callback)
		event->destroy_callback(&event->owner->api, event, event->userdata);
	free(event);
}

static void
pulse_loop_defer_set_destroy(pa_defer_event *event, pa_defer_event_destroy_cb_t cb)
{
	event->destroy_callback = cb;
}

static void
pulse_loop_quit(pa_mainloop_api *api, int retval)
{
	/* The compositor's loop ends with the compositor, never at libpulse's word. */
}

/* ---- the loop ---- */

struct pulse_loop *
pulse_loop_create(struct wl_event_loop *loop)
{
	struct pulse_loop *pulse_loop = calloc(1, sizeof *pulse_loop);

	if (!pulse_loop)
		return NULL;
	pulse_loop->loop = loop;
	wl_list_init(&pulse_loop->io_events);
	wl_list_init(&pulse_loop->time_events);
	wl_list_init(&pulse_loop->defer_events);
	pulse_loop->defer_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (pulse_loop->defer_fd < 0)
		goto err_free;
	pulse_loop->defer_source = wl_event_loop_add_fd(
		loop, pulse_loop->defer_fd, WL_EVENT_READABLE, pulse_loop_handle_defer, pulse_loop);
	if (!pulse_loop->defer_source)
		goto err_fd;
	pulse_loop->api = (pa_mainloop_api){
		.userdata = pulse_loop,
		.io_new = pulse_loop_io_new,
		.io_enable = pulse_loop_io_enable,
		.io_free = pulse_loop_io_free,
		.io_set_destroy = pulse_loop_io_set_destroy,
		.time_new = pulse_loop_time_new,
		.time_restart = pulse_loop_time_restart,
		.time_free = pulse_loop_time_free,
		.time_set_destroy = pulse_loop_time_set_destroy,
		.defer_new = pulse_loop_defer_new,
		.defer_enable = pulse_loop_defer_enable,
		.defer_free = pulse_loop_defer_free,
		.defer_set_destroy = pulse_loop_defer_set_destroy,
		.quit = pulse_loop_quit,
	};
	return pulse_loop;

err_fd:
	close(pulse_loop->defer_fd);
err_free:
	free(pulse_loop);
	return NULL;
}

pa_mainloop_api *
pulse_loop_get_api(struct pulse_loop *pulse_loop)
{
	return &pulse_loop->api;
}

void
pulse_loop_destroy(struct pulse_loop *pulse_loop)
{
	if (!pulse_loop)
		return;
	while (!wl_list_empty(&pulse_loop->io_events))
		pulse_loop_io_free(
			wl_container_of(pulse_loop->io_events.next, (pa_io_event *)NULL, link));
	while (!wl_list_empty(&pulse_loop->time_events))
		pulse_loop_time_free(
			wl_container_of(pulse_loop->time_events.next, (pa_time_event *)NULL, link));
	while (!wl_list_empty(&pulse_loop->defer_events))
		pulse_loop_defer_free(wl_container_of(pulse_loop->defer_events.next,
						      (pa_defer_event *)NULL, link));
	wl_event_source_remove(pulse_loop->defer_source);
	close(pulse_loop->defer_fd);
	free(pulse_loop);
}
