/* H.264 pictures of the busy parts of the desktop (rdp-gfx-video.c). */
#ifndef PORTHOLE_RDP_GFX_VIDEO_H
#define PORTHOLE_RDP_GFX_VIDEO_H

#include <stdbool.h>
#include <stdint.h>

#include <freerdp/server/rdpgfx.h>
#include <pixman.h>

struct rdp_gfx_video;

/** Video for a pipeline; its pictures go to surface @surface_id (not yet made). */
struct rdp_gfx_video *rdp_gfx_video_create(uint16_t surface_id);

/** Frees it; its surface goes with the channel. NULL-safe. */
void rdp_gfx_video_destroy(struct rdp_gfx_video *video);

/**
 * Deletes the video surface (when @context is not NULL) and the encoder, until
 * the next send. Whether there was an encoder.
 */
bool rdp_gfx_video_close(struct rdp_gfx_video *video, RdpgfxServerContext *context);

/**
 * Inside a frame: @lossy (a part of the @width x @height desktop @pixels)
 * coded as H.264 and copied onto surface @desktop_surface_id. On return,
 * @lossy holds what went (possibly less: the rest is the caller's to send
 * losslessly). Returns the bytes sent, 0 when nothing went, -1 when the
 * encoder failed (nothing went; the caller should stop asking).
 */
int64_t rdp_gfx_video_send(struct rdp_gfx_video *video, RdpgfxServerContext *context,
			   uint16_t desktop_surface_id, const uint8_t *pixels, int width,
			   int height, int stride, pixman_region32_t *lossy);

#endif
