/*
 * Virtual channels of one peer: FreeRDP's channel manager, checked from the
 * compositor's event loop, the peer's task queue (rdp-tasks.c) for what the
 * channel threads deliver, and the dynamic channels' start once the client is
 * ready for them.
 */
#include <stdlib.h>

#include <freerdp/channels/wtsvc.h>
#include <winpr/synch.h>
#include <winpr/wtsapi.h>

#include "log.h"
#include "rdp-internal.h"

int
rdp_channels_init(struct rdp_peer *peer)
{
	peer->tasks = rdp_task_queue_create(peer);
	if (!peer->tasks)
		return -1;
	peer->vcm = WTSOpenServerA((LPSTR)peer->client->context);
	if (!peer->vcm || peer->vcm == INVALID_HANDLE_VALUE) {
		peer->vcm = NULL;
		return -1;
	}
	return 0;
}

int
rdp_channels_get_fd(struct rdp_peer *peer)
{
	return GetEventFileDescriptor(WTSVirtualChannelManagerGetEventHandle(peer->vcm));
}

bool
rdp_channels_check(struct rdp_peer *peer)
{
	if (!WTSVirtualChannelManagerCheckFileDescriptor(peer->vcm))
		return false;
	rdp_channels_poll_dynamic(peer);
	return true;
}

void
rdp_channels_poll_dynamic(struct rdp_peer *peer)
{
	if (peer->dynamic_channels_ready || !peer->vcm ||
	    WTSVirtualChannelManagerGetDrdynvcState(peer->vcm) != DRDYNVC_STATE_READY)
		return;
	peer->dynamic_channels_ready = true;
	rdp_gfx_dynamic_ready(peer);
	rdp_disp_dynamic_ready(peer);
	rdp_audio_dynamic_ready(peer);
}

void
rdp_channels_release(struct rdp_peer *peer)
{
	rdp_task_queue_destroy(peer->tasks);
	peer->tasks = NULL;
	if (peer->vcm)
		WTSCloseServer(peer->vcm);
	peer->vcm = NULL;
}
