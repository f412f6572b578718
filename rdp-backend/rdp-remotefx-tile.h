/*
 * One RemoteFX tile coded (rdp-remotefx-tile.c): its pixels as Y, Cb and Cr,
 * the codec's wavelet, quantisation and RLGR3, one component after another.
 * Pure arithmetic over a tile; the message around tiles is rdp-remotefx.c's.
 */
#ifndef PORTHOLE_RDP_REMOTEFX_TILE_H
#define PORTHOLE_RDP_REMOTEFX_TILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RDP_REMOTEFX_TILE 64
#define RDP_REMOTEFX_COEFFICIENTS (RDP_REMOTEFX_TILE * RDP_REMOTEFX_TILE)
/* bands in the order of the protocol's quantisation values */
#define RDP_REMOTEFX_BANDS 10

/* Where a tile is worked on: one per thread. */
struct rdp_remotefx_planes {
	int16_t planes[3][RDP_REMOTEFX_COEFFICIENTS];
	int16_t scratch[RDP_REMOTEFX_COEFFICIENTS];
};

/**
 * Codes the @width x @height pixels at @pixels (BGRX, rows @stride bytes
 * apart; a tile at the surface's edge is smaller than 64x64) with the steps
 * @luma and @chroma: Y, Cb and Cr one after another at @out, each at most
 * @component_max bytes, their lengths in @lengths. False where one would
 * take more.
 */
bool rdp_remotefx_tile_code(struct rdp_remotefx_planes *work, const uint8_t *pixels, int stride,
			    int width, int height, const uint8_t luma[RDP_REMOTEFX_BANDS],
			    const uint8_t chroma[RDP_REMOTEFX_BANDS], uint8_t *out,
			    size_t component_max, size_t lengths[3]);

#endif
