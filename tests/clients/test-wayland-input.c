/*
 * The test client's input: its pointer image (--cursor), the grabs a click
 * starts (--move-on-click, --resize-on-click), and what keys arrive
 * (--key-log: evdev codes, --text-log: the text they type in the
 * compositor's keymap).
 */
#include <linux/input-event-codes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xkbcommon/xkbcommon.h>

#include "shm-buffer.h"
#include "test-wayland-client.h"

/*
 * The --cursor image: 24x20, magenta above cyan, a transparent right-hand
 * column, hotspot (5,7); tests look for exactly this on the host.
 */
#define CURSOR_WIDTH 24
#define CURSOR_HEIGHT 20
#define CURSOR_HOTSPOT_X 5
#define CURSOR_HOTSPOT_Y 7

static void
fill_cursor(uint32_t *pixels, int width, int height, void *data)
{
	for (int y = 0; y < height; y++)
		for (int x = 0; x < width; x++)
			pixels[y * width + x] = x == width - 1   ? 0
						: y < height / 2 ? 0xffff00ff
								 : 0xff00c0c0;
}

static void
cursor_apply(struct app *app)
{
	if (app->cursor_hidden) {
		wl_pointer_set_cursor(app->pointer, app->pointer_serial, NULL, 0, 0);
		return;
	}
	if (!app->cursor_surface) {
		int scale = app->opts.cursor_scale;
		struct wl_buffer *buffer =
			shm_buffer_create(app->shm, CURSOR_WIDTH * scale, CURSOR_HEIGHT * scale,
					  true, fill_cursor, NULL);

		if (!buffer) {
			perror("porthole-test-wayland-client: cursor buffer");
			exit(1);
		}
		app->cursor_surface = wl_compositor_create_surface(app->compositor);
		wl_surface_attach(app->cursor_surface, buffer, 0, 0);
		wl_surface_damage(app->cursor_surface, 0, 0, CURSOR_WIDTH * scale,
				  CURSOR_HEIGHT * scale);
		wl_surface_commit(app->cursor_surface);
	}
	wl_pointer_set_cursor(app->pointer, app->pointer_serial, app->cursor_surface,
			      CURSOR_HOTSPOT_X * app->opts.cursor_scale,
			      CURSOR_HOTSPOT_Y * app->opts.cursor_scale);
}

static void
pointer_enter(void *data, struct wl_pointer *p, uint32_t serial, struct wl_surface *surface,
	      wl_fixed_t x, wl_fixed_t y)
{
	struct app *app = data;

	app->pointer_window = surface ? wl_surface_get_user_data(surface) : NULL;
	app->pointer_serial = serial;
	app->pointer_x = wl_fixed_to_double(x);
	app->pointer_y = wl_fixed_to_double(y);
	if (app->opts.cursor)
		cursor_apply(app);
}

static void
pointer_leave(void *data, struct wl_pointer *p, uint32_t serial, struct wl_surface *surface)
{
	struct app *app = data;

	app->pointer_window = NULL;
}

static void
pointer_motion(void *data, struct wl_pointer *p, uint32_t time, wl_fixed_t x, wl_fixed_t y)
{
	struct app *app = data;

	app->pointer_x = wl_fixed_to_double(x);
	app->pointer_y = wl_fixed_to_double(y);
}

static void
pointer_button(void *data, struct wl_pointer *p, uint32_t serial, uint32_t time, uint32_t button,
	       uint32_t state)
{
	struct app *app = data;
	struct window *w = app->pointer_window;

	if (state != WL_POINTER_BUTTON_STATE_PRESSED || button != BTN_LEFT || !w || !w->toplevel)
		return;
	if (app->pointer_log) {
		fprintf(app->pointer_log, "%.2f %.2f\n", app->pointer_x, app->pointer_y);
		fflush(app->pointer_log);
	}
	if (app->opts.cursor) {
		app->cursor_hidden = !app->cursor_hidden;
		cursor_apply(app);
	}
	if (app->opts.menu_on_click)
		popup_open_at(app, w, (int)app->pointer_x, (int)app->pointer_y, serial);
	else if (app->opts.move_on_click)
		xdg_toplevel_move(w->toplevel, app->seat, serial);
	else if (app->opts.resize_edges)
		xdg_toplevel_resize(w->toplevel, app->seat, serial, app->opts.resize_edges);
}

static void
pointer_axis(void *data, struct wl_pointer *p, uint32_t time, uint32_t axis, wl_fixed_t value)
{
}

static const struct wl_pointer_listener pointer_listener = {
	pointer_enter, pointer_leave, pointer_motion, pointer_button, pointer_axis};

static void
keyboard_keymap(void *data, struct wl_keyboard *k, uint32_t format, int fd, uint32_t size)
{
	struct app *app = data;
	char *text;

	if (!app->xkb || format != WL_KEYBOARD_KEYMAP_FORMAT_XKB_V1) {
		close(fd);
		return;
	}
	text = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (text == MAP_FAILED)
		return;
	xkb_state_unref(app->xkb_state);
	xkb_keymap_unref(app->keymap);
	app->keymap = xkb_keymap_new_from_string(app->xkb, text, XKB_KEYMAP_FORMAT_TEXT_V1,
						 XKB_KEYMAP_COMPILE_NO_FLAGS);
	munmap(text, size);
	app->xkb_state = app->keymap ? xkb_state_new(app->keymap) : NULL;
}

static void
keyboard_enter(void *data, struct wl_keyboard *k, uint32_t serial, struct wl_surface *surface,
	       struct wl_array *keys)
{
}

static void
keyboard_leave(void *data, struct wl_keyboard *k, uint32_t serial, struct wl_surface *surface)
{
}

/* "evdev keysym text": the text in hex, so that spaces and newlines keep one line a key */
static void
log_keysym(FILE *log, struct xkb_state *state, uint32_t key)
{
	char name[64], utf8[16];
	xkb_keysym_t sym = xkb_state_key_get_one_sym(state, key + 8);
	int n = xkb_state_key_get_utf8(state, key + 8, utf8, sizeof utf8);

	if (xkb_keysym_get_name(sym, name, sizeof name) < 0)
		snprintf(name, sizeof name, "0x%x", sym);
	fprintf(log, "%u %s ", key, name);
	if (n <= 0)
		fputc('-', log);
	for (int i = 0; i < n && i < (int)sizeof utf8 - 1; i++)
		fprintf(log, "%02x", (unsigned char)utf8[i]);
	fputc('\n', log);
	fflush(log);
}

static void
keyboard_key(void *data, struct wl_keyboard *k, uint32_t serial, uint32_t time, uint32_t key,
	     uint32_t state)
{
	struct app *app = data;

	if (app->key_log && state == WL_KEYBOARD_KEY_STATE_PRESSED) {
		fprintf(app->key_log, "%u\n", key);
		fflush(app->key_log);
	}
	if (app->text_log && app->xkb_state && state == WL_KEYBOARD_KEY_STATE_PRESSED) {
		char utf8[16];

		/* xkb keycodes are evdev codes + 8 */
		if (xkb_state_key_get_utf8(app->xkb_state, key + 8, utf8, sizeof utf8) > 0) {
			fputs(utf8, app->text_log);
			fflush(app->text_log);
		}
	}
	if (app->keysym_log && app->xkb_state && state == WL_KEYBOARD_KEY_STATE_PRESSED)
		log_keysym(app->keysym_log, app->xkb_state, key);
}

static void
keyboard_modifiers(void *data, struct wl_keyboard *k, uint32_t serial, uint32_t depressed,
		   uint32_t latched, uint32_t locked, uint32_t group)
{
	struct app *app = data;

	if (app->xkb_state)
		xkb_state_update_mask(app->xkb_state, depressed, latched, locked, 0, 0, group);
}

static const struct wl_keyboard_listener keyboard_listener = {
	keyboard_keymap, keyboard_enter, keyboard_leave, keyboard_key, keyboard_modifiers};

static void
seat_capabilities(void *data, struct wl_seat *seat, uint32_t caps)
{
	struct app *app = data;

	if ((caps & WL_SEAT_CAPABILITY_POINTER) && !app->pointer) {
		app->pointer = wl_seat_get_pointer(seat);
		wl_pointer_add_listener(app->pointer, &pointer_listener, app);
	}
	if ((caps & WL_SEAT_CAPABILITY_KEYBOARD) && !app->keyboard) {
		app->keyboard = wl_seat_get_keyboard(seat);
		wl_keyboard_add_listener(app->keyboard, &keyboard_listener, app);
	}
}

static void
seat_name(void *data, struct wl_seat *seat, const char *name)
{
}

const struct wl_seat_listener seat_listener = {seat_capabilities, seat_name};
