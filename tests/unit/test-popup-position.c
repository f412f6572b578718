/*
 * Popups placed by their xdg_positioner rules and kept on the output by their
 * constraint adjustments: a menu opened at a window's bottom-right corner near
 * the output's bottom-right corner, flipped, slid or resized into view.
 */
#include "popup-position.h"
#include "tap.h"

/* a 120x60 menu at the pointer, 380,280 in a parent whose geometry is at 200,150 of a 640x480 output */
static struct popup_rules
menu_at_pointer(uint32_t adjust)
{
	return (struct popup_rules){
		.width = 120,
		.height = 60,
		.anchor_rect = {380, 280, 1, 1},
		.anchor = POPUP_EDGE_BOTTOM_RIGHT,
		.gravity = POPUP_EDGE_BOTTOM_RIGHT,
		.adjust = adjust,
	};
}

int
main(void)
{
	struct tap t = {0};
	const struct placement_rect output = {-200, -150, 640, 480}; /* relative to the parent */
	struct popup_rules rules;
	struct placement_rect r;

	rules = menu_at_pointer(0);
	r = popup_position(&rules);
	TAP_CHECK(&t, r.x == 381 && r.y == 281 && r.width == 120 && r.height == 60,
		  "below-right of the pointer: %d,%d %dx%d", r.x, r.y, r.width, r.height);
	TAP_CHECK(&t, !popup_position_constrain(&rules, &output),
		  "no adjustment allowed: none made");

	rules = menu_at_pointer(POPUP_ADJUST_FLIP_X | POPUP_ADJUST_FLIP_Y);
	TAP_CHECK(&t, popup_position_constrain(&rules, &output), "flipped");
	r = popup_position(&rules);
	TAP_CHECK(&t, r.x == 260 && r.y == 220 && r.width == 120 && r.height == 60,
		  "above-left of the pointer: %d,%d %dx%d", r.x, r.y, r.width, r.height);

	rules = menu_at_pointer(POPUP_ADJUST_SLIDE_X | POPUP_ADJUST_SLIDE_Y);
	TAP_CHECK(&t, popup_position_constrain(&rules, &output), "slid");
	r = popup_position(&rules);
	TAP_CHECK(&t, r.x == 320 && r.y == 270 && r.width == 120 && r.height == 60,
		  "against the output's corner: %d,%d %dx%d", r.x, r.y, r.width, r.height);

	rules = menu_at_pointer(POPUP_ADJUST_RESIZE_X | POPUP_ADJUST_RESIZE_Y);
	TAP_CHECK(&t, popup_position_constrain(&rules, &output), "resized");
	r = popup_position(&rules);
	TAP_CHECK(&t, r.x == 381 && r.y == 281 && r.width == 59 && r.height == 49,
		  "cut to what the output shows: %d,%d %dx%d", r.x, r.y, r.width, r.height);

	/* flip when the flipped popup fits, else slide: a submenu at the right edge (GTK's rules) */
	rules = (struct popup_rules){
		.width = 200,
		.height = 100,
		.anchor_rect = {300, 0, 100, 20},
		.anchor = POPUP_EDGE_TOP_RIGHT,
		.gravity = POPUP_EDGE_BOTTOM_RIGHT,
		.adjust = POPUP_ADJUST_FLIP_X | POPUP_ADJUST_SLIDE_X | POPUP_ADJUST_SLIDE_Y,
	};
	popup_position_constrain(&rules, &output);
	r = popup_position(&rules);
	TAP_CHECK(&t, r.x == 100 && r.y == 0,
		  "a submenu at the right edge opens to the left: %d,%d", r.x, r.y);

	/* a list taller than the output: slid so its top shows, or resized to the output */
	rules = (struct popup_rules){
		.width = 100,
		.height = 700,
		.anchor_rect = {10, 100, 100, 20},
		.anchor = POPUP_EDGE_BOTTOM_LEFT,
		.gravity = POPUP_EDGE_BOTTOM_RIGHT,
		.adjust = POPUP_ADJUST_SLIDE_Y,
	};
	popup_position_constrain(&rules, &output);
	r = popup_position(&rules);
	TAP_CHECK(&t, r.y == -150, "too tall: its top at the output's top (%d)", r.y);
	rules.adjust = POPUP_ADJUST_FLIP_Y | POPUP_ADJUST_RESIZE_Y;
	rules.offset_y = 0;
	popup_position_constrain(&rules, &output);
	r = popup_position(&rules);
	TAP_CHECK(&t, r.y == 120 && r.height == 210,
		  "neither way fits: resized below its anchor (%d, %d tall)", r.y, r.height);

	rules = menu_at_pointer(POPUP_ADJUST_FLIP_X | POPUP_ADJUST_FLIP_Y);
	rules.anchor_rect = (struct placement_rect){20, 20, 1, 1};
	TAP_CHECK(&t,
		  !popup_position_constrain(&rules, &output) &&
			  rules.anchor == POPUP_EDGE_BOTTOM_RIGHT,
		  "a popup that fits is left alone");
	return tap_finish(&t);
}
