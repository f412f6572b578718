/*
 * Windows that moved, sent as copies of what the client already shows
 * (rdp-moves.c): a dragged window costs a SurfaceToSurface command instead of
 * encoding its pixels again at each step.
 */
#ifndef PORTHOLE_RDP_MOVES_H
#define PORTHOLE_RDP_MOVES_H

#include <stdint.h>

#include <pixman.h>

#include "porthole-compositor.h"
#include "rdp-busy-tiles.h"
#include "rdp-copy.h"

#define RDP_MOVES_MAX_COPIES 16

struct rdp_moves;

/** Where the desktop surface lies in global coordinates: its pixels' origin and scale. */
struct rdp_moves_frame {
	const uint32_t *pixels; /* the shadow copy, as about to be sent */
	int width, height, stride;
	int origin_x, origin_y; /* the surface's top-left, global coordinates times @scale */
	int scale;
};

struct rdp_moves *rdp_moves_create(void);

/** NULL-safe. */
void rdp_moves_destroy(struct rdp_moves *moves);

/** The client's surface was made anew: nothing it shows can be copied. */
void rdp_moves_forget(struct rdp_moves *moves);

/**
 * Before a frame of @damage: the copies (at most RDP_MOVES_MAX_COPIES, into
 * @copies) that show each window which moved since the last frame where it is
 * now, from where the client has it, for every row the client's pixels are
 * known to equal the new ones. What the copies cover is added to @written
 * (an initialized region) and taken out of @damage. Windows over tiles the
 * client holds lossy (@busy) are not copied. Remembers the rows of windows that
 * moved, for the next frame, and forgets windows whose pixels changed
 * otherwise. Returns how many copies.
 */
int rdp_moves_plan(struct rdp_moves *moves, struct pc_compositor *compositor,
		   const struct rdp_moves_frame *frame, pixman_region32_t *damage,
		   const struct rdp_busy_tiles *busy, struct rdp_copy *copies,
		   pixman_region32_t *written);

#endif
