/*
 * An H.264 encoder for the graphics pipeline's AVC420 pictures, on libx264
 * directly: FreeRDP 2.11's own goes through FFmpeg with x264's "medium"
 * preset and trellis quantisation, which spent half the compositor's CPU
 * (80 ms a 1080p frame of busy content) on what a screen never needs.
 */
#ifndef PORTHOLE_RDP_H264_H
#define PORTHOLE_RDP_H264_H

#include <stdint.h>

struct rdp_h264;

/**
 * An encoder for @width x @height pictures (both even, at least 16), aiming
 * at @bits_per_second at 30 pictures a second. NULL when x264 refuses.
 */
struct rdp_h264 *rdp_h264_create(int width, int height, int64_t bits_per_second);

/** NULL-safe. */
void rdp_h264_destroy(struct rdp_h264 *h264);

/**
 * Codes one picture from BGRX @pixels (rows @stride bytes apart); the first
 * is a key frame with its parameter sets, the others refer to the one
 * before. *@data (the encoder's, valid until the next call) and *@size get
 * the Annex-B stream. 0 or -1.
 */
int rdp_h264_encode(struct rdp_h264 *h264, const uint8_t *pixels, int stride, uint8_t **data,
		    uint32_t *size);

#endif
