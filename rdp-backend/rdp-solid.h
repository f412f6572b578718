/*
 * Areas of one colour, which go as fills instead of pixels. Built with the
 * repeated cells, vectorised (meson.build): the blank squares read most of a
 * page of text at each frame.
 */
#ifndef PORTHOLE_RDP_SOLID_H
#define PORTHOLE_RDP_SOLID_H

#include <stdbool.h>
#include <stdint.h>

#include <pixman.h>

/** Whether every pixel of @box is the same; *@color gets it. */
bool rdp_box_is_solid(const uint8_t *pixels, int stride, const pixman_box32_t *box,
		      uint32_t *color);

/* the squares, aligned to multiples of their side, a frame's blank areas are looked for in */
#define RDP_BLANK_SQUARE 64

/**
 * The squares of @damage that @pixels (a frame with its repeated cells
 * blanked, rdp-cells.h) shows in one colour, that of the first such square
 * (the text's background: most of a page of text, whose glyphs the copies
 * then paint), merged into @blank (empty: none); *@color gets it.
 */
void rdp_blank_squares(const uint8_t *pixels, int stride, pixman_region32_t *damage,
		       pixman_region32_t *blank, uint32_t *color);

#endif
