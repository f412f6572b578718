/*
 * Repeated cells (rdp-cells.c): text in a fixed grid, a terminal's, repeats
 * every glyph exactly, and a glyph the frame already drew costs a copy (a
 * ScrBlt order, or SurfaceToSurface through the graphics pipeline) instead of
 * its pixels.
 */
#ifndef PORTHOLE_RDP_CELLS_H
#define PORTHOLE_RDP_CELLS_H

#include <stdbool.h>
#include <stdint.h>

#include <pixman.h>

#include "rdp-copy.h"

/* Cells of @width x @height whose edges lie at @x + i * @width, @y + j * @height. */
struct rdp_cell_grid {
	int width, height;
	int x, y;
	uint32_t background; /* the colour most of the box has */
};

/**
 * The grid that text in @box of @pixels (BGRX, @stride bytes a row) follows:
 * false where it has none (pictures, proportional text, too few cells to
 * tell). Columns and rows of a grid of glyphs are inked by turns, emptiest
 * between two glyphs, every cell's width and height.
 */
bool rdp_cells_find_grid(const uint32_t *pixels, int stride, const pixman_box32_t *box,
			 struct rdp_cell_grid *grid);

struct rdp_cells;

struct rdp_cells *rdp_cells_create(void);

/** NULL-safe. */
void rdp_cells_destroy(struct rdp_cells *cells);

/**
 * Plans a frame of @damage of @pixels (@width x @height, @stride bytes a
 * row): the cells of its boxes that repeat an earlier cell of the same frame
 * become copies (*@copies, *@n_copies, valid until the next call), to be
 * sent after every pixel of the frame. Returns what to encode: @pixels where
 * nothing repeats, else a copy of the damaged pixels in which the repeated
 * cells hold their background (what the copies then overwrite): rows of
 * @damage's boxes widened to 4 pixels, the tiles encoders read.
 */
const uint32_t *rdp_cells_plan(struct rdp_cells *cells, const uint32_t *pixels, int width,
			       int height, int stride, pixman_region32_t *damage,
			       const struct rdp_copy **copies, int *n_copies);

#endif
