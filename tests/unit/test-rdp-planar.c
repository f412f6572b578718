/*
 * The planar encoder against the decoder xfreerdp runs for the graphics
 * pipeline (FreeRDP's planar_decompress, top row first) and for legacy bitmap
 * updates (bottom row first): every box from 1x1 to 70x70 of every kind of
 * content comes back exact, and text takes no more than FreeRDP's own encoder
 * makes of it.
 */
#include <stdlib.h>
#include <string.h>

#include <freerdp/codec/color.h>
#include <freerdp/codec/planar.h>

#include "rdp-planar.h"
#include "tap.h"

#define W 640
#define H 200

static uint32_t
next_random(uint32_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 17;
	*state ^= *state << 5;
	return *state;
}

enum content { NOISE, TEXT, GRADIENT, SOLID, STRIPES, CONTENTS };

static const char *content_names[] = {"noise", "text", "a gradient", "one colour", "stripes"};

/* Dark "glyphs" on a light background, 8x16 cells, anti-aliased edges. */
static uint32_t
text_pixel(int x, int y, uint32_t seed)
{
	uint32_t cell = (uint32_t)(x / 8) * 2654435761u ^ (uint32_t)(y / 16) * 40503u ^ seed;
	int gx = x % 8, gy = y % 16;
	uint32_t bits = cell >> ((gy * 3 + gx) % 24);

	if (gy < 3 || gy > 13 || gx == 7 || (cell & 7) == 0)
		return 0xfff0f0f0;
	if (bits & 1)
		return 0xff202020;
	return (bits & 2) ? 0xff8a8a8a : 0xfff0f0f0;
}

static void
fill(uint32_t *image, enum content content, uint32_t *state)
{
	uint32_t seed = next_random(state);

	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++) {
			uint32_t v;

			switch (content) {
			case NOISE:
				v = next_random(state);
				break;
			case TEXT:
				v = text_pixel(x, y, seed);
				break;
			case GRADIENT:
				v = (uint32_t)(x * 255 / W) << 16 | (uint32_t)(y * 255 / H) << 8 |
				    (uint32_t)((x + y) & 0xff);
				break;
			case SOLID:
				v = seed;
				break;
			default:
				v = (x / 3 + y) % 4 == 0 ? 0x00ff0000 : 0x000000ff;
				break;
			}
			image[y * W + x] = v | 0xff000000u;
		}
}

/* Whether the box at @x, @y of @image encodes and decodes back to itself. */
static bool
round_trip(BITMAP_PLANAR_CONTEXT *decoder, const uint32_t *image, int x, int y, int width,
	   int height, size_t *size)
{
	size_t capacity = rdp_planar_max_size(width, height);
	uint8_t *out = malloc(capacity), *scratch = malloc((size_t)width);
	uint32_t *back = calloc((size_t)width * (size_t)height, 4);
	bool same = out && scratch && back;

	if (same) {
		*size = rdp_planar_encode((const uint8_t *)(image + y * W + x), W * 4, width,
					  height, out, capacity, scratch);
		same = *size > 0 &&
		       planar_decompress(decoder, out, (UINT32)*size, (UINT32)width, (UINT32)height,
					 (BYTE *)back, PIXEL_FORMAT_BGRX32, (UINT32)width * 4, 0, 0,
					 (UINT32)width, (UINT32)height, FALSE);
		for (int row = 0; same && row < height; row++)
			for (int col = 0; same && col < width; col++)
				same = ((back[row * width + col] ^ image[(y + row) * W + x + col]) &
					0xffffff) == 0;
	}
	free(out);
	free(scratch);
	free(back);
	return same;
}

int
main(void)
{
	struct tap t = {0};
	BITMAP_PLANAR_CONTEXT *decoder = freerdp_bitmap_planar_context_new(FALSE, 64, 64);
	BITMAP_PLANAR_CONTEXT *freerdp_encoder = freerdp_bitmap_planar_context_new(
		PLANAR_FORMAT_HEADER_NA | PLANAR_FORMAT_HEADER_RLE, W, H);
	uint32_t *image = malloc((size_t)W * H * 4), state = 2463534242u;
	size_t size = 0;

	TAP_CHECK(&t, decoder && freerdp_encoder && image, "set up");
	for (int content = 0; content < CONTENTS; content++) {
		int failed_width = 0, failed_height = 0;

		fill(image, (enum content)content, &state);
		for (int width = 1; width <= 70 && !failed_width; width++)
			for (int height = 1; height <= 70 && !failed_width; height++)
				if (!round_trip(decoder, image, (width * 7) % 50, height % 13,
						width, height, &size)) {
					failed_width = width;
					failed_height = height;
				}
		TAP_CHECK(&t, !failed_width,
			  "%s: every box from 1x1 to 70x70 exact (first wrong: %dx%d)",
			  content_names[content], failed_width, failed_height);
		TAP_CHECK(&t, round_trip(decoder, image, 0, 0, W, H, &size),
			  "%s: %dx%d exact in %zu bytes", content_names[content], W, H, size);
	}

	fill(image, TEXT, &state);
	{
		UINT32 theirs = 0;
		BYTE *flipped = malloc((size_t)W * H * 4), *packed;

		/* FreeRDP's encoder reads its rows bottom first */
		for (int y = 0; y < H; y++)
			memcpy(flipped + (size_t)(H - 1 - y) * W * 4, image + y * W, (size_t)W * 4);
		packed = freerdp_bitmap_compress_planar(
			freerdp_encoder, flipped, PIXEL_FORMAT_BGRX32, W, H, W * 4, NULL, &theirs);
		round_trip(decoder, image, 0, 0, W, H, &size);
		TAP_CHECK(&t, packed && size <= theirs, "text: %zu bytes, FreeRDP's encoder %u",
			  size, theirs);
		free(packed);
		free(flipped);
	}
	{
		/* legacy bitmap updates: bottom row first, decoded flipped */
		size_t capacity = rdp_planar_max_size(64, 64);
		uint8_t *out = malloc(capacity), scratch[64];
		uint32_t *back = calloc(64 * 64, 4);
		bool same;

		fill(image, TEXT, &state);
		size = rdp_planar_encode((const uint8_t *)(image + 63 * W), -W * 4, 64, 64, out,
					 capacity, scratch);
		same = size > 0 &&
		       planar_decompress(decoder, out, (UINT32)size, 64, 64, (BYTE *)back,
					 PIXEL_FORMAT_BGRX32, 64 * 4, 0, 0, 64, 64, TRUE);
		for (int i = 0; same && i < 64 * 64; i++)
			same = ((back[i] ^ image[(i / 64) * W + i % 64]) & 0xffffff) == 0;
		TAP_CHECK(&t, same, "bottom row first (a negative stride), decoded flipped: exact");
		free(out);
		free(back);
	}
	{
		uint8_t small[100], scratch[W];

		fill(image, NOISE, &state);
		TAP_CHECK(&t,
			  rdp_planar_encode((const uint8_t *)image, W * 4, W, H, small,
					    sizeof small, scratch) == 0,
			  "noise that does not fit its buffer: 0, nothing written past it");
	}
	freerdp_bitmap_planar_context_free(decoder);
	freerdp_bitmap_planar_context_free(freerdp_encoder);
	free(image);
	return tap_finish(&t);
}
