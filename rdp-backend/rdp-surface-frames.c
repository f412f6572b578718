/*
 * Frames for clients without the graphics pipeline: SurfaceBits between frame
 * markers (RemoteFX, NSCodec set up lossless, or raw bits; bitmap updates by
 * rdp-bitmaps.c), after the primary drawing orders that spare pixels: ScrBlt
 * for areas the client already shows elsewhere (moved windows, scrolling),
 * OpaqueRect for areas of one colour (and for the squares that text cells
 * which repeat leave blank); and after them, ScrBlt again for those cells,
 * copies of one the frame drew (rdp-cells.h).
 */
#include <stdlib.h>

#include <freerdp/settings.h>

#include "rdp-cells.h"
#include "rdp-gfx-boxes.h"
#include "rdp-internal.h"
#include "rdp-remotefx.h"
#include "rdp-solid.h"

/* Room kept in each PDU for headers, below the client's reassembly limit. */
#define RDP_PDU_MARGIN 1024
/* the ternary raster operation (ROP3) that copies its source as it is */
#define RDP_ROP_SRCCOPY 0xcc
/* a ScrBlt or OpaqueRect order with every field, headers included: what bytes_sent counts */
#define RDP_PRIMARY_ORDER_BYTES 16

/* The most encoded bytes one SurfaceBits PDU may carry for this client. */
static UINT32
rdp_surface_max_payload(struct rdp_peer *peer)
{
	UINT32 max_pdu = freerdp_settings_get_uint32(peer->client->context->settings,
						     FreeRDP_MultifragMaxRequestSize);

	return max_pdu > 2 * RDP_PDU_MARGIN ? max_pdu - RDP_PDU_MARGIN : 16384;
}

/* Sends @length bytes of @data as one SurfaceBits command for that rectangle; false: it failed. */
static bool
rdp_surface_send_bits_command(struct rdp_peer *peer, UINT16 codec_id, int left, int top, int width,
			      int height, const uint8_t *data, size_t length)
{
	rdpContext *context = peer->client->context;
	SURFACE_BITS_COMMAND cmd = {0};

	/*
	 * No bulk compression: NSCodec and RemoteFX data are entropy-coded
	 * already, and on raw bits it cost ~65 ms per 1280x720 frame
	 * (bench_rdp.py) to save nothing on busy content. Porthole's RDP link
	 * is local (loopback, vsock), where CPU is scarcer than bandwidth.
	 */
	cmd.skipCompression = TRUE;
	cmd.cmdType = CMDTYPE_STREAM_SURFACE_BITS;
	cmd.destLeft = (UINT32)left;
	cmd.destTop = (UINT32)top;
	cmd.destRight = (UINT32)(left + width);
	cmd.destBottom = (UINT32)(top + height);
	cmd.bmp.bpp = 32;
	cmd.bmp.codecID = codec_id;
	cmd.bmp.width = (UINT16)width;
	cmd.bmp.height = (UINT16)height;
	if (length > UINT32_MAX)
		return false;
	cmd.bmp.bitmapDataLength = (UINT32)length;
	cmd.bmp.bitmapData = (BYTE *)data;
	peer->bytes_sent += length;
	return context->update->SurfaceBits(context, &cmd);
}

static void
rdp_surface_send_bits(struct rdp_peer *peer, const uint32_t *pixels, int stride,
		      const pixman_box32_t *box)
{
	rdpSettings *settings = peer->client->context->settings;
	int width = box->x2 - box->x1;
	int band = (int)(rdp_surface_max_payload(peer) / ((UINT32)width * 4));

	if (band < 1)
		band = 1;
	/* Bands small enough that no SurfaceBits PDU outgrows the client's limit. */
	for (int y = box->y1; y < box->y2; y += band) {
		int height = box->y2 - y < band ? box->y2 - y : band;
		const BYTE *top = (const BYTE *)(pixels + (size_t)y * (stride / 4) + box->x1);
		UINT16 codec_id = 0;

		Stream_SetPosition(peer->encode_stream, 0);
		if (peer->codec == RDP_CODEC_NSC) {
			if (!nsc_compose_message(peer->nsc, peer->encode_stream, top, (UINT32)width,
						 (UINT32)height, (UINT32)stride))
				return;
			codec_id = (UINT16)freerdp_settings_get_uint32(settings, FreeRDP_NSCodecId);
		} else {
			/* raw surface bits go bottom row first */
			if (!Stream_EnsureCapacity(peer->encode_stream, (size_t)width * height * 4))
				return;
			for (int row = height - 1; row >= 0; row--)
				Stream_Write(peer->encode_stream, top + (size_t)row * stride,
					     (size_t)width * 4);
		}
		rdp_surface_send_bits_command(peer, codec_id, box->x1, y, width, height,
					      Stream_Buffer(peer->encode_stream),
					      Stream_GetPosition(peer->encode_stream));
	}
}

/* Where a RemoteFX message goes: SurfaceBits over the whole output. */
struct rdp_surface_target {
	struct rdp_peer *peer;
	UINT16 codec_id;
	int width, height;
};

static bool
rdp_surface_send_remotefx_message(void *data, const uint8_t *message, size_t size)
{
	const struct rdp_surface_target *target = data;

	/* tiles are placed relative to the whole output */
	return rdp_surface_send_bits_command(target->peer, target->codec_id, 0, 0, target->width,
					     target->height, message, size);
}

/*
 * RemoteFX encodes the whole region at once in 64x64 tiles relative to the
 * output, split into messages that each fit the client's reassembly limit.
 */
static void
rdp_surface_send_remotefx(struct rdp_peer *peer, const uint32_t *pixels, int width, int height,
			  int stride, pixman_region32_t *region)
{
	struct rdp_surface_target target = {
		.peer = peer,
		.codec_id = (UINT16)freerdp_settings_get_uint32(peer->client->context->settings,
								FreeRDP_RemoteFxCodecId),
		.width = width,
		.height = height,
	};
	int n;
	pixman_box32_t *boxes = pixman_region32_rectangles(region, &n);

	/* made for the output's size, again after each reset (which sends the headers again) */
	if (!peer->remotefx &&
	    !(peer->remotefx = rdp_remotefx_create(peer->server->encode_pool, width, height)))
		return;
	rdp_remotefx_encode(peer->remotefx, boxes, n, (const uint8_t *)pixels, stride,
			    rdp_surface_max_payload(peer), rdp_surface_send_remotefx_message,
			    &target);
}

/*
 * Whether a client without the pipeline gets moved and scrolled areas as
 * ScrBlt orders: it draws them, and it holds what was sent as it was sent
 * (SurfaceBits RemoteFX is lossy, so a copy would move the loss along with
 * rows the server thinks exact).
 */
bool
rdp_surface_takes_copies(struct rdp_peer *peer)
{
	const rdpSettings *settings = peer->client->context->settings;

	return !peer->gfx && peer->codec != RDP_CODEC_REMOTEFX && settings->OrderSupport &&
	       settings->OrderSupport[NEG_SCRBLT_INDEX];
}

/*
 * Copies within the client's screen, in order (each reads what the ones
 * before left), as ScrBlt orders: FreeRDP holds them until the next surface
 * command (a frame's pixels, or its end marker), and keeps their order.
 */
static void
rdp_surface_send_scrblts(struct rdp_peer *peer, const struct rdp_copy *copies, int n)
{
	rdpContext *context = peer->client->context;

	for (int i = 0; i < n; i++) {
		const pixman_box32_t *from = &copies[i].from;
		SCRBLT_ORDER order = {
			.nLeftRect = copies[i].to_x,
			.nTopRect = copies[i].to_y,
			.nWidth = from->x2 - from->x1,
			.nHeight = from->y2 - from->y1,
			.bRop = RDP_ROP_SRCCOPY,
			.nXSrc = from->x1,
			.nYSrc = from->y1,
		};

		if (!context->update->primary->ScrBlt(context, &order))
			return;
		peer->copies++;
		peer->copied_pixels += (uint64_t)order.nWidth * (uint64_t)order.nHeight;
		peer->bytes_sent += RDP_PRIMARY_ORDER_BYTES;
	}
}

/* @box filled with @color (0xXXRRGGBB) as an OpaqueRect order; false: it failed. */
static bool
rdp_surface_send_opaque_rect(struct rdp_peer *peer, const pixman_box32_t *box, uint32_t color)
{
	rdpContext *context = peer->client->context;
	/* MS-RDPEGDI's colour is red, green, blue from the lowest byte up */
	OPAQUE_RECT_ORDER order = {
		.nLeftRect = box->x1,
		.nTopRect = box->y1,
		.nWidth = box->x2 - box->x1,
		.nHeight = box->y2 - box->y1,
		.color = ((color >> 16) & 0xff) | (color & 0xff00) | ((color & 0xff) << 16),
	};

	if (!context->update->primary->OpaqueRect(context, &order))
		return false;
	peer->solid_fills++;
	peer->filled_pixels += (uint64_t)order.nWidth * (uint64_t)order.nHeight;
	peer->bytes_sent += RDP_PRIMARY_ORDER_BYTES;
	return true;
}

static bool
rdp_surface_takes_opaque_rects(struct rdp_peer *peer)
{
	const rdpSettings *settings = peer->client->context->settings;

	return settings->OrderSupport && settings->OrderSupport[NEG_OPAQUE_RECT_INDEX];
}

/*
 * Boxes of @damage that are one colour (a background a moved window
 * uncovered, a cleared area) go as OpaqueRect orders, a dozen bytes whatever
 * their size, when the client draws them; they leave @damage.
 */
static void
rdp_surface_send_opaque_rects(struct rdp_peer *peer, const uint32_t *pixels, int stride,
			      pixman_region32_t *damage)
{
	pixman_region32_t filled;
	pixman_box32_t *boxes;
	int n;

	if (!rdp_surface_takes_opaque_rects(peer))
		return;
	pixman_region32_init(&filled);
	boxes = pixman_region32_rectangles(damage, &n);
	for (int i = 0; i < n; i++) {
		uint32_t color;

		if (!rdp_box_is_solid((const uint8_t *)pixels, stride, &boxes[i], &color))
			continue;
		if (!rdp_surface_send_opaque_rect(peer, &boxes[i], color))
			break;
		pixman_region32_union_rect(&filled, &filled, boxes[i].x1, boxes[i].y1,
					   (unsigned)(boxes[i].x2 - boxes[i].x1),
					   (unsigned)(boxes[i].y2 - boxes[i].y1));
	}
	pixman_region32_subtract(damage, damage, &filled);
	pixman_region32_fini(&filled);
}

/*
 * The blank squares a frame with its repeated cells blanked (@pixels) leaves
 * (rdp_blank_squares()) go as a few OpaqueRect orders, and leave @damage. As
 * bitmaps they were a tile each for the client to decode and draw: 182 of a
 * 1024x768 page's 192.
 */
static void
rdp_surface_send_blank_squares(struct rdp_peer *peer, const uint32_t *pixels, int stride,
			       pixman_region32_t *damage)
{
	pixman_region32_t blank;
	pixman_box32_t *boxes;
	uint32_t background = 0;
	int n;

	if (!rdp_surface_takes_opaque_rects(peer))
		return;
	pixman_region32_init(&blank);
	rdp_blank_squares((const uint8_t *)pixels, stride, damage, &blank, &background);
	boxes = pixman_region32_rectangles(&blank, &n);
	for (int i = 0; i < n; i++) {
		if (!rdp_surface_send_opaque_rect(peer, &boxes[i], background)) {
			pixman_region32_clear(&blank);
			break;
		}
	}
	pixman_region32_subtract(damage, damage, &blank);
	pixman_region32_fini(&blank);
}

void
rdp_surface_send_frame(struct rdp_peer *peer, uint32_t frame_id, const uint32_t *pixels, int width,
		       int height, int stride, pixman_region32_t *damage,
		       const struct rdp_copy *copies, int n_copies)
{
	rdpContext *context = peer->client->context;
	SURFACE_FRAME_MARKER marker = {
		.frameAction = SURFACECMD_FRAMEACTION_BEGIN,
		.frameId = frame_id,
	};

	context->update->SurfaceFrameMarker(context, &marker);
	rdp_surface_send_scrblts(peer, copies, n_copies);
	rdp_surface_send_opaque_rects(peer, pixels, stride, damage);
	if (peer->codec == RDP_CODEC_REMOTEFX) {
		if (pixman_region32_not_empty(damage))
			rdp_surface_send_remotefx(peer, pixels, width, height, stride, damage);
	} else {
		const uint32_t *source = pixels;
		const struct rdp_copy *repeats = NULL;
		int n_repeats = 0, n;
		pixman_region32_t bits;
		pixman_box32_t *boxes;

		/*
		 * Lossless codecs only (a copy takes the source cell's pixels as the
		 * client has them), and not raw bits, which blanked cells do not shrink.
		 */
		if (rdp_surface_takes_copies(peer) && peer->codec != RDP_CODEC_RAW)
			source = rdp_cells_plan(peer->cells, pixels, width, height, stride, damage,
						&repeats, &n_repeats);
		if (n_repeats > 0)
			rdp_surface_send_blank_squares(peer, source, stride, damage);
		pixman_region32_init(&bits);
		/* what bitmaps cannot carry (the desktop's last odd columns and rows) goes as bits */
		if (peer->codec == RDP_CODEC_BITMAP)
			rdp_bitmaps_send(peer->bitmaps, peer, source, width, height, stride, damage,
					 &bits);
		else
			pixman_region32_copy(&bits, damage);
		boxes = pixman_region32_rectangles(&bits, &n);
		for (int i = 0; i < n; i++)
			rdp_surface_send_bits(peer, source, stride, &boxes[i]);
		pixman_region32_fini(&bits);
		/* after every pixel they copy from */
		rdp_surface_send_scrblts(peer, repeats, n_repeats);
		peer->cell_copies += (uint64_t)n_repeats;
	}
	marker.frameAction = SURFACECMD_FRAMEACTION_END;
	context->update->SurfaceFrameMarker(context, &marker);
}

void
rdp_surface_release(struct rdp_peer *peer)
{
	rdpUpdate *update = peer->client->context ? peer->client->context->update : NULL;

	/*
	 * Once a primary order went, FreeRDP 2.11 keeps a buffer open for the
	 * next ones, which its own update_free() leaves behind.
	 */
	if (update && update->us) {
		Stream_Free(update->us, TRUE);
		update->us = NULL;
	}
}
