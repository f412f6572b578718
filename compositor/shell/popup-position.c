#include "popup-position.h"

static bool
popup_edge_is_top(uint32_t edge)
{
	return edge == POPUP_EDGE_TOP || edge == POPUP_EDGE_TOP_LEFT ||
	       edge == POPUP_EDGE_TOP_RIGHT;
}

static bool
popup_edge_is_bottom(uint32_t edge)
{
	return edge == POPUP_EDGE_BOTTOM || edge == POPUP_EDGE_BOTTOM_LEFT ||
	       edge == POPUP_EDGE_BOTTOM_RIGHT;
}

static bool
popup_edge_is_left(uint32_t edge)
{
	return edge == POPUP_EDGE_LEFT || edge == POPUP_EDGE_TOP_LEFT ||
	       edge == POPUP_EDGE_BOTTOM_LEFT;
}

static bool
popup_edge_is_right(uint32_t edge)
{
	return edge == POPUP_EDGE_RIGHT || edge == POPUP_EDGE_TOP_RIGHT ||
	       edge == POPUP_EDGE_BOTTOM_RIGHT;
}

struct placement_rect
popup_position(const struct popup_rules *rules)
{
	const struct placement_rect *a = &rules->anchor_rect;
	struct placement_rect r = {rules->offset_x, rules->offset_y, rules->width, rules->height};

	/* the anchor point on the anchor rectangle */
	r.x += popup_edge_is_left(rules->anchor)    ? a->x
	       : popup_edge_is_right(rules->anchor) ? a->x + a->width
						    : a->x + a->width / 2;
	r.y += popup_edge_is_top(rules->anchor)      ? a->y
	       : popup_edge_is_bottom(rules->anchor) ? a->y + a->height
						     : a->y + a->height / 2;
	/* the popup grows from it in the gravity's direction */
	if (popup_edge_is_left(rules->gravity))
		r.x -= r.width;
	else if (!popup_edge_is_right(rules->gravity))
		r.x -= r.width / 2;
	if (popup_edge_is_top(rules->gravity))
		r.y -= r.height;
	else if (!popup_edge_is_bottom(rules->gravity))
		r.y -= r.height / 2;
	return r;
}

static uint32_t
popup_edge_flip_x(uint32_t edge)
{
	static const uint32_t flipped[] = {
		[POPUP_EDGE_NONE] = POPUP_EDGE_NONE,
		[POPUP_EDGE_TOP] = POPUP_EDGE_TOP,
		[POPUP_EDGE_BOTTOM] = POPUP_EDGE_BOTTOM,
		[POPUP_EDGE_LEFT] = POPUP_EDGE_RIGHT,
		[POPUP_EDGE_RIGHT] = POPUP_EDGE_LEFT,
		[POPUP_EDGE_TOP_LEFT] = POPUP_EDGE_TOP_RIGHT,
		[POPUP_EDGE_BOTTOM_LEFT] = POPUP_EDGE_BOTTOM_RIGHT,
		[POPUP_EDGE_TOP_RIGHT] = POPUP_EDGE_TOP_LEFT,
		[POPUP_EDGE_BOTTOM_RIGHT] = POPUP_EDGE_BOTTOM_LEFT,
	};

	return edge <= POPUP_EDGE_BOTTOM_RIGHT ? flipped[edge] : edge;
}

static uint32_t
popup_edge_flip_y(uint32_t edge)
{
	static const uint32_t flipped[] = {
		[POPUP_EDGE_NONE] = POPUP_EDGE_NONE,
		[POPUP_EDGE_TOP] = POPUP_EDGE_BOTTOM,
		[POPUP_EDGE_BOTTOM] = POPUP_EDGE_TOP,
		[POPUP_EDGE_LEFT] = POPUP_EDGE_LEFT,
		[POPUP_EDGE_RIGHT] = POPUP_EDGE_RIGHT,
		[POPUP_EDGE_TOP_LEFT] = POPUP_EDGE_BOTTOM_LEFT,
		[POPUP_EDGE_BOTTOM_LEFT] = POPUP_EDGE_TOP_LEFT,
		[POPUP_EDGE_TOP_RIGHT] = POPUP_EDGE_BOTTOM_RIGHT,
		[POPUP_EDGE_BOTTOM_RIGHT] = POPUP_EDGE_TOP_RIGHT,
	};

	return edge <= POPUP_EDGE_BOTTOM_RIGHT ? flipped[edge] : edge;
}

/* One axis, as offsets into the rules and the rectangle, so x and y share the logic. */
struct popup_axis {
	uint32_t (*flip)(uint32_t edge);
	uint32_t flip_bit, slide_bit, resize_bit;
	int *offset, *size;
	int area_start, area_length;
	int (*start)(const struct placement_rect *r);
	int (*length)(const struct placement_rect *r);
};

static int
popup_rect_x(const struct placement_rect *r)
{
	return r->x;
}

static int
popup_rect_y(const struct placement_rect *r)
{
	return r->y;
}

static int
popup_rect_width(const struct placement_rect *r)
{
	return r->width;
}

static int
popup_rect_height(const struct placement_rect *r)
{
	return r->height;
}

static bool
popup_axis_fits(const struct popup_axis *axis, const struct placement_rect *r)
{
	return axis->start(r) >= axis->area_start &&
	       axis->start(r) + axis->length(r) <= axis->area_start + axis->area_length;
}

static bool
popup_constrain_axis(struct popup_rules *rules, const struct popup_axis *axis)
{
	struct placement_rect r = popup_position(rules);
	int start, end, area_end = axis->area_start + axis->area_length;
	bool changed = false;

	if (popup_axis_fits(axis, &r))
		return false;
	if (rules->adjust & axis->flip_bit) {
		/* the same anchor rectangle and offset, the anchor and gravity mirrored */
		struct popup_rules flipped = *rules;

		flipped.anchor = axis->flip(rules->anchor);
		flipped.gravity = axis->flip(rules->gravity);
		r = popup_position(&flipped);
		if (popup_axis_fits(axis, &r)) {
			*rules = flipped;
			return true;
		}
		r = popup_position(rules);
	}
	start = axis->start(&r);
	end = start + axis->length(&r);
	if (rules->adjust & axis->slide_bit) {
		int by = end > area_end ? area_end - end : 0;

		/* too large for the area: its start stays visible */
		if (start + by < axis->area_start)
			by = axis->area_start - start;
		*axis->offset += by;
		start += by;
		end += by;
		changed = by != 0;
	}
	if ((rules->adjust & axis->resize_bit) && (start < axis->area_start || end > area_end)) {
		int visible_start = start > axis->area_start ? start : axis->area_start;
		int visible_end = end < area_end ? end : area_end;

		if (visible_end > visible_start) {
			*axis->size = visible_end - visible_start;
			/* the gravity moves a resized popup: the offset puts it back */
			r = popup_position(rules);
			*axis->offset += visible_start - axis->start(&r);
			changed = true;
		}
	}
	return changed;
}

bool
popup_position_constrain(struct popup_rules *rules, const struct placement_rect *area)
{
	struct popup_axis x = {
		popup_edge_flip_x,
		POPUP_ADJUST_FLIP_X,
		POPUP_ADJUST_SLIDE_X,
		POPUP_ADJUST_RESIZE_X,
		&rules->offset_x,
		&rules->width,
		area->x,
		area->width,
		popup_rect_x,
		popup_rect_width,
	};
	struct popup_axis y = {
		popup_edge_flip_y,
		POPUP_ADJUST_FLIP_Y,
		POPUP_ADJUST_SLIDE_Y,
		POPUP_ADJUST_RESIZE_Y,
		&rules->offset_y,
		&rules->height,
		area->y,
		area->height,
		popup_rect_y,
		popup_rect_height,
	};
	bool changed_x = popup_constrain_axis(rules, &x);
	bool changed_y = popup_constrain_axis(rules, &y);

	return changed_x || changed_y;
}
