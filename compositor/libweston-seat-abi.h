/*
 * Seat and input entry points of libweston 10.
 *
 * libweston-10.so exports these (its own backends call them), but declares them
 * in backend.h and libweston-internal.h, which Debian's libweston-10-dev does not
 * install. The headless backend makes no seat, so the compositor creates one and
 * feeds it input; the prototypes below match libweston 10.0's exported ABI.
 */
#ifndef PORTHOLE_LIBWESTON_SEAT_ABI_H
#define PORTHOLE_LIBWESTON_SEAT_ABI_H

#include <libweston/libweston.h>
#include <xkbcommon/xkbcommon.h>

void weston_seat_init(struct weston_seat *seat, struct weston_compositor *ec,
		      const char *seat_name);

void weston_seat_release(struct weston_seat *seat);

void weston_seat_init_pointer(struct weston_seat *seat);

int weston_seat_init_keyboard(struct weston_seat *seat, struct xkb_keymap *keymap);

/* Takes its own reference; applied once no key is down. */
void weston_seat_update_keymap(struct weston_seat *seat, struct xkb_keymap *keymap);

void notify_motion_absolute(struct weston_seat *seat, const struct timespec *time, double x,
			    double y);

void notify_button(struct weston_seat *seat, const struct timespec *time, int32_t button,
		   enum wl_pointer_button_state state);

void notify_key(struct weston_seat *seat, const struct timespec *time, uint32_t key,
		enum wl_keyboard_key_state state, enum weston_key_state_update update_state);

void notify_pointer_frame(struct weston_seat *seat);

void notify_axis(struct weston_seat *seat, const struct timespec *time,
		 struct weston_pointer_axis_event *event);

void weston_output_damage(struct weston_output *output);

#endif
