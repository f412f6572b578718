/*
 * The graphics pipeline (MS-RDPEGFX) for clients that offer it: one surface the
 * size of the desktop (all the client's monitors), mapped to its top-left, updated between StartFrame and
 * EndFrame with planar (lossless; the default), progressive, uncompressed or
 * AVC420 commands. By default the parts that change at every repaint go lossy
 * (rdp-gfx-video.c: H.264 when the client offers AVC420, else RemoteFX), the
 * rest as planar.
 * The channel is dynamic, so it opens only after the activation: until the client has confirmed capabilities (or the channel was
 * given up on, and SurfaceBits take over), the peer's graphics are held.
 */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include <freerdp/channels/rdpgfx.h>
#include <freerdp/codec/color.h>
#include <freerdp/codec/h264.h>
#include <freerdp/codec/planar.h>
#include <freerdp/codec/progressive.h>
#include <freerdp/codec/region.h>
#include <winpr/crt.h>

#include "log.h"
#include "rdp-cells.h"
#include "rdp-client-checks.h"
#include "rdp-gfx-channel.h"
#include "rdp-gfx-boxes.h"
#include "rdp-gfx-video.h"
#include "rdp-internal.h"
#include "rdp-solid.h"

#define RDP_GFX_SURFACE_ID 1
/* the busy parts' H.264 pictures, copied from there onto the desktop surface */
#define RDP_GFX_VIDEO_SURFACE_ID 2
/* a client that offered the pipeline but has not used it by then gets SurfaceBits */
#define RDP_GFX_OPEN_TIMEOUT_MS 5000
/* frames sent but not acknowledged before the client counts as behind */
#define RDP_GFX_FRAMES_IN_FLIGHT 2

struct rdp_gfx {
	struct rdp_peer *peer;
	const struct rdp_gfx_listener *listener;
	uint32_t generation; /* tells this pipeline's tasks from an earlier one's */
	struct rdp_gfx_channel *channel;
	struct wl_event_source *open_timer;
	bool ready; /* capabilities confirmed: surfaces and frames may go */
	bool surface_created;
	bool acks_suspended;         /* the client said it sends no more acknowledgements */
	uint32_t version;            /* the capability set confirmed */
	int width, height;           /* of the surface */
	struct rdp_gfx_boxes *boxes; /* planar and uncompressed, on every core */
	PROGRESSIVE_CONTEXT *progressive;
	H264_CONTEXT *h264;
	struct rdp_gfx_video *video; /* for busy parts, by default (--rdp-codec unset) */
};

/*
 * What the channel reads is handled as a task of the peer's, once the
 * channel's reading is over: handling may end the pipeline, channel and all.
 */
struct rdp_gfx_caps {
	uint32_t generation;
	UINT16 count;
	RDPGFX_CAPSET sets[RDP_GFX_CHANNEL_MAX_CAPSETS];
};

struct rdp_gfx_ack {
	uint32_t generation;
	UINT32 frame_id;
	UINT32 queue_depth;
};

bool
rdp_gfx_codec_is_pipeline(enum rdp_codec codec)
{
	return codec == RDP_CODEC_PLANAR || codec == RDP_CODEC_PROGRESSIVE ||
	       codec == RDP_CODEC_UNCOMPRESSED || codec == RDP_CODEC_AVC420;
}

/* FreeRDP's encoder (--rdp-codec=avc420), with the planes FreeRDP 2.11 leaves behind. */
static void
rdp_h264_context_free(H264_CONTEXT *h264)
{
	if (!h264)
		return;
	/*
	 * FreeRDP 2.11 frees the YUV planes the encoder converts each frame
	 * into only when their size changes, never at the end.
	 */
	for (int i = 0; i < 3; i++) {
		_aligned_free(h264->pYUVData[i]);
		h264->pYUVData[i] = NULL;
	}
	h264_context_free(h264);
}

static void
rdp_gfx_free_encoders(struct rdp_gfx *gfx)
{
	rdp_gfx_boxes_destroy(gfx->boxes);
	gfx->boxes = NULL;
	if (gfx->progressive)
		progressive_context_free(gfx->progressive);
	gfx->progressive = NULL;
	rdp_h264_context_free(gfx->h264);
	gfx->h264 = NULL;
}

void
rdp_gfx_destroy(struct rdp_gfx *gfx)
{
	if (!gfx)
		return;
	if (gfx->open_timer)
		wl_event_source_remove(gfx->open_timer);
	/* what the channel's listener posted meanwhile finds no gfx */
	rdp_gfx_channel_close(gfx->channel);
	rdp_gfx_free_encoders(gfx);
	rdp_gfx_video_destroy(gfx->video);
	free(gfx);
}

/* The pipeline is not coming, or is gone: its owner frees it (and this with it). */
static void
rdp_gfx_fail(struct rdp_gfx *gfx, const char *why)
{
	gfx->listener->failed(gfx->peer, why);
}

static int
rdp_gfx_handle_open_timeout(void *data)
{
	struct rdp_gfx *gfx = data;

	wl_event_source_remove(gfx->open_timer);
	gfx->open_timer = NULL;
	rdp_gfx_fail(gfx, "it advertised no capabilities in time");
	return 0;
}

static const char *
rdp_gfx_version_name(uint32_t version, char *buf, size_t size)
{
	snprintf(buf, size, "%u.%u", (version >> 16) & 0xffff, (version >> 8) & 0xff);
	return buf;
}

static bool
rdp_gfx_create_encoder(struct rdp_gfx *gfx, enum rdp_codec codec)
{
	switch (codec) {
	case RDP_CODEC_PLANAR:
	case RDP_CODEC_UNCOMPRESSED:
		gfx->boxes = rdp_gfx_boxes_create(gfx->peer->server->encode_pool);
		return gfx->boxes != NULL;
	case RDP_CODEC_PROGRESSIVE:
		gfx->progressive = progressive_context_new(TRUE);
		return gfx->progressive != NULL;
	case RDP_CODEC_AVC420:
		gfx->h264 = h264_context_new(TRUE);
		return gfx->h264 != NULL;
	default:
		return true;
	}
}

static void
rdp_gfx_run_caps(struct rdp_peer *peer, void *payload)
{
	struct rdp_gfx *gfx = peer->gfx;
	const struct rdp_gfx_caps *caps = payload;
	const RDPGFX_CAPSET *picked;
	RDPGFX_CAPSET confirmed;
	bool avc420, adaptive = peer->server->codec == RDP_CODEC_AUTO;
	char version[16];

	if (!gfx || gfx->generation != caps->generation || gfx->ready)
		return;
	picked = rdp_gfx_pick_capset(caps->sets, caps->count,
				     peer->codec == RDP_CODEC_AVC420 || adaptive);
	if (!picked) {
		rdp_gfx_fail(gfx, "it advertised no capability set");
		return;
	}
	avc420 = peer->codec == RDP_CODEC_AVC420 && rdp_gfx_capset_allows_avc420(picked);
	if (peer->codec == RDP_CODEC_AVC420 && !avc420) {
		weston_log("rdp: %s does not offer avc420 (--rdp-codec); sending planar\n",
			   peer->client->hostname);
		peer->codec = RDP_CODEC_PLANAR;
	}
	if (adaptive) {
		bool h264 = rdp_gfx_capset_allows_avc420(picked);

		gfx->video =
			rdp_gfx_video_create(h264 ? RDP_GFX_VIDEO_AVC420 : RDP_GFX_VIDEO_REMOTEFX,
					     RDP_GFX_VIDEO_SURFACE_ID, peer->server->encode_pool);
		avc420 = h264 && gfx->video != NULL;
	}
	if (!rdp_gfx_create_encoder(gfx, peer->codec)) {
		rdp_gfx_fail(gfx, "its encoder could not be set up");
		return;
	}
	confirmed = *picked;
	/* what the server will send: AVC only when that is the codec */
	if (confirmed.version == RDPGFX_CAPVERSION_81 && !avc420)
		confirmed.flags &= ~RDPGFX_CAPS_FLAG_AVC420_ENABLED;
	else if (confirmed.version >= RDPGFX_CAPVERSION_10 && !avc420)
		confirmed.flags |= RDPGFX_CAPS_FLAG_AVC_DISABLED;
	if (rdp_gfx_channel_caps_confirm(gfx->channel, &confirmed) != CHANNEL_RC_OK) {
		rdp_gfx_fail(gfx, "the capability confirm could not be sent");
		return;
	}
	gfx->version = confirmed.version;
	gfx->ready = true;
	if (gfx->open_timer)
		wl_event_source_remove(gfx->open_timer);
	gfx->open_timer = NULL;
	weston_log("rdp: %s uses the graphics pipeline %s with %s%s%s%s\n", peer->client->hostname,
		   rdp_gfx_version_name(gfx->version, version, sizeof version),
		   rdp_codec_name(peer->codec), gfx->video ? ", " : "",
		   gfx->video ? rdp_gfx_video_codec_name(gfx->video) : "",
		   gfx->video ? " where busy" : "");
	gfx->listener->ready(peer);
}

static void
rdp_gfx_on_caps_advertised(void *data, const RDPGFX_CAPSET *sets, uint16_t count)
{
	struct rdp_gfx *gfx = data;
	struct rdp_gfx_caps caps = {.generation = gfx->generation, .count = count};

	memcpy(caps.sets, sets, count * sizeof *sets);
	if (!rdp_peer_post(gfx->peer, rdp_gfx_run_caps, &caps, sizeof caps))
		weston_log("rdp: %s: out of memory for its pipeline's capabilities\n",
			   gfx->peer->client->hostname);
}

static void
rdp_gfx_run_ack(struct rdp_peer *peer, void *payload)
{
	const struct rdp_gfx_ack *ack = payload;
	struct rdp_gfx *gfx = peer->gfx;

	if (!gfx || gfx->generation != ack->generation)
		return;
	gfx->acks_suspended = ack->queue_depth == SUSPEND_FRAME_ACKNOWLEDGEMENT;
	gfx->listener->acknowledged(peer, gfx->acks_suspended ? peer->frame_id : ack->frame_id);
}

static void
rdp_gfx_on_frame_acknowledged(void *data, uint32_t frame_id, uint32_t queue_depth)
{
	struct rdp_gfx *gfx = data;
	struct rdp_gfx_ack ack = {
		.generation = gfx->generation,
		.frame_id = frame_id,
		.queue_depth = queue_depth,
	};

	/* a lost acknowledgement is made up by the next one */
	rdp_peer_post(gfx->peer, rdp_gfx_run_ack, &ack, sizeof ack);
}

struct rdp_gfx_broken {
	uint32_t generation;
	const char *why; /* a string of the channel's, never freed */
};

static void
rdp_gfx_run_broken(struct rdp_peer *peer, void *payload)
{
	const struct rdp_gfx_broken *broken = payload;
	struct rdp_gfx *gfx = peer->gfx;

	if (gfx && gfx->generation == broken->generation)
		rdp_gfx_fail(gfx, broken->why);
}

static void
rdp_gfx_on_broken(void *data, const char *why)
{
	struct rdp_gfx *gfx = data;
	struct rdp_gfx_broken broken = {.generation = gfx->generation, .why = why};

	weston_log("rdp: %s broke the graphics pipeline's protocol: %s\n",
		   gfx->peer->client->hostname, why);
	rdp_peer_post(gfx->peer, rdp_gfx_run_broken, &broken, sizeof broken);
}

static const struct rdp_gfx_channel_listener rdp_gfx_channel_listener = {
	.caps_advertised = rdp_gfx_on_caps_advertised,
	.frame_acknowledged = rdp_gfx_on_frame_acknowledged,
	.broken = rdp_gfx_on_broken,
};

struct rdp_gfx *
rdp_gfx_create(struct rdp_peer *peer, const struct rdp_gfx_listener *listener, uint32_t generation)
{
	struct rdp_gfx *gfx = calloc(1, sizeof *gfx);

	if (!gfx)
		return NULL;
	gfx->peer = peer;
	gfx->listener = listener;
	gfx->generation = generation;
	gfx->open_timer =
		wl_event_loop_add_timer(peer->server->loop, rdp_gfx_handle_open_timeout, gfx);
	if (gfx->open_timer)
		wl_event_source_timer_update(gfx->open_timer, RDP_GFX_OPEN_TIMEOUT_MS);
	return gfx;
}

void
rdp_gfx_dynamic_ready(struct rdp_peer *peer)
{
	struct rdp_gfx *gfx = peer->gfx;

	if (!gfx || gfx->channel)
		return;
	gfx->channel =
		rdp_gfx_channel_open(peer->vcm, peer->server->loop, &rdp_gfx_channel_listener, gfx);
	if (!gfx->channel)
		rdp_gfx_fail(gfx, "its channel did not open");
}

bool
rdp_gfx_ready(struct rdp_peer *peer)
{
	return peer->gfx && peer->gfx->ready;
}

void
rdp_gfx_lossy_settled(struct rdp_peer *peer)
{
	/* an encoder for a 1080p area held 43 MB, and the heap kept most of it (bench_memory.py) */
	if (rdp_gfx_takes_lossy(peer) && rdp_gfx_video_close(peer->gfx->video, peer->gfx->channel))
		malloc_trim(0);
}

bool
rdp_gfx_takes_copies(struct rdp_peer *peer)
{
	return rdp_gfx_ready(peer) && peer->gfx->surface_created &&
	       (peer->codec == RDP_CODEC_PLANAR || peer->codec == RDP_CODEC_UNCOMPRESSED);
}

bool
rdp_gfx_takes_lossy(struct rdp_peer *peer)
{
	return peer->gfx && peer->gfx->ready && peer->gfx->video;
}

int
rdp_gfx_lossy_coarser(struct rdp_peer *peer)
{
	struct rdp_gfx *gfx = peer->gfx;

	return gfx && gfx->video ? rdp_gfx_video_rfx_coarser(gfx->video) : 0;
}

void
rdp_gfx_counts(struct rdp_peer *peer, uint64_t *pdu_bytes, uint64_t *packed_bytes)
{
	*pdu_bytes = *packed_bytes = 0;
	if (peer->gfx && peer->gfx->channel)
		rdp_gfx_channel_counts(peer->gfx->channel, pdu_bytes, packed_bytes);
}

bool
rdp_gfx_holds_graphics(struct rdp_peer *peer)
{
	return peer->gfx && !peer->gfx->ready;
}

uint32_t
rdp_gfx_frames_in_flight_max(struct rdp_peer *peer)
{
	return peer->gfx->acks_suspended ? 0 : RDP_GFX_FRAMES_IN_FLIGHT;
}

static bool
rdp_gfx_reset_encoder(struct rdp_gfx *gfx, int width, int height)
{
	if (gfx->progressive)
		return progressive_context_reset(gfx->progressive);
	if (gfx->h264)
		return h264_context_reset(gfx->h264, (UINT32)width, (UINT32)height);
	return true;
}

int
rdp_gfx_reset_surface(struct rdp_peer *peer, const struct output_rect *monitors, int n, int width,
		      int height)
{
	struct rdp_gfx *gfx = peer->gfx;
	struct rdp_gfx_channel *channel = gfx->channel;
	MONITOR_DEF defs[OUTPUT_LAYOUT_MAX];
	RDPGFX_RESET_GRAPHICS_PDU reset = {
		.width = (UINT32)width,
		.height = (UINT32)height,
		.monitorCount = (UINT32)n,
		.monitorDefArray = defs,
	};
	RDPGFX_CREATE_SURFACE_PDU create = {
		.surfaceId = RDP_GFX_SURFACE_ID,
		.width = (UINT16)width,
		.height = (UINT16)height,
		.pixelFormat = GFX_PIXEL_FORMAT_XRGB_8888,
	};

	if (n < 1 || n > OUTPUT_LAYOUT_MAX)
		return -1;
	for (int i = 0; i < n; i++)
		defs[i] = (MONITOR_DEF){
			.left = monitors[i].x,
			.top = monitors[i].y,
			.right = monitors[i].x + monitors[i].width - 1,
			.bottom = monitors[i].y + monitors[i].height - 1,
			.flags = i == 0 ? MONITOR_PRIMARY : 0,
		};
	if (gfx->video)
		rdp_gfx_video_close(gfx->video, channel);
	if (gfx->surface_created &&
	    rdp_gfx_channel_delete_surface(channel, RDP_GFX_SURFACE_ID) != CHANNEL_RC_OK)
		return -1;
	gfx->surface_created = false;
	if (!rdp_gfx_reset_encoder(gfx, width, height)) {
		weston_log("rdp: cannot size the %s encoder to %dx%d\n",
			   rdp_codec_name(peer->codec), width, height);
		return -1;
	}
	if (rdp_gfx_channel_reset_graphics(channel, &reset) != CHANNEL_RC_OK ||
	    rdp_gfx_channel_create_surface(channel, &create) != CHANNEL_RC_OK ||
	    rdp_gfx_channel_map_surface(channel, RDP_GFX_SURFACE_ID) != CHANNEL_RC_OK)
		return -1;
	gfx->surface_created = true;
	gfx->width = width;
	gfx->height = height;
	return 0;
}

static UINT
rdp_gfx_send_command(struct rdp_peer *peer, UINT16 codec_id, const pixman_box32_t *box,
		     const BYTE *data, UINT32 length, void *extra)
{
	peer->bytes_sent += length;
	return rdp_gfx_surface_command(peer->gfx->channel, RDP_GFX_SURFACE_ID, codec_id, box, data,
				       length, extra);
}

/* Progressive codes the whole damage at once, as 64x64 tiles of the surface. */
static UINT
rdp_gfx_send_progressive(struct rdp_peer *peer, const BYTE *pixels, int width, int height,
			 int stride, pixman_region32_t *damage)
{
	REGION16 region;
	int n;
	pixman_box32_t *boxes = pixman_region32_rectangles(damage, &n);
	pixman_box32_t whole = {0, 0, width, height};
	BYTE *data = NULL;
	UINT32 size = 0;
	UINT rc = ERROR_INTERNAL_ERROR;

	region16_init(&region);
	for (int i = 0; i < n; i++) {
		RECTANGLE_16 rect = rdp_gfx_rect16(&boxes[i]);

		if (!region16_union_rect(&region, &region, &rect))
			goto out;
	}
	/* the data stays the encoder's */
	if (progressive_compress_ex(peer->gfx->progressive, pixels, (UINT32)(stride * height),
				    PIXEL_FORMAT_BGRX32, (UINT32)width, (UINT32)height,
				    (UINT32)stride, &region, &data, &size) < 0)
		goto out;
	rc = rdp_gfx_send_command(peer, RDPGFX_CODECID_CAPROGRESSIVE, &whole, data, size, NULL);
out:
	region16_uninit(&region);
	return rc;
}

/*
 * H.264 codes the whole surface each frame; the region rectangles tell the
 * client which parts to take from the picture.
 */
static UINT
rdp_gfx_send_avc420(struct rdp_peer *peer, const BYTE *pixels, int width, int height, int stride,
		    pixman_region32_t *damage)
{
	struct rdp_gfx *gfx = peer->gfx;
	RDPGFX_AVC420_BITMAP_STREAM stream = {0};
	int n;
	pixman_box32_t *boxes = pixman_region32_rectangles(damage, &n);
	pixman_box32_t whole = {0, 0, width, height};
	UINT rc = CHANNEL_RC_NO_MEMORY;

	stream.meta.numRegionRects = (UINT32)n;
	stream.meta.regionRects = calloc((size_t)n, sizeof(RECTANGLE_16));
	stream.meta.quantQualityVals = calloc((size_t)n, sizeof(RDPGFX_H264_QUANT_QUALITY));
	if (!stream.meta.regionRects || !stream.meta.quantQualityVals)
		goto out;
	for (int i = 0; i < n; i++) {
		stream.meta.regionRects[i] = rdp_gfx_rect16(&boxes[i]);
		stream.meta.quantQualityVals[i].qp = (BYTE)gfx->h264->QP;
		stream.meta.quantQualityVals[i].qualityVal = (BYTE)(100 - gfx->h264->QP);
	}
	/* the data stays the encoder's */
	if (avc420_compress(gfx->h264, pixels, PIXEL_FORMAT_BGRX32, (UINT32)stride, (UINT32)width,
			    (UINT32)height, &stream.data, &stream.length) < 0) {
		rc = ERROR_INTERNAL_ERROR;
		goto out;
	}
	rc = rdp_gfx_send_command(peer, RDPGFX_CODECID_AVC420, &whole, stream.data, stream.length,
				  &stream);
out:
	free(stream.meta.regionRects);
	free(stream.meta.quantQualityVals);
	return rc;
}

/* H.264 failed (no encoder in this FreeRDP build, or a size it refuses): planar from now on. */
static bool
rdp_gfx_fall_back_to_planar(struct rdp_peer *peer)
{
	struct rdp_gfx *gfx = peer->gfx;

	weston_log("rdp: the avc420 encoder failed for %s; sending planar\n",
		   peer->client->hostname);
	rdp_gfx_free_encoders(gfx);
	peer->codec = RDP_CODEC_PLANAR;
	return rdp_gfx_create_encoder(gfx, peer->codec) &&
	       rdp_gfx_reset_encoder(gfx, gfx->width, gfx->height);
}

/* Copies within the desktop surface, in order: each reads what the ones before left. */
static UINT
rdp_gfx_send_copies(struct rdp_peer *peer, const struct rdp_copy *copies, int n)
{
	UINT rc = CHANNEL_RC_OK;

	for (int i = 0; i < n && rc == CHANNEL_RC_OK; i++) {
		rc = rdp_gfx_surface_copy(peer->gfx->channel, RDP_GFX_SURFACE_ID,
					  RDP_GFX_SURFACE_ID, &copies[i].from, copies[i].to_x,
					  copies[i].to_y);
		peer->copies++;
		peer->copied_pixels += (uint64_t)(copies[i].from.x2 - copies[i].from.x1) *
				       (uint64_t)(copies[i].from.y2 - copies[i].from.y1);
	}
	return rc;
}

/*
 * The blank squares repeated cells leave (rdp_blank_squares()) go as SolidFills
 * of many rectangles each, and leave @lossless: as planar stripes they were a
 * third of a page of text's bytes, and the client decoded every one.
 */
static UINT
rdp_gfx_send_blank_squares(struct rdp_peer *peer, const BYTE *pixels, int stride,
			   pixman_region32_t *lossless, struct rdp_gfx_box_counts *counts)
{
	pixman_region32_t blank;
	const pixman_box32_t *boxes;
	uint32_t background = 0;
	UINT rc;
	int n;

	pixman_region32_init(&blank);
	rdp_blank_squares(pixels, stride, lossless, &blank, &background);
	boxes = pixman_region32_rectangles(&blank, &n);
	rc = rdp_gfx_solid_fill(peer->gfx->channel, RDP_GFX_SURFACE_ID, background, boxes, n,
				counts);
	if (rc == CHANNEL_RC_OK)
		pixman_region32_subtract(lossless, lossless, &blank);
	pixman_region32_fini(&blank);
	return rc;
}

/*
 * @lossy (a part of @damage, may be NULL) through the video surface when there
 * is one, the rest box by box as planar (or uncompressed) and solid fills,
 * and after them, copies of the text cells that repeat (rdp-cells.h).
 */
static UINT
rdp_gfx_send_boxes(struct rdp_peer *peer, const BYTE *pixels, int width, int height, int stride,
		   pixman_region32_t *damage, pixman_region32_t *lossy)
{
	struct rdp_gfx *gfx = peer->gfx;
	pixman_region32_t lossless;
	struct rdp_gfx_box_counts counts = {0};
	const BYTE *source = pixels;
	const struct rdp_copy *repeats = NULL;
	int n_repeats = 0;
	UINT rc;

	pixman_region32_init(&lossless);
	pixman_region32_copy(&lossless, damage);
	if (gfx->video && lossy && pixman_region32_not_empty(lossy)) {
		int64_t sent = rdp_gfx_video_send(gfx->video, gfx->channel, RDP_GFX_SURFACE_ID,
						  pixels, width, height, stride, lossy);

		if (sent < 0) {
			/* the next frames stay lossless; this one's busy part too */
			rdp_gfx_video_destroy(gfx->video);
			gfx->video = NULL;
		} else if (pixman_region32_not_empty(lossy)) {
			peer->bytes_sent += (uint64_t)sent;
			peer->lossy_bytes += (uint64_t)sent;
			peer->lossy_frames++;
			pixman_region32_subtract(&lossless, &lossless, lossy);
		}
	}
	/* repeated text cells of the lossless part: copies of cells the client then holds exactly */
	if (rdp_gfx_takes_copies(peer))
		source = (const BYTE *)rdp_cells_plan(peer->cells, (const uint32_t *)pixels, width,
						      height, stride, &lossless, &repeats,
						      &n_repeats);
	rc = n_repeats > 0 ? rdp_gfx_send_blank_squares(peer, source, stride, &lossless, &counts)
			   : CHANNEL_RC_OK;
	if (rc == CHANNEL_RC_OK)
		rc = rdp_gfx_boxes_send(gfx->boxes, gfx->channel, RDP_GFX_SURFACE_ID, source,
					stride, &lossless, peer->codec == RDP_CODEC_PLANAR,
					&counts);
	peer->bytes_sent += counts.bytes;
	peer->solid_fills += counts.solid_fills;
	peer->filled_pixels += counts.filled_pixels;
	peer->stripes_untried += counts.untried;
	if (rc == CHANNEL_RC_OK) {
		rc = rdp_gfx_send_copies(peer, repeats, n_repeats);
		peer->cell_copies += (uint64_t)n_repeats;
	}
	pixman_region32_fini(&lossless);
	return rc;
}

int
rdp_gfx_send_frame(struct rdp_peer *peer, uint32_t frame_id, const uint32_t *pixels, int width,
		   int height, int stride, pixman_region32_t *damage, pixman_region32_t *lossy,
		   const struct rdp_copy *copies, int n_copies)
{
	struct rdp_gfx *gfx = peer->gfx;
	const BYTE *bytes = (const BYTE *)pixels;
	UINT rc;

	if (!gfx->surface_created)
		return -1;
	if (rdp_gfx_channel_start_frame(gfx->channel, frame_id) != CHANNEL_RC_OK)
		return -1;
	rc = rdp_gfx_send_copies(peer, copies, n_copies);
	switch (rc != CHANNEL_RC_OK ? RDP_CODEC_AUTO : peer->codec) {
	case RDP_CODEC_AUTO:
		break;
	case RDP_CODEC_PROGRESSIVE:
		rc = rdp_gfx_send_progressive(peer, bytes, width, height, stride, damage);
		break;
	case RDP_CODEC_AVC420:
		rc = rdp_gfx_send_avc420(peer, bytes, width, height, stride, damage);
		if (rc == ERROR_INTERNAL_ERROR && rdp_gfx_fall_back_to_planar(peer)) {
			pixman_region32_t whole;

			pixman_region32_init_rect(&whole, 0, 0, (unsigned)width, (unsigned)height);
			rc = rdp_gfx_send_boxes(peer, bytes, width, height, stride, &whole, NULL);
			pixman_region32_fini(&whole);
		}
		break;
	default:
		rc = rdp_gfx_send_boxes(peer, bytes, width, height, stride, damage, lossy);
		break;
	}
	/* the frame is closed either way: the client must not wait for its end */
	if (rdp_gfx_channel_end_frame(gfx->channel, frame_id) != CHANNEL_RC_OK ||
	    rc != CHANNEL_RC_OK)
		return -1;
	return 0;
}
