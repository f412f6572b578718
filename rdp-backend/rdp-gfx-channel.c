/*
 * The graphics pipeline's channel: PDUs written little-endian into one
 * pending buffer, packed (rdp-zgfx.c) and written to the dynamic channel when
 * a frame ends, when a PDU outside a frame is queued, or when the buffer holds
 * enough that the transport may as well start. Codecs that are entropy coded
 * already (H.264, RemoteFX, progressive) go in packets of their own, not
 * tried: compressing them costs time and saves nothing.
 *
 * The client's PDUs (capabilities, frame acknowledgements, a cache offer) are
 * read from the channel's queue when its event says so; the listener is
 * called for each, and must not close the channel from there.
 */
#include "rdp-gfx-channel.h"

#include <stdlib.h>
#include <string.h>

#include <freerdp/channels/wtsvc.h>
#include <winpr/synch.h>
#include <winpr/wtsapi.h>

#include "byte-buffer.h"
#include "rdp-le.h"
#include "rdp-zgfx.h"

/* a pending packet this big goes before the frame ends */
#define RDP_GFX_CHANNEL_FLUSH_BYTES (1u << 20)
/* doubtful spans this close (a surface command's header apart) are one */
#define RDP_GFX_CHANNEL_DOUBT_GAP 32
/* the client's messages are a few hundred bytes; bigger ones break the protocol */
#define RDP_GFX_CHANNEL_MESSAGE_MAX 65536
/* messages read at one wake-up, so that a flood cannot hold the event loop */
#define RDP_GFX_CHANNEL_READS_PER_WAKE 64
/* a capability set's data is 4 bytes (16 for 10.1); longer ones are not taken */
#define RDP_GFX_CHANNEL_CAPSET_DATA_MAX 64
#define RDP_GFX_RESET_GRAPHICS_SIZE 340
#define RDP_GFX_RESET_GRAPHICS_MONITORS_MAX 16

struct rdp_gfx_channel {
	HANDLE handle;
	struct wl_event_source *source;
	const struct rdp_gfx_channel_listener *listener;
	void *data;
	struct rdp_zgfx *zgfx;
	uint8_t *pending;
	size_t pending_size, pending_capacity;
	/* spans of @pending that planar could not pack, in order */
	struct rdp_zgfx_span *doubtful;
	size_t n_doubtful, doubtful_capacity;
	bool in_frame;
	bool broken; /* nothing more is read */
	uint8_t *message;
	uint64_t pdu_bytes, packed_bytes;
};

static uint8_t *
put_rect16(uint8_t *p, const RECTANGLE_16 *rect)
{
	p = rdp_le_put_u16(p, rect->left);
	p = rdp_le_put_u16(p, rect->top);
	p = rdp_le_put_u16(p, rect->right);
	return rdp_le_put_u16(p, rect->bottom);
}

/* Sends what is pending as one packet. */
static UINT
rdp_gfx_channel_flush(struct rdp_gfx_channel *channel, bool compress)
{
	const uint8_t *packet;
	size_t packet_size, size = channel->pending_size, n_doubtful = channel->n_doubtful;
	ULONG written = 0;

	if (size == 0)
		return CHANNEL_RC_OK;
	channel->pending_size = 0;
	channel->n_doubtful = 0;
	if (rdp_zgfx_pack(channel->zgfx, channel->pending, size, compress, channel->doubtful,
			  n_doubtful, &packet, &packet_size) < 0)
		return CHANNEL_RC_NO_MEMORY;
	if (packet_size > UINT32_MAX ||
	    !WTSVirtualChannelWrite(channel->handle, (PCHAR)packet, (ULONG)packet_size, &written))
		return ERROR_INTERNAL_ERROR;
	channel->pdu_bytes += size;
	channel->packed_bytes += packet_size;
	return CHANNEL_RC_OK;
}

/*
 * Room for a PDU of @body bytes after its header, which is written; where the
 * body goes, or NULL (out of memory, or a PDU longer than its length field).
 */
static uint8_t *
rdp_gfx_channel_begin(struct rdp_gfx_channel *channel, uint16_t cmd_id, uint64_t body)
{
	uint64_t need = channel->pending_size + RDPGFX_HEADER_SIZE + body;
	uint8_t *p;

	if (body > UINT32_MAX - RDPGFX_HEADER_SIZE || need > SIZE_MAX / 2)
		return NULL;
	if (!byte_buffer_reserve(&channel->pending, &channel->pending_capacity, (size_t)need))
		return NULL;
	p = channel->pending + channel->pending_size;
	p = rdp_le_put_u16(p, cmd_id);
	p = rdp_le_put_u16(p, 0);
	p = rdp_le_put_u32(p, (uint32_t)(RDPGFX_HEADER_SIZE + body));
	return p;
}

/* The PDU begun is whole: @end is where its body ended. */
static UINT
rdp_gfx_channel_end(struct rdp_gfx_channel *channel, const uint8_t *end)
{
	channel->pending_size = (size_t)(end - channel->pending);
	if (!channel->in_frame || channel->pending_size >= RDP_GFX_CHANNEL_FLUSH_BYTES)
		return rdp_gfx_channel_flush(channel, true);
	return CHANNEL_RC_OK;
}

UINT
rdp_gfx_channel_caps_confirm(struct rdp_gfx_channel *channel, const RDPGFX_CAPSET *set)
{
	uint32_t length = set->length;
	uint8_t *p;

	if (length > RDP_GFX_CHANNEL_CAPSET_DATA_MAX)
		return ERROR_INVALID_DATA;
	p = rdp_gfx_channel_begin(channel, RDPGFX_CMDID_CAPSCONFIRM, 8 + (uint64_t)length);
	if (!p)
		return CHANNEL_RC_NO_MEMORY;
	p = rdp_le_put_u32(p, set->version);
	p = rdp_le_put_u32(p, length);
	memset(p, 0, length);
	if (length >= 4)
		rdp_le_put_u32(p, set->flags);
	return rdp_gfx_channel_end(channel, p + length);
}

UINT
rdp_gfx_channel_reset_graphics(struct rdp_gfx_channel *channel,
			       const RDPGFX_RESET_GRAPHICS_PDU *reset)
{
	uint8_t *start, *p;

	if (reset->monitorCount > RDP_GFX_RESET_GRAPHICS_MONITORS_MAX)
		return ERROR_INVALID_DATA;
	start = p = rdp_gfx_channel_begin(channel, RDPGFX_CMDID_RESETGRAPHICS,
					  RDP_GFX_RESET_GRAPHICS_SIZE - RDPGFX_HEADER_SIZE);
	if (!p)
		return CHANNEL_RC_NO_MEMORY;
	memset(p, 0, RDP_GFX_RESET_GRAPHICS_SIZE - RDPGFX_HEADER_SIZE);
	p = rdp_le_put_u32(p, reset->width);
	p = rdp_le_put_u32(p, reset->height);
	p = rdp_le_put_u32(p, reset->monitorCount);
	for (UINT32 i = 0; i < reset->monitorCount; i++) {
		const MONITOR_DEF *monitor = &reset->monitorDefArray[i];

		p = rdp_le_put_u32(p, (uint32_t)monitor->left);
		p = rdp_le_put_u32(p, (uint32_t)monitor->top);
		p = rdp_le_put_u32(p, (uint32_t)monitor->right);
		p = rdp_le_put_u32(p, (uint32_t)monitor->bottom);
		p = rdp_le_put_u32(p, monitor->flags);
	}
	/* the PDU has a fixed size, the monitors' room padded */
	return rdp_gfx_channel_end(channel,
				   start + RDP_GFX_RESET_GRAPHICS_SIZE - RDPGFX_HEADER_SIZE);
}

UINT
rdp_gfx_channel_create_surface(struct rdp_gfx_channel *channel,
			       const RDPGFX_CREATE_SURFACE_PDU *create)
{
	uint8_t *p = rdp_gfx_channel_begin(channel, RDPGFX_CMDID_CREATESURFACE, 7);

	if (!p)
		return CHANNEL_RC_NO_MEMORY;
	p = rdp_le_put_u16(p, create->surfaceId);
	p = rdp_le_put_u16(p, create->width);
	p = rdp_le_put_u16(p, create->height);
	p = rdp_le_put_u8(p, create->pixelFormat);
	return rdp_gfx_channel_end(channel, p);
}

UINT
rdp_gfx_channel_delete_surface(struct rdp_gfx_channel *channel, uint16_t surface_id)
{
	uint8_t *p = rdp_gfx_channel_begin(channel, RDPGFX_CMDID_DELETESURFACE, 2);

	if (!p)
		return CHANNEL_RC_NO_MEMORY;
	return rdp_gfx_channel_end(channel, rdp_le_put_u16(p, surface_id));
}

UINT
rdp_gfx_channel_map_surface(struct rdp_gfx_channel *channel, uint16_t surface_id)
{
	uint8_t *p = rdp_gfx_channel_begin(channel, RDPGFX_CMDID_MAPSURFACETOOUTPUT, 12);

	if (!p)
		return CHANNEL_RC_NO_MEMORY;
	p = rdp_le_put_u16(p, surface_id);
	p = rdp_le_put_u16(p, 0);
	p = rdp_le_put_u32(p, 0);
	p = rdp_le_put_u32(p, 0);
	return rdp_gfx_channel_end(channel, p);
}

UINT
rdp_gfx_channel_start_frame(struct rdp_gfx_channel *channel, uint32_t frame_id)
{
	uint8_t *p = rdp_gfx_channel_begin(channel, RDPGFX_CMDID_STARTFRAME, 8);

	if (!p)
		return CHANNEL_RC_NO_MEMORY;
	channel->in_frame = true;
	p = rdp_le_put_u32(p, 0); /* timestamp: the client does not use it */
	p = rdp_le_put_u32(p, frame_id);
	return rdp_gfx_channel_end(channel, p);
}

UINT
rdp_gfx_channel_end_frame(struct rdp_gfx_channel *channel, uint32_t frame_id)
{
	uint8_t *p = rdp_gfx_channel_begin(channel, RDPGFX_CMDID_ENDFRAME, 4);

	channel->in_frame = false;
	if (!p) {
		/* the frame's start must not stay behind for the next one */
		channel->pending_size = 0;
		channel->n_doubtful = 0;
		return CHANNEL_RC_NO_MEMORY;
	}
	return rdp_gfx_channel_end(channel, rdp_le_put_u32(p, frame_id));
}

static bool
rdp_gfx_codec_is_entropy_coded(UINT16 codec_id)
{
	switch (codec_id) {
	case RDPGFX_CODECID_AVC420:
	case RDPGFX_CODECID_AVC444:
	case RDPGFX_CODECID_AVC444v2:
	case RDPGFX_CODECID_CAVIDEO:
	case RDPGFX_CODECID_CAPROGRESSIVE:
	case RDPGFX_CODECID_CAPROGRESSIVE_V2:
		return true;
	default:
		return false;
	}
}

static uint8_t *
rdp_gfx_channel_put_avc420(uint8_t *p, const RDPGFX_AVC420_BITMAP_STREAM *stream)
{
	const RDPGFX_H264_METABLOCK *meta = &stream->meta;

	p = rdp_le_put_u32(p, meta->numRegionRects);
	for (UINT32 i = 0; i < meta->numRegionRects; i++)
		p = put_rect16(p, &meta->regionRects[i]);
	for (UINT32 i = 0; i < meta->numRegionRects; i++) {
		const RDPGFX_H264_QUANT_QUALITY *quality = &meta->quantQualityVals[i];

		p = rdp_le_put_u8(p, (uint32_t)(quality->qp | quality->r << 6 | quality->p << 7));
		p = rdp_le_put_u8(p, quality->qualityVal);
	}
	memcpy(p, stream->data, stream->length);
	return p + stream->length;
}

/* A surface command's fields up to its data, which is @length bytes; where the data goes, or NULL. */
static uint8_t *
rdp_gfx_channel_begin_surface_command(struct rdp_gfx_channel *channel,
				      const RDPGFX_SURFACE_COMMAND *cmd, uint64_t length)
{
	bool progressive = cmd->codecId == RDPGFX_CODECID_CAPROGRESSIVE ||
			   cmd->codecId == RDPGFX_CODECID_CAPROGRESSIVE_V2;
	uint8_t format = cmd->format == PIXEL_FORMAT_BGRA32 ? GFX_PIXEL_FORMAT_ARGB_8888
							    : GFX_PIXEL_FORMAT_XRGB_8888;
	uint8_t *p;

	if (length > UINT32_MAX)
		return NULL;
	p = rdp_gfx_channel_begin(
		channel, progressive ? RDPGFX_CMDID_WIRETOSURFACE_2 : RDPGFX_CMDID_WIRETOSURFACE_1,
		(progressive ? 13 : 17) + length);
	if (!p)
		return NULL;
	p = rdp_le_put_u16(p, cmd->surfaceId);
	p = rdp_le_put_u16(p, cmd->codecId);
	if (progressive) {
		p = rdp_le_put_u32(p, cmd->contextId);
		p = rdp_le_put_u8(p, format);
	} else {
		p = rdp_le_put_u8(p, format);
		p = rdp_le_put_u16(p, cmd->left);
		p = rdp_le_put_u16(p, cmd->top);
		p = rdp_le_put_u16(p, cmd->right);
		p = rdp_le_put_u16(p, cmd->bottom);
	}
	return rdp_le_put_u32(p, (uint32_t)length);
}

UINT
rdp_gfx_channel_surface_command(struct rdp_gfx_channel *channel, const RDPGFX_SURFACE_COMMAND *cmd)
{
	const RDPGFX_AVC420_BITMAP_STREAM *avc420 =
		cmd->codecId == RDPGFX_CODECID_AVC420 ? cmd->extra : NULL;
	uint64_t length = avc420 ? 4 + (uint64_t)avc420->meta.numRegionRects * 10 + avc420->length
				 : cmd->length;
	bool entropy_coded = rdp_gfx_codec_is_entropy_coded(cmd->codecId);
	uint8_t *p;
	UINT rc;

	if ((cmd->codecId == RDPGFX_CODECID_AVC420 && !avc420) || length > UINT32_MAX)
		return ERROR_INVALID_DATA;
	if (entropy_coded && (rc = rdp_gfx_channel_flush(channel, true)) != CHANNEL_RC_OK)
		return rc;
	p = rdp_gfx_channel_begin_surface_command(channel, cmd, length);
	if (!p)
		return CHANNEL_RC_NO_MEMORY;
	if (avc420) {
		p = rdp_gfx_channel_put_avc420(p, avc420);
	} else if (cmd->length > 0) {
		memcpy(p, cmd->data, cmd->length);
		p += cmd->length;
	}
	if (!entropy_coded)
		return rdp_gfx_channel_end(channel, p);
	channel->pending_size = (size_t)(p - channel->pending);
	return rdp_gfx_channel_flush(channel, false);
}

/*
 * Notes [start, end) of the pending packet as doubtful, joined to the span
 * before it across a command's header; false when out of memory (the bytes are
 * then only coded as usual).
 */
static bool
rdp_gfx_channel_doubt(struct rdp_gfx_channel *channel, size_t start, size_t end)
{
	struct rdp_zgfx_span *last =
		channel->n_doubtful > 0 ? &channel->doubtful[channel->n_doubtful - 1] : NULL;

	if (last && start - last->end <= RDP_GFX_CHANNEL_DOUBT_GAP) {
		last->end = end;
		return true;
	}
	if (channel->n_doubtful == channel->doubtful_capacity) {
		size_t capacity = channel->doubtful_capacity ? 2 * channel->doubtful_capacity : 16;
		struct rdp_zgfx_span *bigger =
			realloc(channel->doubtful, capacity * sizeof *channel->doubtful);

		if (!bigger)
			return false;
		channel->doubtful = bigger;
		channel->doubtful_capacity = capacity;
	}
	channel->doubtful[channel->n_doubtful++] = (struct rdp_zgfx_span){start, end};
	return true;
}

uint8_t *
rdp_gfx_channel_surface_command_room(struct rdp_gfx_channel *channel,
				     const RDPGFX_SURFACE_COMMAND *cmd, bool doubtful)
{
	uint8_t *data;
	size_t start;

	/* the packet is sent at the frame's end or with a later PDU, by then written */
	if (!channel->in_frame || rdp_gfx_codec_is_entropy_coded(cmd->codecId))
		return NULL;
	data = rdp_gfx_channel_begin_surface_command(channel, cmd, cmd->length);
	if (!data)
		return NULL;
	start = (size_t)(data - channel->pending);
	channel->pending_size = start + cmd->length;
	if (doubtful)
		rdp_gfx_channel_doubt(channel, start, channel->pending_size);
	return data;
}

UINT
rdp_gfx_channel_solid_fill(struct rdp_gfx_channel *channel, const RDPGFX_SOLID_FILL_PDU *fill)
{
	uint8_t *p = rdp_gfx_channel_begin(channel, RDPGFX_CMDID_SOLIDFILL,
					   8 + (uint64_t)fill->fillRectCount * 8);

	if (!p)
		return CHANNEL_RC_NO_MEMORY;
	p = rdp_le_put_u16(p, fill->surfaceId);
	p = rdp_le_put_u8(p, fill->fillPixel.B);
	p = rdp_le_put_u8(p, fill->fillPixel.G);
	p = rdp_le_put_u8(p, fill->fillPixel.R);
	p = rdp_le_put_u8(p, fill->fillPixel.XA);
	p = rdp_le_put_u16(p, fill->fillRectCount);
	for (UINT16 i = 0; i < fill->fillRectCount; i++)
		p = put_rect16(p, &fill->fillRects[i]);
	return rdp_gfx_channel_end(channel, p);
}

UINT
rdp_gfx_channel_surface_to_surface(struct rdp_gfx_channel *channel,
				   const RDPGFX_SURFACE_TO_SURFACE_PDU *copy)
{
	uint8_t *p = rdp_gfx_channel_begin(channel, RDPGFX_CMDID_SURFACETOSURFACE,
					   14 + (uint64_t)copy->destPtsCount * 4);

	if (!p)
		return CHANNEL_RC_NO_MEMORY;
	p = rdp_le_put_u16(p, copy->surfaceIdSrc);
	p = rdp_le_put_u16(p, copy->surfaceIdDest);
	p = put_rect16(p, &copy->rectSrc);
	p = rdp_le_put_u16(p, copy->destPtsCount);
	for (UINT16 i = 0; i < copy->destPtsCount; i++) {
		p = rdp_le_put_u16(p, (uint16_t)copy->destPts[i].x);
		p = rdp_le_put_u16(p, (uint16_t)copy->destPts[i].y);
	}
	return rdp_gfx_channel_end(channel, p);
}

void
rdp_gfx_channel_counts(const struct rdp_gfx_channel *channel, uint64_t *pdu_bytes,
		       uint64_t *packed_bytes)
{
	*pdu_bytes = channel->pdu_bytes;
	*packed_bytes = channel->packed_bytes;
}

static const char *
rdp_gfx_parse_caps(const uint8_t *p, size_t size, const struct rdp_gfx_channel_listener *listener,
		   void *listener_data)
{
	RDPGFX_CAPSET sets[RDP_GFX_CHANNEL_MAX_CAPSETS];
	uint16_t kept = 0;
	uint32_t count;
	size_t at = 2;

	if (size < 2)
		return "a capability advertisement without its count";
	count = rdp_le_get_u16(p);
	for (uint32_t i = 0; i < count; i++) {
		uint32_t version, length;

		if (size - at < 8)
			return "a capability advertisement shorter than its sets";
		version = rdp_le_get_u32(p + at);
		length = rdp_le_get_u32(p + at + 4);
		at += 8;
		if (length > size - at)
			return "a capability set longer than its PDU";
		if (kept < RDP_GFX_CHANNEL_MAX_CAPSETS && length <= RDP_GFX_CHANNEL_CAPSET_DATA_MAX)
			sets[kept++] = (RDPGFX_CAPSET){
				.version = version,
				.length = length,
				.flags = length >= 4 ? rdp_le_get_u32(p + at) : 0,
			};
		at += length;
	}
	listener->caps_advertised(listener_data, sets, kept);
	return NULL;
}

const char *
rdp_gfx_channel_parse(const uint8_t *data, size_t size,
		      const struct rdp_gfx_channel_listener *listener, void *listener_data,
		      bool *import_offered)
{
	size_t at = 0;

	while (at < size) {
		uint32_t cmd_id, length;
		const uint8_t *body;
		const char *why = NULL;

		if (size - at < RDPGFX_HEADER_SIZE)
			return "a PDU shorter than its header";
		cmd_id = rdp_le_get_u16(data + at);
		length = rdp_le_get_u32(data + at + 4);
		if (length < RDPGFX_HEADER_SIZE || length > size - at)
			return "a PDU whose length is not what the message holds";
		body = data + at + RDPGFX_HEADER_SIZE;
		switch (cmd_id) {
		case RDPGFX_CMDID_CAPSADVERTISE:
			why = rdp_gfx_parse_caps(body, length - RDPGFX_HEADER_SIZE, listener,
						 listener_data);
			break;
		case RDPGFX_CMDID_FRAMEACKNOWLEDGE:
			if (length - RDPGFX_HEADER_SIZE < 12)
				return "a frame acknowledgement shorter than its fields";
			listener->frame_acknowledged(listener_data, rdp_le_get_u32(body + 4),
						     rdp_le_get_u32(body));
			break;
		case RDPGFX_CMDID_CACHEIMPORTOFFER:
			*import_offered = true;
			break;
		default:
			/* quality reports, and what later versions add: not needed */
			break;
		}
		if (why)
			return why;
		at += length;
	}
	return NULL;
}

/* No bitmap cache is kept here: an offer of the client's is answered with none taken. */
static UINT
rdp_gfx_channel_refuse_import(struct rdp_gfx_channel *channel)
{
	uint8_t *p = rdp_gfx_channel_begin(channel, RDPGFX_CMDID_CACHEIMPORTREPLY, 2);

	if (!p)
		return CHANNEL_RC_NO_MEMORY;
	return rdp_gfx_channel_end(channel, rdp_le_put_u16(p, 0));
}

static void
rdp_gfx_channel_break(struct rdp_gfx_channel *channel, const char *why)
{
	channel->broken = true;
	wl_event_source_remove(channel->source);
	channel->source = NULL;
	channel->listener->broken(channel->data, why);
}

static int
rdp_gfx_channel_readable(int fd, uint32_t mask, void *data)
{
	struct rdp_gfx_channel *channel = data;

	for (int i = 0; i < RDP_GFX_CHANNEL_READS_PER_WAKE && !channel->broken; i++) {
		ULONG size = 0, got = 0;
		bool import_offered = false;
		const char *why;

		if (!WTSVirtualChannelRead(channel->handle, 0, NULL, 0, &size))
			break;
		if (size > RDP_GFX_CHANNEL_MESSAGE_MAX) {
			/* taken off the queue, so that it does not wake the loop again */
			for (ULONG left = size; left > 0; left -= got)
				if (!WTSVirtualChannelRead(channel->handle, 0,
							   (PCHAR)channel->message,
							   RDP_GFX_CHANNEL_MESSAGE_MAX, &got) ||
				    got == 0)
					break;
			rdp_gfx_channel_break(channel, "a message over 64 KB");
			break;
		}
		/* an empty message is taken off the queue by a read into a buffer too */
		if (!WTSVirtualChannelRead(channel->handle, 0, (PCHAR)channel->message,
					   RDP_GFX_CHANNEL_MESSAGE_MAX, &got))
			break;
		why = rdp_gfx_channel_parse(channel->message, got, channel->listener, channel->data,
					    &import_offered);
		if (why) {
			rdp_gfx_channel_break(channel, why);
			break;
		}
		if (import_offered && rdp_gfx_channel_refuse_import(channel) != CHANNEL_RC_OK) {
			rdp_gfx_channel_break(channel, "the cache import reply could not be sent");
			break;
		}
	}
	return 0;
}

struct rdp_gfx_channel *
rdp_gfx_channel_open(HANDLE vcm, struct wl_event_loop *loop,
		     const struct rdp_gfx_channel_listener *listener, void *data)
{
	struct rdp_gfx_channel *channel = calloc(1, sizeof *channel);
	DWORD *session = NULL, returned = 0;
	void *event = NULL;
	int fd;

	if (!channel)
		return NULL;
	channel->listener = listener;
	channel->data = data;
	channel->zgfx = rdp_zgfx_create();
	channel->message = malloc(RDP_GFX_CHANNEL_MESSAGE_MAX);
	if (!channel->zgfx || !channel->message)
		goto fail;
	/* the channel is found by the session the manager serves */
	if (!WTSQuerySessionInformationA(vcm, WTS_CURRENT_SESSION, WTSSessionId, (LPSTR *)&session,
					 &returned) ||
	    !session)
		goto fail;
	channel->handle = WTSVirtualChannelOpenEx(*session, RDPGFX_DVC_CHANNEL_NAME,
						  WTS_CHANNEL_OPTION_DYNAMIC);
	WTSFreeMemory(session);
	if (!channel->handle)
		goto fail;
	if (!WTSVirtualChannelQuery(channel->handle, WTSVirtualEventHandle, &event, &returned) ||
	    returned != sizeof(HANDLE) || !event) {
		if (event)
			WTSFreeMemory(event);
		goto fail;
	}
	fd = GetEventFileDescriptor(*(HANDLE *)event);
	WTSFreeMemory(event);
	if (fd < 0)
		goto fail;
	channel->source = wl_event_loop_add_fd(loop, fd, WL_EVENT_READABLE,
					       rdp_gfx_channel_readable, channel);
	if (!channel->source)
		goto fail;
	return channel;
fail:
	rdp_gfx_channel_close(channel);
	return NULL;
}

void
rdp_gfx_channel_close(struct rdp_gfx_channel *channel)
{
	if (!channel)
		return;
	if (channel->source)
		wl_event_source_remove(channel->source);
	if (channel->handle)
		WTSVirtualChannelClose(channel->handle);
	rdp_zgfx_destroy(channel->zgfx);
	free(channel->pending);
	free(channel->doubtful);
	free(channel->message);
	free(channel);
}
