#include "placement.h"
#include "tap.h"

int
main(void)
{
	struct tap t = {0};
	struct placement_rect area = {0, 0, 800, 600};
	struct placement_cascade cascade = {.step = 32};
	int x, y;

	placement_cascade_next(&cascade, &area, 200, 150, &x, &y);
	TAP_CHECK(&t, x == 0 && y == 0, "first window at the area's corner (%d,%d)", x, y);
	placement_cascade_next(&cascade, &area, 200, 150, &x, &y);
	TAP_CHECK(&t, x == 32 && y == 32, "second steps down-right (%d,%d)", x, y);
	for (int i = 0; i < 12; i++)
		placement_cascade_next(&cascade, &area, 200, 150, &x, &y);
	TAP_CHECK(&t, x + 200 <= 800 && y + 150 <= 600, "cascade stays inside (%d,%d)", x, y);

	cascade = (struct placement_cascade){.step = 32};
	for (int i = 0; i < 4; i++)
		placement_cascade_next(&cascade, &area, 700, 500, &x, &y);
	TAP_CHECK(&t, x == 96 && y == 96, "the fourth 700x500 still fits at (%d,%d)", x, y);
	placement_cascade_next(&cascade, &area, 700, 500, &x, &y);
	TAP_CHECK(&t, x == 0 && y == 0, "wraps to the corner when the next would leave (%d,%d)", x,
		  y);

	cascade = (struct placement_cascade){.step = 32};
	placement_cascade_next(&cascade, &area, 1000, 900, &x, &y);
	placement_cascade_next(&cascade, &area, 1000, 900, &x, &y);
	TAP_CHECK(&t, x == 0 && y == 0, "oversized windows stay at the corner (%d,%d)", x, y);

	struct placement_rect second_output = {800, 0, 640, 480};
	cascade = (struct placement_cascade){.step = 20};
	placement_cascade_next(&cascade, &second_output, 100, 100, &x, &y);
	TAP_CHECK(&t, x == 800 && y == 0, "cascade starts at the output's origin (%d,%d)", x, y);

	struct placement_rect parent = {100, 100, 400, 300};
	placement_center_on_parent(&parent, &area, 100, 80, &x, &y);
	TAP_CHECK(&t, x == 250 && y == 210, "dialog centred on its parent (%d,%d)", x, y);

	parent = (struct placement_rect){700, 550, 100, 50};
	placement_center_on_parent(&parent, &area, 300, 200, &x, &y);
	TAP_CHECK(&t, x == 500 && y == 400, "centred dialog pushed back inside (%d,%d)", x, y);

	x = -50;
	y = 590;
	placement_constrain(&area, 100, 100, &x, &y);
	TAP_CHECK(&t, x == 0 && y == 500, "constrain moves into the area (%d,%d)", x, y);
	x = 10;
	y = 10;
	placement_constrain(&area, 900, 700, &x, &y);
	TAP_CHECK(&t, x == 0 && y == 0, "too large: keep the top-left visible (%d,%d)", x, y);
	return tap_finish(&t);
}
