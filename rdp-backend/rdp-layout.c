/*
 * The client's monitors become the outputs (output-layout.h): at activation
 * from the layout it sent while connecting (Client Monitor Data: xfreerdp
 * /multimon), later from the display control channel (rdp-disp.c). Monitors
 * the compositor cannot take (overlaps, sizes out of range), or that do not
 * make up the client's desktop, leave one output the size of that desktop.
 */
#include <stdio.h>

#include <freerdp/settings.h>

#include "log.h"
#include "porthole-compositor.h"
#include "rdp-internal.h"

/*
 * The monitors the client announced while connecting, if they describe its
 * desktop; else the desktop as one monitor.
 */
static void
rdp_layout_from_settings(struct rdp_peer *peer, struct output_layout *layout)
{
	rdpSettings *settings = peer->client->context->settings;
	UINT32 width = freerdp_settings_get_uint32(settings, FreeRDP_DesktopWidth);
	UINT32 height = freerdp_settings_get_uint32(settings, FreeRDP_DesktopHeight);
	UINT32 count = freerdp_settings_get_uint32(settings, FreeRDP_MonitorCount);
	const rdpMonitor *defs = freerdp_settings_get_pointer(settings, FreeRDP_MonitorDefArray);
	/* the client core data's scale; per monitor in its monitor attributes */
	int scale_percent = output_scale_percent_valid(
		freerdp_settings_get_uint32(settings, FreeRDP_DesktopScaleFactor));
	struct output_monitor monitors[OUTPUT_LAYOUT_MAX];
	char why[128] = "";
	int bounds_width, bounds_height;

	if (count > 1 && count <= OUTPUT_LAYOUT_MAX && defs) {
		for (UINT32 i = 0; i < count; i++)
			monitors[i] = (struct output_monitor){
				.x = defs[i].x,
				.y = defs[i].y,
				.width = defs[i].width,
				.height = defs[i].height,
				.primary = defs[i].is_primary != 0,
				.scale_percent =
					defs[i].attributes.desktopScaleFactor
						? (int64_t)defs[i].attributes.desktopScaleFactor
						: scale_percent,
				.mm_width = defs[i].attributes.physicalWidth,
				.mm_height = defs[i].attributes.physicalHeight,
			};
		if (output_layout_from_monitors(layout, monitors, (int)count, why, sizeof why) ==
		    0) {
			output_layout_size(layout, &bounds_width, &bounds_height);
			if ((UINT32)bounds_width == width && (UINT32)bounds_height == height)
				return;
			snprintf(why, sizeof why, "they span %dx%d, its desktop is %ux%u",
				 bounds_width, bounds_height, width, height);
		}
		weston_log("rdp: the %u monitors of %s cannot be outputs (%s); one output of its "
			   "desktop's size\n",
			   count, peer->client->hostname, why);
	}
	*layout = (struct output_layout){
		.n = 1,
		.rects[0] = {0, 0, (int)width, (int)height},
		.scale_percent = scale_percent,
	};
	/* the client core data's size of its desktop (xfreerdp /pwidth: /pheight:) */
	output_layout_set_mm(layout, 0,
			     freerdp_settings_get_uint32(settings, FreeRDP_DesktopPhysicalWidth),
			     freerdp_settings_get_uint32(settings, FreeRDP_DesktopPhysicalHeight));
}

int
rdp_layout_apply(struct rdp_peer *peer, const struct output_layout *layout)
{
	char text[OUTPUT_LAYOUT_MAX * 32];

	if (pc_outputs_set_layout(peer->server->compositor, layout) < 0) {
		weston_log("rdp: cannot make the outputs %s for %s\n",
			   output_layout_describe(layout, text, sizeof text),
			   peer->client->hostname);
		return -1;
	}
	peer->layout = *layout;
	if (layout->n > 1)
		weston_log("rdp: %s has %d monitors: %s\n", peer->client->hostname, layout->n,
			   output_layout_describe(layout, text, sizeof text));
	return 0;
}

void
rdp_layout_follow_client(struct rdp_peer *peer)
{
	struct output_layout layout;

	/* a re-activation keeps what display control set since */
	if (peer->layout.n > 0)
		layout = peer->layout;
	else
		rdp_layout_from_settings(peer, &layout);
	rdp_layout_apply(peer, &layout);
}
