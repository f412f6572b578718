#include "screenshot.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <libweston/libweston.h>

#include "libweston-seat-abi.h"
#include "png-writer.h"
#include "porthole-compositor.h"
#include "readback.h"
#include "shell.h"
#include "strbuf.h"

struct screenshot {
	struct weston_output *output;
	int x, y, width, height; /* output-local region */
	screenshot_done_func_t done;
	void *data;
	struct wl_listener frame_listener;
	struct wl_listener output_destroy_listener;
};

static void
screenshot_destroy(struct screenshot *shot)
{
	wl_list_remove(&shot->frame_listener.link);
	wl_list_remove(&shot->output_destroy_listener.link);
	free(shot);
}

void
screenshot_cancel(struct screenshot *shot)
{
	if (shot)
		screenshot_destroy(shot);
}

static int
screenshot_encode_output(struct screenshot *shot, struct strbuf *png)
{
	uint32_t *pixels = malloc((size_t)shot->width * shot->height * 4);
	int ret = -1;

	if (pixels &&
	    readback_output(shot->output, shot->x, shot->y, shot->width, shot->height, pixels) == 0)
		ret = png_encode(png, pixels, shot->width, shot->height, shot->width * 4,
				 PNG_PIXELS_XRGB32, false);
	free(pixels);
	return ret;
}

static void
screenshot_handle_frame(struct wl_listener *listener, void *data)
{
	struct screenshot *shot = wl_container_of(listener, shot, frame_listener);
	struct strbuf png;

	strbuf_init(&png);
	if (screenshot_encode_output(shot, &png) < 0)
		shot->done(shot->data, NULL, "cannot read the output's pixels");
	else
		shot->done(shot->data, &png, NULL);
	strbuf_release(&png);
	screenshot_destroy(shot);
}

static void
screenshot_handle_output_destroy(struct wl_listener *listener, void *data)
{
	struct screenshot *shot = wl_container_of(listener, shot, output_destroy_listener);

	shot->done(shot->data, NULL, "the output went away");
	screenshot_destroy(shot);
}

struct screenshot *
screenshot_output(struct weston_output *output, int x, int y, int width, int height,
		  screenshot_done_func_t done, void *data)
{
	struct screenshot *shot = calloc(1, sizeof *shot);
	int ow = output->current_mode->width, oh = output->current_mode->height;
	int scale = output->current_scale > 0 ? output->current_scale : 1;

	if (!shot)
		return NULL;
	if (width <= 0 || height <= 0) {
		x = 0;
		y = 0;
		width = ow;
		height = oh;
	} else {
		/* to the output's pixels, clipped to it */
		x = (x - output->x) * scale;
		y = (y - output->y) * scale;
		width *= scale;
		height *= scale;
	}
	if (x < 0) {
		width += x;
		x = 0;
	}
	if (y < 0) {
		height += y;
		y = 0;
	}
	if (x + width > ow)
		width = ow - x;
	if (y + height > oh)
		height = oh - y;
	if (width <= 0 || height <= 0) {
		free(shot);
		return NULL;
	}
	shot->x = x;
	shot->y = y;
	shot->width = width;
	shot->height = height;
	shot->output = output;
	shot->done = done;
	shot->data = data;
	shot->frame_listener.notify = screenshot_handle_frame;
	wl_signal_add(&output->frame_signal, &shot->frame_listener);
	shot->output_destroy_listener.notify = screenshot_handle_output_destroy;
	weston_output_add_destroy_listener(output, &shot->output_destroy_listener);
	/* Full damage: read_pixels must see a complete, current frame. */
	weston_output_damage(output);
	weston_output_schedule_repaint(output);
	return shot;
}

int
screenshot_surface(struct weston_surface *surface, int x, int y, int width, int height,
		   struct strbuf *png)
{
	int content_w, content_h, ret;
	uint32_t *pixels;

	weston_surface_get_content_size(surface, &content_w, &content_h);
	if (width <= 0 || height <= 0) {
		x = 0;
		y = 0;
		width = content_w;
		height = content_h;
	}
	if (x < 0 || y < 0 || width <= 0 || height <= 0 || x + width > content_w ||
	    y + height > content_h)
		return -1;
	pixels = malloc((size_t)width * height * 4);
	if (!pixels)
		return -1;
	/* libweston hands surface content over as RGBA bytes (a8b8g8r8), top row first. */
	if (weston_surface_copy_content(surface, pixels, (size_t)width * height * 4, x, y, width,
					height) < 0) {
		free(pixels);
		return -1;
	}
	readback_swap_red_blue(pixels, (size_t)width * height);
	ret = png_encode(png, pixels, width, height, width * 4, PNG_PIXELS_ARGB32, false);
	free(pixels);
	return ret;
}

/* Whether any subsurface hangs below @surface: the list holds the parent's own entry too. */
static bool
screenshot_surface_has_subsurfaces(struct weston_surface *surface)
{
	struct weston_subsurface *sub;

	wl_list_for_each(sub, &surface->subsurface_list, parent_link)
	{
		if (sub->surface != surface)
			return true;
	}
	return false;
}

/* --- for the compositor's users ------------------------------------------------------ */

struct screenshot *
pc_screenshot_output(struct pc_compositor *comp, int index, screenshot_done_func_t done, void *data)
{
	struct weston_output *output = pc_outputs_get(comp, index);
	struct screenshot *shot;

	if (!output) {
		done(data, NULL, "no such output");
		return NULL;
	}
	shot = screenshot_output(output, 0, 0, 0, 0, done, data);
	if (!shot)
		done(data, NULL, "out of memory");
	return shot;
}

struct screenshot *
pc_screenshot_window(struct pc_compositor *comp, uint32_t id, screenshot_done_func_t done,
		     void *data)
{
	struct shell_window *window = pc_window_find(comp, id);
	struct weston_output *output;
	struct weston_surface *surface;
	struct screenshot *shot = NULL;
	struct strbuf png;
	int x, y, w, h, buffer_scale;

	if (!window) {
		done(data, NULL, "no such window (see `porthole windows`)");
		return NULL;
	}
	surface = shell_window_get_content(window, &x, &y, &w, &h);
	buffer_scale = surface->buffer_viewport.buffer.scale;
	if (x >= 0 && y >= 0 && x + w <= surface->width && y + h <= surface->height &&
	    buffer_scale == pc_outputs_get_scale(comp) &&
	    !screenshot_surface_has_subsurfaces(surface)) {
		/*
		 * The geometry lies in the main surface, drawn at the outputs' scale,
		 * and nothing is drawn over it: its own pixels, unoccluded, as the
		 * host shows them.
		 */
		strbuf_init(&png);
		if (screenshot_surface(surface, x * buffer_scale, y * buffer_scale,
				       w * buffer_scale, h * buffer_scale, &png) < 0)
			done(data, NULL, "cannot read the window's content");
		else
			done(data, &png, NULL);
		strbuf_release(&png);
		return NULL;
	}
	/*
	 * Decorations or content in subsurfaces (firefox-esr draws its pages in
	 * one, over a main surface left black), or scaled by the compositor: the
	 * window as composited.
	 */
	output = shell_window_get_frame(window, &x, &y, &w, &h);
	if (output)
		shot = screenshot_output(output, x, y, w, h, done, data);
	if (!shot)
		done(data, NULL, "the window is not on any output");
	return shot;
}
