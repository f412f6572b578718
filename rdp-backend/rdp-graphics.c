/*
 * Graphics: after each repaint, the damage read back from the outputs (the
 * client's desktop: one per monitor, rdp-layout.c) goes to the peer, through
 * the graphics pipeline (rdp-gfx.c) when the client offers it, else as
 * SurfaceBits and drawing orders (rdp-surface-frames.c) in the best codec
 * the client offers unless --rdp-codec says; paced by the client's frame
 * acknowledgements either way. Moved windows and scrolled areas go as copies
 * of what the client shows where both ways allow.
 */
#include <stdlib.h>

#include <freerdp/codec/color.h>
#include <freerdp/settings.h>

#include "log.h"
#include "monotonic.h"
#include "porthole-compositor.h"
#include <openssl/err.h>

#include "rdp-cells.h"
#include "rdp-client-checks.h"
#include "rdp-internal.h"
#include "rdp-remotefx.h"

/*
 * A client that acknowledges no frame for this long while some are in flight
 * is stuck, or has dropped its graphics pipeline: the picture would freeze for
 * good, so the server stops waiting (and opens a pipeline again).
 */
#define RDP_ACK_TIMEOUT_MS 3000
/* after this many stalls the server stops waiting for the client's acknowledgements */
#define RDP_ACK_STALLS_MAX 3
/* stalls of a client's pipeline after which it gets SurfaceBits instead */
#define RDP_GFX_RESTARTS_MAX 3

static void rdp_graphics_restart_gfx(struct rdp_peer *peer, const char *why);
static void rdp_graphics_drop_gfx(struct rdp_peer *peer, const char *why);

uint32_t
rdp_graphics_frames_in_flight_max(struct rdp_peer *peer)
{
	if (peer->acks_ignored)
		return 0;
	if (peer->gfx)
		return rdp_gfx_frames_in_flight_max(peer);
	return freerdp_settings_get_uint32(peer->client->context->settings,
					   FreeRDP_FrameAcknowledge);
}

/* Runs while frames are in flight: from the first one sent, again from each acknowledgement. */
static void
rdp_graphics_watch_acks(struct rdp_peer *peer)
{
	bool waiting =
		peer->frame_id != peer->frame_acked && rdp_graphics_frames_in_flight_max(peer) > 0;

	if (peer->ack_timer)
		wl_event_source_timer_update(peer->ack_timer, waiting ? RDP_ACK_TIMEOUT_MS : 0);
}

/* Whether the client still has as many frames in flight as it said it can take. */
static bool
rdp_graphics_client_busy(struct rdp_peer *peer)
{
	uint32_t limit = rdp_graphics_frames_in_flight_max(peer);

	return limit > 0 && peer->frame_id - peer->frame_acked >= limit;
}

/* Sends what changed since the last frame sent, from the up-to-date shadow copy. */
static void
rdp_graphics_send_pending(struct rdp_peer *peer)
{
	const uint32_t *pixels;
	int width, height, stride;
	pixman_region32_t lossy, changed, moved;
	struct rdp_copy copies[RDP_MOVES_MAX_COPIES];
	struct rdp_moves_frame frame;
	int n_copies = 0;
	bool lossy_held;
	bool copies_taken = rdp_gfx_takes_copies(peer) || rdp_surface_takes_copies(peer);

	if (!peer->capture || !pixman_region32_not_empty(&peer->pending_damage))
		return;
	pixels = damage_capture_get_pixels(peer->capture, &width, &height, &stride);
	/* a write's failure is read from OpenSSL's queue: nothing stale may be in it */
	ERR_clear_error();
	frame = (struct rdp_moves_frame){pixels,          width,           height,     stride,
					 peer->desktop.x, peer->desktop.y, peer->scale};
	pixman_region32_init(&changed);
	pixman_region32_copy(&changed, &peer->pending_damage);
	pixman_region32_init(&moved);
	if (copies_taken) {
		n_copies = rdp_moves_plan(peer->moves, peer->server->compositor, &frame,
					  &peer->pending_damage, &peer->busy, copies, &moved);
		if (n_copies == 0)
			n_copies = rdp_scrolls_plan(peer->scrolls, &frame, &peer->pending_damage,
						    copies, RDP_MOVES_MAX_COPIES);
	} else {
		/* a frame sent otherwise changes what the client holds behind the hashes' back */
		rdp_moves_forget(peer->moves);
		rdp_scrolls_forget(peer->scrolls);
	}
	pixman_region32_init(&lossy);
	/* the grid and the pixels differ for the one frame after a desktop resize: lossless then */
	if (rdp_gfx_takes_lossy(peer) && peer->busy.width == width && peer->busy.height == height) {
		pixman_region32_t candidates;

		/*
		 * What scrolled into view stays lossless: the rows around it are
		 * copies, exact where the client held them exact, and text that
		 * arrives a few lines a frame is cheaper as planar than as a
		 * lossy picture of the whole area.
		 */
		pixman_region32_init(&candidates);
		pixman_region32_copy(&candidates, &peer->pending_damage);
		for (int i = 0; i < n_copies; i++) {
			const pixman_box32_t *from = &copies[i].from;
			pixman_box32_t to = rdp_copy_target(&copies[i]);
			pixman_box32_t span = {
				from->x1 < to.x1 ? from->x1 : to.x1,
				from->y1 < to.y1 ? from->y1 : to.y1,
				from->x2 > to.x2 ? from->x2 : to.x2,
				from->y2 > to.y2 ? from->y2 : to.y2,
			};
			pixman_region32_t copied;

			pixman_region32_init_rects(&copied, &span, 1);
			pixman_region32_subtract(&candidates, &candidates, &copied);
			pixman_region32_fini(&copied);
		}
		rdp_busy_tiles_pick_lossy(&peer->busy, &candidates, (uint32_t)monotonic_ms(),
					  (const uint8_t *)pixels, stride, &lossy);
		pixman_region32_fini(&candidates);
	}
	/* the tiles picked count as lossy whatever the encoder then made of them */
	lossy_held = pixman_region32_not_empty(&lossy);
	/* a scroll copies what the client holds, loss and all: the copy needs its refresh too */
	for (int i = 0; i < n_copies; i++) {
		pixman_box32_t to = rdp_copy_target(&copies[i]);

		lossy_held |= rdp_busy_tiles_carry_lossy(&peer->busy, &copies[i].from, &to);
	}
	if (!rdp_gfx_ready(peer))
		rdp_surface_send_frame(peer, ++peer->frame_id, pixels, width, height, stride,
				       &peer->pending_damage, copies, n_copies);
	else if (rdp_gfx_send_frame(peer, ++peer->frame_id, pixels, width, height, stride,
				    &peer->pending_damage, &lossy, copies, n_copies) < 0)
		weston_log("rdp: a frame for %s could not be sent\n", peer->client->hostname);
	/* what went lossy is sent again losslessly once it stops changing */
	if (lossy_held && peer->refresh_timer)
		wl_event_source_timer_update(peer->refresh_timer, RDP_BUSY_SETTLE_MS);
	if (copies_taken)
		rdp_scrolls_note_sent(peer->scrolls, &frame, &changed, &moved);
	pixman_region32_fini(&changed);
	pixman_region32_fini(&moved);
	pixman_region32_fini(&lossy);
	pixman_region32_clear(&peer->pending_damage);
	peer->frames_sent++;
	/* the first frame in flight starts the watch; later ones leave it running */
	if (peer->frame_id - peer->frame_acked == 1)
		rdp_graphics_watch_acks(peer);
}

/* Counts each repaint's damage towards the busy parts, on a grid the desktop's size. */
static void
rdp_graphics_note_busy(struct rdp_peer *peer, pixman_region32_t *damage)
{
	int width, height, stride;

	damage_capture_get_pixels(peer->capture, &width, &height, &stride);
	if ((width != peer->busy.width || height != peer->busy.height) &&
	    rdp_busy_tiles_reset(&peer->busy, width, height) < 0)
		return;
	rdp_busy_tiles_note_damage(&peer->busy, damage, (uint32_t)monotonic_ms());
}

/* Parts sent lossy that stopped changing go again, losslessly. */
static int
rdp_graphics_handle_refresh(void *data)
{
	struct rdp_peer *peer = data;
	pixman_region32_t settled;
	int next_ms;

	pixman_region32_init(&settled);
	next_ms = rdp_busy_tiles_take_settled(&peer->busy, (uint32_t)monotonic_ms(), &settled);
	if (next_ms >= 0)
		wl_event_source_timer_update(peer->refresh_timer, next_ms > 0 ? next_ms : 1);
	else
		rdp_gfx_lossy_settled(peer);
	if (pixman_region32_not_empty(&settled) && peer->capture) {
		pixman_region32_union(&peer->pending_damage, &peer->pending_damage, &settled);
		peer->lossless_refreshes++;
		/* a client that is behind gets it with the frame its acknowledgement lets go */
		if (!rdp_graphics_client_busy(peer))
			rdp_graphics_send_pending(peer);
	}
	pixman_region32_fini(&settled);
	return 0;
}

static void
rdp_graphics_handle_damage(void *data, void *damage_region)
{
	struct rdp_peer *peer = data;
	pixman_region32_t *damage = damage_region;

	if (!peer->activated || peer->output_suppressed)
		return;
	/* windows first (RemoteApp): a popup's pixels are useless before the client has its window */
	if (peer->before_frame)
		peer->before_frame(peer);
	if (rdp_gfx_takes_lossy(peer))
		rdp_graphics_note_busy(peer, damage);
	pixman_region32_union(&peer->pending_damage, &peer->pending_damage, damage);
	/*
	 * A client that is behind gets nothing more until it acknowledges a frame;
	 * then it gets everything that changed meanwhile as one frame. Frames it
	 * could not show in time are never encoded.
	 */
	if (rdp_graphics_client_busy(peer)) {
		peer->frames_held++;
		return;
	}
	rdp_graphics_send_pending(peer);
}

void
rdp_graphics_frame_acknowledged(struct rdp_peer *peer, uint32_t frame_id)
{
	/*
	 * Only forward, and never past the last frame sent: a late acknowledgement
	 * from a pipeline opened again since, or a client's made-up frame id,
	 * changes nothing.
	 */
	if (!rdp_frame_ack_moves(peer->frame_id, peer->frame_acked, frame_id))
		return;
	peer->frame_acked = frame_id;
	rdp_graphics_watch_acks(peer);
	if (peer->activated && !peer->output_suppressed && !rdp_graphics_client_busy(peer))
		rdp_graphics_send_pending(peer);
}

static int
rdp_graphics_handle_ack_timeout(void *data)
{
	struct rdp_peer *peer = data;

	if (peer->frame_id == peer->frame_acked)
		return 0;
	/* a minimized client may keep frames: they count as shown, nothing else changes */
	if (peer->output_suppressed) {
		peer->frame_acked = peer->frame_id;
		return 0;
	}
	peer->ack_stalls++;
	if (peer->gfx) {
		/* xfreerdp closes its pipeline on a command it cannot decode */
		rdp_graphics_restart_gfx(peer, "acknowledged no frame in 3 s");
		return 0;
	}
	if (peer->ack_stalls >= RDP_ACK_STALLS_MAX) {
		weston_log("rdp: %s stopped acknowledging frames %d times; sending them unpaced\n",
			   peer->client->hostname, peer->ack_stalls);
		peer->acks_ignored = true;
	} else {
		weston_log("rdp: %s acknowledged no frame in 3 s; sending what changed meanwhile\n",
			   peer->client->hostname);
	}
	rdp_graphics_frame_acknowledged(peer, peer->frame_id);
	return 0;
}

static BOOL
rdp_graphics_handle_frame_acknowledge(rdpContext *context, UINT32 frame_id)
{
	struct rdp_peer *peer = ((struct rdp_peer_context *)context)->peer;

	/* 0xFFFFFFFF: the client suspended acknowledgements; treat it as caught up */
	rdp_graphics_frame_acknowledged(peer, frame_id == 0xffffffff ? peer->frame_id : frame_id);
	return TRUE;
}

static void rdp_graphics_start_capture(struct rdp_peer *peer);

/* Stops reading back the outputs; the next rdp_graphics_start() sends everything anew. */
static void
rdp_graphics_stop_capture(struct rdp_peer *peer)
{
	idle_call_cancel(&peer->capture_restart);
	wl_list_remove(&peer->capture_destroy_listener.link);
	wl_list_init(&peer->capture_destroy_listener.link);
	damage_capture_destroy(peer->capture);
	peer->capture = NULL;
	pixman_region32_clear(&peer->pending_damage);
}

static void
rdp_graphics_handle_idle_restart(void *data)
{
	rdp_graphics_start_capture(data);
}

/* An output was re-created (resized) or the layout changed: follow once it has settled. */
static void
rdp_graphics_handle_capture_destroy(struct wl_listener *listener, void *data)
{
	struct rdp_peer *peer = wl_container_of(listener, peer, capture_destroy_listener);

	wl_list_remove(&peer->capture_destroy_listener.link);
	wl_list_init(&peer->capture_destroy_listener.link);
	peer->capture = NULL;
	idle_call_schedule(&peer->capture_restart);
}

static void
rdp_graphics_start_capture(struct rdp_peer *peer)
{
	struct weston_output *outputs[OUTPUT_LAYOUT_MAX];
	struct output_rect monitors[OUTPUT_LAYOUT_MAX];
	int n = pc_outputs_list(peer->server->compositor, outputs, monitors, OUTPUT_LAYOUT_MAX);
	struct output_rect *desktop = &peer->desktop;

	if (n == 0)
		return;
	peer->capture = damage_capture_create(outputs, n);
	if (!peer->capture) {
		weston_log("rdp: cannot read back the outputs for %s\n", peer->client->hostname);
		return;
	}
	damage_capture_get_bounds(peer->capture, desktop);
	peer->scale = damage_capture_get_scale(peer->capture);
	/* the pipeline's monitors are in pixels, relative to the desktop's top-left */
	for (int i = 0; i < n; i++) {
		monitors[i].x = monitors[i].x * peer->scale - desktop->x;
		monitors[i].y = monitors[i].y * peer->scale - desktop->y;
		monitors[i].width *= peer->scale;
		monitors[i].height *= peer->scale;
	}
	if (rdp_gfx_ready(peer) &&
	    rdp_gfx_reset_surface(peer, monitors, n, desktop->width, desktop->height) < 0)
		rdp_graphics_drop_gfx(peer, "its surface could not be made");
	nsc_context_reset(peer->nsc, (UINT32)desktop->width, (UINT32)desktop->height);
	/* a RemoteFX encoder is made for the new size, its headers sent with its first frame */
	rdp_remotefx_destroy(peer->remotefx);
	peer->remotefx = NULL;
	/* the new desktop is sent whole: what was pending names the old one */
	pixman_region32_clear(&peer->pending_damage);
	rdp_moves_forget(peer->moves);
	rdp_scrolls_forget(peer->scrolls);
	damage_capture_set_handler(peer->capture, rdp_graphics_handle_damage, peer);
	peer->capture_destroy_listener.notify = rdp_graphics_handle_capture_destroy;
	damage_capture_add_destroy_listener(peer->capture, &peer->capture_destroy_listener);
}

/* The best SurfaceBits codec the client offers (or the one --rdp-codec names). */
static void
rdp_graphics_choose_surface_codec(struct rdp_peer *peer)
{
	rdpSettings *settings = peer->client->context->settings;
	bool remotefx = freerdp_settings_get_bool(settings, FreeRDP_RemoteFxCodec);
	bool nsc = freerdp_settings_get_bool(settings, FreeRDP_NSCodec);
	enum rdp_codec wanted = peer->server->codec;

	if (wanted == RDP_CODEC_AUTO || rdp_gfx_codec_is_pipeline(wanted))
		peer->codec = remotefx ? RDP_CODEC_REMOTEFX
			      : nsc    ? RDP_CODEC_NSC
				       : RDP_CODEC_BITMAP;
	else if ((wanted == RDP_CODEC_REMOTEFX && !remotefx) || (wanted == RDP_CODEC_NSC && !nsc)) {
		weston_log("rdp: %s does not offer %s (--rdp-codec); sending raw bits\n",
			   peer->client->hostname, rdp_codec_name(wanted));
		peer->codec = RDP_CODEC_RAW;
	} else {
		peer->codec = wanted;
	}
}

/* --- the graphics pipeline, when the client has one ----------------------------------- */

/* No pipeline any more (logging @why): SurfaceBits from now on. */
static void
rdp_graphics_drop_gfx(struct rdp_peer *peer, const char *why)
{
	weston_log("rdp: no graphics pipeline for %s (%s); SurfaceBits instead\n",
		   peer->client->hostname, why);
	rdp_gfx_destroy(peer->gfx);
	peer->gfx = NULL;
	rdp_graphics_choose_surface_codec(peer);
}

static void
rdp_graphics_handle_gfx_ready(struct rdp_peer *peer)
{
	rdp_graphics_start(peer);
}

/* The pipeline is not coming, or is gone: what was held goes as SurfaceBits. */
static void
rdp_graphics_handle_gfx_failed(struct rdp_peer *peer, const char *why)
{
	rdp_graphics_drop_gfx(peer, why);
	rdp_graphics_start(peer);
}

static const struct rdp_gfx_listener rdp_graphics_gfx_listener = {
	.ready = rdp_graphics_handle_gfx_ready,
	.failed = rdp_graphics_handle_gfx_failed,
	.acknowledged = rdp_graphics_frame_acknowledged,
};

/* Graphics are held until the pipeline's channel is up (or given up). */
static void
rdp_graphics_open_gfx(struct rdp_peer *peer)
{
	peer->gfx = rdp_gfx_create(peer, &rdp_graphics_gfx_listener, ++peer->gfx_generation);
	if (!peer->gfx) {
		rdp_graphics_choose_surface_codec(peer);
		return;
	}
	/* dynamic channels may be up already (a re-activation, a restart) */
	if (peer->dynamic_channels_ready)
		rdp_gfx_dynamic_ready(peer);
}

/*
 * The client stopped acknowledging pipeline frames: the channel is opened
 * again and the desktop sent whole; after a few times, SurfaceBits.
 */
static void
rdp_graphics_restart_gfx(struct rdp_peer *peer, const char *why)
{
	char reason[128];

	/* frames on the old channel are lost; the next one starts with the desktop whole */
	peer->frame_acked = peer->frame_id;
	rdp_graphics_stop_capture(peer);
	if (peer->ack_stalls > RDP_GFX_RESTARTS_MAX) {
		snprintf(reason, sizeof reason, "it %s, %d times", why, peer->ack_stalls);
		/* SurfaceBits count their own stalls */
		peer->ack_stalls = 0;
		rdp_graphics_handle_gfx_failed(peer, reason);
		return;
	}
	weston_log("rdp: the graphics pipeline of %s %s; opening it again\n",
		   peer->client->hostname, why);
	rdp_gfx_destroy(peer->gfx);
	peer->gfx = NULL;
	rdp_graphics_open_gfx(peer);
}

void
rdp_graphics_choose_codec(struct rdp_peer *peer)
{
	bool pipeline = freerdp_settings_get_bool(peer->client->context->settings,
						  FreeRDP_SupportGraphicsPipeline);
	enum rdp_codec wanted = peer->server->codec;

	/* a re-activation keeps the pipeline it has */
	if (peer->gfx)
		return;
	if (pipeline && wanted == RDP_CODEC_AUTO) {
		/* lossless and cheap on UI content; the link is local */
		peer->codec = RDP_CODEC_PLANAR;
	} else if (pipeline && rdp_gfx_codec_is_pipeline(wanted)) {
		peer->codec = wanted;
	} else {
		if (rdp_gfx_codec_is_pipeline(wanted))
			weston_log(
				"rdp: %s does not offer the graphics pipeline (--rdp-codec=%s)\n",
				peer->client->hostname, rdp_codec_name(wanted));
		rdp_graphics_choose_surface_codec(peer);
		return;
	}
	rdp_graphics_open_gfx(peer);
}

void
rdp_graphics_start(struct rdp_peer *peer)
{
	if (peer->graphics_held || rdp_gfx_holds_graphics(peer))
		return;
	if (!peer->capture) {
		rdp_graphics_start_capture(peer);
		return;
	}
	/* Everything again: the client has nothing, or asked for a refresh. */
	damage_capture_resend_all(peer->capture);
}

int
rdp_graphics_init(struct rdp_peer *peer, void (*before_frame)(struct rdp_peer *peer))
{
	struct wl_event_loop *loop = peer->server->loop;

	peer->before_frame = before_frame;
	wl_list_init(&peer->capture_destroy_listener.link);
	pixman_region32_init(&peer->pending_damage);
	idle_call_init(&peer->capture_restart, loop, rdp_graphics_handle_idle_restart, peer);
	peer->ack_timer = wl_event_loop_add_timer(loop, rdp_graphics_handle_ack_timeout, peer);
	peer->refresh_timer = wl_event_loop_add_timer(loop, rdp_graphics_handle_refresh, peer);
	peer->moves = rdp_moves_create();
	peer->scrolls = rdp_scrolls_create();
	peer->bitmaps = rdp_bitmaps_create();
	peer->cells = rdp_cells_create();
	peer->client->context->update->SurfaceFrameAcknowledge =
		rdp_graphics_handle_frame_acknowledge;
	peer->nsc = nsc_context_new();
	peer->encode_stream = Stream_New(NULL, 65536);
	if (!peer->ack_timer || !peer->refresh_timer || !peer->moves || !peer->scrolls ||
	    !peer->bitmaps || !peer->cells || !peer->nsc || !peer->encode_stream)
		return -1;
	/* Level 1 and no chroma subsampling make NSCodec lossless. */
	nsc_context_set_parameters(peer->nsc, NSC_COLOR_LOSS_LEVEL, 1);
	nsc_context_set_parameters(peer->nsc, NSC_ALLOW_SUBSAMPLING, 0);
	nsc_context_set_parameters(peer->nsc, NSC_COLOR_FORMAT, PIXEL_FORMAT_BGRX32);
	return 0;
}

void
rdp_graphics_release(struct rdp_peer *peer)
{
	rdp_surface_release(peer);
	rdp_gfx_destroy(peer->gfx);
	peer->gfx = NULL;
	if (peer->ack_timer)
		wl_event_source_remove(peer->ack_timer);
	peer->ack_timer = NULL;
	if (peer->refresh_timer)
		wl_event_source_remove(peer->refresh_timer);
	peer->refresh_timer = NULL;
	rdp_busy_tiles_release(&peer->busy);
	rdp_moves_destroy(peer->moves);
	peer->moves = NULL;
	rdp_scrolls_destroy(peer->scrolls);
	peer->scrolls = NULL;
	rdp_bitmaps_destroy(peer->bitmaps);
	peer->bitmaps = NULL;
	rdp_cells_destroy(peer->cells);
	peer->cells = NULL;
	rdp_graphics_stop_capture(peer);
	pixman_region32_fini(&peer->pending_damage);
	if (peer->nsc)
		nsc_context_free(peer->nsc);
	peer->nsc = NULL;
	rdp_remotefx_destroy(peer->remotefx);
	peer->remotefx = NULL;
	if (peer->encode_stream)
		Stream_Free(peer->encode_stream, TRUE);
	peer->encode_stream = NULL;
}
