/*
 * RemoteFX (MS-RDPRFX) encoded here, for the graphics pipeline's lossy
 * areas: 64x64 tiles, each turned to YCbCr, three levels of the codec's
 * wavelet, quantised, and entropy coded (RLGR3). FreeRDP 2.11's encoder
 * converts each tile through generic per-format loops, codes bit by bit and
 * hands tiles to a thread pool of its own: 10.1 ms of CPU for a 1024x768
 * frame of moving gradients, the most of what such a frame cost. Tiles here
 * are encoded on the compositor's work pool, each worker appending to a buffer
 * it keeps, and the message is written from them in tile order. Pure logic
 * over bytes; the unit tests decode it with FreeRDP's decoder.
 */
#ifndef PORTHOLE_RDP_REMOTEFX_H
#define PORTHOLE_RDP_REMOTEFX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pixman.h>

#include "rdp-remotefx-tile.h"

struct rdp_remotefx;
struct work_pool;

/**
 * An encoder for a @width x @height surface whose tiles are encoded on @pool
 * (NULL: on the caller). NULL when out of memory or the size is not one
 * RemoteFX takes (1 to 4096 a side).
 */
struct rdp_remotefx *rdp_remotefx_create(struct work_pool *pool, int width, int height);

void rdp_remotefx_destroy(struct rdp_remotefx *remotefx);

/** Whether @remotefx was made for a @width x @height surface. */
bool rdp_remotefx_is_for(const struct rdp_remotefx *remotefx, int width, int height);

/**
 * Quantisation steps (6 to 15) for luma and for chroma, each in the order
 * LL3 LH3 HL3 HH3 LH2 HL2 HH2 LH1 HL1 HH1; coarser steps give fewer bytes; steps outside that range are
 * taken as the nearest one.
 */
void rdp_remotefx_set_quants(struct rdp_remotefx *remotefx, const uint8_t luma[RDP_REMOTEFX_BANDS],
			     const uint8_t chroma[RDP_REMOTEFX_BANDS]);

/** Sends one message; false: the connection failed, and no more are made. */
typedef bool (*rdp_remotefx_send_t)(void *data, const uint8_t *message, size_t size);

/**
 * Encodes the tiles under @boxes (@n of them, clipped to the surface) of the
 * surface's pixels (BGRX, rows @stride bytes apart) as RemoteFX messages of
 * at most @max_message bytes (but a tile at least), each with the whole region
 * and handed to @send in order, the codec's headers before the first message
 * the encoder makes. Returns the bytes sent, or -1: out of memory, no area, a
 * tile whose coding would not fit the protocol's 16-bit lengths, or @send
 * failed.
 */
int64_t rdp_remotefx_encode(struct rdp_remotefx *remotefx, const pixman_box32_t *boxes, int n,
			    const uint8_t *pixels, int stride, size_t max_message,
			    rdp_remotefx_send_t send, void *data);

#endif
