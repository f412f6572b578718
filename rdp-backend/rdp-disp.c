/*
 * Display control (MS-RDPEDISP, the dynamic DISP channel) in desktop mode: when
 * the user resizes the client's window (xfreerdp /dynamic-resolution), the
 * client sends its new monitor layout and the first output takes the primary
 * monitor's size. Windows stay where they are; maximized ones follow the new
 * size. Through the graphics pipeline the surface is simply made anew; with
 * SurfaceBits the client is re-activated at the new desktop size.
 */
#include <freerdp/server/disp.h>
#include <freerdp/settings.h>
#include <libweston/libweston.h>

#include "compositor-internal.h"
#include "output.h"
#include "rdp-internal.h"

/* MS-RDPEDISP 2.2.2.2.1: the sizes a monitor layout may give */
#define RDP_DISP_MIN_SIDE 200
#define RDP_DISP_MAX_SIDE 8192

struct rdp_disp_layout {
	UINT32 width, height;
};

static void
rdp_disp_run_layout(struct rdp_peer *peer, void *payload)
{
	const struct rdp_disp_layout *layout = payload;
	rdpSettings *settings = peer->client->context->settings;
	struct weston_output *output = output_manager_get(peer->server->ctx->outputs, 0);
	int width = (int)layout->width & ~1, height = (int)layout->height;

	if (!peer->disp || !peer->activated || !output)
		return;
	if (width < RDP_DISP_MIN_SIDE || height < RDP_DISP_MIN_SIDE || width > RDP_DISP_MAX_SIDE ||
	    height > RDP_DISP_MAX_SIDE) {
		weston_log("rdp: %s asked for a %ux%u desktop, outside %d..%d; ignored\n",
			   peer->client->hostname, layout->width, layout->height, RDP_DISP_MIN_SIDE,
			   RDP_DISP_MAX_SIDE);
		return;
	}
	if (output->width == width && output->height == height)
		return;
	weston_log("rdp: %s resized its desktop to %dx%d\n", peer->client->hostname, width, height);
	freerdp_settings_set_uint32(settings, FreeRDP_DesktopWidth, (UINT32)width);
	freerdp_settings_set_uint32(settings, FreeRDP_DesktopHeight, (UINT32)height);
	if (output_manager_resize(peer->server->ctx->outputs, 0, width, height) < 0) {
		weston_log("rdp: cannot size the output to %dx%d\n", width, height);
		return;
	}
	/* the pipeline makes a new surface for the new output (rdp_gfx_reset_surface()) */
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
	const DISPLAY_CONTROL_MONITOR_LAYOUT *primary = NULL;

	/* one output follows the client: its primary monitor (or its first) */
	for (UINT32 i = 0; i < pdu->NumMonitors; i++) {
		if (!primary || (pdu->Monitors[i].Flags & DISPLAY_CONTROL_MONITOR_PRIMARY))
			primary = &pdu->Monitors[i];
	}
	if (!primary)
		return CHANNEL_RC_OK;
	layout.width = primary->Width;
	layout.height = primary->Height;
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
	disp->MaxNumMonitors = 16;
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
