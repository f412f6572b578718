/*
 * The numbers an RDP client sends, checked before any use: audio formats,
 * graphics pipeline capabilities and frame acknowledgements, display control
 * layouts, RemoteApp window moves. Pure functions over FreeRDP's parsed PDUs,
 * with no compositor behind them, so the fuzz harnesses in tests/fuzz/ call
 * exactly what the channel handlers call.
 */
#ifndef PORTHOLE_RDP_CLIENT_CHECKS_H
#define PORTHOLE_RDP_CLIENT_CHECKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <freerdp/channels/rdpgfx.h>
#include <freerdp/channels/disp.h>
#include <freerdp/codec/audio.h>
#include <freerdp/rail.h>

#include "porthole-compositor.h"

/* Sound formats Porthole takes: PCM 16-bit, one or two channels, at these rates. */
#define RDP_AUDIO_RATE_MIN 8000
#define RDP_AUDIO_RATE_MAX 192000

/* MS-RDPEDISP 2.2.2.2.1: the sizes a monitor layout may give */
#define RDP_DISP_MIN_SIDE 200
#define RDP_DISP_MAX_SIDE 8192

/** Whether @f is a format Porthole plays or records, every field consistent. */
bool rdp_audio_format_usable(const AUDIO_FORMAT *f);

/**
 * The format to use of the @n the client offers: PCM 16-bit at 48 kHz stereo
 * first, then 44.1 kHz stereo, then any usable stereo, then (unless
 * @stereo_only) any usable one. -1 when none is usable.
 */
int rdp_audio_pick_format(const AUDIO_FORMAT *formats, size_t n, bool stereo_only);

/** Frames in @ms at @rate, computed in 64 bit (@rate is a usable format's). */
size_t rdp_audio_frames(uint32_t rate, uint32_t ms);

/**
 * The newest capability set of the @n advertised; with @want_avc420, the newest
 * that allows AVC420 if any does. NULL when there is none.
 */
const RDPGFX_CAPSET *rdp_gfx_pick_capset(const RDPGFX_CAPSET *sets, size_t n, bool want_avc420);

bool rdp_gfx_capset_allows_avc420(const RDPGFX_CAPSET *set);

/**
 * Whether acknowledging @frame_id moves the client forward: after @acked and
 * not past @sent, the last frame sent (ids wrap at 2^32).
 */
bool rdp_frame_ack_moves(uint32_t sent, uint32_t acked, uint32_t frame_id);

/**
 * The outputs a display control layout asks for: 1..OUTPUT_LAYOUT_MAX monitors
 * of RDP_DISP_MIN_SIDE..RDP_DISP_MAX_SIDE that can be outputs (widths made
 * even). 0, or -1 with @why.
 */
int rdp_disp_layout_from_pdu(const DISPLAY_CONTROL_MONITOR_LAYOUT_PDU *pdu,
			     struct output_layout *layout, char *why, size_t why_size);

/** The size a RemoteApp window move asks for; false when it is empty or inverted. */
bool rdp_rail_move_size(const RAIL_WINDOW_MOVE_ORDER *move, int *width, int *height);

#endif
