/* Lossy pictures of the busy parts of the desktop: H.264 or RemoteFX (rdp-gfx-video.c). */
#ifndef PORTHOLE_RDP_GFX_VIDEO_H
#define PORTHOLE_RDP_GFX_VIDEO_H

#include <stdbool.h>
#include <stdint.h>

#include <pixman.h>

#include "rdp-gfx-channel.h"

struct rdp_gfx_video;
struct work_pool;

enum rdp_gfx_video_codec {
	RDP_GFX_VIDEO_AVC420,   /* the client offers H.264 */
	RDP_GFX_VIDEO_REMOTEFX, /* every pipeline client decodes RemoteFX */
};

/**
 * Video for a pipeline. AVC420 pictures go to surface @surface_id (not yet
 * made) and are copied from there; RemoteFX tiles go straight to the desktop.
 */
struct rdp_gfx_video *rdp_gfx_video_create(enum rdp_gfx_video_codec codec, uint16_t surface_id,
					   struct work_pool *pool);

/** "avc420" or "remotefx". */
const char *rdp_gfx_video_codec_name(const struct rdp_gfx_video *video);

/** Steps coarser than the usual ones RemoteFX codes in now, as its rate control chose. */
int rdp_gfx_video_rfx_coarser(const struct rdp_gfx_video *video);

/** Frees it; its surface goes with the channel. NULL-safe. */
void rdp_gfx_video_destroy(struct rdp_gfx_video *video);

/**
 * Deletes the video surface (when @channel is not NULL) and the encoder, until
 * the next send. Whether there was an encoder.
 */
bool rdp_gfx_video_close(struct rdp_gfx_video *video, struct rdp_gfx_channel *channel);

/**
 * Inside a frame: @lossy (a part of the @width x @height desktop @pixels)
 * coded lossily onto surface @desktop_surface_id. On return,
 * @lossy holds what went (possibly less: the rest is the caller's to send
 * losslessly). Returns the bytes sent, 0 when nothing went, -1 when the
 * encoder failed (nothing went; the caller should stop asking).
 */
int64_t rdp_gfx_video_send(struct rdp_gfx_video *video, struct rdp_gfx_channel *channel,
			   uint16_t desktop_surface_id, const uint8_t *pixels, int width,
			   int height, int stride, pixman_region32_t *lossy);

#endif
