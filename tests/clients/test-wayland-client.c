/*
 * A Wayland client with deterministic pixels, for Porthole's tests: an
 * xdg_toplevel filled with four coloured quadrants (or one colour), redrawn at
 * whatever size the compositor configures. Options make it exercise the shell
 * (popups, dialogs, maximize, move/resize grabs) and misbehave on purpose
 * (protocol errors, endless animation to be killed mid-frame).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <wayland-client.h>
#include <xkbcommon/xkbcommon.h>

#include "shm-buffer.h"
#include "xdg-shell-client-protocol.h"

#include "test-wayland-client.h"

static void window_draw(struct window *w);

/* --- buffers ----------------------------------------------------------------- */

struct fill_args {
	const struct options *opts;
	uint32_t color; /* 0 = quadrants */
	uint32_t frame;
	const uint32_t *canvas; /* when set, the picture, as is */
};

static void
fill_pattern(uint32_t *pixels, int width, int height, void *data)
{
	const struct fill_args *args = data;

	if (args->canvas) {
		memcpy(pixels, args->canvas, (size_t)width * (size_t)height * 4);
		return;
	}
	for (int y = 0; y < height; y++) {
		for (int x = 0; x < width; x++) {
			uint32_t c = args->color;
			if (!c)
				c = quadrant_colors[(y >= height / 2) * 2 + (x >= width / 2)];
			/*
			 * Animation: every pixel of the buffer changes each frame (a hash,
			 * so nothing compresses it away), or with --damage-band only the
			 * rows at the top (a terminal line).
			 */
			if (args->opts->animate && args->opts->video) {
				/* gradients and a pattern, moving as a whole: what a video's motion search finds */
				uint32_t sx = (uint32_t)x + 4 * args->frame;
				uint32_t sy = (uint32_t)y + 2 * args->frame;
				c = 0xff000000 | (sx & 0xff) << 16 | (sy & 0xff) << 8 |
				    (((sx ^ sy) >> 2) & 0xff);
			} else if (args->opts->animate &&
				   (!args->opts->damage_band || y < args->opts->damage_band))
				c = 0xff000000 |
				    (((uint32_t)x * 73856093u ^ (uint32_t)y * 19349663u ^
				      args->frame * 83492791u) *
					     2654435761u >>
				     8);
			/* one-pixel columns: a surface drawn at a lower scale shows them doubled */
			if (args->opts->stripes && x < width / 2 && y < height / 2)
				c = x & 1 ? 0xff401010 : 0xffe0b0b0;
			if (args->opts->alpha < 255) {
				uint32_t a = (uint32_t)args->opts->alpha;
				c = a << 24 | (((c >> 16) & 0xff) * a / 255) << 16 |
				    (((c >> 8) & 0xff) * a / 255) << 8 | ((c & 0xff) * a / 255);
			}
			pixels[y * width + x] = c;
		}
	}
}

static struct wl_buffer *
make_buffer(struct app *app, int width, int height, uint32_t color, uint32_t frame,
	    const uint32_t *canvas)
{
	struct fill_args args = {&app->opts, color, frame, canvas};
	struct wl_buffer *buffer = shm_buffer_create(app->shm, width, height, app->opts.alpha < 255,
						     fill_pattern, &args);

	if (!buffer) {
		perror("porthole-test-wayland-client: buffer");
		exit(1);
	}
	return buffer;
}

static void
kept_buffer_release(void *data, struct wl_buffer *buffer)
{
	struct kept_buffer *kept = data;

	kept->busy = false;
}

static const struct wl_buffer_listener kept_buffer_listener = {kept_buffer_release};

static void
kept_buffer_free(struct kept_buffer *kept)
{
	if (kept->buffer) {
		wl_buffer_destroy(kept->buffer);
		munmap(kept->pixels, (size_t)kept->width * 4 * (size_t)kept->height);
	}
	*kept = (struct kept_buffer){0};
}

/*
 * An animation draws into buffers it keeps, as real apps do: a new buffer a
 * frame would make the compositor map and free megabytes a frame, a cost no
 * app puts on it. NULL when all are still the compositor's.
 */
static struct wl_buffer *
window_kept_buffer(struct window *w, int width, int height, struct fill_args *args)
{
	struct kept_buffer *pick = NULL;

	for (int i = 0; i < WINDOW_KEPT_BUFFERS; i++) {
		struct kept_buffer *kept = &w->kept[i];

		if (kept->busy)
			continue;
		if (kept->buffer && (kept->width != width || kept->height != height))
			kept_buffer_free(kept);
		if (!pick || (kept->buffer && !pick->buffer))
			pick = kept;
	}
	if (!pick)
		return NULL;
	if (!pick->buffer) {
		pick->buffer = shm_buffer_create_mapped(w->app->shm, width, height,
							args->opts->alpha < 255, &pick->pixels);
		if (!pick->buffer)
			return NULL;
		pick->width = width;
		pick->height = height;
		wl_buffer_add_listener(pick->buffer, &kept_buffer_listener, pick);
	}
	fill_pattern(pick->pixels, width, height, args);
	pick->busy = true;
	return pick->buffer;
}

/* --- windows ----------------------------------------------------------------- */

static void
frame_done(void *data, struct wl_callback *cb, uint32_t time)
{
	struct window *w = data;

	wl_callback_destroy(cb);
	w->frame_cb = NULL;
	w->app->frame++;
	if (w->app->opts.frames && w->app->frame >= (uint32_t)w->app->opts.frames) {
		struct timespec now;

		clock_gettime(CLOCK_MONOTONIC, &now);
		printf("frames %u seconds %.6f\n", w->app->frame,
		       (now.tv_sec - w->app->start.tv_sec) +
			       (now.tv_nsec - w->app->start.tv_nsec) / 1e9);
		fflush(stdout);
		if (!w->app->opts.keep_last)
			w->app->running = false;
		return;
	}
	if (w->app->opts.interval_ms)
		usleep((useconds_t)w->app->opts.interval_ms * 1000);
	window_draw(w);
}

static const struct wl_callback_listener frame_listener = {frame_done};

/*
 * --damage-sweep: boxes of every width and height from 1 to the sweep size, as
 * many as fit one above the other (no two share a row, so each reaches the
 * compositor as a damage rectangle of exactly its size), at odd x positions,
 * each in a colour of its own, its left half a shade off. Returns false once every size was drawn.
 */
static bool
sweep_draw_boxes(struct window *w)
{
	struct app *app = w->app;
	int max = app->opts.sweep, y = 1, span = w->width - 2 * max - 2;

	if (app->sweep_next >= max * max)
		return false;
	while (app->sweep_next < max * max) {
		int k = app->sweep_next;
		int bw = k / max + 1, bh = k % max + 1, x = (k * 37 % span) | 1;
		uint32_t color = 0xff000000 | ((uint32_t)k * 2654435761u >> 8);

		if (y + bh + 1 > w->height)
			break;
		/* two halves, so no box over one pixel wide is of one colour (a SolidFill) */
		for (int row = y; row < y + bh; row++)
			for (int col = x; col < x + bw; col++)
				app->canvas[row * w->width + col] =
					col - x < bw / 2 ? color ^ 0x00404040 : color;
		wl_surface_damage_buffer(w->surface, x, y, bw, bh);
		y += bh + 1;
		app->sweep_next++;
	}
	return true;
}

/* The sweep's picture at the window's size: the quadrants, then the boxes. */
static void
sweep_reset_canvas(struct window *w)
{
	struct app *app = w->app;
	struct fill_args args = {&app->opts, w->color, 0, NULL};

	if (w->width < 2 * app->opts.sweep + 4 || w->height < app->opts.sweep + 2) {
		fprintf(stderr, "porthole-test-wayland-client: %dx%d is too small to sweep\n",
			w->width, w->height);
		exit(1);
	}
	free(app->canvas);
	app->canvas = malloc((size_t)w->width * (size_t)w->height * 4);
	if (!app->canvas) {
		perror("porthole-test-wayland-client: canvas");
		exit(1);
	}
	fill_pattern(app->canvas, w->width, w->height, &args);
	app->canvas_width = w->width;
	app->canvas_height = w->height;
}

static void
window_draw(struct window *w)
{
	struct app *app = w->app;
	bool sweep = app->opts.sweep && w == app->main_window;
	bool more_frames = (app->opts.animate || app->frame < (uint32_t)app->opts.redraws) &&
			   w == app->main_window;
	struct wl_buffer *buffer;

	if (sweep) {
		/* a new size starts the picture again: damage it whole */
		bool fresh = app->frame == 0 || !app->canvas || w->width != app->canvas_width ||
			     w->height != app->canvas_height;

		if (fresh) {
			sweep_reset_canvas(w);
			wl_surface_damage_buffer(w->surface, 0, 0, w->width, w->height);
			more_frames = true;
		} else {
			more_frames = sweep_draw_boxes(w);
			if (!more_frames) {
				printf("sweep %d boxes frames %u\n",
				       app->opts.sweep * app->opts.sweep, app->frame);
				fflush(stdout);
				return;
			}
		}
	}
	if (app->opts.scale_aware && !sweep) {
		int scale = app->output_scale;

		buffer = make_buffer(app, w->width * scale, w->height * scale, w->color, app->frame,
				     NULL);
		wl_surface_set_buffer_scale(w->surface, scale);
		wl_surface_attach(w->surface, buffer, 0, 0);
		wl_surface_damage_buffer(w->surface, 0, 0, w->width * scale, w->height * scale);
	} else {
		struct fill_args args = {&app->opts, w->color, app->frame,
					 sweep ? app->canvas : NULL};

		buffer = more_frames ? window_kept_buffer(w, w->width, w->height, &args) : NULL;
		if (!buffer)
			buffer = make_buffer(app, w->width, w->height, w->color, app->frame,
					     sweep ? app->canvas : NULL);
		wl_surface_attach(w->surface, buffer, 0, 0);
		/* a sweep damaged its boxes as it drew them */
		if (!sweep && app->opts.animate && app->opts.damage_band && app->frame > 0)
			wl_surface_damage_buffer(w->surface, 0, 0, w->width, app->opts.damage_band);
		else if (!sweep)
			wl_surface_damage_buffer(w->surface, 0, 0, w->width, w->height);
	}
	if (more_frames) {
		w->frame_cb = wl_surface_frame(w->surface);
		wl_callback_add_listener(w->frame_cb, &frame_listener, w);
	}
	wl_surface_commit(w->surface);
	if (app->commit_log && w == app->main_window) {
		struct timespec now;

		/* flushed now: the benchmark times the commit, not our next dispatch */
		wl_display_flush(app->display);
		clock_gettime(CLOCK_MONOTONIC, &now);
		fprintf(app->commit_log, "%lld\n",
			(long long)now.tv_sec * 1000000000LL + now.tv_nsec);
	}
}

static void
xdg_surface_configure(void *data, struct xdg_surface *xdg_surface, uint32_t serial)
{
	struct window *w = data;
	bool resized = false;

	xdg_surface_ack_configure(xdg_surface, serial);
	if (w->pending_w > 0 && w->pending_h > 0 &&
	    (w->pending_w != w->width || w->pending_h != w->height)) {
		w->width = w->pending_w;
		w->height = w->pending_h;
		resized = true;
	}
	if (!w->configured || resized) {
		w->configured = true;
		if (!w->frame_cb)
			window_draw(w);
	}
}

static const struct xdg_surface_listener xdg_surface_listener = {xdg_surface_configure};

static void
toplevel_configure(void *data, struct xdg_toplevel *toplevel, int32_t width, int32_t height,
		   struct wl_array *states)
{
	struct window *w = data;

	/* 0x0 means "pick your own size": go back to the size we started with. */
	w->pending_w = width > 0 ? width : w->app->opts.width;
	w->pending_h = height > 0 ? height : w->app->opts.height;
	if (w != w->app->main_window && (width <= 0 || height <= 0)) {
		w->pending_w = w->width;
		w->pending_h = w->height;
	}
}

static void
toplevel_close(void *data, struct xdg_toplevel *toplevel)
{
	struct window *w = data;

	w->app->running = false;
}

static const struct xdg_toplevel_listener toplevel_listener = {toplevel_configure, toplevel_close};

struct window *
window_create(struct app *app, int width, int height, uint32_t color)
{
	struct window *w = calloc(1, sizeof *w);

	w->app = app;
	w->width = width;
	w->height = height;
	w->color = color;
	w->surface = wl_compositor_create_surface(app->compositor);
	wl_surface_set_user_data(w->surface, w);
	w->xdg_surface = xdg_wm_base_get_xdg_surface(app->wm_base, w->surface);
	xdg_surface_add_listener(w->xdg_surface, &xdg_surface_listener, w);
	app->windows[app->n_windows++] = w;
	return w;
}

static struct window *
toplevel_create(struct app *app, const char *title, int width, int height, uint32_t color,
		struct window *parent)
{
	struct window *w = window_create(app, width, height, color);

	w->toplevel = xdg_surface_get_toplevel(w->xdg_surface);
	xdg_toplevel_add_listener(w->toplevel, &toplevel_listener, w);
	xdg_toplevel_set_title(w->toplevel, title);
	xdg_toplevel_set_app_id(w->toplevel, app->opts.app_id);
	if (parent)
		xdg_toplevel_set_parent(w->toplevel, parent->toplevel);
	return w;
}

/* --- globals and main -------------------------------------------------------- */

static void
wm_base_ping(void *data, struct xdg_wm_base *wm_base, uint32_t serial)
{
	xdg_wm_base_pong(wm_base, serial);
}

static const struct xdg_wm_base_listener wm_base_listener = {wm_base_ping};

static void
output_geometry(void *data, struct wl_output *output, int32_t x, int32_t y, int32_t mm_width,
		int32_t mm_height, int32_t subpixel, const char *make, const char *model,
		int32_t transform)
{
}

static void
output_mode(void *data, struct wl_output *output, uint32_t flags, int32_t width, int32_t height,
	    int32_t refresh)
{
}

static void
output_done(void *data, struct wl_output *output)
{
}

/* --scale-aware: a larger scale redraws the windows at it */
static void
output_scale(void *data, struct wl_output *output, int32_t factor)
{
	struct app *app = data;

	if (factor <= app->output_scale || factor > 8)
		return;
	app->output_scale = factor;
	for (int i = 0; i < app->n_windows; i++) {
		if (app->windows[i]->configured && !app->windows[i]->frame_cb)
			window_draw(app->windows[i]);
	}
}

static const struct wl_output_listener output_listener = {output_geometry, output_mode, output_done,
							  output_scale};

static void
registry_global(void *data, struct wl_registry *registry, uint32_t name, const char *interface,
		uint32_t version)
{
	struct app *app = data;

	if (strcmp(interface, wl_output_interface.name) == 0 && app->opts.scale_aware &&
	    version >= 2) {
		struct wl_output *output =
			wl_registry_bind(registry, name, &wl_output_interface, 2);

		wl_output_add_listener(output, &output_listener, app);
	}

	if (strcmp(interface, wl_compositor_interface.name) == 0) {
		app->compositor = wl_registry_bind(registry, name, &wl_compositor_interface, 4);
	} else if (strcmp(interface, wl_shm_interface.name) == 0) {
		app->shm = wl_registry_bind(registry, name, &wl_shm_interface, 1);
	} else if (strcmp(interface, xdg_wm_base_interface.name) == 0) {
		app->wm_base = wl_registry_bind(registry, name, &xdg_wm_base_interface, 1);
		xdg_wm_base_add_listener(app->wm_base, &wm_base_listener, app);
	} else if (strcmp(interface, wl_seat_interface.name) == 0 && !app->seat) {
		app->seat = wl_registry_bind(registry, name, &wl_seat_interface, 1);
		wl_seat_add_listener(app->seat, &seat_listener, app);
	}
}

static void
registry_global_remove(void *data, struct wl_registry *registry, uint32_t name)
{
}

static const struct wl_registry_listener registry_listener = {registry_global,
							      registry_global_remove};

static void
usage(FILE *out)
{
	fprintf(out,
		"Usage: porthole-test-wayland-client [OPTIONS]\n"
		"  --width N --height N   window size (default 200x150)\n"
		"  --title T --app-id A   (default \"porthole test\", org.porthole.test)\n"
		"  --color RRGGBB         one colour instead of quadrants\n"
		"  --popup                open a yellow popup at (20,20) of the window\n"
		"  --menu-on-click ADJ    a left click opens a 120x60 menu below-right of the\n"
		"                         pointer, kept on the output by ADJ (flip, slide,\n"
		"                         resize, comma-separated, or none); prints\n"
		"                         \"popup X Y W H\" as configured\n"
		"  --dialog               open a 100x80 dialog transient for the window\n"
		"  --maximize --fullscreen  ask for that state before mapping\n"
		"  --move-on-click        start a move grab on a left click\n"
		"  --cursor               set a 24x20 magenta/cyan pointer image (hotspot 5,7);\n"
		"                         each left click hides or shows it\n"
		"  --cursor-scale N       that image and hotspot N times larger (1-16)\n"
		"  --resize-on-click EDGES  start a resize grab (xdg edge value) on a left click\n"
		"  --key-log FILE         append the evdev code of each key pressed\n"
		"  --text-log FILE        append the text each key press types, through the\n"
		"                         compositor's keymap and modifier state\n"
		"  --keysym-log FILE      append a line for each key pressed: its evdev code,\n"
		"                         keysym name and text (hex UTF-8, - for none)\n"
		"  --animate              redraw every frame, forever\n"
		"  --alpha A              0..255: a translucent window (premultiplied ARGB)\n"
		"  --redraws N            commit the same picture N more times, one per frame\n"
		"  --frames N             with --animate: print the time taken and exit after N\n"
		"  --interval-ms MS       with --animate: wait MS between frames\n"
		"  --commit-log FILE      append the CLOCK_MONOTONIC time (ns) of each commit\n"
		"  --keep-last            with --frames: keep the last frame on screen, do not "
		"exit\n"
		"  --damage-band ROWS     with --animate: only the top ROWS change each frame\n"
		"  --damage-sweep N       damage boxes of every size from 1x1 to NxN, a few per\n"
		"                         frame; print \"sweep\" and the frames taken when done\n"
		"  --scale-aware          draw at the largest wl_output scale (set_buffer_scale)\n"
		"  --stripes              the top-left quadrant in one-pixel columns\n"
		"  --video                with --animate: a picture that slides by (4,2) pixels a\n"
		"                         frame (what a video codec's motion search follows)\n"
		"  --pointer-log FILE     append \"X Y\" (surface coordinates) of each left press\n"
		"  --protocol-error       send an invalid request after mapping\n"
		"  --connect-only         connect, round-trip, exit\n");
}

static int
parse_options(struct options *o, int argc, char *argv[])
{
	*o = (struct options){200, 150, "porthole test", "org.porthole.test", 0};
	o->alpha = 255;
	o->cursor_scale = 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--width") == 0 && v)
			o->width = atoi(argv[++i]);
		else if (strcmp(a, "--height") == 0 && v)
			o->height = atoi(argv[++i]);
		else if (strcmp(a, "--title") == 0 && v)
			o->title = argv[++i];
		else if (strcmp(a, "--app-id") == 0 && v)
			o->app_id = argv[++i];
		else if (strcmp(a, "--color") == 0 && v)
			o->color = 0xff000000 | (uint32_t)strtoul(argv[++i], NULL, 16);
		else if (strcmp(a, "--key-log") == 0 && v)
			o->key_log = argv[++i];
		else if (strcmp(a, "--text-log") == 0 && v)
			o->text_log = argv[++i];
		else if (strcmp(a, "--keysym-log") == 0 && v)
			o->keysym_log = argv[++i];
		else if (strcmp(a, "--redraws") == 0 && v)
			o->redraws = atoi(argv[++i]);
		else if (strcmp(a, "--alpha") == 0 && v)
			o->alpha = atoi(argv[++i]) & 0xff;
		else if (strcmp(a, "--interval-ms") == 0 && v)
			o->interval_ms = atoi(argv[++i]);
		else if (strcmp(a, "--commit-log") == 0 && v)
			o->commit_log = argv[++i];
		else if (strcmp(a, "--keep-last") == 0)
			o->keep_last = true;
		else if (strcmp(a, "--frames") == 0 && v)
			o->frames = atoi(argv[++i]);
		else if (strcmp(a, "--damage-sweep") == 0 && v) {
			o->sweep = atoi(argv[++i]);
			if (o->sweep < 1 || o->sweep > 256)
				return -1;
		} else if (strcmp(a, "--damage-band") == 0 && v)
			o->damage_band = atoi(argv[++i]);
		else if (strcmp(a, "--resize-on-click") == 0 && v)
			o->resize_edges = (uint32_t)atoi(argv[++i]);
		else if (strcmp(a, "--popup") == 0)
			o->popup = true;
		else if (strcmp(a, "--menu-on-click") == 0 && i + 1 < argc) {
			o->menu_on_click = true;
			if (parse_menu_adjust(argv[++i], &o->menu_adjust) < 0)
				return -1;
		} else if (strcmp(a, "--dialog") == 0)
			o->dialog = true;
		else if (strcmp(a, "--maximize") == 0)
			o->maximize = true;
		else if (strcmp(a, "--fullscreen") == 0)
			o->fullscreen = true;
		else if (strcmp(a, "--move-on-click") == 0)
			o->move_on_click = true;
		else if (strcmp(a, "--cursor") == 0)
			o->cursor = true;
		else if (strcmp(a, "--cursor-scale") == 0 && v) {
			o->cursor_scale = atoi(argv[++i]);
			if (o->cursor_scale < 1 || o->cursor_scale > 16)
				return -1;
		} else if (strcmp(a, "--animate") == 0)
			o->animate = true;
		else if (strcmp(a, "--scale-aware") == 0)
			o->scale_aware = true;
		else if (strcmp(a, "--stripes") == 0)
			o->stripes = true;
		else if (strcmp(a, "--video") == 0)
			o->video = true;
		else if (strcmp(a, "--pointer-log") == 0 && v)
			o->pointer_log = argv[++i];
		else if (strcmp(a, "--protocol-error") == 0)
			o->protocol_error = true;
		else if (strcmp(a, "--connect-only") == 0)
			o->connect_only = true;
		else if (strcmp(a, "--help") == 0) {
			usage(stdout);
			exit(0);
		} else {
			usage(stderr);
			return -1;
		}
	}
	return o->width > 0 && o->height > 0 ? 0 : -1;
}

int
main(int argc, char *argv[])
{
	struct app app = {.output_scale = 1};

	if (parse_options(&app.opts, argc, argv) < 0)
		return 2;
	if (app.opts.pointer_log)
		app.pointer_log = fopen(app.opts.pointer_log, "a");
	if (app.opts.text_log)
		app.text_log = fopen(app.opts.text_log, "a");
	if (app.opts.keysym_log)
		app.keysym_log = fopen(app.opts.keysym_log, "a");
	if (app.text_log || app.keysym_log)
		app.xkb = xkb_context_new(XKB_CONTEXT_NO_FLAGS);
	app.display = wl_display_connect(NULL);
	if (!app.display) {
		fprintf(stderr, "cannot connect to the Wayland display: %s\n", strerror(errno));
		return 1;
	}
	app.registry = wl_display_get_registry(app.display);
	wl_registry_add_listener(app.registry, &registry_listener, &app);
	wl_display_roundtrip(app.display);
	if (app.opts.connect_only) {
		wl_display_disconnect(app.display);
		return 0;
	}
	if (!app.compositor || !app.shm || !app.wm_base) {
		fprintf(stderr, "compositor lacks wl_compositor, wl_shm or xdg_wm_base\n");
		return 1;
	}
	wl_display_roundtrip(app.display);
	if (app.opts.key_log)
		app.key_log = fopen(app.opts.key_log, "a");
	if (app.opts.commit_log)
		app.commit_log = fopen(app.opts.commit_log, "w");

	app.main_window = toplevel_create(&app, app.opts.title, app.opts.width, app.opts.height,
					  app.opts.color, NULL);
	if (app.opts.maximize)
		xdg_toplevel_set_maximized(app.main_window->toplevel);
	if (app.opts.fullscreen)
		xdg_toplevel_set_fullscreen(app.main_window->toplevel, NULL);
	wl_surface_commit(app.main_window->surface);
	app.running = true;
	clock_gettime(CLOCK_MONOTONIC, &app.start);
	while (app.running && !app.main_window->configured && wl_display_dispatch(app.display) >= 0)
		;
	wl_display_roundtrip(app.display);

	if (app.opts.popup)
		popup_create(&app, app.main_window);
	if (app.opts.dialog) {
		struct window *d = toplevel_create(&app, "porthole dialog", 100, 80, 0xff8040c0,
						   app.main_window);
		wl_surface_commit(d->surface);
	}
	if (app.opts.protocol_error) {
		/* xdg-shell: a positioner must have a non-zero size (invalid_input). */
		struct xdg_positioner *p = xdg_wm_base_create_positioner(app.wm_base);
		xdg_positioner_set_size(p, 0, 0);
	}
	while (app.running && wl_display_dispatch(app.display) >= 0)
		;
	if (app.key_log)
		fclose(app.key_log);
	if (app.keysym_log)
		fclose(app.keysym_log);
	if (app.text_log)
		fclose(app.text_log);
	if (app.commit_log)
		fclose(app.commit_log);
	if (app.pointer_log)
		fclose(app.pointer_log);
	xkb_state_unref(app.xkb_state);
	xkb_keymap_unref(app.keymap);
	xkb_context_unref(app.xkb);
	free(app.canvas);
	if (app.main_window)
		for (int i = 0; i < WINDOW_KEPT_BUFFERS; i++)
			kept_buffer_free(&app.main_window->kept[i]);
	wl_display_disconnect(app.display);
	return app.opts.protocol_error ? 3 : 0;
}
