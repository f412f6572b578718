#include "png-writer.h"

#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

static void
png_write_to_strbuf(png_structp png, png_bytep data, png_size_t len)
{
	struct strbuf *out = png_get_io_ptr(png);

	strbuf_append(out, data, len);
	if (out->failed)
		png_error(png, "out of memory");
}

static void
png_flush_nothing(png_structp png)
{
}

/* Converts one row of native 0xAARRGGBB words to RGB(A) bytes. */
static void
png_convert_row(uint8_t *dst, const uint32_t *src, int width, bool keep_alpha)
{
	for (int x = 0; x < width; x++) {
		uint32_t p = src[x];
		*dst++ = (p >> 16) & 0xff;
		*dst++ = (p >> 8) & 0xff;
		*dst++ = p & 0xff;
		if (keep_alpha)
			*dst++ = p >> 24;
	}
}

int
png_encode(struct strbuf *out, const void *pixels, int width, int height, int stride,
	   enum png_pixel_layout layout, bool bottom_up)
{
	bool keep_alpha = layout == PNG_PIXELS_ARGB32;
	int channels = keep_alpha ? 4 : 3;
	png_structp png;
	png_infop info;
	uint8_t *volatile row = NULL;

	if (width <= 0 || height <= 0 || stride < width * 4)
		return -1;

	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	if (!png)
		return -1;
	info = png_create_info_struct(png);
	if (!info) {
		png_destroy_write_struct(&png, NULL);
		return -1;
	}
	if (setjmp(png_jmpbuf(png))) {
		free(row);
		png_destroy_write_struct(&png, &info);
		return -1;
	}

	row = malloc((size_t)width * channels);
	if (!row)
		png_error(png, "out of memory");

	png_set_write_fn(png, out, png_write_to_strbuf, png_flush_nothing);
	/* Screenshots are written often by tests: speed matters more than size. */
	png_set_compression_level(png, 1);
	png_set_IHDR(png, info, width, height, 8,
		     keep_alpha ? PNG_COLOR_TYPE_RGB_ALPHA : PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);

	for (int y = 0; y < height; y++) {
		int src_y = bottom_up ? height - 1 - y : y;
		const uint32_t *src =
			(const uint32_t *)((const uint8_t *)pixels + (size_t)src_y * stride);

		png_convert_row(row, src, width, keep_alpha);
		png_write_row(png, row);
	}
	png_write_end(png, NULL);
	png_destroy_write_struct(&png, &info);
	free(row);
	return out->failed ? -1 : 0;
}
