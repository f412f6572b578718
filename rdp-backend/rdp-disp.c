/*
 * Display control (MS-RDPEDISP, the dynamic DISP channel) in desktop mode: when
 * the user resizes the client's window (xfreerdp /dynamic-resolution) or its
 * monitors change, the client sends its new monitor layout and the outputs
 * follow (rdp-layout.c). Windows stay where they are; maximized ones follow
 * their output, and those no output shows any more come back onto the first.
 * Through the graphics pipeline the surface is simply made anew; with
 * SurfaceBits the client is re-activated at the new desktop size.
 */
#include <freerdp/server/disp.h>
#include <freerdp/settings.h>

#include "log.h"
#include "porthole-compositor.h"
#include "rdp-internal.h"

/* MS-RDPEDISP 2.2.2.2.1: the sizes a monitor layout may give */
#define RDP_DISP_MIN_SIDE 200
#define RDP_DISP_MAX_SIDE 8192

/* What the channel thread hands over: the monitors as the client sent them. */
struct rdp_disp_layout {
	int n;
	struct output_monitor monitors[OUTPUT_LAYOUT_MAX];
};

static void
rdp_disp_run_layout(struct rdp_peer *peer, void *payload)
{
	struct rdp_disp_layout *sent = payload;
	rdpSettings *settings = peer->client->context->settings;
	struct output_layout layout;
	char why[128], text[OUTPUT_LAYOUT_MAX * 32];
	int width, height;

	if (!peer->disp || !peer->activated)
		return;
	for (int i = 0; i < sent->n; i++) {
		struct output_monitor *m = &sent->monitors[i];

		if (m->width < RDP_DISP_MIN_SIDE || m->height < RDP_DISP_MIN_SIDE ||
		    m->width > RDP_DISP_MAX_SIDE || m->height > RDP_DISP_MAX_SIDE) {
			weston_log(
				"rdp: %s asked for a %lldx%lld monitor, outside %d..%d; ignored\n",
				peer->client->hostname, (long long)m->width, (long long)m->height,
				RDP_DISP_MIN_SIDE, RDP_DISP_MAX_SIDE);
			return;
		}
		/* an odd width upsets some codecs' row handling */
		m->width &= ~1;
	}
	if (output_layout_from_monitors(&layout, sent->monitors, sent->n, why, sizeof why) < 0) {
		weston_log("rdp: the monitor layout of %s is refused: %s\n", peer->client->hostname,
			   why);
		return;
	}
	if (output_layout_equal(&layout, &peer->layout))
		return;
	output_layout_size(&layout, &width, &height);
	weston_log("rdp: %s resized its desktop to %dx%d (%s)\n", peer->client->hostname, width,
		   height, output_layout_describe(&layout, text, sizeof text));
	if (rdp_layout_apply(peer, &layout) < 0)
		return;
	freerdp_settings_set_uint32(settings, FreeRDP_DesktopWidth, (UINT32)width);
	freerdp_settings_set_uint32(settings, FreeRDP_DesktopHeight, (UINT32)height);
	/* the pipeline makes a new surface for the new outputs (rdp_gfx_reset_surface()) */
	if (rdp_gfx_ready(peer))
		return;
	/*
	 * SurfaceBits clients learn the size through a re-activation (Activate
	 * runs again); nothing is drawn or pointed for them until it has.
	 */
	peer->activated = false;
	if (!peer->client->context->update->DesktopResize(peer->client->context))
		weston_log("rdp: cannot re-activate %s at %dx%d\n", peer->client->hostname, width,
			   height);
}

static UINT
rdp_disp_on_monitor_layout(DispServerContext *context,
			   const DISPLAY_CONTROL_MONITOR_LAYOUT_PDU *pdu)
{
	struct rdp_peer *peer = context->custom;
	struct rdp_disp_layout layout = {0};

	/* more than the channel allows (MaxNumMonitors) is the client's error: ignored */
	if (pdu->NumMonitors < 1 || pdu->NumMonitors > OUTPUT_LAYOUT_MAX)
		return CHANNEL_RC_OK;
	for (UINT32 i = 0; i < pdu->NumMonitors; i++) {
		const DISPLAY_CONTROL_MONITOR_LAYOUT *m = &pdu->Monitors[i];

		layout.monitors[i] = (struct output_monitor){
			.x = m->Left,
			.y = m->Top,
			.width = m->Width,
			.height = m->Height,
			.primary = (m->Flags & DISPLAY_CONTROL_MONITOR_PRIMARY) != 0,
		};
	}
	layout.n = (int)pdu->NumMonitors;
	return rdp_peer_post(peer, rdp_disp_run_layout, &layout, sizeof layout)
		       ? CHANNEL_RC_OK
		       : CHANNEL_RC_NO_MEMORY;
}

void
rdp_disp_dynamic_ready(struct rdp_peer *peer)
{
	DispServerContext *disp;

	/* RemoteApp windows live on the host's own desktop: nothing to follow */
	if (peer->disp || peer->rail)
		return;
	disp = disp_server_context_new(peer->vcm);
	if (!disp)
		return;
	disp->custom = peer;
	disp->rdpcontext = peer->client->context;
	disp->MaxNumMonitors = OUTPUT_LAYOUT_MAX;
	disp->MaxMonitorAreaFactorA = RDP_DISP_MAX_SIDE;
	disp->MaxMonitorAreaFactorB = RDP_DISP_MAX_SIDE;
	disp->DispMonitorLayout = rdp_disp_on_monitor_layout;
	/* a client without the channel (no /dynamic-resolution) keeps its size */
	if (disp->Open(disp) != CHANNEL_RC_OK || disp->DisplayControlCaps(disp) != CHANNEL_RC_OK) {
		disp_server_context_free(disp);
		return;
	}
	peer->disp = disp;
}
