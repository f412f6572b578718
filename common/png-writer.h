/* Encodes 32-bit pixels into an in-memory PNG (8-bit RGBA or RGB). */
#ifndef PORTHOLE_PNG_WRITER_H
#define PORTHOLE_PNG_WRITER_H

#include <stdbool.h>
#include <stdint.h>

#include "strbuf.h"

enum png_pixel_layout {
	/* native-endian 0xAARRGGBB words, as pixman's a8r8g8b8/x8r8g8b8 */
	PNG_PIXELS_ARGB32,
	/* the same, alpha ignored: written as an opaque RGB PNG */
	PNG_PIXELS_XRGB32,
};

/**
 * Appends a PNG of @width x @height pixels to @out. @stride is in bytes. When
 * @bottom_up is set the first row in memory is the bottom row of the image (as
 * GL read-back gives it). Returns 0, or -1 when the image is empty or libpng fails.
 */
int png_encode(struct strbuf *out, const void *pixels, int width, int height, int stride,
	       enum png_pixel_layout layout, bool bottom_up);

#endif
