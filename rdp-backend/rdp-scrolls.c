/*
 * Scrolling as copies. A terminal printing, a page or a list scrolled: the
 * app repaints a whole area, but most of its new rows are rows the client
 * already shows a few rows away. The client's desktop surface is known by a
 * hash per row of each 64-pixel-wide tile (of what each frame sent showed,
 * whether the client got it exact or lossy); for a damaged box, the rows of its whole tiles are compared
 * with the rows the client holds in the same columns, the distance most
 * distinct rows agree on is the scroll, and each run of rows that match at
 * that distance is copied (SurfaceToSurface) instead of encoded.
 */
#include "rdp-scrolls.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define RDP_SCROLLS_TILE 64
/* a box is searched when its whole tiles are at least this many ... */
#define RDP_SCROLLS_MIN_TILES 2
/* ... and it is this many rows tall */
#define RDP_SCROLLS_MIN_ROWS 32
/* rows in a row that must match for a copy to be worth its PDU */
#define RDP_SCROLLS_MIN_RUN 8
/* distinct rows that must agree on a distance for it to be a scroll */
#define RDP_SCROLLS_MIN_VOTES 8

struct rdp_scrolls {
	uint64_t *hashes; /* [row * columns + tile] of what the client holds; 0: unknown */
	int width, height, columns;
	/*
	 * The hashes of this frame's tiles that planning computed, [row *
	 * columns + tile] where @fresh_bits has its bit, kept until the frame is
	 * noted as sent: a big damaged area was hashed once to plan and again
	 * to note.
	 */
	uint64_t *fresh;
	uint8_t *fresh_bits;
	size_t fresh_bits_size;
	/* scratch for one box, sized for the desktop's height */
	uint64_t *now, *before; /* per row of the box: its tiles' hashes, combined */
	int *votes;             /* per distance, -height .. height */
	int *slots; /* open addressing over @before: row + 1, or -(row + 1) if repeated */
	size_t slots_size;
};

struct rdp_scrolls *
rdp_scrolls_create(void)
{
	return calloc(1, sizeof(struct rdp_scrolls));
}

static void
rdp_scrolls_free_grid(struct rdp_scrolls *scrolls)
{
	free(scrolls->hashes);
	free(scrolls->fresh);
	free(scrolls->fresh_bits);
	free(scrolls->now);
	free(scrolls->before);
	free(scrolls->votes);
	free(scrolls->slots);
	scrolls->hashes = scrolls->fresh = NULL;
	scrolls->fresh_bits = NULL;
	scrolls->fresh_bits_size = 0;
	scrolls->now = scrolls->before = NULL;
	scrolls->votes = scrolls->slots = NULL;
	scrolls->width = scrolls->height = scrolls->columns = 0;
}

void
rdp_scrolls_destroy(struct rdp_scrolls *scrolls)
{
	if (!scrolls)
		return;
	rdp_scrolls_free_grid(scrolls);
	free(scrolls);
}

/* The hashes planning computed are for one frame only. */
static void
rdp_scrolls_drop_fresh(struct rdp_scrolls *scrolls)
{
	if (scrolls->fresh_bits)
		memset(scrolls->fresh_bits, 0, scrolls->fresh_bits_size);
}

void
rdp_scrolls_forget(struct rdp_scrolls *scrolls)
{
	if (scrolls->hashes)
		memset(scrolls->hashes, 0,
		       (size_t)scrolls->height * (size_t)scrolls->columns * sizeof(uint64_t));
	rdp_scrolls_drop_fresh(scrolls);
}

/* The grid and scratch for a desktop @frame's size; a new size starts unknown. */
static bool
rdp_scrolls_fit(struct rdp_scrolls *scrolls, const struct rdp_moves_frame *frame)
{
	size_t rows = (size_t)frame->height, slots = 16;

	if (scrolls->hashes && frame->width == scrolls->width && frame->height == scrolls->height)
		return true;
	rdp_scrolls_free_grid(scrolls);
	if (frame->width <= 0 || frame->height <= 0)
		return false;
	while (slots < 2 * rows)
		slots *= 2;
	scrolls->columns = (frame->width + RDP_SCROLLS_TILE - 1) / RDP_SCROLLS_TILE;
	scrolls->hashes = calloc(rows * (size_t)scrolls->columns, sizeof(uint64_t));
	scrolls->fresh = calloc(rows * (size_t)scrolls->columns, sizeof(uint64_t));
	scrolls->fresh_bits_size = (rows * (size_t)scrolls->columns + 7) / 8;
	scrolls->fresh_bits = calloc(scrolls->fresh_bits_size, 1);
	scrolls->now = calloc(rows, sizeof(uint64_t));
	scrolls->before = calloc(rows, sizeof(uint64_t));
	scrolls->votes = calloc(2 * rows + 1, sizeof(int));
	scrolls->slots = calloc(slots, sizeof(int));
	scrolls->slots_size = slots;
	if (!scrolls->hashes || !scrolls->fresh || !scrolls->fresh_bits || !scrolls->now ||
	    !scrolls->before || !scrolls->votes || !scrolls->slots) {
		rdp_scrolls_free_grid(scrolls);
		return false;
	}
	scrolls->width = frame->width;
	scrolls->height = frame->height;
	return true;
}

/* Row @y of tile @column of @frame. */
static uint64_t
rdp_scrolls_hash_tile(const struct rdp_moves_frame *frame, int y, int column)
{
	const uint32_t *row = (const uint32_t *)((const uint8_t *)frame->pixels +
						 (size_t)y * (size_t)frame->stride);
	int x = column * RDP_SCROLLS_TILE,
	    end = x + RDP_SCROLLS_TILE < frame->width ? x + RDP_SCROLLS_TILE : frame->width;

	return rdp_hash_pixels(row + x, end - x);
}

/* Row @y of tile @column of @frame, computed once a frame. */
static uint64_t
rdp_scrolls_hash_fresh(struct rdp_scrolls *scrolls, const struct rdp_moves_frame *frame, int y,
		       int column)
{
	size_t cell = (size_t)y * (size_t)scrolls->columns + (size_t)column;
	uint8_t bit = (uint8_t)(1u << (cell % 8));

	if (!(scrolls->fresh_bits[cell / 8] & bit)) {
		scrolls->fresh[cell] = rdp_scrolls_hash_tile(frame, y, column);
		scrolls->fresh_bits[cell / 8] |= bit;
	}
	return scrolls->fresh[cell];
}

/* Rows y1 .. y1 + @rows of tiles @c1 .. @c2, now (@frame) and as the client holds them. */
static void
rdp_scrolls_hash_rows(struct rdp_scrolls *scrolls, const struct rdp_moves_frame *frame, int y1,
		      int rows, int c1, int c2)
{
	for (int i = 0; i < rows; i++) {
		const uint64_t *held =
			scrolls->hashes + (size_t)(y1 + i) * (size_t)scrolls->columns;
		uint64_t now = 0xcbf29ce484222325ull, before = now;

		for (int c = c1; c < c2; c++) {
			now = rdp_hash_mix(now, rdp_scrolls_hash_fresh(scrolls, frame, y1 + i, c));
			before = held[c] && before ? rdp_hash_mix(before, held[c]) : 0;
		}
		scrolls->now[i] = now | 1;
		scrolls->before[i] = before ? before | 1 : 0;
	}
}

/* The slot of @hash among the rows held, or of the free slot it would take. */
static size_t
rdp_scrolls_slot(const struct rdp_scrolls *scrolls, uint64_t hash)
{
	size_t mask = scrolls->slots_size - 1, i = (size_t)hash & mask;

	while (scrolls->slots[i]) {
		int row = abs(scrolls->slots[i]) - 1;

		if (scrolls->before[row] == hash)
			break;
		i = (i + 1) & mask;
	}
	return i;
}

/*
 * The distance the box's content scrolled by (a new row i shows the row the
 * client holds at i + distance), voted by the rows that appear once before
 * and once now; 0 when no distance has enough votes.
 */
static int
rdp_scrolls_distance(struct rdp_scrolls *scrolls, int rows)
{
	int best = 0;

	memset(scrolls->slots, 0, scrolls->slots_size * sizeof(int));
	memset(scrolls->votes, 0, (size_t)(2 * rows + 1) * sizeof(int));
	for (int i = 0; i < rows; i++) {
		size_t slot;

		if (!scrolls->before[i])
			continue;
		slot = rdp_scrolls_slot(scrolls, scrolls->before[i]);
		/* a blank line repeats: it cannot tell where it went */
		scrolls->slots[slot] = scrolls->slots[slot] ? -abs(scrolls->slots[slot]) : i + 1;
	}
	for (int i = 0; i < rows; i++) {
		int held = scrolls->slots[rdp_scrolls_slot(scrolls, scrolls->now[i])];

		if (held > 0)
			scrolls->votes[held - 1 - i + rows]++;
	}
	for (int d = 0; d <= 2 * rows; d++) {
		if (d != rows && scrolls->votes[d] > scrolls->votes[best])
			best = d;
	}
	return best != rows && scrolls->votes[best] >= RDP_SCROLLS_MIN_VOTES ? best - rows : 0;
}

/*
 * The tiles @box's rows are compared over, @c1 .. @c2: every tile it touches
 * (an equal hash makes a tile's pixels outside the box equal too, so copying
 * them is exact), unless that reaches into what an earlier box's copies
 * read or write (@touched): then only its whole tiles, else none.
 */
static bool
rdp_scrolls_columns(const pixman_box32_t *box, pixman_region32_t *touched, int *c1, int *c2)
{
	int rows = box->y2 - box->y1;

	*c1 = box->x1 / RDP_SCROLLS_TILE;
	*c2 = (box->x2 + RDP_SCROLLS_TILE - 1) / RDP_SCROLLS_TILE;
	for (int inner = 0; inner < 2; inner++) {
		pixman_box32_t span = {*c1 * RDP_SCROLLS_TILE, box->y1, *c2 * RDP_SCROLLS_TILE,
				       box->y2};

		if (*c2 - *c1 >= RDP_SCROLLS_MIN_TILES && rows >= RDP_SCROLLS_MIN_ROWS &&
		    pixman_region32_contains_rectangle(touched, &span) == PIXMAN_REGION_OUT)
			return true;
		*c1 = (box->x1 + RDP_SCROLLS_TILE - 1) / RDP_SCROLLS_TILE;
		*c2 = box->x2 / RDP_SCROLLS_TILE;
	}
	return false;
}

/* Copies for the rows of @box that scrolled; they join @copied, their columns @touched. */
static int
rdp_scrolls_plan_box(struct rdp_scrolls *scrolls, const struct rdp_moves_frame *frame,
		     const pixman_box32_t *box, struct rdp_copy *copies, int max,
		     pixman_region32_t *copied, pixman_region32_t *touched)
{
	int rows = box->y2 - box->y1, n = 0, distance, x1, x2, c1, c2;

	if (max <= 0 || !rdp_scrolls_columns(box, touched, &c1, &c2))
		return 0;
	c2 = c2 < scrolls->columns ? c2 : scrolls->columns;
	rdp_scrolls_hash_rows(scrolls, frame, box->y1, rows, c1, c2);
	distance = rdp_scrolls_distance(scrolls, rows);
	if (!distance)
		return 0;
	x1 = c1 * RDP_SCROLLS_TILE;
	x2 = c2 * RDP_SCROLLS_TILE < frame->width ? c2 * RDP_SCROLLS_TILE : frame->width;
	pixman_region32_union_rect(touched, touched, x1, box->y1, (unsigned)(x2 - x1),
				   (unsigned)rows);
	for (int i = 0; i < rows && n < max;) {
		int start = i;

		while (i < rows && i + distance >= 0 && i + distance < rows &&
		       scrolls->now[i] == scrolls->before[i + distance])
			i++;
		if (i - start >= RDP_SCROLLS_MIN_RUN) {
			copies[n++] = (struct rdp_copy){
				.from = {x1, box->y1 + start + distance, x2,
					 box->y1 + i + distance},
				.to_x = x1,
				.to_y = box->y1 + start,
			};
			pixman_region32_union_rect(copied, copied, x1, box->y1 + start,
						   (unsigned)(x2 - x1), (unsigned)(i - start));
		}
		if (i == start)
			i++;
	}
	/*
	 * Each copy must read what the client held before the frame: content that
	 * went up is copied top run first, content that went down bottom run first.
	 */
	for (int a = 0, b = n - 1; distance < 0 && a < b; a++, b--) {
		struct rdp_copy swap = copies[a];

		copies[a] = copies[b];
		copies[b] = swap;
	}
	return n;
}

int
rdp_scrolls_plan(struct rdp_scrolls *scrolls, const struct rdp_moves_frame *frame,
		 pixman_region32_t *damage, struct rdp_copy *copies, int max)
{
	pixman_region32_t copied, touched;
	pixman_box32_t *rects;
	int n_rects, n = 0;

	if (!rdp_scrolls_fit(scrolls, frame))
		return 0;
	rdp_scrolls_drop_fresh(scrolls);
	pixman_region32_init(&copied);
	pixman_region32_init(&touched);
	rects = pixman_region32_rectangles(damage, &n_rects);
	for (int i = 0; i < n_rects && n < max; i++)
		n += rdp_scrolls_plan_box(scrolls, frame, &rects[i], copies + n, max - n, &copied,
					  &touched);
	pixman_region32_subtract(damage, damage, &copied);
	pixman_region32_fini(&copied);
	pixman_region32_fini(&touched);
	return n;
}

void
rdp_scrolls_note_sent(struct rdp_scrolls *scrolls, const struct rdp_moves_frame *frame,
		      pixman_region32_t *changed, pixman_region32_t *unknown)
{
	pixman_region32_t hashed;
	pixman_box32_t *rects;
	int n;

	if (!rdp_scrolls_fit(scrolls, frame))
		return;
	pixman_region32_init(&hashed);
	pixman_region32_subtract(&hashed, changed, unknown);
	rects = pixman_region32_rectangles(&hashed, &n);
	for (int i = 0; i < n; i++) {
		for (int y = rects[i].y1; y < rects[i].y2; y++) {
			uint64_t *held = scrolls->hashes + (size_t)y * (size_t)scrolls->columns;

			for (int c = rects[i].x1 / RDP_SCROLLS_TILE;
			     c < scrolls->columns && c * RDP_SCROLLS_TILE < rects[i].x2; c++)
				held[c] = rdp_scrolls_hash_fresh(scrolls, frame, y, c);
		}
	}
	pixman_region32_fini(&hashed);
	/* a tile row partly hashed and partly unknown is unknown as a whole */
	rects = pixman_region32_rectangles(unknown, &n);
	for (int i = 0; i < n; i++) {
		int y1 = rects[i].y1 > 0 ? rects[i].y1 : 0,
		    y2 = rects[i].y2 < scrolls->height ? rects[i].y2 : scrolls->height;

		for (int y = y1; y < y2; y++) {
			uint64_t *held = scrolls->hashes + (size_t)y * (size_t)scrolls->columns;

			for (int c = rects[i].x1 > 0 ? rects[i].x1 / RDP_SCROLLS_TILE : 0;
			     c < scrolls->columns && c * RDP_SCROLLS_TILE < rects[i].x2; c++)
				held[c] = 0;
		}
	}
	rdp_scrolls_drop_fresh(scrolls);
}
