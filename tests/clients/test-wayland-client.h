/* What the test client's files share: its options, the app and its windows. */
#ifndef PORTHOLE_TEST_WAYLAND_CLIENT_H
#define PORTHOLE_TEST_WAYLAND_CLIENT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <wayland-client.h>

#include "xdg-shell-client-protocol.h"

struct options {
	int width, height;
	const char *title;
	const char *app_id;
	uint32_t color; /* 0 = quadrants */
	bool popup, dialog, maximize, fullscreen, animate, protocol_error, connect_only;
	bool menu_on_click;   /* a left click opens a menu at the pointer */
	uint32_t menu_adjust; /* its xdg_positioner constraint adjustments */
	bool move_on_click;
	bool cursor;           /* its own pointer image; each left click hides or shows it */
	int cursor_scale;      /* the image and its hotspot that many times larger */
	uint32_t resize_edges; /* resize grab on click when non-zero */
	const char *key_log;
	const char *text_log;
	const char *keysym_log;
	int frames;      /* with --animate: exit after this many frames */
	bool keep_last;  /* with --frames: stop animating but stay mapped */
	int interval_ms; /* with --animate: this long between frames, not as fast as frames come */
	const char *commit_log;
	int damage_band;  /* with --animate: only this many rows change (0 = all) */
	int alpha;        /* below 255: a translucent window (premultiplied ARGB) */
	int redraws;      /* commit the same picture this many more times, one per frame */
	int sweep;        /* boxes of every size from 1x1 to this, a few per frame */
	bool scale_aware; /* draws at the largest wl_output scale, with set_buffer_scale */
	bool stripes;     /* the top-left quadrant in one-pixel columns, light and dark */
	bool video;       /* with --animate: a picture sliding by (4,2) a frame, not noise */
	const char *pointer_log;
};

struct window;

struct app {
	struct options opts;
	struct wl_display *display;
	struct wl_registry *registry;
	struct wl_compositor *compositor;
	struct wl_shm *shm;
	struct wl_seat *seat;
	struct wl_pointer *pointer;
	struct wl_keyboard *keyboard;
	struct xdg_wm_base *wm_base;
	struct window *main_window;
	struct window *pointer_window;
	struct wl_surface *cursor_surface;
	uint32_t pointer_serial; /* of the last enter */
	bool cursor_hidden;
	struct window *windows[3];
	int n_windows;
	FILE *key_log;
	FILE *text_log;
	FILE *keysym_log;
	FILE *commit_log;
	FILE *pointer_log;
	int output_scale;            /* the largest any wl_output announced; 1 without */
	double pointer_x, pointer_y; /* surface coordinates of the last motion */
	struct xkb_context *xkb;
	struct xkb_keymap *keymap; /* the compositor's, as sent */
	struct xkb_state *xkb_state;
	bool running;
	uint32_t frame;
	struct timespec start;
	uint32_t *canvas; /* with --damage-sweep: the picture so far */
	int canvas_width, canvas_height;
	int sweep_next; /* the next box: its width is sweep_next / sweep + 1 */
};

/* A buffer an animating window draws again once the compositor released it, as apps do. */
struct kept_buffer {
	struct wl_buffer *buffer;
	uint32_t *pixels;
	int width, height;
	bool busy; /* attached and not yet released */
};

/* three: one shown, one the compositor may still read, one to draw */
#define WINDOW_KEPT_BUFFERS 3

struct window {
	struct app *app;
	struct wl_surface *surface;
	struct xdg_surface *xdg_surface;
	struct xdg_toplevel *toplevel;
	struct xdg_popup *popup;
	int width, height;        /* current buffer size */
	int pending_w, pending_h; /* from the last configure */
	uint32_t color;
	bool configured;
	struct wl_callback *frame_cb;
	struct kept_buffer kept[WINDOW_KEPT_BUFFERS]; /* for --animate */
};

static const uint32_t quadrant_colors[4] = {0xffe01010, 0xff10c010, 0xff1040e0, 0xfff0f0f0};

/* test-wayland-input.c: the pointer and keyboard of the seat */
extern const struct wl_seat_listener seat_listener;

/* test-wayland-client.c */
struct window *window_create(struct app *app, int width, int height, uint32_t color);

/* test-wayland-popup.c: the popup --popup opens, at (20,20) of @parent */
void popup_create(struct app *app, struct window *parent);

/* a menu at (@x, @y) of @parent, opened by the press @serial */
void popup_open_at(struct app *app, struct window *parent, int x, int y, uint32_t serial);

/* --menu-on-click's list as xdg_positioner constraint adjustments; 0 or -1 */
int parse_menu_adjust(const char *list, uint32_t *adjust);

#endif
