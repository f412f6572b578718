/*
 * Where a popup goes under its xdg_positioner rules, and how its
 * constraint_adjustment (flip, slide, resize) keeps it on its output, which
 * libweston-desktop 10 leaves undone. Pure geometry, unit-tested.
 */
#ifndef PORTHOLE_POPUP_POSITION_H
#define PORTHOLE_POPUP_POSITION_H

#include <stdbool.h>
#include <stdint.h>

#include "placement.h"

/* xdg_positioner's anchor and gravity values (the same for both) */
enum popup_edge {
	POPUP_EDGE_NONE = 0,
	POPUP_EDGE_TOP = 1,
	POPUP_EDGE_BOTTOM = 2,
	POPUP_EDGE_LEFT = 3,
	POPUP_EDGE_RIGHT = 4,
	POPUP_EDGE_TOP_LEFT = 5,
	POPUP_EDGE_BOTTOM_LEFT = 6,
	POPUP_EDGE_TOP_RIGHT = 7,
	POPUP_EDGE_BOTTOM_RIGHT = 8,
};

/* xdg_positioner's constraint_adjustment bits */
enum popup_adjust {
	POPUP_ADJUST_SLIDE_X = 1,
	POPUP_ADJUST_SLIDE_Y = 2,
	POPUP_ADJUST_FLIP_X = 4,
	POPUP_ADJUST_FLIP_Y = 8,
	POPUP_ADJUST_RESIZE_X = 16,
	POPUP_ADJUST_RESIZE_Y = 32,
};

/* A positioner's rules; rectangles relative to the parent's window geometry. */
struct popup_rules {
	int width, height;
	struct placement_rect anchor_rect;
	uint32_t anchor, gravity; /* enum popup_edge */
	uint32_t adjust;          /* enum popup_adjust bits */
	int offset_x, offset_y;
};

/** The popup's rectangle under @rules, relative to the parent's geometry (as libweston computes it). */
struct placement_rect popup_position(const struct popup_rules *rules);

/**
 * Changes @rules (anchor, gravity, offset, size), as its adjustments allow, so
 * the popup lies inside @area (relative to the parent's geometry too): per
 * axis, a flip if the flipped popup fits, else a slide, else a resize to the
 * part inside. Whether anything changed.
 */
bool popup_position_constrain(struct popup_rules *rules, const struct placement_rect *area);

#endif
