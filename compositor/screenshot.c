#include "screenshot.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <libweston/libweston.h>

#include "libweston-seat-abi.h"
#include "png-writer.h"
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

/* Turns renderer pixels into 0xAARRGGBB words in place. */
static void
screenshot_to_argb(uint32_t *pixels, size_t count, pixman_format_code_t format)
{
	if (format == PIXMAN_a8r8g8b8 || format == PIXMAN_x8r8g8b8)
		return;
	/* a8b8g8r8 / x8b8g8r8: swap red and blue */
	for (size_t i = 0; i < count; i++) {
		uint32_t p = pixels[i];
		pixels[i] = (p & 0xff00ff00) | ((p & 0xff) << 16) | ((p >> 16) & 0xff);
	}
}

static int
screenshot_encode_output(struct screenshot *shot, struct strbuf *png)
{
	struct weston_output *output = shot->output;
	struct weston_compositor *ec = output->compositor;
	pixman_format_code_t format = ec->read_format;
	bool yflip = (ec->capabilities & WESTON_CAP_CAPTURE_YFLIP) != 0;
	int width = shot->width, height = shot->height;
	int y = yflip ? output->current_mode->height - shot->y - height : shot->y;
	uint32_t *pixels;
	int ret;

	if (format != PIXMAN_a8r8g8b8 && format != PIXMAN_x8r8g8b8 && format != PIXMAN_a8b8g8r8 &&
	    format != PIXMAN_x8b8g8r8)
		return -1;
	pixels = malloc((size_t)width * height * 4);
	if (!pixels)
		return -1;
	if (ec->renderer->read_pixels(output, format, pixels, shot->x, y, width, height) < 0) {
		free(pixels);
		return -1;
	}
	screenshot_to_argb(pixels, (size_t)width * height, format);
	ret = png_encode(png, pixels, width, height, width * 4, PNG_PIXELS_XRGB32, yflip);
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

	if (!shot)
		return NULL;
	if (width <= 0 || height <= 0) {
		x = output->x;
		y = output->y;
		width = ow;
		height = oh;
	}
	/* to output-local coordinates, clipped to the output */
	x -= output->x;
	y -= output->y;
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
	screenshot_to_argb(pixels, (size_t)width * height, PIXMAN_a8b8g8r8);
	ret = png_encode(png, pixels, width, height, width * 4, PNG_PIXELS_ARGB32, false);
	free(pixels);
	return ret;
}
