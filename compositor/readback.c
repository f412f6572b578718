#include "readback.h"

#include <stdbool.h>

#include <libweston/libweston.h>

void
readback_swap_red_blue(uint32_t *pixels, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		uint32_t p = pixels[i];
		pixels[i] = (p & 0xff00ff00) | ((p & 0xff) << 16) | ((p >> 16) & 0xff);
	}
}

/* A renderer that reads bottom row first: turn the rows around in place. */
static void
readback_flip_rows(uint32_t *pixels, int width, int height)
{
	for (int top = 0, bottom = height - 1; top < bottom; top++, bottom--) {
		uint32_t *a = pixels + (size_t)top * width, *b = pixels + (size_t)bottom * width;

		for (int i = 0; i < width; i++) {
			uint32_t t = a[i];
			a[i] = b[i];
			b[i] = t;
		}
	}
}

int
readback_output(struct weston_output *output, int x, int y, int width, int height, uint32_t *pixels)
{
	struct weston_compositor *ec = output->compositor;
	pixman_format_code_t format = ec->read_format;
	bool yflip = (ec->capabilities & WESTON_CAP_CAPTURE_YFLIP) != 0;
	bool swap = format == PIXMAN_a8b8g8r8 || format == PIXMAN_x8b8g8r8;

	if (!swap && format != PIXMAN_a8r8g8b8 && format != PIXMAN_x8r8g8b8)
		return -1;
	/* A flipping renderer counts rows from the bottom of the output. */
	if (ec->renderer->read_pixels(
		    output, format, pixels, (uint32_t)x,
		    (uint32_t)(yflip ? output->current_mode->height - y - height : y),
		    (uint32_t)width, (uint32_t)height) < 0)
		return -1;
	if (swap)
		readback_swap_red_blue(pixels, (size_t)width * height);
	if (yflip)
		readback_flip_rows(pixels, width, height);
	return 0;
}
