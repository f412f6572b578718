/*
 * Lossless boxes, on every core: each damaged box is cut into stripes of at
 * most RDP_GFX_STRIPE_ROWS rows, the work pool encodes them in parallel (each
 * worker appends what it makes to a buffer of its own, kept from frame to
 * frame), and the caller's thread sends them in order.
 */
#include "rdp-gfx-boxes.h"

#include <stdlib.h>
#include <string.h>

#include <freerdp/codec/color.h>

#include "byte-buffer.h"
#include "rdp-planar.h"
#include "rdp-solid.h"
#include "rdp-untried.h"

/* narrower boxes are not sent as planar (rdp_gfx_stripe_encode()) */
#define RDP_GFX_PLANAR_MIN_WIDTH 3
/* a SolidFill PDU: its header, surface, colour and count, then each rectangle */
#define RDP_GFX_SOLID_FILL_BYTES 16
#define RDP_GFX_SOLID_FILL_RECT_BYTES 8
/* the rectangles one SolidFill carries at most: 2 KB of them on the stack */
#define RDP_GFX_SOLID_FILL_RECTS 256

enum rdp_gfx_stripe_kind {
	RDP_GFX_STRIPE_SOLID,
	RDP_GFX_STRIPE_PLANAR,
	RDP_GFX_STRIPE_UNCOMPRESSED,
};

struct rdp_gfx_stripe {
	pixman_box32_t box;
	enum rdp_gfx_stripe_kind kind;
	uint32_t color; /* SOLID */
	/* PLANAR: @size bytes at @offset in the output of worker @worker */
	int worker;
	size_t offset;
	UINT32 size;
	bool skipped;        /* uncompressed without trying planar */
	bool incompressible; /* planar tried and packed it to 3/4 of raw or more */
};

/* What one worker encodes into: its stripes' planar data, one after the other. */
struct rdp_gfx_box_worker {
	uint8_t *output;
	size_t output_size, output_used; /* used: this batch's so far */
	uint8_t *row;                    /* the planar encoder's scratch */
	int row_width;
};

struct rdp_gfx_boxes {
	struct work_pool *pool;
	int n_workers;
	struct rdp_gfx_box_worker *workers;
	struct rdp_gfx_stripe *stripes;
	int stripes_size;
	/* workers only read it; the caller's thread writes it between batches */
	struct rdp_untried_cells untried;
};

/* One batch: what the jobs read. */
struct rdp_gfx_batch {
	struct rdp_gfx_boxes *boxes;
	const uint8_t *pixels;
	int stride;
	bool planar;
};

RECTANGLE_16
rdp_gfx_rect16(const pixman_box32_t *box)
{
	return (RECTANGLE_16){
		.left = (UINT16)box->x1,
		.top = (UINT16)box->y1,
		.right = (UINT16)box->x2,
		.bottom = (UINT16)box->y2,
	};
}

/* A surface command of @codec_id covering @box, its data still to be given. */
static RDPGFX_SURFACE_COMMAND
rdp_gfx_surface_command_for(uint16_t surface_id, UINT16 codec_id, const pixman_box32_t *box)
{
	return (RDPGFX_SURFACE_COMMAND){
		.surfaceId = surface_id,
		.codecId = codec_id,
		.format = PIXEL_FORMAT_BGRX32,
		.left = (UINT32)box->x1,
		.top = (UINT32)box->y1,
		.right = (UINT32)box->x2,
		.bottom = (UINT32)box->y2,
		.width = (UINT32)(box->x2 - box->x1),
		.height = (UINT32)(box->y2 - box->y1),
	};
}

UINT
rdp_gfx_surface_command(struct rdp_gfx_channel *channel, uint16_t surface_id, UINT16 codec_id,
			const pixman_box32_t *box, const BYTE *data, UINT32 length, void *extra)
{
	RDPGFX_SURFACE_COMMAND cmd = rdp_gfx_surface_command_for(surface_id, codec_id, box);

	cmd.length = length;
	cmd.data = (BYTE *)data;
	cmd.extra = extra;
	return rdp_gfx_channel_surface_command(channel, &cmd);
}

UINT
rdp_gfx_surface_copy(struct rdp_gfx_channel *channel, uint16_t src_id, uint16_t dst_id,
		     const pixman_box32_t *from, int to_x, int to_y)
{
	RDPGFX_POINT16 to = {.x = (INT16)to_x, .y = (INT16)to_y};
	RDPGFX_SURFACE_TO_SURFACE_PDU copy = {
		.surfaceIdSrc = src_id,
		.surfaceIdDest = dst_id,
		.rectSrc = rdp_gfx_rect16(from),
		.destPtsCount = 1,
		.destPts = &to,
	};

	return rdp_gfx_channel_surface_to_surface(channel, &copy);
}

struct rdp_gfx_boxes *
rdp_gfx_boxes_create(struct work_pool *pool)
{
	struct rdp_gfx_boxes *boxes = calloc(1, sizeof *boxes);

	if (!boxes)
		return NULL;
	boxes->pool = pool;
	boxes->n_workers = work_pool_workers(pool);
	boxes->workers = calloc((size_t)boxes->n_workers, sizeof *boxes->workers);
	if (!boxes->workers) {
		free(boxes);
		return NULL;
	}
	return boxes;
}

void
rdp_gfx_boxes_destroy(struct rdp_gfx_boxes *boxes)
{
	if (!boxes)
		return;
	for (int i = 0; i < boxes->n_workers; i++) {
		free(boxes->workers[i].output);
		free(boxes->workers[i].row);
	}
	free(boxes->workers);
	free(boxes->stripes);
	rdp_untried_cells_fini(&boxes->untried);
	free(boxes);
}

/* On the caller's thread after a batch: what the stripes taught about their cells. */
static void
rdp_gfx_boxes_learn(struct rdp_gfx_boxes *boxes, const struct rdp_gfx_stripe *stripe,
		    struct rdp_gfx_box_counts *counts)
{
	if (stripe->skipped) {
		rdp_untried_cells_count_down(&boxes->untried, &stripe->box);
		counts->untried++;
	} else if (stripe->incompressible && stripe->kind != RDP_GFX_STRIPE_SOLID)
		rdp_untried_cells_mark(&boxes->untried, &stripe->box);
}

/* Room in the worker's output for @capacity more bytes, and scratch for a row @width wide. */
static bool
rdp_gfx_box_worker_fit(struct rdp_gfx_box_worker *worker, int width, size_t capacity)
{
	if (!byte_buffer_reserve(&worker->output, &worker->output_size,
				 worker->output_used + capacity))
		return false;
	if (width > worker->row_width) {
		uint8_t *bigger = realloc(worker->row, (size_t)width);

		if (!bigger)
			return false;
		worker->row = bigger;
		worker->row_width = width;
	}
	return true;
}

static void
rdp_gfx_stripe_encode(int index, int worker_index, void *data)
{
	struct rdp_gfx_batch *batch = data;
	struct rdp_gfx_stripe *stripe = &batch->boxes->stripes[index];
	struct rdp_gfx_box_worker *worker = &batch->boxes->workers[worker_index];
	const pixman_box32_t *box = &stripe->box;
	int width = box->x2 - box->x1, height = box->y2 - box->y1;
	size_t capacity = rdp_untried_planar_budget(width, height);

	if (rdp_box_is_solid(batch->pixels, batch->stride, box, &stripe->color)) {
		stripe->kind = RDP_GFX_STRIPE_SOLID;
		return;
	}
	stripe->kind = RDP_GFX_STRIPE_UNCOMPRESSED;
	/*
	 * Planar spends a control byte on each row of each plane: a box under 3
	 * px wide (a text cursor) takes more as planar than as it is.
	 */
	if (!batch->planar || width < RDP_GFX_PLANAR_MIN_WIDTH)
		return;
	if (rdp_untried_cells_skip(&batch->boxes->untried, box)) {
		stripe->skipped = true;
		return;
	}
	if (!rdp_gfx_box_worker_fit(worker, width, capacity))
		return;
	stripe->size = (UINT32)rdp_planar_encode(
		batch->pixels + (size_t)box->y1 * (size_t)batch->stride + (size_t)box->x1 * 4,
		batch->stride, width, height, worker->output + worker->output_used, capacity,
		worker->row);
	if (stripe->size > 0) {
		stripe->kind = RDP_GFX_STRIPE_PLANAR;
		stripe->worker = worker_index;
		stripe->offset = worker->output_used;
		worker->output_used += stripe->size;
	}
	stripe->incompressible = stripe->size == 0;
}

/*
 * Top-down rows, no padding: what the uncompressed codec takes. @doubtful: the
 * rows are what planar could not pack.
 */
static UINT
rdp_gfx_send_uncompressed(struct rdp_gfx_channel *channel, uint16_t surface_id,
			  const uint8_t *pixels, int stride, const pixman_box32_t *box,
			  bool doubtful, struct rdp_gfx_box_counts *counts)
{
	int width = box->x2 - box->x1, height = box->y2 - box->y1;
	size_t row = (size_t)width * 4;
	RDPGFX_SURFACE_COMMAND cmd =
		rdp_gfx_surface_command_for(surface_id, RDPGFX_CODECID_UNCOMPRESSED, box);
	uint8_t *data;

	/* a box is at most one 64-row stripe of the desktop: its rows fit in 32 bits */
	cmd.length = (UINT32)(row * (size_t)height);
	data = rdp_gfx_channel_surface_command_room(channel, &cmd, doubtful);
	if (!data)
		return CHANNEL_RC_NO_MEMORY;
	for (int y = 0; y < height; y++)
		memcpy(data + row * (size_t)y,
		       pixels + (size_t)(box->y1 + y) * (size_t)stride + (size_t)box->x1 * 4, row);
	counts->bytes += cmd.length;
	return CHANNEL_RC_OK;
}

UINT
rdp_gfx_solid_fill(struct rdp_gfx_channel *channel, uint16_t surface_id, uint32_t color,
		   const pixman_box32_t *boxes, int n, struct rdp_gfx_box_counts *counts)
{
	RECTANGLE_16 rects[RDP_GFX_SOLID_FILL_RECTS];
	UINT rc = CHANNEL_RC_OK;

	for (int first = 0; first < n && rc == CHANNEL_RC_OK; first += RDP_GFX_SOLID_FILL_RECTS) {
		int count =
			n - first < RDP_GFX_SOLID_FILL_RECTS ? n - first : RDP_GFX_SOLID_FILL_RECTS;
		RDPGFX_SOLID_FILL_PDU fill = {
			.surfaceId = surface_id,
			.fillRectCount = (UINT16)count,
			.fillRects = rects,
			.fillPixel =
				{
					.B = (BYTE)color,
					.G = (BYTE)(color >> 8),
					.R = (BYTE)(color >> 16),
					.XA = 0xff,
				},
		};

		for (int i = 0; i < count; i++) {
			const pixman_box32_t *box = &boxes[first + i];

			rects[i] = rdp_gfx_rect16(box);
			counts->filled_pixels +=
				(uint64_t)(box->x2 - box->x1) * (uint64_t)(box->y2 - box->y1);
		}
		counts->solid_fills++;
		counts->bytes +=
			RDP_GFX_SOLID_FILL_BYTES + RDP_GFX_SOLID_FILL_RECT_BYTES * (uint64_t)count;
		rc = rdp_gfx_channel_solid_fill(channel, &fill);
	}
	return rc;
}

static UINT
rdp_gfx_send_stripe(const struct rdp_gfx_boxes *boxes, struct rdp_gfx_channel *channel,
		    uint16_t surface_id, const uint8_t *pixels, int stride,
		    const struct rdp_gfx_stripe *stripe, struct rdp_gfx_box_counts *counts)
{
	switch (stripe->kind) {
	case RDP_GFX_STRIPE_SOLID:
		/* a cleared background, a text cursor's line, a window being opened: 24 bytes */
		return rdp_gfx_solid_fill(channel, surface_id, stripe->color, &stripe->box, 1,
					  counts);
	case RDP_GFX_STRIPE_PLANAR:
		counts->bytes += stripe->size;
		return rdp_gfx_surface_command(
			channel, surface_id, RDPGFX_CODECID_PLANAR, &stripe->box,
			boxes->workers[stripe->worker].output + stripe->offset, stripe->size, NULL);
	default:
		return rdp_gfx_send_uncompressed(channel, surface_id, pixels, stride, &stripe->box,
						 stripe->incompressible || stripe->skipped, counts);
	}
}

/* @region cut into stripes, in its boxes' order; their number or -1. */
static int
rdp_gfx_boxes_cut(struct rdp_gfx_boxes *boxes, pixman_region32_t *region)
{
	int n, count = 0;
	pixman_box32_t *rects = pixman_region32_rectangles(region, &n);

	for (int i = 0; i < n; i++)
		count +=
			(rects[i].y2 - rects[i].y1 + RDP_GFX_STRIPE_ROWS - 1) / RDP_GFX_STRIPE_ROWS;
	if (count > boxes->stripes_size) {
		struct rdp_gfx_stripe *bigger =
			realloc(boxes->stripes, (size_t)count * sizeof *bigger);

		if (!bigger)
			return -1;
		boxes->stripes = bigger;
		boxes->stripes_size = count;
	}
	count = 0;
	for (int i = 0; i < n; i++) {
		for (int y = rects[i].y1; y < rects[i].y2; y += RDP_GFX_STRIPE_ROWS) {
			int y2 = y + RDP_GFX_STRIPE_ROWS < rects[i].y2 ? y + RDP_GFX_STRIPE_ROWS
								       : rects[i].y2;

			boxes->stripes[count++] = (struct rdp_gfx_stripe){
				.box = {rects[i].x1, y, rects[i].x2, y2},
			};
		}
	}
	return count;
}

UINT
rdp_gfx_boxes_send(struct rdp_gfx_boxes *boxes, struct rdp_gfx_channel *channel,
		   uint16_t surface_id, const uint8_t *pixels, int stride,
		   pixman_region32_t *region, bool planar, struct rdp_gfx_box_counts *counts)
{
	struct rdp_gfx_batch batch = {boxes, pixels, stride, planar};
	const pixman_box32_t *extents = pixman_region32_extents(region);
	int n = rdp_gfx_boxes_cut(boxes, region);
	UINT rc = CHANNEL_RC_OK;

	if (n < 0)
		return CHANNEL_RC_NO_MEMORY;
	rdp_untried_cells_fit(&boxes->untried, extents->x2, extents->y2);
	for (int i = 0; i < boxes->n_workers; i++)
		boxes->workers[i].output_used = 0;
	work_pool_run(boxes->pool, n, rdp_gfx_stripe_encode, &batch);
	for (int i = 0; i < n; i++) {
		rdp_gfx_boxes_learn(boxes, &boxes->stripes[i], counts);
		/* after a failure the channel is gone: the rest is not sent */
		if (rc == CHANNEL_RC_OK)
			rc = rdp_gfx_send_stripe(boxes, channel, surface_id, pixels, stride,
						 &boxes->stripes[i], counts);
	}
	return rc;
}
