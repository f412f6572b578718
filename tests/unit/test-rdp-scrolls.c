/*
 * Scrolling as copies: a simulated client applies the planned copies as
 * FreeRDP's does (overlapping rows in the safe order), then the damage left
 * to encode; it must then show exactly the new frame, and most of a scrolled
 * area must have come by copy.
 */
#include <stdlib.h>
#include <string.h>

#include "rdp-scrolls.h"
#include "tap.h"

#define W 320
#define H 240

/* A line of "text": rows distinct from each other, each a few colours. */
static uint32_t
pixel_of(int line, int x)
{
	uint32_t v = (uint32_t)line * 2654435761u ^ (uint32_t)(x / 7) * 40503u;

	return 0xff000000u | (v >> 8);
}

/* @frame shows @lines[y - top] in the rows of [top, bottom) and @background elsewhere. */
static void
draw(uint32_t *frame, const int *lines, int top, int bottom, uint32_t background)
{
	for (int y = 0; y < H; y++) {
		for (int x = 0; x < W; x++)
			frame[y * W + x] = y >= top && y < bottom && x >= 10 && x < 300
						   ? pixel_of(lines[y - top], x)
						   : background;
	}
}

/* The text area shows line i + @first in its row i. */
static void
draw_from(uint32_t *frame, int *lines, int first)
{
	for (int i = 0; i < H; i++)
		lines[i] = i + first;
	draw(frame, lines, 20, 220, 0xff202020);
}

/* What the client does with a SurfaceToSurface on its one surface. */
static void
client_copy(uint32_t *client, const struct rdp_copy *copy)
{
	int w = copy->from.x2 - copy->from.x1, h = copy->from.y2 - copy->from.y1;
	bool up = copy->to_y < copy->from.y1;

	for (int i = 0; i < h; i++) {
		int row = up ? i : h - 1 - i;

		memmove(client + (copy->to_y + row) * W + copy->to_x,
			client + (copy->from.y1 + row) * W + copy->from.x1, (size_t)w * 4);
	}
}

static void
client_paint(uint32_t *client, const uint32_t *frame, pixman_region32_t *damage)
{
	int n;
	pixman_box32_t *boxes = pixman_region32_rectangles(damage, &n);

	for (int i = 0; i < n; i++) {
		for (int y = boxes[i].y1; y < boxes[i].y2; y++)
			memcpy(client + y * W + boxes[i].x1, frame + y * W + boxes[i].x1,
			       (size_t)(boxes[i].x2 - boxes[i].x1) * 4);
	}
}

/*
 * One frame: plans, applies the copies and the rest as the client would, and
 * notes it sent, with @unknown (copies of a moved window, say) left unhashed.
 * Returns the rows copied, or -1 if the client is then wrong.
 */
static int
send_frame_leaving(struct rdp_scrolls *scrolls, uint32_t *client, uint32_t *frame,
		   pixman_region32_t *damage, pixman_region32_t *unknown)
{
	struct rdp_moves_frame f = {frame, W, H, W * 4, 0, 0, 1};
	struct rdp_copy copies[RDP_MOVES_MAX_COPIES];
	pixman_region32_t left, changed;
	int n, rows = 0;

	pixman_region32_init(&left);
	pixman_region32_init(&changed);
	pixman_region32_copy(&left, damage);
	pixman_region32_copy(&changed, damage);
	n = rdp_scrolls_plan(scrolls, &f, &left, copies, RDP_MOVES_MAX_COPIES);
	for (int i = 0; i < n; i++) {
		client_copy(client, &copies[i]);
		rows += copies[i].from.y2 - copies[i].from.y1;
	}
	client_paint(client, frame, &left);
	rdp_scrolls_note_sent(scrolls, &f, &changed, unknown);
	pixman_region32_fini(&left);
	pixman_region32_fini(&changed);
	return memcmp(client, frame, sizeof(uint32_t) * W * H) == 0 ? rows : -1;
}

static int
send_frame(struct rdp_scrolls *scrolls, uint32_t *client, uint32_t *frame,
	   pixman_region32_t *damage)
{
	pixman_region32_t none;
	int rows;

	pixman_region32_init(&none);
	rows = send_frame_leaving(scrolls, client, frame, damage, &none);
	pixman_region32_fini(&none);
	return rows;
}

/*
 * Rows a frame left unknown (a window moved there by copy) are not copied
 * from at the next scroll, which paints them; the one after copies again.
 */
static void
check_unknown_rows(struct tap *t, struct rdp_scrolls *scrolls, uint32_t *frame, uint32_t *client,
		   int *lines, pixman_region32_t *damage)
{
	pixman_region32_t lower_half;
	int rows;

	pixman_region32_init_rect(&lower_half, 0, 120, W, H - 120);
	draw_from(frame, lines, 40);
	rows = send_frame_leaving(scrolls, client, frame, damage, &lower_half);
	TAP_CHECK(t, rows >= 0, "a frame with rows left unknown leaves the client exact");
	draw_from(frame, lines, 43);
	rows = send_frame(scrolls, client, frame, damage);
	TAP_CHECK(t, rows > 0 && rows <= 120 - 20,
		  "up 3 rows: only rows the client is known to hold are copied (%d), the client "
		  "exact",
		  rows);
	draw_from(frame, lines, 46);
	rows = send_frame(scrolls, client, frame, damage);
	TAP_CHECK(t, rows == 200 - 3, "up 3 rows more: %d rows copied, the client exact", rows);
	pixman_region32_fini(&lower_half);
}

/*
 * A frame the client got lossy: its rows are copied all the same (a scroll
 * of a page that went lossy while it moved); the copies carry the loss to
 * the tiles they write, which then wait for their refresh.
 */
static void
check_copies_from_lossy_rows(struct tap *t, struct rdp_scrolls *scrolls, uint32_t *frame,
			     uint32_t *client, int *lines, pixman_region32_t *damage)
{
	struct rdp_busy_tiles busy = {0};
	struct rdp_moves_frame f = {frame, W, H, W * 4, 0, 0, 1};
	struct rdp_copy copies[RDP_MOVES_MAX_COPIES];
	pixman_region32_t left, settled;
	int n, carried = 0, rows;

	rdp_busy_tiles_reset(&busy, W, H);
	draw_from(frame, lines, 20);
	send_frame(scrolls, client, frame, damage);
	/* the client got the text's top rows lossy */
	busy.tiles[0].sent_lossy = busy.tiles[1].sent_lossy = true;
	draw_from(frame, lines, 25);
	pixman_region32_init(&left);
	pixman_region32_copy(&left, damage);
	n = rdp_scrolls_plan(scrolls, &f, &left, copies, RDP_MOVES_MAX_COPIES);
	for (int i = 0; i < n; i++) {
		pixman_box32_t to = rdp_copy_target(&copies[i]);

		carried += rdp_busy_tiles_carry_lossy(&busy, &copies[i].from, &to);
	}
	TAP_CHECK(t, n > 0, "rows the client holds lossy are copied too (%d copies)", n);
	pixman_region32_init(&settled);
	rdp_busy_tiles_take_settled(&busy, RDP_BUSY_SETTLE_MS + 1, &settled);
	TAP_CHECK(t, carried > 0 && pixman_region32_contains_point(&settled, 100, 100, NULL),
		  "a copy from lossy rows makes the tiles it writes wait for a refresh");
	pixman_region32_fini(&settled);
	pixman_region32_fini(&left);
	rdp_busy_tiles_release(&busy);
	/* sent with those copies, the frame leaves the client exact (here, where nothing is lossy) */
	rows = send_frame(scrolls, client, frame, damage);
	TAP_CHECK(t, rows == 200 - 5, "up 5 rows from lossy ones: %d rows copied, the client exact",
		  rows);
}

int
main(void)
{
	struct tap t = {0};
	struct rdp_scrolls *scrolls = rdp_scrolls_create();
	uint32_t *frame = calloc(W * H, 4), *client = calloc(W * H, 4);
	int lines[H], rows;
	pixman_region32_t damage;

	draw_from(frame, lines, 0);
	pixman_region32_init_rect(&damage, 0, 0, W, H);
	TAP_CHECK(&t, scrolls && send_frame(scrolls, client, frame, &damage) == 0,
		  "the first frame is painted, nothing to copy from");

	/* up by 9 rows: the text area's damage, the client holds most of it 9 rows lower */
	draw_from(frame, lines, 9);
	pixman_region32_fini(&damage);
	pixman_region32_init_rect(&damage, 10, 20, 290, 200);
	rows = send_frame(scrolls, client, frame, &damage);
	TAP_CHECK(&t, rows == 200 - 9, "up 9 rows: %d rows copied, the client exact", rows);

	/* down by 5: copies go bottom first, else a copy reads what another wrote */
	draw_from(frame, lines, 4);
	rows = send_frame(scrolls, client, frame, &damage);
	TAP_CHECK(&t, rows == 200 - 5, "down 5 rows: %d rows copied, the client exact", rows);

	/* unchanged content damaged: no distance wins, nothing copied, still exact */
	rows = send_frame(scrolls, client, frame, &damage);
	TAP_CHECK(&t, rows == 0, "a repaint of the same text copies nothing (%d)", rows);

	/*
	 * Two damaged areas side by side sharing a tile, scrolled the same: the
	 * first one's copies reach into the second, which must then not copy over
	 * them; the client exact.
	 */
	draw_from(frame, lines, 20);
	pixman_region32_fini(&damage);
	pixman_region32_init_rect(&damage, 10, 20, 140, 200);
	pixman_region32_union_rect(&damage, &damage, 150, 20, 150, 200);
	rows = send_frame(scrolls, client, frame, &damage);
	TAP_CHECK(&t, rows == 200 - 16,
		  "two areas sharing a tile: %d rows copied, the client exact", rows);

	/* the two halves scrolled apart: no copy may mix them; the client exact */
	for (int y = 20; y < 220; y++) {
		for (int x = 10; x < 300; x++)
			frame[y * W + x] =
				pixel_of(x < 150 ? lines[y - 20] + 6 : lines[y - 20] - 3, x);
	}
	rows = send_frame(scrolls, client, frame, &damage);
	TAP_CHECK(&t, rows >= 0, "halves scrolled apart: the client exact (%d rows copied)", rows);

	pixman_region32_fini(&damage);
	pixman_region32_init_rect(&damage, 10, 20, 290, 200);
	check_copies_from_lossy_rows(&t, scrolls, frame, client, lines, &damage);

	/* forgotten (a frame sent another way): nothing is copied from what is unknown */
	rdp_scrolls_forget(scrolls);
	draw_from(frame, lines, 30);
	pixman_region32_fini(&damage);
	pixman_region32_init_rect(&damage, 10, 20, 290, 200);
	rows = send_frame(scrolls, client, frame, &damage);
	TAP_CHECK(&t, rows == 0, "after forgetting nothing is copied (%d)", rows);
	check_unknown_rows(&t, scrolls, frame, client, lines, &damage);

	pixman_region32_fini(&damage);
	rdp_scrolls_destroy(scrolls);
	free(frame);
	free(client);
	return tap_finish(&t);
}
