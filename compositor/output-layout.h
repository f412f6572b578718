/*
 * Output layouts: where each output lies in the compositor's global space. An
 * RDP client describes its monitors with the primary at 0,0 and the others
 * anywhere around it; a layout keeps their places relative to each other,
 * shifted so the top-left is 0,0, with the primary monitor first.
 */
#ifndef PORTHOLE_OUTPUT_LAYOUT_H
#define PORTHOLE_OUTPUT_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The most monitors an RDP client may announce (MS-RDPBCGR 2.2.1.3.6). */
#define OUTPUT_LAYOUT_MAX 16

/* An output's place and size in the compositor's global space. */
struct output_rect {
	int x, y, width, height;
};

/* A monitor as a client describes it (wide types: the values come off the wire). */
struct output_monitor {
	int64_t x, y, width, height;
	bool primary;
};

struct output_layout {
	int n; /* 0: none */
	struct output_rect rects[OUTPUT_LAYOUT_MAX];
};

/**
 * 0 when @rects can be outputs: 1..OUTPUT_LAYOUT_MAX of them, each within
 * 0..PC_MAX_OUTPUT_SIZE on both axes, none overlapping. Else -1 and @why.
 */
int output_layout_check(const struct output_rect *rects, int n, char *why, size_t why_size);

/** @layout from @n monitors; -1 and @why when they cannot be outputs. */
int output_layout_from_monitors(struct output_layout *layout, const struct output_monitor *monitors,
				int n, char *why, size_t why_size);

/** The size of the rectangle from 0,0 around all of @layout. */
void output_layout_size(const struct output_layout *layout, int *width, int *height);

bool output_layout_equal(const struct output_layout *a, const struct output_layout *b);

/** "WxH+X+Y, ..." for logs. */
const char *output_layout_describe(const struct output_layout *layout, char *buf, size_t size);

#endif
