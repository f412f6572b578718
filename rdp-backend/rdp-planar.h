/*
 * The planar codec's encoder (MS-RDPEGDI 2.2.2.5.1) as the graphics pipeline
 * takes it: top row first, no alpha plane, every plane run-length coded over
 * the differences between rows. FreeRDP 2.11's encoder converts each pixel
 * through its generic colour functions and also codes the alpha plane it then
 * drops: this one takes 32-bit BGRX as it lies and costs a fraction of that.
 * Pure logic over bytes; the unit tests run it against FreeRDP's decoder.
 */
#ifndef PORTHOLE_RDP_PLANAR_H
#define PORTHOLE_RDP_PLANAR_H

#include <stddef.h>
#include <stdint.h>

/** The most the encoding of a @width x @height box can take, for sizing @out. */
size_t rdp_planar_max_size(int width, int height);

/**
 * Encodes @width x @height pixels (BGRX, rows @stride bytes apart, the one at
 * @pixels first: a negative @stride codes the bottom row first, as legacy
 * bitmap updates want) into @out (@capacity bytes), using @row_scratch
 * (@width bytes); its
 * size, or 0 where it would take more than @capacity (the box is better sent
 * as it is then).
 */
size_t rdp_planar_encode(const uint8_t *pixels, int stride, int width, int height, uint8_t *out,
			 size_t capacity, uint8_t *row_scratch);

#endif
