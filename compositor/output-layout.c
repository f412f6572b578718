/* Output layouts: checked, built from a client's monitors, compared, described. */
#include <stdio.h>

#include "porthole-compositor.h"

/* Far enough out for any real arrangement; keeps the arithmetic in range. */
#define OUTPUT_LAYOUT_MAX_OFFSET (1 << 20)

static bool
output_rects_overlap(const struct output_rect *a, const struct output_rect *b)
{
	return a->x < b->x + b->width && b->x < a->x + a->width && a->y < b->y + b->height &&
	       b->y < a->y + a->height;
}

int
output_scale_percent_valid(int64_t percent)
{
	return percent >= PC_SCALE_PERCENT_MIN && percent <= PC_SCALE_PERCENT_MAX ? (int)percent
										  : 0;
}

void
output_layout_set_mm(struct output_layout *layout, int i, int64_t mm_width, int64_t mm_height)
{
	bool known = mm_width >= PC_MM_MIN && mm_width <= PC_MM_MAX && mm_height >= PC_MM_MIN &&
		     mm_height <= PC_MM_MAX;

	layout->mm[i][0] = known ? (int)mm_width : 0;
	layout->mm[i][1] = known ? (int)mm_height : 0;
}

static bool
output_layout_count_ok(int n, char *why, size_t why_size)
{
	if (n >= 1 && n <= OUTPUT_LAYOUT_MAX)
		return true;
	snprintf(why, why_size, "%d monitors (1..%d are taken)", n, OUTPUT_LAYOUT_MAX);
	return false;
}

int
output_layout_check(const struct output_rect *rects, int n, char *why, size_t why_size)
{
	if (!output_layout_count_ok(n, why, why_size))
		return -1;
	for (int i = 0; i < n; i++) {
		const struct output_rect *r = &rects[i];

		if (r->width < 1 || r->height < 1 || r->width > PC_MAX_OUTPUT_SIZE ||
		    r->height > PC_MAX_OUTPUT_SIZE || r->x < 0 || r->y < 0 ||
		    r->x > PC_MAX_OUTPUT_SIZE - r->width || r->y > PC_MAX_OUTPUT_SIZE - r->height) {
			snprintf(why, why_size, "monitor %d (%dx%d at %d,%d) is outside 0..%d", i,
				 r->width, r->height, r->x, r->y, PC_MAX_OUTPUT_SIZE);
			return -1;
		}
		for (int j = 0; j < i; j++) {
			if (output_rects_overlap(r, &rects[j])) {
				snprintf(why, why_size, "monitors %d and %d overlap", j, i);
				return -1;
			}
		}
	}
	return 0;
}

int
output_layout_from_monitors(struct output_layout *layout, const struct output_monitor *monitors,
			    int n, char *why, size_t why_size)
{
	int primary = 0, slot = 1;
	int64_t min_x = 0, min_y = 0;

	layout->n = 0;
	if (!output_layout_count_ok(n, why, why_size))
		return -1;
	for (int i = 0; i < n; i++) {
		const struct output_monitor *m = &monitors[i];

		if (m->width < 1 || m->height < 1 || m->width > PC_MAX_OUTPUT_SIZE ||
		    m->height > PC_MAX_OUTPUT_SIZE || m->x < -OUTPUT_LAYOUT_MAX_OFFSET ||
		    m->x > OUTPUT_LAYOUT_MAX_OFFSET || m->y < -OUTPUT_LAYOUT_MAX_OFFSET ||
		    m->y > OUTPUT_LAYOUT_MAX_OFFSET) {
			snprintf(why, why_size, "monitor %d is %lldx%lld at %lld,%lld", i,
				 (long long)m->width, (long long)m->height, (long long)m->x,
				 (long long)m->y);
			return -1;
		}
		if (i == 0 || m->x < min_x)
			min_x = m->x;
		if (i == 0 || m->y < min_y)
			min_y = m->y;
		if (m->primary && !monitors[primary].primary)
			primary = i;
	}
	for (int i = 0; i < n; i++) {
		const struct output_monitor *m = &monitors[i];
		/* the primary monitor first, the others in the client's order */
		int to = i == primary ? 0 : slot++;

		layout->rects[to] = (struct output_rect){
			.x = (int)(m->x - min_x),
			.y = (int)(m->y - min_y),
			.width = (int)m->width,
			.height = (int)m->height,
		};
		output_layout_set_mm(layout, to, m->mm_width, m->mm_height);
	}
	if (output_layout_check(layout->rects, n, why, why_size) < 0)
		return -1;
	layout->n = n;
	layout->scale_percent = output_scale_percent_valid(monitors[primary].scale_percent);
	return 0;
}

void
output_layout_size(const struct output_layout *layout, int *width, int *height)
{
	*width = 0;
	*height = 0;
	for (int i = 0; i < layout->n; i++) {
		const struct output_rect *r = &layout->rects[i];

		if (r->x + r->width > *width)
			*width = r->x + r->width;
		if (r->y + r->height > *height)
			*height = r->y + r->height;
	}
}

bool
output_layout_equal(const struct output_layout *a, const struct output_layout *b)
{
	if (a->n != b->n || a->scale_percent != b->scale_percent)
		return false;
	for (int i = 0; i < a->n; i++) {
		const struct output_rect *x = &a->rects[i], *y = &b->rects[i];

		if (x->x != y->x || x->y != y->y || x->width != y->width ||
		    x->height != y->height || a->mm[i][0] != b->mm[i][0] ||
		    a->mm[i][1] != b->mm[i][1])
			return false;
	}
	return true;
}

const char *
output_layout_describe(const struct output_layout *layout, char *buf, size_t size)
{
	size_t used = 0;

	if (size == 0)
		return buf;
	buf[0] = '\0';
	for (int i = 0; i < layout->n && used < size; i++) {
		const struct output_rect *r = &layout->rects[i];
		int n = snprintf(buf + used, size - used, "%s%dx%d+%d+%d", i ? ", " : "", r->width,
				 r->height, r->x, r->y);

		if (n < 0)
			break;
		used += (size_t)n;
	}
	if (layout->scale_percent && layout->scale_percent != 100 && used < size)
		snprintf(buf + used, size - used, " at %d %%", layout->scale_percent);
	return buf;
}
