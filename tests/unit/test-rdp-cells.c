/*
 * Repeated cells: the grid of text is found at every cell size a terminal
 * uses and at any offset, and not in pictures or noise; a simulated client
 * paints what is encoded (repeated cells blanked) and then applies the
 * copies in order, and must then show exactly the frame.
 */
#include <stdlib.h>
#include <string.h>

#include "rdp-cells.h"
#include "rdp-solid.h"
#include "tap.h"

#define W 640
#define H 480
#define BACKGROUND 0xff111111u
#define GLYPHS 20

static uint32_t frame[W * H], client[W * H];

static uint32_t
next_random(uint32_t *state)
{
	*state = *state * 1664525u + 1013904223u;
	return *state >> 8;
}

/*
 * A glyph of @width x @height: anti-aliased ink (a few levels of grey) on a
 * third of it, never in its last column and bottom two rows, as terminal
 * fonts leave.
 */
static void
make_glyph(uint32_t *glyph, int width, int height, uint32_t seed)
{
	for (int y = 0; y < height; y++) {
		for (int x = 0; x < width; x++) {
			uint32_t level = next_random(&seed) % 6;

			glyph[y * width + x] =
				x == width - 1 || y >= height - 2 || level < 4
					? BACKGROUND
					: 0xff000000u | (level * 0x303030u + 0x202020u);
		}
	}
}

/*
 * Text of random glyphs (one cell in 6 blank) on a grid of @cell_w x @cell_h
 * from @x0,@y0 to the box's end; @jitter moves each glyph by up to that many
 * pixels, as proportional text would not keep to a grid.
 */
static void
draw_text(const pixman_box32_t *box, int x0, int y0, int cell_w, int cell_h, int jitter,
	  uint32_t seed)
{
	static uint32_t glyphs[GLYPHS][64 * 64];

	for (int g = 0; g < GLYPHS; g++)
		make_glyph(glyphs[g], cell_w, cell_h, 77u * (uint32_t)g + 5u);
	for (int y = box->y1; y < box->y2; y++) {
		for (int x = box->x1; x < box->x2; x++)
			frame[y * W + x] = BACKGROUND;
	}
	for (int y = y0; y + cell_h <= box->y2; y += cell_h) {
		for (int x = x0; x + cell_w + jitter <= box->x2;) {
			uint32_t pick = next_random(&seed) % (GLYPHS * 6 / 5);
			int shift = jitter ? (int)(next_random(&seed) % (uint32_t)(jitter + 1)) : 0;

			if (pick < GLYPHS) {
				for (int gy = 0; gy < cell_h; gy++)
					memcpy(&frame[(y + gy) * W + x + shift],
					       &glyphs[pick][gy * cell_w], (size_t)cell_w * 4);
			}
			x += cell_w + shift;
		}
	}
}

/* The boxes of @damage widened to 4 pixels, as the encoders read them. */
static void
for_each_widened_box(pixman_region32_t *damage, void (*paint)(const pixman_box32_t *, void *),
		     void *data)
{
	int n;
	pixman_box32_t *boxes = pixman_region32_rectangles(damage, &n);

	for (int i = 0; i < n; i++) {
		pixman_box32_t box = {boxes[i].x1 & ~3, boxes[i].y1 & ~3, (boxes[i].x2 + 3) & ~3,
				      (boxes[i].y2 + 3) & ~3};

		box.x2 = box.x2 < W ? box.x2 : W;
		box.y2 = box.y2 < H ? box.y2 : H;
		paint(&box, data);
	}
}

static void
paint_box(const pixman_box32_t *box, void *data)
{
	const uint32_t *source = data;

	for (int y = box->y1; y < box->y2; y++)
		memcpy(&client[y * W + box->x1], &source[y * W + box->x1],
		       (size_t)(box->x2 - box->x1) * 4);
}

struct compare {
	int wrong;
};

static void
compare_box(const pixman_box32_t *box, void *data)
{
	struct compare *compare = data;

	for (int y = box->y1; y < box->y2; y++) {
		for (int x = box->x1; x < box->x2; x++)
			compare->wrong += client[y * W + x] != frame[y * W + x];
	}
}

/*
 * Plans @damage of the frame, paints what would be encoded (the blank squares
 * the repeated cells leave as fills, the rest as pixels), then the copies as
 * ScrBlt does (sources and targets never overlap); the wrong pixels left, and
 * the copies' count and pixels, and the pixels filled.
 */
static int
send_frame(struct rdp_cells *cells, pixman_region32_t *damage, int *n_copies, long *copied,
	   long *filled)
{
	const struct rdp_copy *copies;
	const uint32_t *source =
		rdp_cells_plan(cells, frame, W, H, W * 4, damage, &copies, n_copies);
	struct compare compare = {0};
	pixman_region32_t blank, rest;
	pixman_box32_t *boxes;
	uint32_t color = 0;
	int n_boxes;

	for (int i = 0; i < W * H; i++)
		client[i] = 0xdeadbeefu;
	pixman_region32_init(&blank);
	pixman_region32_init(&rest);
	if (*n_copies > 0)
		rdp_blank_squares((const uint8_t *)source, W * 4, damage, &blank, &color);
	*filled = 0;
	boxes = pixman_region32_rectangles(&blank, &n_boxes);
	for (int i = 0; i < n_boxes; i++) {
		for (int y = boxes[i].y1; y < boxes[i].y2; y++) {
			for (int x = boxes[i].x1; x < boxes[i].x2; x++)
				client[y * W + x] = color;
		}
		*filled += (long)(boxes[i].x2 - boxes[i].x1) * (boxes[i].y2 - boxes[i].y1);
	}
	pixman_region32_subtract(&rest, damage, &blank);
	for_each_widened_box(&rest, paint_box, (void *)source);
	pixman_region32_fini(&rest);
	pixman_region32_fini(&blank);
	*copied = 0;
	for (int i = 0; i < *n_copies; i++) {
		pixman_box32_t target = rdp_copy_target(&copies[i]);
		const pixman_box32_t *from = &copies[i].from;

		/* a ScrBlt reads its whole source before it writes: none may overlap its target */
		if (from->x1 < target.x2 && target.x1 < from->x2 && from->y1 < target.y2 &&
		    target.y1 < from->y2)
			compare.wrong++;

		for (int y = 0; y < target.y2 - target.y1; y++)
			memcpy(&client[(target.y1 + y) * W + target.x1],
			       &client[(copies[i].from.y1 + y) * W + copies[i].from.x1],
			       (size_t)(target.x2 - target.x1) * 4);
		*copied += (long)(target.x2 - target.x1) * (target.y2 - target.y1);
	}
	/* the widened margins outside @damage the client holds from before: not drawn here */
	boxes = pixman_region32_rectangles(damage, &n_boxes);
	for (int i = 0; i < n_boxes; i++)
		compare_box(&boxes[i], &compare);
	return compare.wrong;
}

static void
test_terminals(struct tap *t, struct rdp_cells *cells)
{
	static const int sizes[][2] = {{6, 12}, {7, 14}, {8, 16}, {9, 18}, {12, 24}, {16, 32}};

	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		int cell_w = sizes[i][0], cell_h = sizes[i][1];
		pixman_box32_t box = {3, 5, W - 2, H - 3};
		struct rdp_cell_grid grid;
		pixman_region32_t damage;
		int n_copies;
		long copied, filled;

		draw_text(&box, 3 + (int)i, 5 + 2 * (int)i, cell_w, cell_h, 0, (uint32_t)i);
		TAP_CHECK(t, rdp_cells_find_grid(frame, W * 4, &box, &grid),
			  "a %dx%d terminal has a grid", cell_w, cell_h);
		TAP_CHECK(t, grid.width == cell_w && grid.height == cell_h,
			  "its cells: %dx%d found, %dx%d drawn", grid.width, grid.height, cell_w,
			  cell_h);
		TAP_CHECK(t, grid.background == BACKGROUND, "its background: %08x",
			  grid.background);
		pixman_region32_init_rect(&damage, box.x1, box.y1, (unsigned)(box.x2 - box.x1),
					  (unsigned)(box.y2 - box.y1));
		TAP_CHECK(t, send_frame(cells, &damage, &n_copies, &copied, &filled) == 0,
			  "%dx%d: the client shows the frame exactly", cell_w, cell_h);
		/* all but the first of each glyph: most of the text's area */
		TAP_CHECK(t, copied > (long)(box.x2 - box.x1) * (box.y2 - box.y1) / 2,
			  "%dx%d: %ld pixels in %d copies", cell_w, cell_h, copied, n_copies);
		/* under the copies, but where a square holds a first glyph or a cell cut by the box */
		TAP_CHECK(t, filled > (long)(box.x2 - box.x1) * (box.y2 - box.y1) / 4,
			  "%dx%d: %ld pixels filled as blank squares", cell_w, cell_h, filled);
		pixman_region32_fini(&damage);
	}
}

static void
test_no_grid(struct tap *t, struct rdp_cells *cells)
{
	pixman_box32_t box = {0, 0, W, H};
	struct rdp_cell_grid grid;
	pixman_region32_t damage;
	uint32_t seed = 99;
	int n_copies;
	long copied, filled;

	for (int i = 0; i < W * H; i++)
		frame[i] = 0xff000000u | next_random(&seed);
	TAP_CHECK(t, !rdp_cells_find_grid(frame, W * 4, &box, &grid), "noise has no grid");
	for (int y = 0; y < H; y++) {
		for (int x = 0; x < W; x++)
			frame[y * W + x] = 0xff000000u | (uint32_t)(x * 255 / W) << 16 |
					   (uint32_t)(y * 255 / H) << 8 | (uint32_t)((x + y) & 255);
	}
	TAP_CHECK(t, !rdp_cells_find_grid(frame, W * 4, &box, &grid), "a gradient has no grid");
	for (int i = 0; i < W * H; i++)
		frame[i] = BACKGROUND;
	TAP_CHECK(t, !rdp_cells_find_grid(frame, W * 4, &box, &grid), "one colour has no grid");
	pixman_region32_init_rect(&damage, 0, 0, W, H);
	TAP_CHECK(t,
		  rdp_cells_plan(cells, frame, W, H, W * 4, &damage, &(const struct rdp_copy *){0},
				 &n_copies) == frame &&
			  n_copies == 0,
		  "without a grid the frame is encoded as it is");
	/* glyphs that do not keep to a grid: whatever is found, the client ends exact */
	draw_text(&box, 0, 0, 7, 14, 3, 11);
	TAP_CHECK(t, send_frame(cells, &damage, &n_copies, &copied, &filled) == 0,
		  "proportional text: exact (%d copies)", n_copies);
	pixman_region32_fini(&damage);
	box = (pixman_box32_t){100, 100, 110, 300};
	draw_text(&box, 100, 100, 7, 14, 0, 12);
	TAP_CHECK(t, !rdp_cells_find_grid(frame, W * 4, &box, &grid),
		  "a column one cell wide has too few cells to tell a grid");
}

/* Two areas of text and a band across both: cells cut by a box's edge stay pixels. */
static void
test_boxes(struct tap *t, struct rdp_cells *cells)
{
	pixman_box32_t left = {10, 20, 300, 400}, right = {330, 21, 630, 460};
	pixman_region32_t damage;
	int n_copies;
	long copied, filled;

	for (int i = 0; i < W * H; i++)
		frame[i] = BACKGROUND;
	draw_text(&left, 12, 20, 7, 14, 0, 21);
	draw_text(&right, 333, 27, 9, 18, 0, 22);
	pixman_region32_init_rect(&damage, left.x1, left.y1, 290, 380);
	pixman_region32_union_rect(&damage, &damage, right.x1, right.y1, 300, 439);
	pixman_region32_union_rect(&damage, &damage, 0, 200, W, 31);
	TAP_CHECK(t, send_frame(cells, &damage, &n_copies, &copied, &filled) == 0,
		  "several boxes, two grids: exact");
	TAP_CHECK(t, n_copies > 0, "%d copies of %ld pixels", n_copies, copied);
	pixman_region32_fini(&damage);
}

/*
 * A log: numbered lines that begin alike and words that come back, their
 * glyphs shared (a word's first glyph is another's last). Runs of cells that
 * repeat a run before them go as one copy: a word that comes back, or its
 * line's number, one copy at most (the first glyph's first cell alone would
 * have made a copy a glyph of most words).
 */
static void
test_runs(struct tap *t, struct rdp_cells *cells)
{
	static uint32_t glyphs[GLYPHS][7 * 14];
	static const int words[][4] = {{3, 4, 5, 6}, {7, 8, 9, 3}, {10, 11, 4, 12}};
	pixman_region32_t damage;
	uint32_t seed = 5;
	int n_copies, repeated = 0, seen[GLYPHS] = {0}, n_words = 0;
	long copied, filled;

	for (int g = 0; g < GLYPHS; g++)
		make_glyph(glyphs[g], 7, 14, 31u * (uint32_t)g + 1u);
	for (int i = 0; i < W * H; i++)
		frame[i] = BACKGROUND;
	for (int line = 0; line < H / 14; line++) {
		int column = 0;
		int text[W / 7];

		/* a number: 000 and the line's in two digits, then words, one space apart */
		for (int d = 0; d < 5; d++)
			text[column++] = d < 3 ? 0 : 1 + (d == 3 ? line / 10 : line % 10) % 10;
		while (column + 5 <= W / 7 - 1) {
			const int *word = words[next_random(&seed) % 3];

			text[column++] = -1;
			n_words++;
			for (int c = 0; c < 4; c++)
				text[column++] = word[c];
		}
		for (int c = 0; c < column; c++) {
			if (text[c] < 0)
				continue;
			repeated += seen[text[c]]++ > 0;
			for (int gy = 0; gy < 14; gy++)
				memcpy(&frame[(line * 14 + gy) * W + c * 7],
				       &glyphs[text[c]][gy * 7], 7 * 4);
		}
	}
	pixman_region32_init_rect(&damage, 0, 0, W, H);
	TAP_CHECK(t, send_frame(cells, &damage, &n_copies, &copied, &filled) == 0,
		  "a log: exact, no copy over its own source");
	TAP_CHECK(t, n_copies > 0 && n_copies <= n_words + H / 14,
		  "a log: %d repeated cells in %d copies (%d words on %d lines)", repeated,
		  n_copies, n_words, H / 14);
	pixman_region32_fini(&damage);
}

/*
 * Page after page in one box: the grid found at the first is taken again for
 * the next (the same copies as a planner that finds it anew), and text of
 * another size in the same box and colours is not planned on the old grid
 * (test_terminals(), whose sizes follow each other in one box).
 */
static void
test_grid_taken_again(struct tap *t, struct rdp_cells *cells)
{
	pixman_box32_t box = {0, 0, W, H};
	pixman_region32_t damage;
	struct rdp_cells *fresh = rdp_cells_create();
	int n_copies, n_fresh;
	long copied, filled;

	pixman_region32_init_rect(&damage, 0, 0, W, H);
	draw_text(&box, 0, 0, 8, 16, 0, 41);
	TAP_CHECK(t, send_frame(cells, &damage, &n_copies, &copied, &filled) == 0,
		  "first page: exact");
	draw_text(&box, 0, 0, 8, 16, 0, 42);
	TAP_CHECK(t, send_frame(cells, &damage, &n_copies, &copied, &filled) == 0,
		  "next page, its grid taken again: exact");
	TAP_CHECK(t,
		  fresh && send_frame(fresh, &damage, &n_fresh, &copied, &filled) == 0 &&
			  n_fresh == n_copies,
		  "next page: %d copies on the grid taken again, %d found anew", n_copies, n_fresh);
	rdp_cells_destroy(fresh);
	pixman_region32_fini(&damage);
}

/*
 * Glyphs that differ only in their top rows (a letter, the same with an
 * accent, the same with its top rows blank): cells are told apart from their
 * first row with ink, and none is copied for another.
 */
static void
test_accents(struct tap *t, struct rdp_cells *cells)
{
	enum { CELL_W = 8, CELL_H = 16, KINDS = 4 };
	uint32_t glyphs[KINDS][CELL_W * CELL_H];
	pixman_region32_t damage;
	uint32_t seed = 5;
	int n_copies;
	long copied, filled;

	make_glyph(glyphs[0], CELL_W, CELL_H, 41);
	for (int y = 0; y < 6; y++) {
		for (int x = 0; x < CELL_W; x++)
			glyphs[0][y * CELL_W + x] = BACKGROUND;
	}
	glyphs[0][6 * CELL_W + 2] = 0xff808080u; /* its first row with ink: 6 */
	memcpy(glyphs[1], glyphs[0], sizeof glyphs[0]);
	glyphs[1][2 * CELL_W + 3] = 0xffe0e0e0u; /* an accent above it */
	memcpy(glyphs[2], glyphs[0], sizeof glyphs[0]);
	glyphs[2][6 * CELL_W + 2] = BACKGROUND;
	for (int x = 0; x < CELL_W; x++)
		glyphs[2][6 * CELL_W + x] = BACKGROUND; /* the same below row 6, blank down to it */
	memcpy(glyphs[3], glyphs[1], sizeof glyphs[1]);
	glyphs[3][2 * CELL_W + 3] = 0xff606060u; /* another accent */
	for (int i = 0; i < W * H; i++)
		frame[i] = BACKGROUND;
	for (int y = 0; y + CELL_H <= H; y += CELL_H) {
		for (int x = 0; x + CELL_W <= W; x += CELL_W) {
			const uint32_t *glyph = glyphs[next_random(&seed) % KINDS];

			for (int gy = 0; gy < CELL_H; gy++)
				memcpy(&frame[(y + gy) * W + x], &glyph[gy * CELL_W], CELL_W * 4);
		}
	}
	pixman_region32_init_rect(&damage, 0, 0, W, H);
	TAP_CHECK(t, send_frame(cells, &damage, &n_copies, &copied, &filled) == 0,
		  "glyphs that differ only above their first ink: exact (%d copies)", n_copies);
	TAP_CHECK(t, copied > (long)W * H / 2, "and still copied: %ld pixels", copied);
	pixman_region32_fini(&damage);
}

int
main(void)
{
	struct tap t = {0};
	struct rdp_cells *cells = rdp_cells_create();

	test_terminals(&t, cells);
	test_no_grid(&t, cells);
	test_boxes(&t, cells);
	test_runs(&t, cells);
	test_grid_taken_again(&t, cells);
	test_accents(&t, cells);
	rdp_cells_destroy(cells);
	return tap_finish(&t);
}
