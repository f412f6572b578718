#include <png.h>
#include <stdlib.h>
#include <string.h>

#include "png-writer.h"
#include "strbuf.h"
#include "tap.h"

struct reader {
	const uint8_t *data;
	size_t len, pos;
};

static void
read_fn(png_structp png, png_bytep out, png_size_t len)
{
	struct reader *r = png_get_io_ptr(png);

	if (r->pos + len > r->len)
		png_error(png, "short");
	memcpy(out, r->data + r->pos, len);
	r->pos += len;
}

/* Decodes @buf with libpng into RGBA bytes; returns NULL on failure. */
static uint8_t *
decode(const struct strbuf *buf, int *w, int *h, int *channels)
{
	struct reader r = {(const uint8_t *)buf->data, buf->len, 0};
	png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png_create_info_struct(png);
	uint8_t *volatile pixels = NULL;

	if (setjmp(png_jmpbuf(png))) {
		png_destroy_read_struct(&png, &info, NULL);
		free(pixels);
		return NULL;
	}
	png_set_read_fn(png, &r, read_fn);
	png_read_info(png, info);
	*w = (int)png_get_image_width(png, info);
	*h = (int)png_get_image_height(png, info);
	*channels = png_get_channels(png, info);
	pixels = malloc((size_t)*w * *h * *channels);
	for (int y = 0; y < *h; y++)
		png_read_row(png, pixels + (size_t)y * *w * *channels, NULL);
	png_destroy_read_struct(&png, &info, NULL);
	return pixels;
}

int
main(void)
{
	struct tap t = {0};
	uint32_t pixels[3 * 2] = {0xffff0000, 0x8000ff00, 0x000000ff,  /* top row */
				  0xff102030, 0xffffffff, 0xff000000}; /* bottom row */
	struct strbuf buf;
	uint8_t *rgba;
	int w, h, ch;

	strbuf_init(&buf);
	TAP_CHECK(&t, png_encode(&buf, pixels, 3, 2, 12, PNG_PIXELS_ARGB32, false) == 0,
		  "encodes RGBA");
	TAP_CHECK(&t, buf.len > 8 && memcmp(buf.data, "\x89PNG", 4) == 0, "PNG signature");
	rgba = decode(&buf, &w, &h, &ch);
	TAP_CHECK(&t, rgba && w == 3 && h == 2 && ch == 4, "decodes as 3x2 RGBA");
	TAP_CHECK(&t,
		  rgba && memcmp(rgba, "\xff\x00\x00\xff\x00\xff\x00\x80\x00\x00\xff\x00", 12) == 0,
		  "top row: colours and alpha kept");
	TAP_CHECK(&t, rgba && memcmp(rgba + 12, "\x10\x20\x30\xff", 4) == 0, "bottom row");
	free(rgba);
	strbuf_release(&buf);

	TAP_CHECK(&t, png_encode(&buf, pixels, 3, 2, 12, PNG_PIXELS_XRGB32, true) == 0,
		  "encodes bottom-up RGB");
	rgba = decode(&buf, &w, &h, &ch);
	TAP_CHECK(&t,
		  rgba && ch == 3 && memcmp(rgba, "\x10\x20\x30", 3) == 0 &&
			  memcmp(rgba + 9, "\xff\x00\x00", 3) == 0,
		  "bottom-up rows are flipped, alpha dropped");
	free(rgba);
	strbuf_release(&buf);

	/* a stride wider than the row: padding must be skipped */
	uint32_t padded[2 * 4] = {0xff0000ff, 0xff00ff00, 0xdeadbeef, 0xdeadbeef,
				  0xffff0000, 0xff000000, 0xdeadbeef, 0xdeadbeef};
	TAP_CHECK(&t, png_encode(&buf, padded, 2, 2, 16, PNG_PIXELS_XRGB32, false) == 0,
		  "encodes with stride padding");
	rgba = decode(&buf, &w, &h, &ch);
	TAP_CHECK(&t, rgba && w == 2 && memcmp(rgba + 6, "\xff\x00\x00", 3) == 0,
		  "padding is not read as pixels");
	free(rgba);
	strbuf_release(&buf);

	TAP_CHECK(&t, png_encode(&buf, pixels, 0, 2, 12, PNG_PIXELS_XRGB32, false) < 0,
		  "an empty image is refused");
	TAP_CHECK(&t, png_encode(&buf, pixels, 3, 2, 8, PNG_PIXELS_XRGB32, false) < 0,
		  "a stride shorter than a row is refused");
	strbuf_release(&buf);
	return tap_finish(&t);
}
