/*
 * Repeated cells. A screen of terminal text is a few dozen glyphs drawn
 * thousands of times, each copy exact to the byte; lossless codecs pay for
 * every one again (planar bitmaps under MPPC: 214 KB for a 1024x768 screen of
 * text, where Weston's raw bits under RDP 6.1's compressor take 177 KB for
 * 16 ms of CPU). Found here: the grid the text follows, from how its columns
 * and rows are inked; each cell that equals one before it in the frame, by
 * hash and then byte for byte. Runs of those become copies of the longest
 * earlier equal run (looked for as in LZ77, by the pairs of cells that begin
 * them), sent after the frame's pixels, which carry them as background.
 */
#include <stdlib.h>
#include <string.h>

#include "byte-buffer.h"
#include "rdp-cells.h"

/* cell sizes looked for: text from 4 to 32 pixels wide, 6 to 64 high */
#define RDP_CELL_MIN_WIDTH 4
#define RDP_CELL_MAX_WIDTH 32
#define RDP_CELL_MIN_HEIGHT 6
#define RDP_CELL_MAX_HEIGHT 64
/* the period search keeps one score per period up to the larger bound */
_Static_assert(RDP_CELL_MAX_WIDTH <= RDP_CELL_MAX_HEIGHT, "periods are scored up to the height");
/* a period is told from this many of it at least */
#define RDP_CELL_MIN_PERIODS 3
/* the background is voted for by every 5th pixel of every 3rd row */
#define RDP_CELL_SAMPLE_STEP 5
#define RDP_CELL_SAMPLE_ROWS 3

/* the cells a copy's source is looked for among, most recent first: sources of a run of cells */
#define RDP_CELL_CANDIDATES 32
/* a box's grid is taken again for this many frames at most before it is looked for anew */
#define RDP_CELL_GRID_REUSES 15

struct rdp_cell_slot {
	uint64_t hash; /* 0: free */
	int x, y;
	uint32_t kind;
	int first_ink; /* its first row with ink: the rows above are background */
};

/* A box's cells, numbered in rows from 0, while it is planned. */
struct rdp_cell_index {
	struct rdp_cell_slot *slots; /* open addressing by hash: the kinds */
	int32_t *latest;             /* by a pair of kinds' hash: the last cell that began it */
	size_t mask;                 /* slots and latest, less one */
	uint32_t *kinds;             /* each cell's kind: 0 blank, else equal cells' number */
	int32_t *earlier;            /* each cell: the one before it that began its pair, or -1 */
	int32_t *firsts;             /* each kind: its first cell */
	int columns, rows;
};

/*
 * The grid last found, and the box it was found in. A terminal's text keeps
 * its grid from frame to frame, and finding it reads every pixel of the box
 * (a third of planning a page of text); a grid taken again that no longer
 * fits costs only copies not found (each cell is still compared byte for
 * byte), and is looked for anew at the next frame.
 */
struct rdp_cells_last_grid {
	pixman_box32_t box;
	struct rdp_cell_grid grid;
	int reuses_left; /* 0: none kept */
};

struct rdp_cells {
	struct rdp_cells_last_grid last;
	uint8_t *scratch; /* a rdp_cell_index's arrays */
	size_t scratch_size;
	struct rdp_copy *copies;
	size_t n_copies, copies_size;
	uint8_t *masked; /* the frame as encoded, repeated cells blanked */
	size_t masked_size;
};

static const uint32_t *
rdp_cells_row(const uint32_t *pixels, int stride, int y)
{
	return (const uint32_t *)((const uint8_t *)pixels + (size_t)y * (size_t)stride);
}

/* The share of a sample of @box (every 5th pixel of every 3rd row) that is @color. */
static double
rdp_cells_share(const uint32_t *pixels, int stride, const pixman_box32_t *box, uint32_t color)
{
	uint64_t samples = 0, agree = 0;

	for (int y = box->y1; y < box->y2; y += RDP_CELL_SAMPLE_ROWS) {
		const uint32_t *row = rdp_cells_row(pixels, stride, y);

		for (int x = box->x1 + y % RDP_CELL_SAMPLE_STEP; x < box->x2;
		     x += RDP_CELL_SAMPLE_STEP) {
			samples++;
			agree += row[x] == color;
		}
	}
	return samples > 0 ? (double)agree / (double)samples : 0;
}

/*
 * The colour most of @box has (a majority vote over a sample); false when none
 * has half. *@ink: the share of the sample in other colours.
 */
static bool
rdp_cells_background(const uint32_t *pixels, int stride, const pixman_box32_t *box,
		     uint32_t *background, double *ink)
{
	uint32_t candidate = 0;
	uint64_t votes = 0;
	double share;

	for (int y = box->y1; y < box->y2; y += RDP_CELL_SAMPLE_ROWS) {
		const uint32_t *row = rdp_cells_row(pixels, stride, y);

		for (int x = box->x1 + y % RDP_CELL_SAMPLE_STEP; x < box->x2;
		     x += RDP_CELL_SAMPLE_STEP) {
			if (votes == 0)
				candidate = row[x];
			votes = row[x] == candidate ? votes + 1 : votes - 1;
		}
	}
	share = rdp_cells_share(pixels, stride, box, candidate);
	*background = candidate;
	*ink = 1.0 - share;
	return share >= 0.5;
}

/*
 * Whether the text of @box still keeps to @grid, found in an earlier frame:
 * the lines between its cells, sampled, hold under 0.4 of the box's share of
 * ink (what rdp_cells_period() asks of a grid it finds). Text of another size
 * crosses those lines as often as anywhere else.
 */
static bool
rdp_cells_grid_fits(const uint32_t *pixels, int stride, const pixman_box32_t *box,
		    const struct rdp_cell_grid *grid, double ink)
{
	uint64_t columns = 0, column_ink = 0, rows = 0, row_ink = 0;

	for (int y = box->y1; y < box->y2; y += RDP_CELL_SAMPLE_ROWS) {
		const uint32_t *row = rdp_cells_row(pixels, stride, y);

		for (int x = grid->x; x < box->x2; x += grid->width) {
			columns++;
			column_ink += row[x] != grid->background;
		}
	}
	for (int y = grid->y; y < box->y2; y += grid->height) {
		const uint32_t *row = rdp_cells_row(pixels, stride, y);

		for (int x = box->x1; x < box->x2; x += RDP_CELL_SAMPLE_ROWS) {
			rows++;
			row_ink += row[x] != grid->background;
		}
	}
	return columns > 0 && rows > 0 && (double)column_ink < 0.4 * ink * (double)columns &&
	       (double)row_ink < 0.4 * ink * (double)rows;
}

/*
 * The period of @ink (@length counts) between @min and @max, and the phase at
 * which it is emptiest; 0 where none stands out. Folded at its period, a
 * grid's profile keeps an all but empty phase (between glyphs); folded at any
 * other, phases average out. Multiples of the period fold as well or better
 * (two gaps to choose from: text 7 pixels wide scored 0.87 at 7, 0.95 at 14):
 * the smallest that comes near the best is taken.
 */
static int
rdp_cells_period(const uint32_t *ink, int length, int min, int max, int *phase)
{
	double scores[RDP_CELL_MAX_HEIGHT + 1] = {0};
	int phases[RDP_CELL_MAX_HEIGHT + 1] = {0};
	double best = 0;

	for (int period = min; period <= max && period * RDP_CELL_MIN_PERIODS <= length; period++) {
		uint64_t fold[RDP_CELL_MAX_HEIGHT] = {0}, sum = 0, least;
		int n = length / period * period, emptiest = 0;

		for (int i = 0; i < n; i += period) {
			for (int o = 0; o < period; o++)
				fold[o] += ink[i + o];
		}
		least = fold[0];
		for (int o = 0; o < period; o++) {
			sum += fold[o];
			if (fold[o] < least) {
				least = fold[o];
				emptiest = o;
			}
		}
		if (sum == 0)
			continue;
		/* how far below the average phase the emptiest lies: 1 when it is blank */
		scores[period] = 1.0 - (double)least * period / (double)sum;
		phases[period] = emptiest;
		if (scores[period] > best)
			best = scores[period];
	}
	/* the emptiest phase holds less than 0.4 of an average one's ink */
	if (best < 0.6)
		return 0;
	for (int period = min; period <= max; period++) {
		if (scores[period] >= best * 0.8) {
			*phase = phases[period];
			return period;
		}
	}
	return 0;
}

bool
rdp_cells_find_grid(const uint32_t *pixels, int stride, const pixman_box32_t *box,
		    struct rdp_cell_grid *grid)
{
	int width = box->x2 - box->x1, height = box->y2 - box->y1;
	uint32_t *columns, *rows, background;
	uint64_t inked = 0;
	int x_phase = 0, y_phase = 0;
	bool found = false;
	double ink;

	if (width < RDP_CELL_MIN_WIDTH * RDP_CELL_MIN_PERIODS ||
	    height < RDP_CELL_MIN_HEIGHT * RDP_CELL_MIN_PERIODS ||
	    !rdp_cells_background(pixels, stride, box, &background, &ink))
		return false;
	columns = calloc((size_t)width + (size_t)height, sizeof *columns);
	if (!columns)
		return false;
	rows = columns + width;
	for (int y = 0; y < height; y++) {
		const uint32_t *restrict row = rdp_cells_row(pixels, stride, box->y1 + y) + box->x1;
		uint32_t *restrict column = columns;
		uint32_t count = 0;

		/* two loops the compiler vectorises, where one that does both it leaves scalar */
		for (int x = 0; x < width; x++)
			column[x] += row[x] != background;
		for (int x = 0; x < width; x++)
			count += row[x] != background;
		rows[y] = count;
		inked += count;
	}
	if (inked * 2 <= (uint64_t)width * (uint64_t)height) {
		grid->width = rdp_cells_period(columns, width, RDP_CELL_MIN_WIDTH,
					       RDP_CELL_MAX_WIDTH, &x_phase);
		grid->height = rdp_cells_period(rows, height, RDP_CELL_MIN_HEIGHT,
						RDP_CELL_MAX_HEIGHT, &y_phase);
		grid->x = box->x1 + x_phase;
		grid->y = box->y1 + y_phase;
		grid->background = background;
		found = grid->width > 0 && grid->height > 0;
	}
	free(columns);
	return found;
}

struct rdp_cells *
rdp_cells_create(void)
{
	return calloc(1, sizeof(struct rdp_cells));
}

void
rdp_cells_destroy(struct rdp_cells *cells)
{
	if (!cells)
		return;
	free(cells->scratch);
	free(cells->copies);
	free(cells->masked);
	free(cells);
}

/*
 * The first row of the cell at @x,@y with ink, @grid->height where it is all
 * background: most rows of a glyph's cell say so at once.
 */
static int
rdp_cell_first_ink(const uint32_t *pixels, int stride, int x, int y,
		   const struct rdp_cell_grid *grid)
{
	for (int row = 0; row < grid->height; row++) {
		const uint32_t *line = rdp_cells_row(pixels, stride, y + row) + x;
		uint32_t inked = 0;

		for (int i = 0; i < grid->width; i++)
			inked |= line[i] ^ grid->background;
		if (inked)
			return row;
	}
	return grid->height;
}

/*
 * A hash of the cell at @x,@y, never 0, from its first row with ink
 * (@first_ink) on: the rows above are background, and equal cells have as
 * many of them. Pixels go in pairs, the pairs dealt to four chains in turn,
 * so that multiplications overlap: one chain a row (the hash before) left a
 * 7x15 cell waiting on 52 multiplications in a row.
 */
static uint64_t
rdp_cell_hash(const uint32_t *pixels, int stride, int x, int y, int first_ink,
	      const struct rdp_cell_grid *grid)
{
	uint64_t lanes[4] = {0x243f6a8885a308d3ull ^ (uint64_t)first_ink, 0x13198a2e03707344ull,
			     0xa4093822299f31d0ull, 0x082efa98ec4e6c89ull};
	unsigned lane = 0;

	for (int row = first_ink; row < grid->height; row++) {
		const uint32_t *line = rdp_cells_row(pixels, stride, y + row) + x;
		int i = 0;

		for (; i + 2 <= grid->width; i += 2) {
			uint64_t pair;

			memcpy(&pair, line + i, sizeof pair);
			lanes[lane] = rdp_hash_mix(lanes[lane], pair);
			lane = (lane + 1) & 3;
		}
		if (i < grid->width) {
			lanes[lane] = rdp_hash_mix(lanes[lane], line[i]);
			lane = (lane + 1) & 3;
		}
	}
	return rdp_hash_mix(rdp_hash_mix(lanes[0], lanes[1]), rdp_hash_mix(lanes[2], lanes[3])) | 1;
}

/*
 * Whether two cells whose rows above @first_ink are background are equal.
 * Cells are 4 to 32 pixels wide: compared inline, where a call per row cost
 * more than its row.
 */
static bool
rdp_cells_equal(const uint32_t *pixels, int stride, int ax, int ay, int bx, int by, int first_ink,
		const struct rdp_cell_grid *grid)
{
	for (int row = first_ink; row < grid->height; row++) {
		const uint32_t *a = rdp_cells_row(pixels, stride, ay + row) + ax;
		const uint32_t *b = rdp_cells_row(pixels, stride, by + row) + bx;
		uint32_t differ = 0;

		for (int i = 0; i < grid->width; i++)
			differ |= a[i] ^ b[i];
		if (differ)
			return false;
	}
	return true;
}

/* A copy of @n cells from @from_x,@from_y to @x,@y. */
static bool
rdp_cells_add_copy(struct rdp_cells *cells, int from_x, int from_y, int x, int y, int n,
		   const struct rdp_cell_grid *grid)
{
	if (cells->n_copies == cells->copies_size) {
		size_t bigger_size = cells->copies_size ? cells->copies_size * 2 : 256;
		struct rdp_copy *bigger = realloc(cells->copies, bigger_size * sizeof *bigger);

		if (!bigger)
			return false;
		cells->copies = bigger;
		cells->copies_size = bigger_size;
	}
	cells->copies[cells->n_copies++] = (struct rdp_copy){
		.from = {from_x, from_y, from_x + n * grid->width, from_y + grid->height},
		.to_x = x,
		.to_y = y,
	};
	return true;
}

/* Arrays for @columns x @rows cells, carved from one buffer kept between frames. */
static bool
rdp_cells_index(struct rdp_cells *cells, int columns, int rows, struct rdp_cell_index *index)
{
	size_t n_cells = (size_t)columns * (size_t)rows, n_slots = 64;
	size_t slots_bytes, size;
	uint8_t *next;

	while (n_slots < n_cells * 2)
		n_slots *= 2;
	slots_bytes = n_slots * sizeof *index->slots;
	size = slots_bytes + n_slots * sizeof *index->latest +
	       n_cells * (sizeof *index->kinds + sizeof *index->earlier) +
	       (n_cells + 1) * sizeof *index->firsts;
	if (!byte_buffer_reserve(&cells->scratch, &cells->scratch_size, size))
		return false;
	next = cells->scratch;
	index->slots = (struct rdp_cell_slot *)next;
	next += slots_bytes;
	index->latest = (int32_t *)next;
	next += n_slots * sizeof *index->latest;
	index->kinds = (uint32_t *)next;
	next += n_cells * sizeof *index->kinds;
	index->earlier = (int32_t *)next;
	next += n_cells * sizeof *index->earlier;
	index->firsts = (int32_t *)next;
	index->mask = n_slots - 1;
	index->columns = columns;
	index->rows = rows;
	memset(index->slots, 0, slots_bytes);
	/* every byte 0xff: -1, no cell yet */
	memset(index->latest, 0xff, n_slots * sizeof *index->latest);
	return true;
}

/*
 * Each cell's kind (0 for a blank one, else a number equal cells share, by
 * hash and then byte for byte) and each kind's first cell.
 */
static void
rdp_cells_sort(struct rdp_cell_index *index, const uint32_t *pixels, int stride,
	       const struct rdp_cell_grid *grid)
{
	uint32_t n_kinds = 0;
	int32_t cell = 0;

	for (int row = 0; row < index->rows; row++) {
		int y = grid->y + row * grid->height;

		for (int column = 0; column < index->columns; column++, cell++) {
			int x = grid->x + column * grid->width;
			int first_ink = rdp_cell_first_ink(pixels, stride, x, y, grid);
			uint64_t hash;
			size_t i;

			index->kinds[cell] = 0;
			if (first_ink == grid->height)
				continue;
			hash = rdp_cell_hash(pixels, stride, x, y, first_ink, grid);
			for (i = hash & index->mask; index->slots[i].hash;
			     i = (i + 1) & index->mask) {
				const struct rdp_cell_slot *slot = &index->slots[i];

				if (slot->hash == hash && slot->first_ink == first_ink &&
				    rdp_cells_equal(pixels, stride, slot->x, slot->y, x, y,
						    first_ink, grid))
					break;
			}
			if (!index->slots[i].hash) {
				index->slots[i] =
					(struct rdp_cell_slot){hash, x, y, ++n_kinds, first_ink};
				index->firsts[n_kinds] = cell;
			}
			index->kinds[cell] = index->slots[i].kind;
		}
	}
}

/* Where the pair of kinds that @cell begins is remembered; -1 for a row's last cell. */
static int64_t
rdp_cells_pair(const struct rdp_cell_index *index, int32_t cell)
{
	if (cell % index->columns == index->columns - 1)
		return -1;
	return (int64_t)(rdp_hash_mix(index->kinds[cell], index->kinds[cell + 1]) & index->mask);
}

/*
 * How many cells from @from on equal those from @to on, in their rows: a
 * copy's source, which must hold its final pixels when the copy runs, ends
 * before its target begins (copies run in the order of their targets).
 */
static int
rdp_cells_match(const struct rdp_cell_index *index, int32_t from, int32_t to)
{
	int columns = index->columns, from_column = from % columns, to_column = to % columns;
	int limit = columns - (from_column > to_column ? from_column : to_column), n = 0;

	if (from / columns == to / columns && to - from < limit)
		limit = to - from;
	while (n < limit && index->kinds[from + n] == index->kinds[to + n])
		n++;
	/* blank cells at its end are background in the encoded frame already */
	while (n > 0 && index->kinds[to + n - 1] == 0)
		n--;
	return n;
}

/*
 * The longest run of cells from @cell on that repeats one before it, *@from
 * its source: the first cell of @cell's kind, the cell above, or one of the
 * last cells to begin the same pair of kinds (@pair, rdp_cells_pair()). 0
 * where none repeats.
 */
static int
rdp_cells_longest(const struct rdp_cell_index *index, int32_t cell, int64_t pair, int32_t *from)
{
	uint32_t kind = index->kinds[cell];
	int best = 0;
	int32_t candidate;

	if (kind == 0 || index->firsts[kind] == cell)
		return 0;
	*from = index->firsts[kind];
	best = rdp_cells_match(index, *from, cell);
	if (cell >= index->columns) {
		int n = rdp_cells_match(index, cell - index->columns, cell);

		if (n > best) {
			best = n;
			*from = cell - index->columns;
		}
	}
	candidate = pair >= 0 ? index->latest[pair] : -1;
	for (int tried = 0; candidate >= 0 && tried < RDP_CELL_CANDIDATES; tried++) {
		int n = rdp_cells_match(index, candidate, cell);

		if (n > best) {
			best = n;
			*from = candidate;
		}
		candidate = index->earlier[candidate];
	}
	return best;
}

/*
 * The runs of whole cells of @box that repeat a run before them, each as one
 * copy: a copy costs the client a redraw of its own (an image put to its X
 * server, for xfreerdp), so the longest is taken.
 */
static void
rdp_cells_find_repeats(struct rdp_cells *cells, const uint32_t *pixels, int stride,
		       const pixman_box32_t *box, const struct rdp_cell_grid *grid)
{
	int columns = (box->x2 - grid->x) / grid->width, rows = (box->y2 - grid->y) / grid->height;
	struct rdp_cell_index index;
	int32_t n_cells, copied_to = 0;

	if (columns <= 0 || rows <= 0 || !rdp_cells_index(cells, columns, rows, &index))
		return;
	rdp_cells_sort(&index, pixels, stride, grid);
	n_cells = columns * rows;
	for (int32_t cell = 0; cell < n_cells; cell++) {
		int64_t pair = rdp_cells_pair(&index, cell);
		int32_t from = 0;
		int n;

		if (cell >= copied_to && (n = rdp_cells_longest(&index, cell, pair, &from)) > 0) {
			if (!rdp_cells_add_copy(cells, grid->x + from % columns * grid->width,
						grid->y + from / columns * grid->height,
						grid->x + cell % columns * grid->width,
						grid->y + cell / columns * grid->height, n, grid))
				return;
			copied_to = cell + n;
		}
		/* a pair that begins blank begins no copy */
		if (pair >= 0 && index.kinds[cell]) {
			index.earlier[cell] = index.latest[pair];
			index.latest[pair] = cell;
		}
	}
}

/*
 * The grid of @box: the last one when it was found in the same box, which
 * still has the same background and text that keeps to it, else looked for
 * anew.
 */
static bool
rdp_cells_grid(struct rdp_cells *cells, const uint32_t *pixels, int stride,
	       const pixman_box32_t *box, struct rdp_cell_grid *grid)
{
	struct rdp_cells_last_grid *last = &cells->last;
	double share;

	/* the last background still holding half the box is the majority a vote would find */
	if (last->reuses_left > 0 && memcmp(&last->box, box, sizeof *box) == 0 &&
	    (share = rdp_cells_share(pixels, stride, box, last->grid.background)) >= 0.5 &&
	    rdp_cells_grid_fits(pixels, stride, box, &last->grid, 1.0 - share)) {
		last->reuses_left--;
		*grid = last->grid;
		return true;
	}
	last->reuses_left = 0;
	if (!rdp_cells_find_grid(pixels, stride, box, grid))
		return false;
	*last = (struct rdp_cells_last_grid){*box, *grid, RDP_CELL_GRID_REUSES};
	return true;
}

/* @box of @pixels into the masked frame, widened to the 4-pixel tiles the encoder reads. */
static void
rdp_cells_copy_box(struct rdp_cells *cells, const uint32_t *pixels, int width, int height,
		   int stride, const pixman_box32_t *box)
{
	int x1 = box->x1 & ~3, y1 = box->y1 & ~3;
	int x2 = (box->x2 + 3) & ~3, y2 = (box->y2 + 3) & ~3;

	x2 = x2 < width ? x2 : width;
	y2 = y2 < height ? y2 : height;
	for (int y = y1; y < y2; y++)
		memcpy((uint32_t *)(cells->masked + (size_t)y * (size_t)stride) + x1,
		       rdp_cells_row(pixels, stride, y) + x1, (size_t)(x2 - x1) * 4);
}

const uint32_t *
rdp_cells_plan(struct rdp_cells *cells, const uint32_t *pixels, int width, int height, int stride,
	       pixman_region32_t *damage, const struct rdp_copy **copies, int *n_copies)
{
	int n;
	pixman_box32_t *boxes = pixman_region32_rectangles(damage, &n);
	bool masked = false;

	cells->n_copies = 0;
	for (int i = 0; i < n; i++) {
		struct rdp_cell_grid grid;
		size_t before = cells->n_copies;

		if (!rdp_cells_grid(cells, pixels, stride, &boxes[i], &grid))
			continue;
		rdp_cells_find_repeats(cells, pixels, stride, &boxes[i], &grid);
		if (cells->n_copies == before) {
			cells->last.reuses_left = 0;
			continue;
		}
		if (!masked) {
			if (!byte_buffer_reserve(&cells->masked, &cells->masked_size,
						 (size_t)stride * (size_t)height)) {
				cells->n_copies = 0;
				break;
			}
			for (int j = 0; j < n; j++)
				rdp_cells_copy_box(cells, pixels, width, height, stride, &boxes[j]);
			masked = true;
		}
		for (size_t c = before; c < cells->n_copies; c++) {
			pixman_box32_t target = rdp_copy_target(&cells->copies[c]);

			for (int y = target.y1; y < target.y2; y++) {
				uint32_t *row =
					(uint32_t *)(cells->masked + (size_t)y * (size_t)stride);

				for (int x = target.x1; x < target.x2; x++)
					row[x] = grid.background;
			}
		}
	}
	/*
	 * The frame-sized copy is kept while text keeps repeating (its pages
	 * faulted in again cost 8 ms a 1024x768 frame here), and given back at
	 * the first frame that repeats nothing: a terminal that stopped paging.
	 */
	if (!masked) {
		free(cells->masked);
		cells->masked = NULL;
		cells->masked_size = 0;
	}
	*copies = cells->copies;
	*n_copies = (int)cells->n_copies;
	return masked ? (const uint32_t *)cells->masked : pixels;
}
