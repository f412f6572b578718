/*
 * The graphics pipeline's dynamic channel (MS-RDPEGFX), spoken here rather
 * than through FreeRDP 2.11's server channel, whose bulk "compression" copies
 * bytes: what goes to the client is compressed (rdp-zgfx.c), the PDUs of a
 * frame packed together. Read on the compositor's event loop, no thread.
 */
#ifndef PORTHOLE_RDP_GFX_CHANNEL_H
#define PORTHOLE_RDP_GFX_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <freerdp/channels/rdpgfx.h>
#include <wayland-server-core.h>
#include <winpr/wtypes.h>

/* capability sets kept of an advertisement; the rest are not read */
#define RDP_GFX_CHANNEL_MAX_CAPSETS 16

struct rdp_gfx_channel;

struct rdp_gfx_channel_listener {
	void (*caps_advertised)(void *data, const RDPGFX_CAPSET *sets, uint16_t count);
	void (*frame_acknowledged)(void *data, uint32_t frame_id, uint32_t queue_depth);
	/* the client broke the protocol (@why says how); nothing more is read */
	void (*broken)(void *data, const char *why);
};

/**
 * Opens the channel on @vcm (a peer's channel manager, its dynamic channels
 * ready) and reads it from @loop. NULL if it cannot be opened.
 */
struct rdp_gfx_channel *rdp_gfx_channel_open(HANDLE vcm, struct wl_event_loop *loop,
					     const struct rdp_gfx_channel_listener *listener,
					     void *data);

void rdp_gfx_channel_close(struct rdp_gfx_channel *channel);

/*
 * Each of these queues one PDU and returns CHANNEL_RC_OK or an error; the
 * PDUs between start_frame and end_frame go as one packet at the end, the
 * others at once.
 */
UINT rdp_gfx_channel_caps_confirm(struct rdp_gfx_channel *channel, const RDPGFX_CAPSET *set);
UINT rdp_gfx_channel_reset_graphics(struct rdp_gfx_channel *channel,
				    const RDPGFX_RESET_GRAPHICS_PDU *reset);
UINT rdp_gfx_channel_create_surface(struct rdp_gfx_channel *channel,
				    const RDPGFX_CREATE_SURFACE_PDU *create);
UINT rdp_gfx_channel_delete_surface(struct rdp_gfx_channel *channel, uint16_t surface_id);
/** Maps @surface_id with its top-left at the desktop's. */
UINT rdp_gfx_channel_map_surface(struct rdp_gfx_channel *channel, uint16_t surface_id);
UINT rdp_gfx_channel_start_frame(struct rdp_gfx_channel *channel, uint32_t frame_id);
UINT rdp_gfx_channel_end_frame(struct rdp_gfx_channel *channel, uint32_t frame_id);
/** WireToSurface1, or 2 for progressive; AVC420 takes its stream from @cmd->extra. */
UINT rdp_gfx_channel_surface_command(struct rdp_gfx_channel *channel,
				     const RDPGFX_SURFACE_COMMAND *cmd);
/**
 * Queues a surface command, inside a frame, of a codec that is not entropy
 * coded, and returns where its @cmd->length bytes of data go (@cmd->data is
 * not read): the caller writes them there before its next call on @channel.
 * @doubtful: the bytes are unlikely to compress (planar could not pack them),
 * so the bulk compressor tries them only briefly. NULL: out of memory, outside
 * a frame, or an entropy-coded codec.
 */
uint8_t *rdp_gfx_channel_surface_command_room(struct rdp_gfx_channel *channel,
					      const RDPGFX_SURFACE_COMMAND *cmd, bool doubtful);
UINT rdp_gfx_channel_solid_fill(struct rdp_gfx_channel *channel, const RDPGFX_SOLID_FILL_PDU *fill);
UINT rdp_gfx_channel_surface_to_surface(struct rdp_gfx_channel *channel,
					const RDPGFX_SURFACE_TO_SURFACE_PDU *copy);

/** Bytes of PDUs queued, and bytes that went to the client for them. */
void rdp_gfx_channel_counts(const struct rdp_gfx_channel *channel, uint64_t *pdu_bytes,
			    uint64_t *packed_bytes);

/**
 * Reads the client's PDUs in @data (one channel message) for @listener;
 * NULL, or why they are not the protocol. Exposed for the unit tests.
 */
const char *rdp_gfx_channel_parse(const uint8_t *data, size_t size,
				  const struct rdp_gfx_channel_listener *listener,
				  void *listener_data, bool *import_offered);

#endif
