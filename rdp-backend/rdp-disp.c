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
#include "rdp-client-checks.h"
#include "rdp-internal.h"

/* What the channel thread hands over: the layout, checked there. */
struct rdp_disp_layout {
	struct output_layout layout;
};

static void
rdp_disp_run_layout(struct rdp_peer *peer, void *payload)
{
	const struct output_layout layout = ((struct rdp_disp_layout *)payload)->layout;
	rdpSettings *settings = peer->client->context->settings;
	char text[OUTPUT_LAYOUT_MAX * 32];
	int width, height;

	if (!peer->disp || !peer->activated)
		return;
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
	struct rdp_disp_layout sent;
	char why[128];

	/* a layout that cannot be outputs is the client's error: said, and ignored */
	if (rdp_disp_layout_from_pdu(pdu, &sent.layout, why, sizeof why) < 0) {
		weston_log("rdp: the monitor layout of %s is refused: %s\n", peer->client->hostname,
			   why);
		return CHANNEL_RC_OK;
	}
	return rdp_peer_post(peer, rdp_disp_run_layout, &sent, sizeof sent) ? CHANNEL_RC_OK
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
