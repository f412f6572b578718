/*
 * The graphics pipeline's bulk compression (MS-RDPEGFX 2.2.5.3, "RDP 8.0"):
 * LZ77 over a history the client keeps for the whole channel, with fixed
 * prefix codes. FreeRDP 2.11 only decodes it (its encoder copies bytes), and a
 * lossless frame of terminal text takes a quarter of its planar size through
 * it. Pure logic over bytes, so unit tests run it against FreeRDP's decoder.
 */
#ifndef PORTHOLE_RDP_ZGFX_H
#define PORTHOLE_RDP_ZGFX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rdp_zgfx;

/**
 * Bytes [start, end) of a packet that are likely not to shrink (pixels planar
 * could not pack): they go in segments of their own, given up after a short
 * probe unless they shrink at once (as a frame sent again does).
 */
struct rdp_zgfx_span {
	size_t start, end;
};

struct rdp_zgfx *rdp_zgfx_create(void);

void rdp_zgfx_destroy(struct rdp_zgfx *zgfx);

/**
 * Packs @size bytes of channel data (whole RDPGFX PDUs) as one segmented
 * packet into *@out (@out_size bytes, the compressor's until the next call).
 * With @compress false (codecs whose output is already entropy coded) the
 * bytes go as they are, but still into the history both sides keep.
 * @doubtful (@n_doubtful spans, in order, not overlapping; may be NULL) are
 * bytes that compress is likely to waste time on. Returns 0, or -1 (out of
 * memory, or @size is 0 or more than one packet holds), the history untouched
 * then.
 */
int rdp_zgfx_pack(struct rdp_zgfx *zgfx, const uint8_t *data, size_t size, bool compress,
		  const struct rdp_zgfx_span *doubtful, size_t n_doubtful, const uint8_t **out,
		  size_t *out_size);

#endif
