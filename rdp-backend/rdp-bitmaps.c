/*
 * Planar bitmap updates, for clients that offer neither the graphics pipeline
 * nor a SurfaceBits codec (xfreerdp without /gfx, /rfx or /nsc). Every client
 * decodes 32-bit planar bitmaps (MS-RDPEGDI's bitmap compression): lossless,
 * and small on text and UI, where raw SurfaceBits were 20 times Weston's bytes
 * for a scrolling terminal (Weston's go through FreeRDP's bulk compressor, which
 * costs as much CPU as it saves bytes). Tiles of 64x64 whose sides are
 * multiples of 4, as clients expect; what is left at the desktop's right and
 * bottom edges, and what planar cannot pack, goes back to the caller as raw.
 */
#include <stdlib.h>

#include <freerdp/settings.h>

#include "rdp-internal.h"
#include "rdp-planar.h"
#include "rdp-untried.h"

#define RDP_BITMAP_TILE 64
/* what the header of a bitmap update and each bitmap's own take, at most */
#define RDP_BITMAP_UPDATE_HEADER 1024
#define RDP_BITMAP_DATA_HEADER 26

struct rdp_bitmaps {
	BITMAP_DATA *tiles; /* one update's */
	size_t n_tiles, tiles_size;
	size_t update_bytes;
	struct rdp_untried_cells untried;
};

struct rdp_bitmaps *
rdp_bitmaps_create(void)
{
	struct rdp_bitmaps *bitmaps = calloc(1, sizeof *bitmaps);

	return bitmaps;
}

void
rdp_bitmaps_destroy(struct rdp_bitmaps *bitmaps)
{
	if (!bitmaps)
		return;
	for (size_t i = 0; i < bitmaps->n_tiles; i++)
		free(bitmaps->tiles[i].bitmapDataStream);
	free(bitmaps->tiles);
	rdp_untried_cells_fini(&bitmaps->untried);
	free(bitmaps);
}

/* Sends the tiles gathered as one bitmap update. */
static void
rdp_bitmaps_flush(struct rdp_bitmaps *bitmaps, struct rdp_peer *peer)
{
	rdpContext *context = peer->client->context;
	BITMAP_UPDATE update = {
		.count = (UINT32)bitmaps->n_tiles,
		.number = (UINT32)bitmaps->n_tiles,
		.rectangles = bitmaps->tiles,
	};

	if (bitmaps->n_tiles > 0)
		context->update->BitmapUpdate(context, &update);
	for (size_t i = 0; i < bitmaps->n_tiles; i++)
		free(bitmaps->tiles[i].bitmapDataStream);
	bitmaps->n_tiles = 0;
	bitmaps->update_bytes = RDP_BITMAP_UPDATE_HEADER;
}

/* One tile, planar; false when planar cannot pack it (or no memory). */
static bool
rdp_bitmaps_add_tile(struct rdp_bitmaps *bitmaps, struct rdp_peer *peer, const uint8_t *pixels,
		     int stride, int x, int y, int width, int height)
{
	pixman_box32_t tile = {x, y, x + width, y + height};
	UINT32 max_update = freerdp_settings_get_uint32(peer->client->context->settings,
							FreeRDP_MultifragMaxRequestSize);
	size_t capacity = rdp_untried_planar_budget(width, height);
	uint8_t row[RDP_BITMAP_TILE];
	UINT32 size;
	BYTE *data;

	if (bitmaps->n_tiles == bitmaps->tiles_size) {
		size_t bigger_size = bitmaps->tiles_size ? bitmaps->tiles_size * 2 : 64;
		BITMAP_DATA *bigger = realloc(bitmaps->tiles, bigger_size * sizeof *bigger);

		if (!bigger)
			return false;
		bitmaps->tiles = bigger;
		bitmaps->tiles_size = bigger_size;
	}
	if (rdp_untried_cells_skip(&bitmaps->untried, &tile)) {
		rdp_untried_cells_count_down(&bitmaps->untried, &tile);
		return false;
	}
	data = malloc(capacity);
	if (!data)
		return false;
	/* legacy bitmaps go bottom row first */
	size = (UINT32)rdp_planar_encode(pixels + (size_t)(y + height - 1) * (size_t)stride +
						 (size_t)x * 4,
					 -stride, width, height, data, capacity, row);
	if (size == 0) {
		rdp_untried_cells_mark(&bitmaps->untried, &tile);
		free(data);
		return false;
	}
	if (bitmaps->n_tiles > 0 &&
	    bitmaps->update_bytes + size + RDP_BITMAP_DATA_HEADER >= max_update)
		rdp_bitmaps_flush(bitmaps, peer);
	bitmaps->tiles[bitmaps->n_tiles++] = (BITMAP_DATA){
		.destLeft = (UINT32)x,
		.destTop = (UINT32)y,
		.destRight = (UINT32)(x + width - 1),
		.destBottom = (UINT32)(y + height - 1),
		.width = (UINT32)width,
		.height = (UINT32)height,
		.bitsPerPixel = 32,
		.bitmapLength = size,
		.cbCompMainBodySize = size,
		.cbScanWidth = (UINT32)width * 4,
		.cbUncompressedSize = (UINT32)(width * height * 4),
		.bitmapDataStream = data,
		.compressed = TRUE,
	};
	bitmaps->update_bytes += size + RDP_BITMAP_DATA_HEADER;
	peer->bytes_sent += size;
	return true;
}

void
rdp_bitmaps_send(struct rdp_bitmaps *bitmaps, struct rdp_peer *peer, const uint32_t *pixels,
		 int width, int height, int stride, pixman_region32_t *damage,
		 pixman_region32_t *raw)
{
	const uint8_t *bytes = (const uint8_t *)pixels;
	/* tiles cover whole multiples of 4 from the desktop's top-left corner */
	int right = width & ~3, bottom = height & ~3;
	int n;
	pixman_box32_t *boxes = pixman_region32_rectangles(damage, &n);
	pixman_region32_t sent;

	pixman_region32_init(&sent);
	rdp_untried_cells_fit(&bitmaps->untried, width, height);
	bitmaps->update_bytes = RDP_BITMAP_UPDATE_HEADER;
	for (int i = 0; i < n; i++) {
		int x1 = boxes[i].x1 & ~3, y1 = boxes[i].y1 & ~3;
		int x2 = (boxes[i].x2 + 3) & ~3, y2 = (boxes[i].y2 + 3) & ~3;

		x2 = x2 < right ? x2 : right;
		y2 = y2 < bottom ? y2 : bottom;
		for (int y = y1; y < y2; y += RDP_BITMAP_TILE) {
			for (int x = x1; x < x2; x += RDP_BITMAP_TILE) {
				int w = x2 - x < RDP_BITMAP_TILE ? x2 - x : RDP_BITMAP_TILE;
				int h = y2 - y < RDP_BITMAP_TILE ? y2 - y : RDP_BITMAP_TILE;

				if (rdp_bitmaps_add_tile(bitmaps, peer, bytes, stride, x, y, w, h))
					pixman_region32_union_rect(&sent, &sent, x, y, (unsigned)w,
								   (unsigned)h);
			}
		}
	}
	rdp_bitmaps_flush(bitmaps, peer);
	pixman_region32_subtract(raw, damage, &sent);
	pixman_region32_fini(&sent);
}
