/*
 * Scrolling as copies (rdp-scrolls.c): what the client's desktop surface
 * holds is known by the hash of each row of each 64-pixel-wide tile; a
 * damaged area whose new rows are rows the client holds a few rows away is
 * copied there (SurfaceToSurface), and only what scrolled into view is
 * encoded.
 */
#ifndef PORTHOLE_RDP_SCROLLS_H
#define PORTHOLE_RDP_SCROLLS_H

#include <pixman.h>

#include "rdp-moves.h"

struct rdp_scrolls;

struct rdp_scrolls *rdp_scrolls_create(void);

/** NULL-safe. */
void rdp_scrolls_destroy(struct rdp_scrolls *scrolls);

/** What the client holds is unknown from now on (a new surface, a frame sent another way). */
void rdp_scrolls_forget(struct rdp_scrolls *scrolls);

/**
 * Before a frame: copies (at most @max, in the order they must go) for the
 * parts of @damage whose new pixels the client holds elsewhere in the same
 * columns; what they cover leaves @damage. Returns their number.
 */
int rdp_scrolls_plan(struct rdp_scrolls *scrolls, const struct rdp_moves_frame *frame,
		     pixman_region32_t *damage, struct rdp_copy *copies, int max);

/**
 * After a frame: the client now holds @frame's pixels in @changed, or a lossy
 * picture of them, which a copy carries along (rdp_busy_tiles_carry_lossy()
 * tells the caller which copies do). The hashes a plan made are taken as they
 * are: after rdp_scrolls_plan(), @frame must be the frame it planned (the
 * pixels unchanged since). What @unknown covers (a moved window's copies,
 * whose rows nobody hashed by tile) is left unknown instead of hashed: it
 * costs one frame of pixels if it scrolls next.
 */
void rdp_scrolls_note_sent(struct rdp_scrolls *scrolls, const struct rdp_moves_frame *frame,
			   pixman_region32_t *changed, pixman_region32_t *unknown);

#endif
