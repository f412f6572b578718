/*
 * The busy-tile tracker that picks what goes lossy: only large areas that
 * change at every repaint, and a lossless refresh of each once it settles.
 */
#include "rdp-busy-tiles.h"
#include "tap.h"

#include <stdlib.h>

#define W 640
#define H 480

/* The desktop the tracker looks at: a picture everywhere unless a test draws text. */
static uint32_t desktop[W * H];

static void
paint_picture(void)
{
	uint32_t seed = 12345;

	for (int i = 0; i < W * H; i++) {
		seed = seed * 1103515245u + 12345u;
		desktop[i] = seed >> 8;
	}
}

/* Dark lines of light strokes, 16 rows a line, as a terminal draws them, over @w x @h at @x,@y. */
static void
paint_text(int x0, int y0, int w, int h)
{
	for (int y = y0; y < y0 + h; y++) {
		for (int x = x0; x < x0 + w; x++) {
			int in_cell_x = x % 8, in_cell_y = y % 16;
			bool stroke = in_cell_y >= 3 && in_cell_y < 13 &&
				      (in_cell_x == 2 || in_cell_x == 5 ||
				       (in_cell_y == 8 && in_cell_x < 6));

			/* antialiased edges: one grey between stroke and background */
			desktop[y * W + x] = stroke           ? 0xffe0e0e0
					     : in_cell_x == 3 ? 0xff606060
							      : 0xff202020;
		}
	}
}

static int64_t
area_of(pixman_region32_t *region)
{
	int n;
	pixman_box32_t *boxes = pixman_region32_rectangles(region, &n);
	int64_t area = 0;

	for (int i = 0; i < n; i++)
		area += (int64_t)(boxes[i].x2 - boxes[i].x1) * (boxes[i].y2 - boxes[i].y1);
	return area;
}

/* Damages @x,@y @w x @h at each of @times, then picks at the last; returns the lossy area. */
static int64_t
repaint(struct rdp_busy_tiles *busy, int x, int y, int w, int h, const uint32_t *times, int n)
{
	pixman_region32_t damage, lossy;
	int64_t area;

	pixman_region32_init_rect(&damage, x, y, (unsigned)w, (unsigned)h);
	pixman_region32_init(&lossy);
	for (int i = 0; i < n; i++)
		rdp_busy_tiles_note_damage(busy, &damage, times[i]);
	rdp_busy_tiles_pick_lossy(busy, &damage, times[n - 1], (const uint8_t *)desktop, W * 4,
				  &lossy);
	area = area_of(&lossy);
	pixman_region32_fini(&lossy);
	pixman_region32_fini(&damage);
	return area;
}

int
main(void)
{
	struct tap t = {0};
	struct rdp_busy_tiles busy = {0};
	const uint32_t quick[] = {1000, 1050, 1100, 1150, 1200};
	const uint32_t slow[] = {1000, 1500, 2000, 2500, 3000, 3500};
	pixman_region32_t refresh;
	int next;

	paint_picture();
	TAP_CHECK(&t, rdp_busy_tiles_reset(&busy, 640, 480) == 0, "a 640x480 grid");
	TAP_CHECK(&t, busy.columns == 10 && busy.rows == 8, "of 10x8 tiles");
	TAP_CHECK(&t, repaint(&busy, 10, 10, 300, 300, quick, 4) == 0,
		  "four quick repaints (a window mapping) are not yet busy");
	TAP_CHECK(&t, rdp_busy_tiles_reset(&busy, 640, 480) == 0, "forgotten at a reset");
	TAP_CHECK(&t, repaint(&busy, 10, 10, 300, 300, quick, 5) == 300 * 300,
		  "five repaints 50 ms apart make 300x300 lossy, exactly the damage");
	TAP_CHECK(&t, repaint(&busy, 400, 300, 100, 100, quick, 5) == 0,
		  "a busy 100x100 area (a spinner, a typed line) stays lossless");
	TAP_CHECK(&t, repaint(&busy, 10, 320, 600, 150, slow, 6) == 0,
		  "a change every 500 ms (a slide show) is never busy");
	TAP_CHECK(&t, repaint(&busy, -50, -50, 2000, 2000, quick, 5) == 640 * 480,
		  "damage beyond the grid is clipped to it");

	rdp_busy_tiles_reset(&busy, 640, 480);
	repaint(&busy, 10, 10, 300, 300, quick, 5);
	pixman_region32_init(&refresh);
	next = rdp_busy_tiles_take_settled(&busy, 1200 + RDP_BUSY_SETTLE_MS - 1, &refresh);
	TAP_CHECK(&t, next == 1 && !pixman_region32_not_empty(&refresh),
		  "nothing settles before %d ms (next in %d ms)", RDP_BUSY_SETTLE_MS, next);
	next = rdp_busy_tiles_take_settled(&busy, 1200 + RDP_BUSY_SETTLE_MS, &refresh);
	TAP_CHECK(&t, next == -1 && area_of(&refresh) == 320 * 320,
		  "then its whole tiles are refreshed (%lld px), none left lossy",
		  (long long)area_of(&refresh));
	pixman_region32_clear(&refresh);
	TAP_CHECK(&t,
		  rdp_busy_tiles_take_settled(&busy, 5000, &refresh) == -1 &&
			  !pixman_region32_not_empty(&refresh),
		  "a refreshed tile is not refreshed again");
	TAP_CHECK(&t, repaint(&busy, 10, 10, 300, 300, (const uint32_t[]){5000}, 1) == 0,
		  "after its refresh a tile must be busy again before it goes lossy");
	pixman_region32_fini(&refresh);

	/* a terminal scrolling at every repaint beside a video */
	rdp_busy_tiles_reset(&busy, 640, 480);
	paint_text(0, 0, 320, 480);
	TAP_CHECK(&t,
		  rdp_busy_box_is_flat((const uint8_t *)desktop, W * 4,
				       &(pixman_box32_t){0, 0, 64, 64}),
		  "lines of text are flat");
	TAP_CHECK(&t,
		  !rdp_busy_box_is_flat((const uint8_t *)desktop, W * 4,
					&(pixman_box32_t){320, 0, 384, 64}),
		  "a picture is not");
	TAP_CHECK(&t, repaint(&busy, 0, 0, 640, 480, quick, 5) == 320 * 480,
		  "busy text stays lossless, the busy picture beside it goes lossy");
	paint_picture();
	TAP_CHECK(&t, repaint(&busy, 0, 0, 640, 480, (const uint32_t[]){1250}, 1) == 640 * 480,
		  "and where the text gives way to a picture, that goes lossy at once");

	TAP_CHECK(&t, rdp_busy_tiles_reset(&busy, 0, 0) == 0 && busy.tiles == NULL,
		  "an empty desktop has no grid");
	TAP_CHECK(&t, repaint(&busy, 0, 0, 300, 300, quick, 5) == 0, "and nothing goes lossy");
	rdp_busy_tiles_release(&busy);
	return tap_finish(&t);
}
