#include "seat.h"

#include <stdio.h>
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
	/* the client layout the keymap was last built from: "layout" or "layout(variant)" */
	char *followed_layout;
	/* never shown: its throw-away views bring libweston's view list up to date */
	struct weston_surface *view_list_probe;
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

/*
 * A [keyboard] section whose keymap does not build (a layout xkeyboard-config
 * does not know, a typo) must not stop the compositor: the default keymap is
 * used, and the client's layout is followed as if the config named none.
 */
static void
pc_seat_check_keymap_names(struct pc_compositor *comp)
{
	struct pc_keymap_names *o = &comp->config.keymap;
	const struct xkb_rule_names names = {
		.rules = o->rules,
		.model = o->model,
		.layout = o->layout,
		.variant = o->variant,
		.options = o->options,
	};
	struct xkb_context *context;
	struct xkb_keymap *keymap = NULL;

	if (!o->rules && !o->model && !o->layout && !o->variant && !o->options)
		return;
	/* libweston makes its context only when it gets the names: a throw-away one */
	context = xkb_context_new(XKB_CONTEXT_NO_FLAGS);
	if (context)
		keymap = xkb_keymap_new_from_names(context, &names, XKB_KEYMAP_COMPILE_NO_FLAGS);
	xkb_context_unref(context);
	if (keymap) {
		xkb_keymap_unref(keymap);
		return;
	}
	weston_log("the keymap of [keyboard] (rules %s, model %s, layout %s, variant %s, options "
		   "%s) does not build; using the default keymap. Check the names in "
		   "/usr/share/X11/xkb/rules/evdev.lst\n",
		   o->rules ? o->rules : "-", o->model ? o->model : "-",
		   o->layout ? o->layout : "-", o->variant ? o->variant : "-",
		   o->options ? o->options : "-");
	free((char *)o->rules);
	free((char *)o->model);
	free((char *)o->layout);
	free((char *)o->variant);
	free((char *)o->options);
	*o = (struct pc_keymap_names){0};
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
	pc_seat_check_keymap_names(comp);
	names = (struct xkb_rule_names){o->rules, o->model, o->layout, o->variant, o->options};
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
	/*
	 * Apps repeat held keys themselves, by what wl_keyboard.repeat_info says;
	 * the RDP client's own repeated presses of a held key are dropped by
	 * libweston, which leaves the rate to a frontend (0 otherwise: no repeat).
	 */
	comp->compositor->kb_repeat_rate = comp->config.repeat_rate;
	comp->compositor->kb_repeat_delay = comp->config.repeat_delay;
	weston_seat_init(&seat->seat, comp->compositor, "default");
	seat->seat.led_update = pc_seat_led_update;
	weston_seat_init_pointer(&seat->seat);
	if (weston_seat_init_keyboard(&seat->seat, NULL) < 0) {
		weston_log("cannot build a keymap from [keyboard] in the config\n");
		weston_seat_release(&seat->seat);
		free(seat);
		return NULL;
	}
	seat->view_list_probe = weston_surface_create(comp->compositor);
	if (!seat->view_list_probe)
		weston_log("no view list probe: a click right after a window moves may miss it\n");
	return seat;
}

void
pc_seat_destroy(struct pc_seat *seat)
{
	if (!seat)
		return;
	if (seat->view_list_probe)
		weston_surface_destroy(seat->view_list_probe);
	weston_seat_release(&seat->seat);
	free(seat->followed_layout);
	free(seat);
}

struct weston_seat *
pc_seat_get_weston_seat(struct pc_seat *seat)
{
	return seat ? &seat->seat : NULL;
}

static void
pc_seat_now(struct timespec *ts)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
}

/* --- input from the RDP peer and the control socket ---------------------------- */

/*
 * libweston looks for the view under the pointer in the list of views it
 * builds at each repaint, each where that repaint left it. A window the shell
 * has just moved, raised or mapped (a RemoteApp move from the host, a click
 * that raises) is not in it for up to a frame, and a click sooner lands on
 * what was there before, or on nothing: the app never sees it and the window
 * does not take the focus. libweston 10 exports no way to rebuild that list
 * but one: it does so whenever a mapped view is destroyed. A throw-away view
 * of a surface that never shows does that before each pointer event.
 */
static void
pc_seat_update_view_list(struct pc_seat *seat)
{
	struct weston_view *probe;

	if (!seat->view_list_probe)
		return;
	probe = weston_view_create(seat->view_list_probe);
	if (!probe)
		return;
	probe->is_mapped = true;
	weston_view_destroy(probe);
}

/* Where the pointer did not move: what is under it now, as libweston looks after a repaint. */
static void
pc_seat_update_pointer_focus(struct pc_seat *seat)
{
	struct weston_pointer *pointer = weston_seat_get_pointer(&seat->seat);

	pc_seat_update_view_list(seat);
	if (pointer)
		pointer->grab->interface->focus(pointer->grab);
}

void
pc_input_pointer_move(struct pc_compositor *comp, double x, double y)
{
	struct pc_seat *seat = comp->seat;
	struct timespec now;

	pc_seat_update_view_list(seat);
	pc_seat_now(&now);
	notify_motion_absolute(&seat->seat, &now, x, y);
	notify_pointer_frame(&seat->seat);
}

void
pc_input_pointer_button(struct pc_compositor *comp, uint32_t button, bool pressed)
{
	struct pc_seat *seat = comp->seat;
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
	pc_seat_update_pointer_focus(seat);
	pc_seat_now(&now);
	notify_button(&seat->seat, &now, (int32_t)button,
		      pressed ? WL_POINTER_BUTTON_STATE_PRESSED : WL_POINTER_BUTTON_STATE_RELEASED);
	notify_pointer_frame(&seat->seat);
}

void
pc_input_pointer_axis(struct pc_compositor *comp, uint32_t axis, double value, int discrete)
{
	struct weston_pointer_axis_event event = {
		.axis = axis,
		.value = value,
		.has_discrete = true,
		.discrete = discrete,
	};
	struct timespec now;

	pc_seat_update_pointer_focus(comp->seat);
	pc_seat_now(&now);
	notify_axis(&comp->seat->seat, &now, &event);
	notify_pointer_frame(&comp->seat->seat);
}

void
pc_input_key(struct pc_compositor *comp, uint32_t key, bool pressed)
{
	struct timespec now;

	pc_seat_now(&now);
	notify_key(&comp->seat->seat, &now, key,
		   pressed ? WL_KEYBOARD_KEY_STATE_PRESSED : WL_KEYBOARD_KEY_STATE_RELEASED,
		   STATE_UPDATE_AUTOMATIC);
}

void
pc_input_set_locks(struct pc_compositor *comp, bool caps_lock, bool num_lock)
{
	struct weston_keyboard *keyboard = weston_seat_get_keyboard(&comp->seat->seat);
	uint32_t locks = (caps_lock ? WESTON_CAPS_LOCK : 0) | (num_lock ? WESTON_NUM_LOCK : 0);

	if (keyboard)
		weston_keyboard_set_locks(keyboard, WESTON_NUM_LOCK | WESTON_CAPS_LOCK, locks);
}

struct xkb_keymap *
pc_input_get_keymap(struct pc_compositor *comp)
{
	struct weston_keyboard *keyboard = weston_seat_get_keyboard(&comp->seat->seat);

	return keyboard ? keyboard->xkb_info->keymap : NULL;
}

enum pc_keymap_result
pc_input_follow_layout(struct pc_compositor *comp, const char *layout, const char *variant)
{
	const struct pc_keymap_names *config = &comp->config.keymap;
	struct xkb_rule_names names = {
		.rules = config->rules,
		.model = config->model,
		.layout = layout,
		.variant = variant,
		.options = config->options,
	};
	struct pc_seat *seat = comp->seat;
	struct xkb_keymap *keymap;
	char *followed = NULL;

	if (config->layout)
		return PC_KEYMAP_CONFIGURED;
	if (asprintf(&followed, variant ? "%s(%s)" : "%s", layout, variant) < 0)
		followed = NULL;
	/*
	 * Every build costs the compositor and each client, Xwayland most (it
	 * runs xkbcomp): a client that says its layout again changes nothing.
	 */
	if (followed && seat->followed_layout && strcmp(followed, seat->followed_layout) == 0) {
		free(followed);
		return PC_KEYMAP_UNCHANGED;
	}
	keymap = xkb_keymap_new_from_names(comp->compositor->xkb_context, &names,
					   XKB_KEYMAP_COMPILE_NO_FLAGS);
	if (!keymap) {
		free(followed);
		return PC_KEYMAP_FAILED;
	}
	/* libweston takes its own reference and swaps once no key is down */
	weston_seat_update_keymap(&seat->seat, keymap);
	xkb_keymap_unref(keymap);
	free(seat->followed_layout);
	seat->followed_layout = followed;
	return PC_KEYMAP_CHANGED;
}
