/*
 * The cells that go raw without trying planar: marked where planar packed
 * poorly, skipped for a few updates, then tried again.
 */
#include "rdp-untried.h"
#include "tap.h"

/* How many updates in a row @box is skipped, counting down as the encoders do. */
static int
updates_skipped(struct rdp_untried_cells *cells, const pixman_box32_t *box)
{
	int n = 0;

	while (rdp_untried_cells_skip(cells, box) && n < 1000) {
		rdp_untried_cells_count_down(cells, box);
		n++;
	}
	return n;
}

int
main(void)
{
	struct tap t = {0};
	struct rdp_untried_cells cells = {0};
	const pixman_box32_t noise = {100, 100, 300, 200}; /* cells 1..4 x 1..3 */
	const pixman_box32_t inside = {130, 130, 250, 190};
	const pixman_box32_t wider = {100, 100, 400, 200};
	const pixman_box32_t beyond = {600, 400, 700, 500};
	int skipped;

	TAP_CHECK(&t, !rdp_untried_cells_skip(&cells, &noise), "without cells everything is tried");
	rdp_untried_cells_mark(&cells, &noise);
	TAP_CHECK(&t, !rdp_untried_cells_skip(&cells, &noise),
		  "and marking without cells does nothing");
	TAP_CHECK(&t,
		  rdp_untried_cells_fit(&cells, 640, 480) && cells.columns == 10 && cells.rows == 8,
		  "640x480 is 10x8 cells");
	TAP_CHECK(&t,
		  rdp_untried_planar_budget(10, 10) == 299 &&
			  rdp_untried_planar_budget(1, 1) == 2 &&
			  rdp_untried_planar_budget(0, 10) == 0,
		  "planar may take under 3/4 of the raw size");
	TAP_CHECK(&t, rdp_untried_planar_budget(65536, 65536) == (size_t)12884901887ull,
		  "counted in 64 bit");
	TAP_CHECK(&t, !rdp_untried_cells_skip(&cells, &noise), "an unmarked area is tried");
	rdp_untried_cells_mark(&cells, &noise);
	TAP_CHECK(&t, rdp_untried_cells_skip(&cells, &inside),
		  "a part of a marked area is skipped");
	TAP_CHECK(&t, !rdp_untried_cells_skip(&cells, &wider),
		  "an area reaching past the marked cells is tried");
	skipped = updates_skipped(&cells, &noise);
	TAP_CHECK(&t, skipped == 8, "a marked area goes untried for 8 updates (%d)", skipped);
	TAP_CHECK(&t, !rdp_untried_cells_skip(&cells, &noise), "then it is tried again");

	rdp_untried_cells_mark(&cells, &noise);
	TAP_CHECK(&t, rdp_untried_cells_fit(&cells, 320, 240) && cells.columns == 10,
		  "a smaller desktop keeps the cells");
	TAP_CHECK(&t, rdp_untried_cells_skip(&cells, &noise), "and what they knew");
	TAP_CHECK(&t,
		  !rdp_untried_cells_skip(&cells, &beyond) &&
			  rdp_untried_cells_fit(&cells, 1920, 1080) && cells.columns == 30 &&
			  cells.rows == 17,
		  "a bigger one grows them to 30x17");
	rdp_untried_cells_mark(&cells, &beyond);
	TAP_CHECK(&t, rdp_untried_cells_skip(&cells, &beyond), "where marks now hold");
	TAP_CHECK(&t,
		  !rdp_untried_cells_skip(&cells, &(pixman_box32_t){-64, 0, 64, 64}) &&
			  !rdp_untried_cells_skip(&cells, &(pixman_box32_t){0, 0, 1984, 64}) &&
			  !rdp_untried_cells_skip(&cells, &(pixman_box32_t){5, 5, 5, 9}),
		  "boxes outside the cells or empty are tried");
	rdp_untried_cells_fini(&cells);
	TAP_CHECK(&t, cells.updates_left == NULL && !rdp_untried_cells_skip(&cells, &beyond),
		  "freed, nothing is skipped");
	TAP_CHECK(&t, !rdp_untried_cells_fit(&cells, 0, 0), "an empty desktop has no cells");
	return tap_finish(&t);
}
