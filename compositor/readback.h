/*
 * Pixels out of the renderer: whatever its read format and row order, callers
 * get 0xAARRGGBB words, top row first. Screenshots and the damage read-back
 * both read through here.
 */
#ifndef PORTHOLE_READBACK_H
#define PORTHOLE_READBACK_H

#include <stddef.h>
#include <stdint.h>

struct weston_output;

/**
 * Reads the @width x @height region at output-local (@x, @y) of @output's last
 * repaint into @pixels (@width * @height words). Returns 0, or -1 when the
 * renderer fails or reads in a format other than 32-bit RGB.
 */
int readback_output(struct weston_output *output, int x, int y, int width, int height,
		    uint32_t *pixels);

/** Turns 0xAABBGGRR words (a8b8g8r8, as GL and surface copies give) into 0xAARRGGBB. */
void readback_swap_red_blue(uint32_t *pixels, size_t count);

#endif
