/*
 * Cells not worth trying to compress: a count of updates per 64x64 cell of
 * the desktop (see rdp-untried.h).
 */
#include "rdp-untried.h"

#include <stdlib.h>

#define RDP_UNTRIED_CELL 64
#define RDP_UNTRIED_UPDATES 8

void
rdp_untried_cells_fini(struct rdp_untried_cells *cells)
{
	free(cells->updates_left);
	*cells = (struct rdp_untried_cells){0};
}

bool
rdp_untried_cells_fit(struct rdp_untried_cells *cells, int width, int height)
{
	int columns = (width + RDP_UNTRIED_CELL - 1) / RDP_UNTRIED_CELL;
	int rows = (height + RDP_UNTRIED_CELL - 1) / RDP_UNTRIED_CELL;

	if (cells->updates_left && columns <= cells->columns && rows <= cells->rows)
		return true;
	columns = columns > cells->columns ? columns : cells->columns;
	rows = rows > cells->rows ? rows : cells->rows;
	rdp_untried_cells_fini(cells);
	if (columns <= 0 || rows <= 0)
		return false;
	cells->updates_left = calloc((size_t)columns * (size_t)rows, 1);
	if (!cells->updates_left)
		return false;
	cells->columns = columns;
	cells->rows = rows;
	return true;
}

size_t
rdp_untried_planar_budget(int width, int height)
{
	uint64_t raw = (uint64_t)width * (uint64_t)height * 4;

	return width > 0 && height > 0 ? (size_t)(raw / 4 * 3 - 1) : 0;
}

/* The cells under @box as [x1, x2) x [y1, y2); false when they are not all known. */
static bool
rdp_untried_cells_under(const struct rdp_untried_cells *cells, const pixman_box32_t *box, int *x1,
			int *y1, int *x2, int *y2)
{
	if (!cells->updates_left || box->x1 < 0 || box->y1 < 0 || box->x2 <= box->x1 ||
	    box->y2 <= box->y1)
		return false;
	*x1 = box->x1 / RDP_UNTRIED_CELL;
	*y1 = box->y1 / RDP_UNTRIED_CELL;
	*x2 = (box->x2 + RDP_UNTRIED_CELL - 1) / RDP_UNTRIED_CELL;
	*y2 = (box->y2 + RDP_UNTRIED_CELL - 1) / RDP_UNTRIED_CELL;
	return *x2 <= cells->columns && *y2 <= cells->rows;
}

static uint8_t *
rdp_untried_cell(const struct rdp_untried_cells *cells, int x, int y)
{
	return &cells->updates_left[(size_t)y * (size_t)cells->columns + (size_t)x];
}

bool
rdp_untried_cells_skip(const struct rdp_untried_cells *cells, const pixman_box32_t *box)
{
	int x1, y1, x2, y2;

	if (!rdp_untried_cells_under(cells, box, &x1, &y1, &x2, &y2))
		return false;
	for (int y = y1; y < y2; y++) {
		for (int x = x1; x < x2; x++) {
			if (*rdp_untried_cell(cells, x, y) == 0)
				return false;
		}
	}
	return true;
}

/* Each cell under @box: @marked, its updates start again; else one fewer is left. */
static void
rdp_untried_cells_update(struct rdp_untried_cells *cells, const pixman_box32_t *box, bool marked)
{
	int x1, y1, x2, y2;

	if (!rdp_untried_cells_under(cells, box, &x1, &y1, &x2, &y2))
		return;
	for (int y = y1; y < y2; y++) {
		for (int x = x1; x < x2; x++) {
			uint8_t *left = rdp_untried_cell(cells, x, y);

			if (marked)
				*left = RDP_UNTRIED_UPDATES;
			else if (*left > 0)
				(*left)--;
		}
	}
}

void
rdp_untried_cells_count_down(struct rdp_untried_cells *cells, const pixman_box32_t *box)
{
	rdp_untried_cells_update(cells, box, false);
}

void
rdp_untried_cells_mark(struct rdp_untried_cells *cells, const pixman_box32_t *box)
{
	rdp_untried_cells_update(cells, box, true);
}
