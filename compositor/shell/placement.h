/*
 * Where new windows go. Pure geometry, so it is unit-tested without a compositor.
 */
#ifndef PORTHOLE_PLACEMENT_H
#define PORTHOLE_PLACEMENT_H

struct placement_rect {
	int x, y, width, height;
};

struct placement_cascade {
	int step;  /* offset between consecutive windows */
	int index; /* how many windows were cascaded since the last wrap */
};

/**
 * The position of the next cascaded window of @width x @height in @area: each new
 * window steps down-right from the area's top-left corner; when it would leave
 * the area the cascade starts over. A window larger than the area goes to its
 * top-left corner. Advances @cascade.
 */
void placement_cascade_next(struct placement_cascade *cascade, const struct placement_rect *area,
			    int width, int height, int *x, int *y);

/**
 * Centres a @width x @height window over @parent, then moves it, if it can,
 * so it lies inside @area (the parent's output).
 */
void placement_center_on_parent(const struct placement_rect *parent,
				const struct placement_rect *area, int width, int height, int *x,
				int *y);

/** Moves (@x, @y) so a @width x @height rectangle lies inside @area where it fits. */
void placement_constrain(const struct placement_rect *area, int width, int height, int *x, int *y);

#endif
