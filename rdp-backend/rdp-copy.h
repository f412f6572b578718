/*
 * Copies of what the client already shows, as the planners (moved windows,
 * scrolled rows, repeated text cells) hand them to the encoders, and the
 * hash that tells them a row or a cell the client holds equals one to send.
 */
#ifndef PORTHOLE_RDP_COPY_H
#define PORTHOLE_RDP_COPY_H

#include <stdint.h>

#include <pixman.h>

/* one copy: @from (on the desktop surface, in its pixels) goes to @to_x,@to_y */
struct rdp_copy {
	pixman_box32_t from;
	int to_x, to_y;
};

/** One step of the planners' hashes: @value folded into @hash. */
static inline uint64_t
rdp_hash_mix(uint64_t hash, uint64_t value)
{
	hash = (hash ^ value) * 0x9e3779b97f4a7c15ull;
	return hash ^ (hash >> 31);
}

/**
 * A 64-bit hash of @count pixels, never 0: what tells the planners that a
 * row the client holds equals one about to be sent.
 */
uint64_t rdp_hash_pixels(const uint32_t *pixels, int count);

/** Where @copy writes: its source's size at its target. */
pixman_box32_t rdp_copy_target(const struct rdp_copy *copy);

#endif
