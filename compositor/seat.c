#include "seat.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libweston/libweston.h>
#include <xkbcommon/xkbcommon.h>

#include "compositor-internal.h"
#include "libweston-seat-abi.h"

/* The mouse buttons a seat tracks: BTN_MOUSE (0x110, BTN_LEFT) to 0x11f. */
#define PC_SEAT_BTN_FIRST 0x110
#define PC_SEAT_BTN_COUNT 16

struct pc_seat {
	struct pc_compositor *comp;
	struct weston_seat seat;
	uint32_t buttons_down; /* bit (button - PC_SEAT_BTN_FIRST) */
};

/*
 * The keyboard's LEDs are on the client's machine, which keeps them itself;
 * libweston changes lock state (the client's Caps Lock, Num Lock) only for a
 * seat that has an LED handler.
 */
static void
pc_seat_led_update(struct weston_seat *seat, enum weston_led leds)
{
}

struct pc_seat *
pc_seat_create(struct pc_compositor *comp)
{
	const struct pc_keymap_names *o = &comp->config.keymap;
	struct xkb_rule_names names = {
		.rules = o->rules,
		.model = o->model,
		.layout = o->layout,
		.variant = o->variant,
		.options = o->options,
	};
	struct pc_seat *seat = calloc(1, sizeof *seat);

	if (!seat)
		return NULL;
	seat->comp = comp;
	/* libweston keeps the names it is given and frees them: hand it copies. */
	names.rules = names.rules ? strdup(names.rules) : NULL;
	names.model = names.model ? strdup(names.model) : NULL;
	names.layout = names.layout ? strdup(names.layout) : NULL;
	names.variant = names.variant ? strdup(names.variant) : NULL;
	names.options = names.options ? strdup(names.options) : NULL;
	if (weston_compositor_set_xkb_rule_names(comp->compositor, &names) < 0) {
		weston_log("cannot set the keymap names\n");
		free(seat);
		return NULL;
	}
	weston_seat_init(&seat->seat, comp->compositor, "default");
	seat->seat.led_update = pc_seat_led_update;
	weston_seat_init_pointer(&seat->seat);
	if (weston_seat_init_keyboard(&seat->seat, NULL) < 0) {
		weston_log("cannot build a keymap from [keyboard] in the config\n");
		weston_seat_release(&seat->seat);
		free(seat);
		return NULL;
	}
	return seat;
}

void
pc_seat_destroy(struct pc_seat *seat)
{
	if (!seat)
		return;
	weston_seat_release(&seat->seat);
	free(seat);
}

struct weston_seat *
pc_seat_get_weston_seat(struct pc_seat *seat)
{
	return &seat->seat;
}

static void
pc_seat_now(struct timespec *ts)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
}

void
pc_seat_pointer_move(struct pc_seat *seat, double x, double y)
{
	struct timespec now;

	pc_seat_now(&now);
	notify_motion_absolute(&seat->seat, &now, x, y);
	notify_pointer_frame(&seat->seat);
}

void
pc_seat_pointer_button(struct pc_seat *seat, uint32_t button, bool pressed)
{
	struct timespec now;
	uint32_t bit = button - PC_SEAT_BTN_FIRST < PC_SEAT_BTN_COUNT
			       ? 1u << (button - PC_SEAT_BTN_FIRST)
			       : 0;

	/*
	 * libweston counts presses and releases without checking: a release
	 * of a button that is up (a client that ends a local move with its own
	 * release, then sends the real one) would leave it counting one
	 * button held forever. Only changes go through.
	 */
	if (bit && pressed == !!(seat->buttons_down & bit))
		return;
	if (bit)
		seat->buttons_down ^= bit;
	pc_seat_now(&now);
	notify_button(&seat->seat, &now, (int32_t)button,
		      pressed ? WL_POINTER_BUTTON_STATE_PRESSED : WL_POINTER_BUTTON_STATE_RELEASED);
	notify_pointer_frame(&seat->seat);
}

void
pc_seat_key(struct pc_seat *seat, uint32_t key, bool pressed)
{
	struct timespec now;

	pc_seat_now(&now);
	notify_key(&seat->seat, &now, key,
		   pressed ? WL_KEYBOARD_KEY_STATE_PRESSED : WL_KEYBOARD_KEY_STATE_RELEASED,
		   STATE_UPDATE_AUTOMATIC);
}
