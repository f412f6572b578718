/*
 * The RemoteFX encoder against the decoder xfreerdp runs (FreeRDP's
 * rfx_process_message, one context for a whole stream): every message
 * decodes, only the region's pixels are drawn, edge tiles and clipped boxes
 * come out right, and on each kind of content the picture is as close to the
 * source as FreeRDP's own encoder gets with the same steps, in no more bytes.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <freerdp/codec/color.h>
#include <freerdp/codec/region.h>
#include <freerdp/codec/rfx.h>

#include "rdp-remotefx.h"
#include "tap.h"
#include "work-pool.h"

#define SENTINEL 0xff123456u

static const uint8_t defaults[RDP_REMOTEFX_BANDS] = {6, 6, 6, 6, 7, 7, 8, 8, 8, 9};
static const uint8_t coarse_luma[RDP_REMOTEFX_BANDS] = {7, 7, 7, 7, 8, 8, 9, 10, 10, 11};
static const uint8_t coarse_chroma[RDP_REMOTEFX_BANDS] = {8, 8, 8, 8, 9, 9, 10, 12, 12, 13};

enum content { MOVING, TEXT, NOISE, SOLID, CONTENTS };

static const char *content_names[] = {"moving gradients", "text", "noise", "one colour"};

static uint32_t
next_random(uint32_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 17;
	*state ^= *state << 5;
	return *state;
}

static void
fill(uint32_t *image, int width, int height, enum content content, int frame)
{
	uint32_t state = 2463534242u + (uint32_t)frame;

	for (int y = 0; y < height; y++)
		for (int x = 0; x < width; x++) {
			uint32_t sx = (uint32_t)x + 4 * (uint32_t)frame,
				 sy = (uint32_t)y + 2 * (uint32_t)frame;
			uint32_t cell =
				(uint32_t)(x / 8) * 2654435761u ^ (uint32_t)(y / 16) * 40503u;
			uint32_t v;

			switch (content) {
			case MOVING:
				v = (sx & 0xff) << 16 | (sy & 0xff) << 8 |
				    (((sx ^ sy) >> 2) & 0xff);
				break;
			case TEXT:
				v = (y % 16 > 2 && (cell >> (x % 8 + y % 16)) & 1) ? 0x202020
										   : 0xf0f0f0;
				break;
			case NOISE:
				v = next_random(&state);
				break;
			default:
				v = 0x3366cc;
			}
			image[y * width + x] = 0xff000000u | v;
		}
}

/* The picture's distance from the source over @boxes, as PSNR in dB (99: equal). */
static double
psnr(const uint32_t *a, const uint32_t *b, int width, const pixman_box32_t *boxes, int n)
{
	double sum = 0;
	long count = 0;

	for (int i = 0; i < n; i++)
		for (int y = boxes[i].y1; y < boxes[i].y2; y++)
			for (int x = boxes[i].x1; x < boxes[i].x2; x++)
				for (int shift = 0; shift < 24; shift += 8) {
					int d = (int)((a[y * width + x] >> shift) & 0xff) -
						(int)((b[y * width + x] >> shift) & 0xff);

					sum += d * d;
					count++;
				}
	return sum == 0 ? 99 : 10 * log10(255.0 * 255.0 * (double)count / sum);
}

/* Pixels outside @boxes still hold the sentinel: how many do not. */
static long
drawn_outside(const uint32_t *image, int width, int height, const pixman_box32_t *boxes, int n)
{
	long wrong = 0;

	for (int y = 0; y < height; y++)
		for (int x = 0; x < width; x++) {
			bool inside = false;

			for (int i = 0; i < n && !inside; i++)
				inside = x >= boxes[i].x1 && x < boxes[i].x2 && y >= boxes[i].y1 &&
					 y < boxes[i].y2;
			if (!inside && image[y * width + x] != SENTINEL)
				wrong++;
		}
	return wrong;
}

static bool
decode(RFX_CONTEXT *decoder, const uint8_t *data, size_t size, uint32_t *image, int width,
       int height)
{
	REGION16 invalid;
	bool ok;

	region16_init(&invalid);
	ok = rfx_process_message(decoder, data, (UINT32)size, 0, 0, (BYTE *)image,
				 PIXEL_FORMAT_BGRX32, (UINT32)width * 4, (UINT32)height, &invalid);
	region16_uninit(&invalid);
	return ok;
}

/* FreeRDP's encoder on the same pixels and steps: its bytes and its picture's PSNR. */
static size_t
freerdp_encode(const uint32_t *source, int width, int height, const pixman_box32_t *boxes, int n,
	       const uint8_t *luma, const uint8_t *chroma, double *quality)
{
	RFX_CONTEXT *encoder = rfx_context_new(TRUE), *decoder = rfx_context_new(FALSE);
	RFX_RECT *rects = calloc((size_t)n, sizeof *rects);
	uint32_t *image = malloc((size_t)width * (size_t)height * 4);
	UINT32 *quants = malloc(20 * sizeof *quants);
	wStream *s = Stream_New(NULL, 1 << 20);
	RFX_MESSAGE *message;
	size_t size = 0;

	for (int i = 0; i < n; i++)
		rects[i] = (RFX_RECT){(UINT16)boxes[i].x1, (UINT16)boxes[i].y1,
				      (UINT16)(boxes[i].x2 - boxes[i].x1),
				      (UINT16)(boxes[i].y2 - boxes[i].y1)};
	for (int band = 0; band < RDP_REMOTEFX_BANDS; band++) {
		quants[band] = luma[band];
		quants[10 + band] = chroma[band];
	}
	rfx_context_reset(encoder, (UINT32)width, (UINT32)height);
	rfx_context_set_pixel_format(encoder, PIXEL_FORMAT_BGRX32);
	encoder->mode = RLGR3;
	encoder->quants = quants;
	encoder->numQuant = 2;
	encoder->quantIdxY = 0;
	encoder->quantIdxCb = encoder->quantIdxCr = 1;
	message = rfx_encode_message(encoder, rects, (size_t)n, (const BYTE *)source, (UINT32)width,
				     (UINT32)height, (size_t)width * 4);
	if (message && rfx_write_message(encoder, s, message) &&
	    decode(decoder, Stream_Buffer(s), Stream_GetPosition(s), image, width, height)) {
		size = Stream_GetPosition(s);
		*quality = psnr(source, image, width, boxes, n);
	}
	if (message) {
		message->freeRects = TRUE;
		rfx_message_free(encoder, message);
	}
	Stream_Free(s, TRUE);
	free(rects);
	free(image);
	rfx_context_free(encoder);
	rfx_context_free(decoder);
	return size;
}

struct run {
	size_t bytes, largest;
	int messages;
	double quality;
	long outside;
	bool decoded;
};

/* The messages of one frame, as the encoder hands them out. */
struct received {
	uint8_t *data[64];
	size_t sizes[64];
	int messages;
};

static bool
receive(void *data, const uint8_t *message, size_t size)
{
	struct received *received = data;
	uint8_t *copy;

	if (received->messages == 64 || !(copy = malloc(size)))
		return false;
	memcpy(copy, message, size);
	received->data[received->messages] = copy;
	received->sizes[received->messages++] = size;
	return true;
}

static bool
refuse(void *data, const uint8_t *message, size_t size)
{
	return false;
}

/*
 * Encodes @frames frames of @content through one encoder and one decoder, in
 * messages of @max_message bytes at most; the last frame's figures.
 */
static struct run
through(struct work_pool *pool, enum content content, int width, int height,
	const pixman_box32_t *boxes, int n, const uint8_t *luma, const uint8_t *chroma, int frames,
	size_t max_message)
{
	struct rdp_remotefx *encoder = rdp_remotefx_create(pool, width, height);
	RFX_CONTEXT *decoder = rfx_context_new(FALSE);
	uint32_t *source = malloc((size_t)width * (size_t)height * 4);
	uint32_t *image = malloc((size_t)width * (size_t)height * 4);
	struct run run = {0};

	if (!encoder || !decoder || !source || !image)
		goto out;
	rdp_remotefx_set_quants(encoder, luma, chroma);
	for (int frame = 0; frame < frames; frame++) {
		fill(source, width, height, content, frame);
		for (int i = 0; i < width * height; i++)
			image[i] = SENTINEL;
		struct received received = {0};

		run.decoded = rdp_remotefx_encode(encoder, boxes, n, (const uint8_t *)source,
						  width * 4, max_message, receive, &received) > 0 &&
			      received.messages > 0;
		for (int i = 0; run.decoded && i < received.messages; i++)
			run.decoded = decode(decoder, received.data[i], received.sizes[i], image,
					     width, height);
		run.messages = received.messages;
		run.bytes = 0;
		for (int i = 0; i < received.messages; i++) {
			run.bytes += received.sizes[i];
			run.largest =
				received.sizes[i] > run.largest ? received.sizes[i] : run.largest;
			free(received.data[i]);
		}
		if (!run.decoded)
			break;
	}
	if (run.decoded) {
		pixman_box32_t clipped[8];
		int m = 0;

		for (int i = 0; i < n && m < 8; i++) {
			pixman_box32_t c = {boxes[i].x1 < 0 ? 0 : boxes[i].x1,
					    boxes[i].y1 < 0 ? 0 : boxes[i].y1,
					    boxes[i].x2 > width ? width : boxes[i].x2,
					    boxes[i].y2 > height ? height : boxes[i].y2};

			if (c.x1 < c.x2 && c.y1 < c.y2)
				clipped[m++] = c;
		}
		run.quality = psnr(source, image, width, clipped, m);
		run.outside = drawn_outside(image, width, height, clipped, m);
	}
out:
	free(source);
	free(image);
	rfx_context_free(decoder);
	rdp_remotefx_destroy(encoder);
	return run;
}

static void
check_against_freerdp(struct tap *t, struct work_pool *pool)
{
	const pixman_box32_t whole = {0, 0, 1024, 768};

	for (int c = 0; c < CONTENTS; c++)
		for (int steps = 0; steps < 2; steps++) {
			const uint8_t *luma = steps ? coarse_luma : defaults;
			const uint8_t *chroma = steps ? coarse_chroma : defaults;
			struct run ours = through(pool, (enum content)c, 1024, 768, &whole, 1, luma,
						  chroma, 2, SIZE_MAX);
			uint32_t *source = malloc(1024 * 768 * 4);
			double theirs_quality = 0;
			size_t theirs;

			fill(source, 1024, 768, (enum content)c, 1);
			theirs = freerdp_encode(source, 1024, 768, &whole, 1, luma, chroma,
						&theirs_quality);
			free(source);
			TAP_CHECK(t, ours.decoded && theirs > 0, "%s, %s steps: decoded",
				  content_names[c], steps ? "coarse" : "default");
			TAP_CHECK(t, ours.quality >= theirs_quality - 0.05,
				  "%s, %s steps: %.2f dB, FreeRDP's encoder %.2f dB",
				  content_names[c], steps ? "coarse" : "default", ours.quality,
				  theirs_quality);
			/* the headers only come with the first message: FreeRDP's has them */
			TAP_CHECK(t, ours.bytes + 47 <= theirs + theirs / 100,
				  "%s, %s steps: %zu bytes, FreeRDP's %zu", content_names[c],
				  steps ? "coarse" : "default", ours.bytes, theirs);
		}
}

int
main(void)
{
	struct tap t = {0};
	struct work_pool *pool = work_pool_create(2);
	const pixman_box32_t whole = {0, 0, 1024, 768};
	/* two boxes, one reaching past the surface: edge tiles 36 and 6 px wide, 6 px high */
	const pixman_box32_t odd_boxes[] = {{10, 5, 90, 60}, {30, 64, 200, 300}};
	const pixman_box32_t outside = {300, 300, 400, 400};
	const pixman_box32_t small = {0, 0, 200, 100};
	struct run run;
	struct rdp_remotefx *encoder;

	TAP_CHECK(&t, pool != NULL, "a work pool of two helpers");
	run = through(pool, MOVING, 1024, 768, &whole, 1, defaults, defaults, 1, SIZE_MAX);
	TAP_CHECK(&t, run.decoded && run.messages == 1 && run.quality > 40,
		  "a frame at the codec's steps, one message: %.1f dB", run.quality);
	run = through(NULL, MOVING, 1024, 768, &whole, 1, coarse_luma, coarse_chroma, 3, SIZE_MAX);
	TAP_CHECK(&t, run.decoded && run.quality > 30,
		  "three frames through one decoder, coarser, without a pool: %.1f dB, %zu bytes",
		  run.quality, run.bytes);
	run = through(pool, TEXT, 100, 70, odd_boxes, 2, defaults, defaults, 2, SIZE_MAX);
	TAP_CHECK(&t, run.decoded && run.quality > 30,
		  "a 100x70 surface, two boxes, edge tiles and one box clipped: %.1f dB",
		  run.quality);
	TAP_CHECK(&t, run.outside == 0, "nothing drawn outside the boxes (%ld pixels)",
		  run.outside);
	run = through(pool, TEXT, 1024, 768, &whole, 1, defaults, defaults, 2, 65536);
	TAP_CHECK(&t,
		  run.decoded && run.messages > 8 && run.largest <= 65536 && run.quality > 35 &&
			  run.outside == 0,
		  "split for a client's reassembly limit: %d messages of 64 KB at most (%zu), "
		  "%.1f dB",
		  run.messages, run.largest, run.quality);
	run = through(pool, NOISE, 200, 100, &small, 1, defaults, defaults, 2, 100);
	TAP_CHECK(&t, run.decoded && run.messages == 8,
		  "a limit under one tile's size: a tile a message (%d messages)", run.messages);
	check_against_freerdp(&t, pool);

	encoder = rdp_remotefx_create(pool, 100, 70);
	TAP_CHECK(&t,
		  encoder && rdp_remotefx_encode(encoder, &outside, 1, (const uint8_t *)"", 400,
						 SIZE_MAX, refuse, NULL) < 0,
		  "a box wholly outside the surface is no message");
	TAP_CHECK(&t,
		  encoder && rdp_remotefx_encode(encoder, &whole, 0, (const uint8_t *)"", 400,
						 SIZE_MAX, refuse, NULL) < 0,
		  "nor are no boxes");
	rdp_remotefx_destroy(encoder);
	encoder = rdp_remotefx_create(pool, 200, 100);
	{
		uint32_t *pixels = calloc(200 * 100, 4);

		TAP_CHECK(&t,
			  encoder && pixels &&
				  rdp_remotefx_encode(encoder, &small, 1, (const uint8_t *)pixels,
						      800, 100, refuse, NULL) < 0,
			  "a connection that fails stops the messages");
		free(pixels);
	}
	rdp_remotefx_destroy(encoder);
	TAP_CHECK(&t, !rdp_remotefx_create(NULL, 0, 10) && !rdp_remotefx_create(NULL, 4097, 10),
		  "sizes RemoteFX cannot take are refused");
	work_pool_destroy(pool);
	return tap_finish(&t);
}
