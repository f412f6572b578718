/*
 * libpulse's main loop interface served by the compositor's wl_event_loop, so the
 * audio bridge runs on the compositor thread with no thread and no lock of its own.
 */
#ifndef PORTHOLE_PULSE_LOOP_H
#define PORTHOLE_PULSE_LOOP_H

#include <pulse/mainloop-api.h>
#include <wayland-server-core.h>

struct pulse_loop;

/** NULL when out of memory. */
struct pulse_loop *pulse_loop_create(struct wl_event_loop *loop);

/** The API libpulse objects are created with; valid until pulse_loop_destroy(). */
pa_mainloop_api *pulse_loop_get_api(struct pulse_loop *pulse_loop);

/**
 * Frees the loop. libpulse frees its own events when its contexts go, so every
 * pa_context made on this loop must be gone first; what is left is freed here.
 */
void pulse_loop_destroy(struct pulse_loop *pulse_loop);

#endif
