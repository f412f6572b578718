#include "rdp-client-checks.h"

#include <stdio.h>

#include "audio-bridge.h"

bool
rdp_audio_format_usable(const AUDIO_FORMAT *f)
{
	/* the block size must be what the rate and channels say: it sizes every copy */
	return f->wFormatTag == WAVE_FORMAT_PCM && f->wBitsPerSample == 16 && f->nChannels >= 1 &&
	       f->nChannels <= 2 && f->nSamplesPerSec >= RDP_AUDIO_RATE_MIN &&
	       f->nSamplesPerSec <= RDP_AUDIO_RATE_MAX && f->nBlockAlign == f->nChannels * 2;
}

int
rdp_audio_pick_format(const AUDIO_FORMAT *formats, size_t n, bool stereo_only)
{
	static const struct {
		uint32_t rate;
		uint16_t channels;
	} wanted[] = {{AUDIO_BRIDGE_RATE, 2}, {44100, 2}, {0, 2}, {0, 0}};

	if (!formats || n > INT32_MAX)
		return -1;
	for (size_t w = 0; w < sizeof wanted / sizeof wanted[0]; w++) {
		for (size_t i = 0; i < n; i++) {
			const AUDIO_FORMAT *f = &formats[i];

			if (!rdp_audio_format_usable(f) || (stereo_only && f->nChannels != 2))
				continue;
			if ((!wanted[w].rate || f->nSamplesPerSec == wanted[w].rate) &&
			    (!wanted[w].channels || f->nChannels == wanted[w].channels))
				return (int)i;
		}
	}
	return -1;
}

size_t
rdp_audio_frames(uint32_t rate, uint32_t ms)
{
	return (size_t)((uint64_t)rate * ms / 1000);
}

bool
rdp_gfx_capset_allows_avc420(const RDPGFX_CAPSET *set)
{
	/*
	 * 8 has no AVC; 10.1's flags are reserved: FreeRDP 2.11's client sends
	 * it (flags 0) exactly when it was not asked for AVC420 (plain /gfx).
	 */
	if (set->version == RDPGFX_CAPVERSION_8 || set->version == RDPGFX_CAPVERSION_101)
		return false;
	if (set->version == RDPGFX_CAPVERSION_81)
		return set->flags & RDPGFX_CAPS_FLAG_AVC420_ENABLED;
	return !(set->flags & RDPGFX_CAPS_FLAG_AVC_DISABLED);
}

const RDPGFX_CAPSET *
rdp_gfx_pick_capset(const RDPGFX_CAPSET *sets, size_t n, bool want_avc420)
{
	const RDPGFX_CAPSET *best = NULL, *best_avc = NULL;

	for (size_t i = 0; sets && i < n; i++) {
		const RDPGFX_CAPSET *set = &sets[i];

		if (!best || set->version > best->version)
			best = set;
		if (rdp_gfx_capset_allows_avc420(set) &&
		    (!best_avc || set->version > best_avc->version))
			best_avc = set;
	}
	return want_avc420 && best_avc ? best_avc : best;
}

bool
rdp_frame_ack_moves(uint32_t sent, uint32_t acked, uint32_t frame_id)
{
	/* serial-number arithmetic: the difference, as signed, says which comes first */
	return (int32_t)(frame_id - acked) > 0 && (int32_t)(sent - frame_id) >= 0;
}

int
rdp_disp_layout_from_pdu(const DISPLAY_CONTROL_MONITOR_LAYOUT_PDU *pdu,
			 struct output_layout *layout, char *why, size_t why_size)
{
	struct output_monitor monitors[OUTPUT_LAYOUT_MAX];

	layout->n = 0;
	if (pdu->NumMonitors < 1 || pdu->NumMonitors > OUTPUT_LAYOUT_MAX || !pdu->Monitors) {
		snprintf(why, why_size, "%u monitors, not 1..%d", pdu->NumMonitors,
			 OUTPUT_LAYOUT_MAX);
		return -1;
	}
	for (UINT32 i = 0; i < pdu->NumMonitors; i++) {
		const DISPLAY_CONTROL_MONITOR_LAYOUT *m = &pdu->Monitors[i];

		if (m->Width < RDP_DISP_MIN_SIDE || m->Height < RDP_DISP_MIN_SIDE ||
		    m->Width > RDP_DISP_MAX_SIDE || m->Height > RDP_DISP_MAX_SIDE) {
			snprintf(why, why_size, "a %ux%u monitor, outside %d..%d", m->Width,
				 m->Height, RDP_DISP_MIN_SIDE, RDP_DISP_MAX_SIDE);
			return -1;
		}
		monitors[i] = (struct output_monitor){
			.x = m->Left,
			.y = m->Top,
			/* an odd width upsets some codecs' row handling */
			.width = m->Width & ~1u,
			.height = m->Height,
			.primary = (m->Flags & DISPLAY_CONTROL_MONITOR_PRIMARY) != 0,
			.scale_percent = m->DesktopScaleFactor,
			.mm_width = m->PhysicalWidth,
			.mm_height = m->PhysicalHeight,
		};
	}
	return output_layout_from_monitors(layout, monitors, (int)pdu->NumMonitors, why, why_size);
}

bool
rdp_rail_move_size(const RAIL_WINDOW_MOVE_ORDER *move, int *width, int *height)
{
	/* the edges are 16-bit on the wire: their difference fits an int */
	*width = (int)move->right - (int)move->left;
	*height = (int)move->bottom - (int)move->top;
	return *width >= 1 && *height >= 1;
}
