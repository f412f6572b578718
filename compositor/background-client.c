/*
 * porthole-background: fills the desktop with one colour, as a Wayland client
 * of porthole-compositor, which starts it over a socketpair (WAYLAND_SOCKET).
 *
 * It exists because libweston 10's GL renderer does not draw solid-colour
 * surfaces correctly, and without a background it leaves stale pixels where no
 * window is. The shell recognises this client, sizes its one toplevel to the
 * outputs' bounding box and keeps it at the bottom, out of focus and input.
 *
 * Usage: porthole-background 0xAARRGGBB   (not meant to be run by hand)
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wayland-client.h>

#include "shm-buffer.h"
#include "xdg-shell-client-protocol.h"

struct background {
	struct wl_compositor *compositor;
	struct wl_shm *shm;
	struct xdg_wm_base *wm_base;
	struct wl_surface *surface;
	uint32_t color;
	int width, height;
	bool configured, running;
};

static void
background_fill(uint32_t *pixels, int width, int height, void *data)
{
	const struct background *bg = data;

	for (size_t i = 0; i < (size_t)width * height; i++)
		pixels[i] = bg->color;
}

static int
background_draw(struct background *bg)
{
	struct wl_buffer *buffer =
		shm_buffer_create(bg->shm, bg->width, bg->height, false, background_fill, bg);

	if (!buffer) {
		fprintf(stderr, "porthole-background: cannot make a %dx%d buffer: %s\n", bg->width,
			bg->height, strerror(errno));
		return -1;
	}
	wl_surface_attach(bg->surface, buffer, 0, 0);
	wl_surface_damage_buffer(bg->surface, 0, 0, bg->width, bg->height);
	wl_surface_commit(bg->surface);
	return 0;
}

static void
xdg_surface_configure(void *data, struct xdg_surface *xdg_surface, uint32_t serial)
{
	struct background *bg = data;

	xdg_surface_ack_configure(xdg_surface, serial);
	if (bg->width > 0 && bg->height > 0 && background_draw(bg) < 0)
		bg->running = false;
}

static const struct xdg_surface_listener xdg_surface_listener = {xdg_surface_configure};

static void
toplevel_configure(void *data, struct xdg_toplevel *toplevel, int32_t width, int32_t height,
		   struct wl_array *states)
{
	struct background *bg = data;

	/* Before the compositor picks a size, a 1x1 buffer gets the surface mapped. */
	bg->width = width > 0 ? width : 1;
	bg->height = height > 0 ? height : 1;
}

static void
toplevel_close(void *data, struct xdg_toplevel *toplevel)
{
}

static const struct xdg_toplevel_listener toplevel_listener = {toplevel_configure, toplevel_close};

static void
wm_base_ping(void *data, struct xdg_wm_base *wm_base, uint32_t serial)
{
	xdg_wm_base_pong(wm_base, serial);
}

static const struct xdg_wm_base_listener wm_base_listener = {wm_base_ping};

static void
registry_global(void *data, struct wl_registry *registry, uint32_t name, const char *interface,
		uint32_t version)
{
	struct background *bg = data;

	if (strcmp(interface, wl_compositor_interface.name) == 0)
		bg->compositor = wl_registry_bind(registry, name, &wl_compositor_interface, 4);
	else if (strcmp(interface, wl_shm_interface.name) == 0)
		bg->shm = wl_registry_bind(registry, name, &wl_shm_interface, 1);
	else if (strcmp(interface, xdg_wm_base_interface.name) == 0) {
		bg->wm_base = wl_registry_bind(registry, name, &xdg_wm_base_interface, 1);
		xdg_wm_base_add_listener(bg->wm_base, &wm_base_listener, bg);
	}
}

static void
registry_global_remove(void *data, struct wl_registry *registry, uint32_t name)
{
}

static const struct wl_registry_listener registry_listener = {registry_global,
							      registry_global_remove};

int
main(int argc, char *argv[])
{
	struct background bg = {.running = true};
	struct wl_display *display;
	struct wl_region *no_input;
	struct xdg_surface *xdg_surface;
	struct xdg_toplevel *toplevel;

	if (argc != 2) {
		fprintf(stderr, "usage: porthole-background 0xAARRGGBB (started by "
				"porthole-compositor)\n");
		return 2;
	}
	bg.color = (uint32_t)strtoul(argv[1], NULL, 0) | 0xff000000;
	display = wl_display_connect(NULL);
	if (!display) {
		fprintf(stderr, "porthole-background: no compositor to connect to\n");
		return 1;
	}
	wl_registry_add_listener(wl_display_get_registry(display), &registry_listener, &bg);
	wl_display_roundtrip(display);
	if (!bg.compositor || !bg.shm || !bg.wm_base) {
		fprintf(stderr, "porthole-background: compositor lacks a needed global\n");
		return 1;
	}
	bg.surface = wl_compositor_create_surface(bg.compositor);
	no_input = wl_compositor_create_region(bg.compositor);
	wl_surface_set_input_region(bg.surface, no_input);
	wl_region_destroy(no_input);
	xdg_surface = xdg_wm_base_get_xdg_surface(bg.wm_base, bg.surface);
	xdg_surface_add_listener(xdg_surface, &xdg_surface_listener, &bg);
	toplevel = xdg_surface_get_toplevel(xdg_surface);
	xdg_toplevel_add_listener(toplevel, &toplevel_listener, &bg);
	xdg_toplevel_set_app_id(toplevel, "porthole-background");
	wl_surface_commit(bg.surface);
	while (bg.running && wl_display_dispatch(display) >= 0)
		;
	wl_display_disconnect(display);
	return 0;
}
