/*
 * PNG screenshots of an output (after its next repaint, so the picture is
 * current) or of one window's content (its geometry, without CSD shadows).
 * What the compositor's users ask for is in porthole-compositor.h.
 */
#ifndef PORTHOLE_SCREENSHOT_H
#define PORTHOLE_SCREENSHOT_H

#include "porthole-compositor.h"

struct weston_output;
struct weston_surface;
struct strbuf;
struct screenshot;

/**
 * Captures @output after its next repaint: the whole output, or when @width > 0
 * the @width x @height region at (@x, @y) in global coordinates, clipped to the
 * output. The request dies with the output (reported as an error) or with
 * screenshot_cancel(). NULL when out of memory.
 */
struct screenshot *screenshot_output(struct weston_output *output, int x, int y, int width,
				     int height, screenshot_done_func_t done, void *data);

/** Encodes the @width x @height region at (@x, @y) of @surface's content. 0 or -1. */
int screenshot_surface(struct weston_surface *surface, int x, int y, int width, int height,
		       struct strbuf *png);

#endif
