/*
 * The lossy half of the graphics pipeline: parts of the desktop that change at
 * every repaint go as H.264 (AVC420) when the client offers it, else as
 * RemoteFX, which every pipeline client decodes.
 *
 * RemoteFX tiles land on the desktop surface directly, in coarser steps than
 * the codec's defaults: the area is sent again losslessly once it settles, so
 * only what the user sees while it moves is traded for bytes.
 *
 * H.264 takes more care. FreeRDP 2.11's
 * client decodes an AVC420 command as a picture of the whole target surface,
 * whatever the command's rectangle says, so the pictures go to a second,
 * unmapped surface the size of the busy area only (the encoder's cost follows
 * that area, not the desktop), and SurfaceToSurface copies what changed onto
 * the desktop surface in the same frame. The area only grows while it stays
 * busy: each new size is a new surface and a new key frame.
 */
#include <stdlib.h>
#include <string.h>

#include "rdp-gfx-channel.h"

#include "log.h"
#include "rdp-gfx-boxes.h"
#include "rdp-gfx-video.h"
#include "rdp-h264.h"
#include "rdp-remotefx.h"

/* H.264 codes 16x16 macroblocks: an area of whole ones wastes nothing */
#define RDP_VIDEO_ALIGN 16
/* smaller areas are not worth a key frame */
#define RDP_VIDEO_MIN_SIDE 16
/* bits per second for each pixel of the area, at the encoder's 30 frames per second */
#define RDP_VIDEO_BITS_PER_PIXEL 3
#define RDP_VIDEO_BITRATE_MIN 1000000
#define RDP_VIDEO_BITRATE_MAX 40000000

/*
 * RemoteFX quantisation, luma then chroma, in FreeRDP's order (LL3, LH3, HL3,
 * HH3, LH2, HL2, HH2, LH1, HL1, HH1); the codec's defaults are 6 6 6 6 7 7 8 8
 * 8 9 for both. On a 1024x768 screen of terminal text these take 132 KB at
 * 30.8 dB PSNR where the defaults take 229 KB at 40.2 dB (and 20 ms of CPU
 * against 30): the text is soft while it scrolls, then exact.
 */
static const uint8_t rdp_video_rfx_quants[2][RDP_REMOTEFX_BANDS] = {
	{7, 7, 7, 7, 8, 8, 9, 10, 10, 11},
	{8, 8, 8, 8, 9, 9, 10, 12, 12, 13},
};

/*
 * Rate control for RemoteFX, which has none of its own: each busy frame may
 * take about 1.5 bits a pixel (terminal text at the steps above takes 1.4).
 * Content that takes more (noise, film grain: 6 bits a pixel at 1080p) is
 * coded one step coarser at each frame until it fits; each step halves the
 * bytes or better, and the entropy coder, most of the cost, shrinks with them
 * (1920x1080 of noise: 1.5 MB and 140 ms of CPU at the steps above, 205 KB
 * and 48 ms three steps coarser). A frame that takes under 0.4 of the budget
 * goes one step finer again. The area is exact once it settles either way.
 */
#define RDP_VIDEO_RFX_BUDGET_MILLIBITS 1500 /* a pixel, a frame */
#define RDP_VIDEO_RFX_FINER_BELOW_PERCENT 40
#define RDP_VIDEO_RFX_COARSER_MAX 4

struct rdp_gfx_video {
	enum rdp_gfx_video_codec codec;
	uint16_t surface_id;
	struct rdp_h264 *h264;
	pixman_box32_t area;    /* on the desktop surface; empty while there is no video surface */
	struct work_pool *pool; /* where RemoteFX tiles are encoded */
	struct rdp_remotefx *rfx;
	int rfx_coarser; /* steps added to every band by the rate control */
};

struct rdp_gfx_video *
rdp_gfx_video_create(enum rdp_gfx_video_codec codec, uint16_t surface_id, struct work_pool *pool)
{
	struct rdp_gfx_video *video = calloc(1, sizeof *video);

	if (!video)
		return NULL;
	video->codec = codec;
	video->pool = pool;
	video->surface_id = surface_id;
	return video;
}

const char *
rdp_gfx_video_codec_name(const struct rdp_gfx_video *video)
{
	return video->codec == RDP_GFX_VIDEO_AVC420 ? "avc420" : "remotefx";
}

static bool
rdp_gfx_video_has_surface(const struct rdp_gfx_video *video)
{
	return video->area.x2 > video->area.x1;
}

bool
rdp_gfx_video_close(struct rdp_gfx_video *video, struct rdp_gfx_channel *channel)
{
	bool had_encoder = video->h264 || video->rfx;

	if (channel && rdp_gfx_video_has_surface(video))
		rdp_gfx_channel_delete_surface(channel, video->surface_id);
	video->area = (pixman_box32_t){0};
	rdp_h264_destroy(video->h264);
	video->h264 = NULL;
	video->rfx_coarser = 0;
	rdp_remotefx_destroy(video->rfx);
	video->rfx = NULL;
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
rdp_gfx_video_open(struct rdp_gfx_video *video, struct rdp_gfx_channel *channel,
		   pixman_box32_t area)
{
	int width = area.x2 - area.x1, height = area.y2 - area.y1;
	int64_t bitrate = (int64_t)width * height * RDP_VIDEO_BITS_PER_PIXEL;
	RDPGFX_CREATE_SURFACE_PDU create = {
		.surfaceId = video->surface_id,
		.width = (UINT16)width,
		.height = (UINT16)height,
		.pixelFormat = GFX_PIXEL_FORMAT_XRGB_8888,
	};

	rdp_gfx_video_close(video, channel);
	video->h264 = rdp_h264_create(width, height,
				      bitrate < RDP_VIDEO_BITRATE_MIN   ? RDP_VIDEO_BITRATE_MIN
				      : bitrate > RDP_VIDEO_BITRATE_MAX ? RDP_VIDEO_BITRATE_MAX
									: bitrate);
	if (!video->h264)
		return false;
	if (rdp_gfx_channel_create_surface(channel, &create) != CHANNEL_RC_OK)
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
rdp_gfx_video_copy_out(struct rdp_gfx_video *video, struct rdp_gfx_channel *channel,
		       uint16_t desktop_surface_id, pixman_region32_t *lossy)
{
	int n;
	pixman_box32_t *boxes = pixman_region32_rectangles(lossy, &n);
	UINT rc = CHANNEL_RC_OK;

	for (int i = 0; i < n && rc == CHANNEL_RC_OK; i++) {
		pixman_box32_t from = rdp_gfx_video_local_box(video, &boxes[i]);

		rc = rdp_gfx_surface_copy(channel, video->surface_id, desktop_surface_id, &from,
					  boxes[i].x1, boxes[i].y1);
	}
	return rc;
}

static int64_t
rdp_gfx_video_send_avc420(struct rdp_gfx_video *video, struct rdp_gfx_channel *channel,
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
	    !rdp_gfx_video_open(video, channel, area))
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
	if (rdp_gfx_surface_command(channel, video->surface_id, RDPGFX_CODECID_AVC420, &whole,
				    stream.data, stream.length, &stream) != CHANNEL_RC_OK ||
	    rdp_gfx_video_copy_out(video, channel, desktop_surface_id, lossy) != CHANNEL_RC_OK)
		goto fail;
	sent = stream.length;
fail:
	free(stream.meta.regionRects);
	free(stream.meta.quantQualityVals);
	if (sent < 0) {
		pixman_region32_clear(lossy);
		weston_log("rdp: the avc420 encoder failed on a %dx%d area\n", area.x2 - area.x1,
			   area.y2 - area.y1);
		rdp_gfx_video_close(video, channel);
	}
	return sent;
}

/* The encoder's steps: the table's, each @coarser steps coarser. */
static void
rdp_gfx_video_set_rfx_quants(struct rdp_gfx_video *video, int coarser)
{
	uint8_t quants[2][RDP_REMOTEFX_BANDS];

	for (int set = 0; set < 2; set++)
		for (int band = 0; band < RDP_REMOTEFX_BANDS; band++) {
			/* the encoder keeps each to the codec's coarsest step */
			quants[set][band] = (uint8_t)(rdp_video_rfx_quants[set][band] + coarser);
		}
	rdp_remotefx_set_quants(video->rfx, quants[0], quants[1]);
	video->rfx_coarser = coarser;
}

/* One step coarser or finer for the next frame, from what @bytes for @pixels took. */
static void
rdp_gfx_video_follow_rfx_rate(struct rdp_gfx_video *video, int64_t bytes, int64_t pixels)
{
	int64_t millibits = pixels > 0 ? bytes * 8 * 1000 / pixels : 0;
	int coarser = video->rfx_coarser;

	if (millibits > RDP_VIDEO_RFX_BUDGET_MILLIBITS && coarser < RDP_VIDEO_RFX_COARSER_MAX)
		coarser++;
	else if (millibits * 100 < (int64_t)RDP_VIDEO_RFX_BUDGET_MILLIBITS *
					   RDP_VIDEO_RFX_FINER_BELOW_PERCENT &&
		 coarser > 0)
		coarser--;
	if (coarser != video->rfx_coarser)
		rdp_gfx_video_set_rfx_quants(video, coarser);
}

int
rdp_gfx_video_rfx_coarser(const struct rdp_gfx_video *video)
{
	return video->rfx_coarser;
}

/* A RemoteFX encoder for a @width x @height desktop, with the coarser steps. */
static bool
rdp_gfx_video_open_remotefx(struct rdp_gfx_video *video, int width, int height)
{
	rdp_remotefx_destroy(video->rfx);
	video->rfx = rdp_remotefx_create(video->pool, width, height);
	if (!video->rfx)
		return false;
	rdp_gfx_video_set_rfx_quants(video, 0);
	return true;
}

/* Where a RemoteFX message goes: the desktop surface, tiles placed from its top-left. */
struct rdp_gfx_video_target {
	struct rdp_gfx_channel *channel;
	uint16_t surface_id;
	pixman_box32_t whole;
};

static bool
rdp_gfx_video_send_rfx_message(void *data, const uint8_t *message, size_t size)
{
	const struct rdp_gfx_video_target *target = data;

	return size <= UINT32_MAX &&
	       rdp_gfx_surface_command(target->channel, target->surface_id, RDPGFX_CODECID_CAVIDEO,
				       &target->whole, message, (UINT32)size,
				       NULL) == CHANNEL_RC_OK;
}

static int64_t
rdp_gfx_video_send_remotefx(struct rdp_gfx_video *video, struct rdp_gfx_channel *channel,
			    uint16_t desktop_surface_id, const uint8_t *pixels, int width,
			    int height, int stride, pixman_region32_t *lossy)
{
	int n;
	pixman_box32_t *boxes = pixman_region32_rectangles(lossy, &n);
	struct rdp_gfx_video_target target = {channel, desktop_surface_id, {0, 0, width, height}};
	int64_t sent = -1, area = 0;

	if ((!video->rfx || !rdp_remotefx_is_for(video->rfx, width, height)) &&
	    !rdp_gfx_video_open_remotefx(video, width, height))
		goto out;
	for (int i = 0; i < n; i++)
		area += (int64_t)(boxes[i].x2 - boxes[i].x1) * (boxes[i].y2 - boxes[i].y1);
	/* the pipeline takes a message of any size: one a frame */
	sent = rdp_remotefx_encode(video->rfx, boxes, n, pixels, stride, SIZE_MAX,
				   rdp_gfx_video_send_rfx_message, &target);
	if (sent >= 0)
		rdp_gfx_video_follow_rfx_rate(video, sent, area);
out:
	if (sent < 0) {
		pixman_region32_clear(lossy);
		weston_log("rdp: the remotefx encoder failed on a %dx%d desktop\n", width, height);
		rdp_gfx_video_close(video, channel);
	}
	return sent;
}

int64_t
rdp_gfx_video_send(struct rdp_gfx_video *video, struct rdp_gfx_channel *channel,
		   uint16_t desktop_surface_id, const uint8_t *pixels, int width, int height,
		   int stride, pixman_region32_t *lossy)
{
	if (video->codec == RDP_GFX_VIDEO_REMOTEFX)
		return rdp_gfx_video_send_remotefx(video, channel, desktop_surface_id, pixels,
						   width, height, stride, lossy);
	return rdp_gfx_video_send_avc420(video, channel, desktop_surface_id, pixels, width, height,
					 stride, lossy);
}
