/* Copies' targets and the planners' pixel hash (rdp-copy.h). */
#include <string.h>

#include "rdp-copy.h"

uint64_t
rdp_hash_pixels(const uint32_t *pixels, int count)
{
	/*
	 * Eight lanes of two pixels each: their multiplications overlap, where one
	 * chain waits on each multiplication in turn. A dragged 512x384 window's
	 * rows hash in half the time four lanes took, and 64-pixel tiles no slower.
	 */
	uint64_t lanes[8] = {0x243f6a8885a308d3ull, 0x13198a2e03707344ull, 0xa4093822299f31d0ull,
			     0x082efa98ec4e6c89ull, 0x452821e638d01377ull, 0xbe5466cf34e90c6cull,
			     0xc0ac29b7c97c50ddull, 0x3f84d5b5b5470917ull};
	uint64_t hash;
	int x = 0;

	for (; x + 16 <= count; x += 16) {
		uint64_t words[8];

		memcpy(words, pixels + x, sizeof words);
		for (int i = 0; i < 8; i++)
			lanes[i] = rdp_hash_mix(lanes[i], words[i]);
	}
	/* the lanes meet in pairs, three mixes deep, where a chain through them was eight */
	hash = rdp_hash_mix(
		rdp_hash_mix(rdp_hash_mix(lanes[0], lanes[1]), rdp_hash_mix(lanes[2], lanes[3])),
		rdp_hash_mix(rdp_hash_mix(lanes[4], lanes[5]), rdp_hash_mix(lanes[6], lanes[7])));
	hash = rdp_hash_mix(hash, (uint64_t)count);
	for (; x < count; x++)
		hash = rdp_hash_mix(hash, pixels[x]);
	return hash | 1;
}

pixman_box32_t
rdp_copy_target(const struct rdp_copy *copy)
{
	return (pixman_box32_t){copy->to_x, copy->to_y, copy->to_x + copy->from.x2 - copy->from.x1,
				copy->to_y + copy->from.y2 - copy->from.y1};
}
