/*
 * The lossy half of the graphics pipeline: parts of the desktop that change at
 * every repaint go as H.264 (AVC420) when the client offers it. FreeRDP 2.11's
 * client decodes an AVC420 command as a picture of the whole target surface,
 * whatever the command's rectangle says, so the pictures go to a second,
 * unmapped surface the size of the busy area only (the encoder's cost follows
 * that area, not the desktop), and SurfaceToSurface copies what changed onto
 * the desktop surface in the same frame. The area only grows while it stays
 * busy: each new size is a new surface and a new key frame.
 */
#include <stdlib.h>

#include <freerdp/server/rdpgfx.h>

#include "log.h"
#include "rdp-gfx-boxes.h"
#include "rdp-gfx-video.h"
#include "rdp-h264.h"

/* H.264 codes 16x16 macroblocks: an area of whole ones wastes nothing */
#define RDP_VIDEO_ALIGN 16
/* smaller areas are not worth a key frame */
#define RDP_VIDEO_MIN_SIDE 16
/* bits per second for each pixel of the area, at the encoder's 30 frames per second */
#define RDP_VIDEO_BITS_PER_PIXEL 3
#define RDP_VIDEO_BITRATE_MIN 1000000
#define RDP_VIDEO_BITRATE_MAX 40000000

struct rdp_gfx_video {
	uint16_t surface_id;
	struct rdp_h264 *h264;
	pixman_box32_t area; /* on the desktop surface; empty while there is no video surface */
};

struct rdp_gfx_video *
rdp_gfx_video_create(uint16_t surface_id)
{
	struct rdp_gfx_video *video = calloc(1, sizeof *video);

	if (video)
		video->surface_id = surface_id;
	return video;
}

static bool
rdp_gfx_video_has_surface(const struct rdp_gfx_video *video)
{
	return video->area.x2 > video->area.x1;
}

bool
rdp_gfx_video_close(struct rdp_gfx_video *video, RdpgfxServerContext *context)
{
	RDPGFX_DELETE_SURFACE_PDU remove = {.surfaceId = video->surface_id};
	bool had_encoder = video->h264 != NULL;

	if (context && rdp_gfx_video_has_surface(video))
		context->DeleteSurface(context, &remove);
	video->area = (pixman_box32_t){0};
	rdp_h264_destroy(video->h264);
	video->h264 = NULL;
	return had_encoder;
}

void
rdp_gfx_video_destroy(struct rdp_gfx_video *video)
{
	if (!video)
		return;
	rdp_gfx_video_close(video, NULL);
	free(video);
}

/* @low..@high widened to whole macroblocks where the desktop's @size leaves room. */
static void
rdp_gfx_video_align(int32_t *low, int32_t *high, int size)
{
	int32_t length;

	*low -= *low % RDP_VIDEO_ALIGN;
	length = *high - *low;
	length += (RDP_VIDEO_ALIGN - length % RDP_VIDEO_ALIGN) % RDP_VIDEO_ALIGN;
	if (length > size)
		length = size - size % 2;
	*high = *low + length;
	if (*high > size) {
		*low = size - length;
		*high = size;
	}
}

/* The area that holds @lossy and the current one, on a @width x @height desktop. */
static pixman_box32_t
rdp_gfx_video_area_for(const struct rdp_gfx_video *video, pixman_region32_t *lossy, int width,
		       int height)
{
	pixman_box32_t area = *pixman_region32_extents(lossy);

	if (rdp_gfx_video_has_surface(video)) {
		area.x1 = area.x1 < video->area.x1 ? area.x1 : video->area.x1;
		area.y1 = area.y1 < video->area.y1 ? area.y1 : video->area.y1;
		area.x2 = area.x2 > video->area.x2 ? area.x2 : video->area.x2;
		area.y2 = area.y2 > video->area.y2 ? area.y2 : video->area.y2;
	}
	rdp_gfx_video_align(&area.x1, &area.x2, width);
	rdp_gfx_video_align(&area.y1, &area.y2, height);
	return area;
}

/* A new video surface for @area, and an encoder whose first picture is a key frame. */
static bool
rdp_gfx_video_open(struct rdp_gfx_video *video, RdpgfxServerContext *context, pixman_box32_t area)
{
	int width = area.x2 - area.x1, height = area.y2 - area.y1;
	int64_t bitrate = (int64_t)width * height * RDP_VIDEO_BITS_PER_PIXEL;
	RDPGFX_CREATE_SURFACE_PDU create = {
		.surfaceId = video->surface_id,
		.width = (UINT16)width,
		.height = (UINT16)height,
		.pixelFormat = GFX_PIXEL_FORMAT_XRGB_8888,
	};

	rdp_gfx_video_close(video, context);
	video->h264 = rdp_h264_create(width, height,
				      bitrate < RDP_VIDEO_BITRATE_MIN   ? RDP_VIDEO_BITRATE_MIN
				      : bitrate > RDP_VIDEO_BITRATE_MAX ? RDP_VIDEO_BITRATE_MAX
									: bitrate);
	if (!video->h264)
		return false;
	if (context->CreateSurface(context, &create) != CHANNEL_RC_OK)
		return false;
	video->area = area;
	return true;
}

/* @box of the desktop surface, on the video surface. */
static pixman_box32_t
rdp_gfx_video_local_box(const struct rdp_gfx_video *video, const pixman_box32_t *box)
{
	return (pixman_box32_t){
		box->x1 - video->area.x1,
		box->y1 - video->area.y1,
		box->x2 - video->area.x1,
		box->y2 - video->area.y1,
	};
}

/* Copies each box of @lossy from the video surface to the same place on the desktop surface. */
static UINT
rdp_gfx_video_copy_out(struct rdp_gfx_video *video, RdpgfxServerContext *context,
		       uint16_t desktop_surface_id, pixman_region32_t *lossy)
{
	int n;
	pixman_box32_t *boxes = pixman_region32_rectangles(lossy, &n);
	UINT rc = CHANNEL_RC_OK;

	for (int i = 0; i < n && rc == CHANNEL_RC_OK; i++) {
		pixman_box32_t from = rdp_gfx_video_local_box(video, &boxes[i]);

		rc = rdp_gfx_surface_copy(context, video->surface_id, desktop_surface_id, &from,
					  boxes[i].x1, boxes[i].y1);
	}
	return rc;
}

int64_t
rdp_gfx_video_send(struct rdp_gfx_video *video, RdpgfxServerContext *context,
		   uint16_t desktop_surface_id, const uint8_t *pixels, int width, int height,
		   int stride, pixman_region32_t *lossy)
{
	pixman_box32_t area = rdp_gfx_video_area_for(video, lossy, width, height);
	RDPGFX_AVC420_BITMAP_STREAM stream = {0};
	pixman_box32_t whole;
	int n;
	pixman_box32_t *boxes;
	int64_t sent = -1;

	if (area.x2 - area.x1 < RDP_VIDEO_MIN_SIDE || area.y2 - area.y1 < RDP_VIDEO_MIN_SIDE) {
		pixman_region32_clear(lossy);
		return 0;
	}
	if ((area.x1 != video->area.x1 || area.y1 != video->area.y1 || area.x2 != video->area.x2 ||
	     area.y2 != video->area.y2) &&
	    !rdp_gfx_video_open(video, context, area))
		goto fail;
	/* what the area could not hold goes lossless, by the caller */
	pixman_region32_intersect_rect(lossy, lossy, area.x1, area.y1,
				       (unsigned)(area.x2 - area.x1),
				       (unsigned)(area.y2 - area.y1));
	boxes = pixman_region32_rectangles(lossy, &n);
	stream.meta.numRegionRects = (UINT32)n;
	stream.meta.regionRects = calloc((size_t)n, sizeof(RECTANGLE_16));
	stream.meta.quantQualityVals = calloc((size_t)n, sizeof(RDPGFX_H264_QUANT_QUALITY));
	if (!stream.meta.regionRects || !stream.meta.quantQualityVals)
		goto fail;
	for (int i = 0; i < n; i++) {
		pixman_box32_t local = rdp_gfx_video_local_box(video, &boxes[i]);

		stream.meta.regionRects[i] = rdp_gfx_rect16(&local);
		stream.meta.quantQualityVals[i].qp = 26;
		stream.meta.quantQualityVals[i].qualityVal = 74;
	}
	/* the data stays the encoder's */
	if (rdp_h264_encode(video->h264,
			    pixels + (size_t)area.y1 * (size_t)stride + (size_t)area.x1 * 4, stride,
			    &stream.data, &stream.length) < 0)
		goto fail;
	whole = rdp_gfx_video_local_box(video, &area);
	if (rdp_gfx_surface_command(context, video->surface_id, RDPGFX_CODECID_AVC420, &whole,
				    stream.data, stream.length, &stream) != CHANNEL_RC_OK ||
	    rdp_gfx_video_copy_out(video, context, desktop_surface_id, lossy) != CHANNEL_RC_OK)
		goto fail;
	sent = stream.length;
fail:
	free(stream.meta.regionRects);
	free(stream.meta.quantQualityVals);
	if (sent < 0) {
		pixman_region32_clear(lossy);
		weston_log("rdp: the avc420 encoder failed on a %dx%d area\n", area.x2 - area.x1,
			   area.y2 - area.y1);
		rdp_gfx_video_close(video, context);
	}
	return sent;
}
