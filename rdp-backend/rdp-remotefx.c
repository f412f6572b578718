/*
 * RemoteFX messages (MS-RDPRFX 2.2.2): the codec's headers once, then per
 * message a frame with the region's rectangles and a tileset. The tiles under
 * the region are coded on the work pool (rdp-remotefx-tile.c), each worker
 * appending whole tile blocks to a buffer it keeps, and copied from there into
 * messages in the tiles' order, as many to a message as its size allows.
 */
#include "rdp-remotefx.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "byte-buffer.h"
#include "rdp-le.h"
#include "rdp-remotefx-tile.h"
#include "work-pool.h"

#define RDP_REMOTEFX_SIDE_MAX 4096
/* a component's coding is cut off past this: its length is 16 bits in the tile */
#define RDP_REMOTEFX_COMPONENT_MAX 65535
/* a tile block: its header, then its three components */
#define RDP_REMOTEFX_TILE_HEADER 19
/* sync, context, codec versions and channels blocks, before the first frame */
#define RDP_REMOTEFX_HEADERS_SIZE (12 + 13 + 10 + 12)

#define RDP_REMOTEFX_WBT_SYNC 0xccc0
#define RDP_REMOTEFX_WBT_CODEC_VERSIONS 0xccc1
#define RDP_REMOTEFX_WBT_CHANNELS 0xccc2
#define RDP_REMOTEFX_WBT_CONTEXT 0xccc3
#define RDP_REMOTEFX_WBT_FRAME_BEGIN 0xccc4
#define RDP_REMOTEFX_WBT_FRAME_END 0xccc5
#define RDP_REMOTEFX_WBT_REGION 0xccc6
#define RDP_REMOTEFX_WBT_EXTENSION 0xccc7
#define RDP_REMOTEFX_CBT_REGION 0xcac1
#define RDP_REMOTEFX_CBT_TILESET 0xcac2
#define RDP_REMOTEFX_CBT_TILE 0xcac3
#define RDP_REMOTEFX_MAGIC 0xcaccacca
#define RDP_REMOTEFX_VERSION 0x0100
/* the codec's choices, as the context block and each tileset name them */
#define RDP_REMOTEFX_COLOUR_ICT 1
#define RDP_REMOTEFX_WAVELET_53 1
#define RDP_REMOTEFX_RLGR3 4
#define RDP_REMOTEFX_SCALAR 1

struct rdp_remotefx_tile {
	uint16_t x_index, y_index;
	int worker;
	size_t offset, size; /* its block in the worker's output, or size 0: it failed */
};

struct rdp_remotefx_worker {
	uint8_t *output;
	size_t used, capacity;
	struct rdp_remotefx_planes planes;
};

struct rdp_remotefx {
	struct work_pool *pool;
	int width, height, columns, rows;
	uint8_t quants[2][RDP_REMOTEFX_BANDS];
	bool headers_sent;
	uint32_t frame_index;
	struct rdp_remotefx_worker *workers;
	int n_workers;
	uint8_t *tile_taken; /* per tile of the surface, during one encode */
	struct rdp_remotefx_tile *tiles;
	const uint8_t *pixels; /* during one encode */
	int stride;
	uint8_t *message;
	size_t message_capacity;
};

struct rdp_remotefx *
rdp_remotefx_create(struct work_pool *pool, int width, int height)
{
	struct rdp_remotefx *remotefx;
	static const uint8_t luma[RDP_REMOTEFX_BANDS] = {6, 6, 6, 6, 7, 7, 8, 8, 8, 9};

	if (width < 1 || height < 1 || width > RDP_REMOTEFX_SIDE_MAX ||
	    height > RDP_REMOTEFX_SIDE_MAX)
		return NULL;
	remotefx = calloc(1, sizeof *remotefx);
	if (!remotefx)
		return NULL;
	remotefx->pool = pool;
	remotefx->width = width;
	remotefx->height = height;
	remotefx->columns = (width + RDP_REMOTEFX_TILE - 1) / RDP_REMOTEFX_TILE;
	remotefx->rows = (height + RDP_REMOTEFX_TILE - 1) / RDP_REMOTEFX_TILE;
	remotefx->n_workers = pool ? work_pool_workers(pool) : 1;
	remotefx->workers = calloc((size_t)remotefx->n_workers, sizeof *remotefx->workers);
	remotefx->tile_taken = calloc((size_t)remotefx->columns * (size_t)remotefx->rows, 1);
	remotefx->tiles =
		calloc((size_t)remotefx->columns * (size_t)remotefx->rows, sizeof *remotefx->tiles);
	if (!remotefx->workers || !remotefx->tile_taken || !remotefx->tiles) {
		rdp_remotefx_destroy(remotefx);
		return NULL;
	}
	/* the codec's own defaults until told otherwise */
	rdp_remotefx_set_quants(remotefx, luma, luma);
	return remotefx;
}

void
rdp_remotefx_destroy(struct rdp_remotefx *remotefx)
{
	if (!remotefx)
		return;
	for (int i = 0; remotefx->workers && i < remotefx->n_workers; i++)
		free(remotefx->workers[i].output);
	free(remotefx->workers);
	free(remotefx->tile_taken);
	free(remotefx->tiles);
	free(remotefx->message);
	free(remotefx);
}

bool
rdp_remotefx_is_for(const struct rdp_remotefx *remotefx, int width, int height)
{
	return remotefx->width == width && remotefx->height == height;
}

/* @step within the codec's range: 6 (the finest) to 15 (a band quantised past it is gone) */
static uint8_t
rdp_remotefx_step(uint8_t step)
{
	return step < 6 ? 6 : step > 15 ? 15 : step;
}

void
rdp_remotefx_set_quants(struct rdp_remotefx *remotefx, const uint8_t luma[RDP_REMOTEFX_BANDS],
			const uint8_t chroma[RDP_REMOTEFX_BANDS])
{
	for (int band = 0; band < RDP_REMOTEFX_BANDS; band++) {
		remotefx->quants[0][band] = rdp_remotefx_step(luma[band]);
		remotefx->quants[1][band] = rdp_remotefx_step(chroma[band]);
	}
}

/* --- tiles and the message --------------------------------------------------- */

/* Encodes tile @index as @worker_index: a whole tile block in the worker's output. */
static void
rdp_remotefx_tile_encode(int index, int worker_index, void *data)
{
	struct rdp_remotefx *remotefx = data;
	struct rdp_remotefx_tile *tile = &remotefx->tiles[index];
	struct rdp_remotefx_worker *worker = &remotefx->workers[worker_index];
	int left = tile->x_index * RDP_REMOTEFX_TILE, top = tile->y_index * RDP_REMOTEFX_TILE;
	int width = remotefx->width - left < RDP_REMOTEFX_TILE ? remotefx->width - left
							       : RDP_REMOTEFX_TILE;
	int height = remotefx->height - top < RDP_REMOTEFX_TILE ? remotefx->height - top
								: RDP_REMOTEFX_TILE;
	size_t lengths[3];
	uint8_t *block, *p;

	tile->size = 0;
	if (!byte_buffer_reserve(&worker->output, &worker->capacity,
				 worker->used + RDP_REMOTEFX_TILE_HEADER +
					 3 * RDP_REMOTEFX_COMPONENT_MAX))
		return;
	block = worker->output + worker->used;
	if (!rdp_remotefx_tile_code(
		    &worker->planes,
		    remotefx->pixels + (size_t)top * (size_t)remotefx->stride + (size_t)left * 4,
		    remotefx->stride, width, height, remotefx->quants[0], remotefx->quants[1],
		    block + RDP_REMOTEFX_TILE_HEADER, RDP_REMOTEFX_COMPONENT_MAX, lengths))
		return;
	p = block + RDP_REMOTEFX_TILE_HEADER + lengths[0] + lengths[1] + lengths[2];
	tile->size = (size_t)(p - block);
	tile->worker = worker_index;
	tile->offset = worker->used;
	worker->used += tile->size;
	p = rdp_le_put_u16(block, RDP_REMOTEFX_CBT_TILE);
	p = rdp_le_put_u32(p, (uint32_t)tile->size);
	/* luma takes quantisation values 0, both chromas 1 */
	p = rdp_le_put_u8(p, 0);
	p = rdp_le_put_u8(p, 1);
	p = rdp_le_put_u8(p, 1);
	p = rdp_le_put_u16(p, tile->x_index);
	p = rdp_le_put_u16(p, tile->y_index);
	for (int c = 0; c < 3; c++)
		p = rdp_le_put_u16(p, (uint32_t)lengths[c]);
}

/* The tiles under @boxes, each once, in the boxes' order; their number. */
static int
rdp_remotefx_take_tiles(struct rdp_remotefx *remotefx, const pixman_box32_t *boxes, int n)
{
	int count = 0;

	memset(remotefx->tile_taken, 0, (size_t)remotefx->columns * (size_t)remotefx->rows);
	for (int i = 0; i < n; i++) {
		const pixman_box32_t *box = &boxes[i];

		for (int ty = box->y1 / RDP_REMOTEFX_TILE; ty <= (box->y2 - 1) / RDP_REMOTEFX_TILE;
		     ty++)
			for (int tx = box->x1 / RDP_REMOTEFX_TILE;
			     tx <= (box->x2 - 1) / RDP_REMOTEFX_TILE; tx++) {
				uint8_t *taken = &remotefx->tile_taken[ty * remotefx->columns + tx];

				if (*taken)
					continue;
				*taken = 1;
				remotefx->tiles[count++] = (struct rdp_remotefx_tile){
					.x_index = (uint16_t)tx,
					.y_index = (uint16_t)ty,
				};
			}
	}
	return count;
}

static uint8_t *
rdp_remotefx_put_headers(const struct rdp_remotefx *remotefx, uint8_t *p)
{
	p = rdp_le_put_u16(p, RDP_REMOTEFX_WBT_SYNC);
	p = rdp_le_put_u32(p, 12);
	p = rdp_le_put_u32(p, RDP_REMOTEFX_MAGIC);
	p = rdp_le_put_u16(p, RDP_REMOTEFX_VERSION);
	p = rdp_le_put_u16(p, RDP_REMOTEFX_WBT_CONTEXT);
	p = rdp_le_put_u32(p, 13);
	p = rdp_le_put_u8(p, 1);    /* codec */
	p = rdp_le_put_u8(p, 0xff); /* channel */
	p = rdp_le_put_u8(p, 0);    /* context */
	p = rdp_le_put_u16(p, RDP_REMOTEFX_TILE);
	p = rdp_le_put_u16(p, RDP_REMOTEFX_COLOUR_ICT << 3 | RDP_REMOTEFX_WAVELET_53 << 5 |
				      RDP_REMOTEFX_RLGR3 << 9 | RDP_REMOTEFX_SCALAR << 13);
	p = rdp_le_put_u16(p, RDP_REMOTEFX_WBT_CODEC_VERSIONS);
	p = rdp_le_put_u32(p, 10);
	p = rdp_le_put_u8(p, 1); /* codecs */
	p = rdp_le_put_u8(p, 1); /* codec */
	p = rdp_le_put_u16(p, RDP_REMOTEFX_VERSION);
	p = rdp_le_put_u16(p, RDP_REMOTEFX_WBT_CHANNELS);
	p = rdp_le_put_u32(p, 12);
	p = rdp_le_put_u8(p, 1); /* channels */
	p = rdp_le_put_u8(p, 0); /* channel */
	p = rdp_le_put_u16(p, (uint32_t)remotefx->width);
	return rdp_le_put_u16(p, (uint32_t)remotefx->height);
}

/* The boxes clipped to the surface, as the region's rectangles; their number. */
static int
rdp_remotefx_clip(const struct rdp_remotefx *remotefx, const pixman_box32_t *boxes, int n,
		  pixman_box32_t *clipped)
{
	int count = 0;

	for (int i = 0; i < n; i++) {
		pixman_box32_t box = {
			boxes[i].x1 < 0 ? 0 : boxes[i].x1,
			boxes[i].y1 < 0 ? 0 : boxes[i].y1,
			boxes[i].x2 > remotefx->width ? remotefx->width : boxes[i].x2,
			boxes[i].y2 > remotefx->height ? remotefx->height : boxes[i].y2,
		};

		if (box.x1 < box.x2 && box.y1 < box.y2)
			clipped[count++] = box;
	}
	return count;
}

static uint8_t *
rdp_remotefx_put_region(uint8_t *p, const pixman_box32_t *boxes, int n)
{
	p = rdp_le_put_u16(p, RDP_REMOTEFX_WBT_REGION);
	p = rdp_le_put_u32(p, 15 + 8 * (uint32_t)n);
	p = rdp_le_put_u8(p, 1); /* codec */
	p = rdp_le_put_u8(p, 0); /* channel */
	p = rdp_le_put_u8(p, 1); /* flags: lrf */
	p = rdp_le_put_u16(p, (uint32_t)n);
	for (int i = 0; i < n; i++) {
		p = rdp_le_put_u16(p, (uint32_t)boxes[i].x1);
		p = rdp_le_put_u16(p, (uint32_t)boxes[i].y1);
		p = rdp_le_put_u16(p, (uint32_t)(boxes[i].x2 - boxes[i].x1));
		p = rdp_le_put_u16(p, (uint32_t)(boxes[i].y2 - boxes[i].y1));
	}
	p = rdp_le_put_u16(p, RDP_REMOTEFX_CBT_REGION);
	return rdp_le_put_u16(p, 1); /* tilesets */
}

static uint8_t *
rdp_remotefx_put_tileset(const struct rdp_remotefx *remotefx, uint8_t *p, int n_tiles,
			 uint64_t tiles_size)
{
	p = rdp_le_put_u16(p, RDP_REMOTEFX_WBT_EXTENSION);
	p = rdp_le_put_u32(p, (uint32_t)(22 + 2 * 5 + tiles_size));
	p = rdp_le_put_u8(p, 1); /* codec */
	p = rdp_le_put_u8(p, 0); /* channel */
	p = rdp_le_put_u16(p, RDP_REMOTEFX_CBT_TILESET);
	p = rdp_le_put_u16(p, 0); /* index */
	p = rdp_le_put_u16(p, 1 | RDP_REMOTEFX_COLOUR_ICT << 4 | RDP_REMOTEFX_WAVELET_53 << 6 |
				      RDP_REMOTEFX_RLGR3 << 10 | RDP_REMOTEFX_SCALAR << 14);
	p = rdp_le_put_u8(p, 2); /* quantisation sets */
	p = rdp_le_put_u8(p, RDP_REMOTEFX_TILE);
	p = rdp_le_put_u16(p, (uint32_t)n_tiles);
	p = rdp_le_put_u32(p, (uint32_t)tiles_size);
	for (int set = 0; set < 2; set++)
		for (int band = 0; band < RDP_REMOTEFX_BANDS; band += 2)
			p = rdp_le_put_u8(p, remotefx->quants[set][band] |
						     remotefx->quants[set][band + 1] << 4);
	return p;
}

/* Bytes of a message around its tiles, with the codec's headers or without. */
static uint64_t
rdp_remotefx_message_overhead(bool headers, int n_rects)
{
	return (headers ? RDP_REMOTEFX_HEADERS_SIZE : 0) + 14 + 15 + 8 * (uint64_t)n_rects + 32 + 8;
}

/* Writes the message of tiles [@first, @last), @tiles_size bytes of them; its size, or 0. */
static size_t
rdp_remotefx_write_message(struct rdp_remotefx *remotefx, const pixman_box32_t *rects, int n,
			   int first, int last, uint64_t tiles_size)
{
	uint64_t need = rdp_remotefx_message_overhead(!remotefx->headers_sent, n) + tiles_size;
	uint8_t *p;

	if (need > UINT32_MAX)
		return 0;
	if (!byte_buffer_reserve(&remotefx->message, &remotefx->message_capacity, (size_t)need))
		return 0;
	p = remotefx->message;
	if (!remotefx->headers_sent)
		p = rdp_remotefx_put_headers(remotefx, p);
	p = rdp_le_put_u16(p, RDP_REMOTEFX_WBT_FRAME_BEGIN);
	p = rdp_le_put_u32(p, 14);
	p = rdp_le_put_u8(p, 1); /* codec */
	p = rdp_le_put_u8(p, 0); /* channel */
	p = rdp_le_put_u32(p, remotefx->frame_index);
	p = rdp_le_put_u16(p, 1); /* regions */
	p = rdp_remotefx_put_region(p, rects, n);
	p = rdp_remotefx_put_tileset(remotefx, p, last - first, tiles_size);
	for (int i = first; i < last; i++) {
		const struct rdp_remotefx_tile *tile = &remotefx->tiles[i];

		memcpy(p, remotefx->workers[tile->worker].output + tile->offset, tile->size);
		p += tile->size;
	}
	p = rdp_le_put_u16(p, RDP_REMOTEFX_WBT_FRAME_END);
	p = rdp_le_put_u32(p, 8);
	p = rdp_le_put_u8(p, 1); /* codec */
	p = rdp_le_put_u8(p, 0); /* channel */
	remotefx->headers_sent = true;
	remotefx->frame_index++;
	return (size_t)(p - remotefx->message);
}

/* Encodes the tiles under @rects on the pool; their number, or -1 where one failed. */
static int
rdp_remotefx_encode_tiles(struct rdp_remotefx *remotefx, const pixman_box32_t *rects, int n,
			  const uint8_t *pixels, int stride)
{
	int n_tiles = rdp_remotefx_take_tiles(remotefx, rects, n);

	remotefx->pixels = pixels;
	remotefx->stride = stride;
	for (int w = 0; w < remotefx->n_workers; w++)
		remotefx->workers[w].used = 0;
	if (remotefx->pool)
		work_pool_run(remotefx->pool, n_tiles, rdp_remotefx_tile_encode, remotefx);
	else
		for (int i = 0; i < n_tiles; i++)
			rdp_remotefx_tile_encode(i, 0, remotefx);
	remotefx->pixels = NULL;
	for (int i = 0; i < n_tiles; i++)
		if (remotefx->tiles[i].size == 0)
			return -1;
	return n_tiles;
}

int64_t
rdp_remotefx_encode(struct rdp_remotefx *remotefx, const pixman_box32_t *boxes, int n,
		    const uint8_t *pixels, int stride, size_t max_message, rdp_remotefx_send_t send,
		    void *data)
{
	pixman_box32_t *rects = n > 0 && n <= UINT16_MAX ? malloc((size_t)n * sizeof *rects) : NULL;
	int64_t sent = 0;
	int n_tiles;

	if (!rects || (n = rdp_remotefx_clip(remotefx, boxes, n, rects)) == 0 ||
	    (n_tiles = rdp_remotefx_encode_tiles(remotefx, rects, n, pixels, stride)) < 0) {
		free(rects);
		return -1;
	}
	for (int first = 0, last; first < n_tiles; first = last) {
		uint64_t room = rdp_remotefx_message_overhead(!remotefx->headers_sent, n);
		uint64_t tiles_size = remotefx->tiles[first].size;
		size_t size;

		/* each message takes a tile at least, and as many more as fit */
		for (last = first + 1;
		     last < n_tiles &&
		     room + tiles_size + remotefx->tiles[last].size <= max_message;
		     last++)
			tiles_size += remotefx->tiles[last].size;
		size = rdp_remotefx_write_message(remotefx, rects, n, first, last, tiles_size);
		if (size == 0 || !send(data, remotefx->message, size)) {
			sent = -1;
			break;
		}
		sent += (int64_t)size;
	}
	free(rects);
	return sent;
}
