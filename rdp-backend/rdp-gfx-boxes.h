/*
 * The lossless half of the graphics pipeline (rdp-gfx-boxes.c): damage cut
 * into stripes, each a SolidFill when it is one colour, else planar (or
 * uncompressed), encoded on every core and sent in order.
 */
#ifndef PORTHOLE_RDP_GFX_BOXES_H
#define PORTHOLE_RDP_GFX_BOXES_H

#include <stdbool.h>
#include <stdint.h>

#include <pixman.h>

#include "rdp-gfx-channel.h"
#include "work-pool.h"

/* stripes are at most this many rows: what each worker's planar encoder is sized for */
#define RDP_GFX_STRIPE_ROWS 64

struct rdp_gfx_boxes;

struct rdp_gfx_box_counts {
	uint64_t bytes;
	uint64_t solid_fills, filled_pixels;
	uint64_t untried; /* stripes sent uncompressed without trying planar (noise) */
};

/** Encoders for each of @pool's workers, made at their first use. */
struct rdp_gfx_boxes *rdp_gfx_boxes_create(struct work_pool *pool);

/** NULL-safe. */
void rdp_gfx_boxes_destroy(struct rdp_gfx_boxes *boxes);

/**
 * Inside a frame: @region of the desktop @pixels (rows @stride bytes apart) to
 * surface @surface_id, as planar when @planar, else uncompressed; what was
 * sent added to @counts.
 */
UINT rdp_gfx_boxes_send(struct rdp_gfx_boxes *boxes, struct rdp_gfx_channel *channel,
			uint16_t surface_id, const uint8_t *pixels, int stride,
			pixman_region32_t *region, bool planar, struct rdp_gfx_box_counts *counts);

/** One SurfaceCommand of @codec_id for @box of surface @surface_id. */
UINT rdp_gfx_surface_command(struct rdp_gfx_channel *channel, uint16_t surface_id, UINT16 codec_id,
			     const pixman_box32_t *box, const BYTE *data, UINT32 length,
			     void *extra);

/** SurfaceToSurface: @from of surface @src_id to @to_x, @to_y of surface @dst_id. */
UINT rdp_gfx_surface_copy(struct rdp_gfx_channel *channel, uint16_t src_id, uint16_t dst_id,
			  const pixman_box32_t *from, int to_x, int to_y);

RECTANGLE_16 rdp_gfx_rect16(const pixman_box32_t *box);

/**
 * @boxes of surface @surface_id filled with @color (0xXXRRGGBB), as few
 * SolidFill PDUs as they fit in; @counts counts them, their bytes and pixels.
 */
UINT rdp_gfx_solid_fill(struct rdp_gfx_channel *channel, uint16_t surface_id, uint32_t color,
			const pixman_box32_t *boxes, int n, struct rdp_gfx_box_counts *counts);

#endif
