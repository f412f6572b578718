#include "rdp-solid.h"

#include <stddef.h>

bool
rdp_box_is_solid(const uint8_t *pixels, int stride, const pixman_box32_t *box, uint32_t *color)
{
	const uint32_t first = *(const uint32_t *)(pixels + (size_t)box->y1 * (size_t)stride +
						   (size_t)box->x1 * 4);

	for (int y = box->y1; y < box->y2; y++) {
		const uint32_t *row = (const uint32_t *)(pixels + (size_t)y * (size_t)stride);
		uint32_t differs = 0;

		/* a row at a time, which the compiler vectorises, where a pixel at a time it does not */
		for (int x = box->x1; x < box->x2; x++)
			differs |= row[x] ^ first;
		if (differs)
			return false;
	}
	*color = first;
	return true;
}

void
rdp_blank_squares(const uint8_t *pixels, int stride, pixman_region32_t *damage,
		  pixman_region32_t *blank, uint32_t *color)
{
	int n;
	const pixman_box32_t *boxes = pixman_region32_rectangles(damage, &n);
	bool found = false;

	for (int i = 0; i < n; i++) {
		const pixman_box32_t *box = &boxes[i];

		for (int y = box->y1 & ~(RDP_BLANK_SQUARE - 1); y < box->y2;
		     y += RDP_BLANK_SQUARE) {
			for (int x = box->x1 & ~(RDP_BLANK_SQUARE - 1); x < box->x2;
			     x += RDP_BLANK_SQUARE) {
				pixman_box32_t square = {
					x > box->x1 ? x : box->x1,
					y > box->y1 ? y : box->y1,
					x + RDP_BLANK_SQUARE < box->x2 ? x + RDP_BLANK_SQUARE
								       : box->x2,
					y + RDP_BLANK_SQUARE < box->y2 ? y + RDP_BLANK_SQUARE
								       : box->y2,
				};
				uint32_t square_color;

				if (!rdp_box_is_solid(pixels, stride, &square, &square_color) ||
				    (found && square_color != *color))
					continue;
				*color = square_color;
				found = true;
				pixman_region32_union_rect(blank, blank, square.x1, square.y1,
							   (unsigned)(square.x2 - square.x1),
							   (unsigned)(square.y2 - square.y1));
			}
		}
	}
}
