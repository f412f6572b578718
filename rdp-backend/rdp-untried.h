/*
 * Cells not worth trying to compress (rdp-untried.c): where planar could not
 * pack an area to under 3/4 of its raw size (noise, a picture changing at
 * every frame), the desktop's 64x64 cells under it go raw for their next few
 * updates without trying. Trying cost noise 98 ms a 1024x768 frame with
 * bitmap updates (11 raw) and 110 ms a 1080p frame through the graphics
 * pipeline, for a sixth fewer bytes. Bitmap updates and the pipeline's
 * lossless boxes keep one each.
 */
#ifndef PORTHOLE_RDP_UNTRIED_H
#define PORTHOLE_RDP_UNTRIED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pixman.h>

struct rdp_untried_cells {
	uint8_t *updates_left; /* per cell: updates still to go raw untried */
	int columns, rows;
};

/** Frees the counts; the cells are left empty, ready for another fit. */
void rdp_untried_cells_fini(struct rdp_untried_cells *cells);

/**
 * Makes the cells cover the desktop up to @width x @height (they only grow,
 * keeping what they knew). False: no memory, and every area will be tried.
 */
bool rdp_untried_cells_fit(struct rdp_untried_cells *cells, int width, int height);

/**
 * The most bytes planar may take for a @width x @height area and still be
 * worth sending: under 3/4 of its raw size. Given only this much room, an
 * encoder that does not fit has packed so poorly that the area's cells should
 * go untried.
 */
size_t rdp_untried_planar_budget(int width, int height);

/** Whether every cell under @box is to go raw untried. Only reads: safe from workers. */
bool rdp_untried_cells_skip(const struct rdp_untried_cells *cells, const pixman_box32_t *box);

/** @box went raw untried: one update fewer left for each of its cells. */
void rdp_untried_cells_count_down(struct rdp_untried_cells *cells, const pixman_box32_t *box);

/** @box packed poorly: its cells go raw untried for their next updates. */
void rdp_untried_cells_mark(struct rdp_untried_cells *cells, const pixman_box32_t *box);

#endif
