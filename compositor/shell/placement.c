#include "placement.h"

void
placement_constrain(const struct placement_rect *area, int width, int height, int *x, int *y)
{
	if (*x + width > area->x + area->width)
		*x = area->x + area->width - width;
	if (*y + height > area->y + area->height)
		*y = area->y + area->height - height;
	/* Too large to fit: keep the top-left corner, where title bars are, visible. */
	if (*x < area->x)
		*x = area->x;
	if (*y < area->y)
		*y = area->y;
}

void
placement_cascade_next(struct placement_cascade *cascade, const struct placement_rect *area,
		       int width, int height, int *x, int *y)
{
	int offset = cascade->index * cascade->step;

	if (cascade->index > 0 && (area->x + offset + width > area->x + area->width ||
				   area->y + offset + height > area->y + area->height)) {
		cascade->index = 0;
		offset = 0;
	}
	*x = area->x + offset;
	*y = area->y + offset;
	cascade->index++;
}

void
placement_center_on_parent(const struct placement_rect *parent, const struct placement_rect *area,
			   int width, int height, int *x, int *y)
{
	*x = parent->x + (parent->width - width) / 2;
	*y = parent->y + (parent->height - height) / 2;
	placement_constrain(area, width, height, x, y);
}
