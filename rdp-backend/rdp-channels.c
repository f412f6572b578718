/*
 * Virtual channels of one peer: FreeRDP's channel manager on the compositor's
 * event loop, the peer's task queue (rdp-tasks.c) for what the channel threads
 * deliver, and the dynamic channels' start once the client is ready for them.
 */
#include <stdlib.h>

#include <freerdp/channels/wtsvc.h>
#include <winpr/synch.h>
#include <winpr/wtsapi.h>

#include "log.h"
#include "rdp-internal.h"

/* Sends what channels queued (from any thread) and runs the DVC set-up. */
static void
rdp_channels_check(struct rdp_peer *peer)
{
	if (!WTSVirtualChannelManagerCheckFileDescriptor(peer->vcm)) {
		weston_log("rdp: virtual channels of %s failed; dropping it\n",
			   peer->client->hostname);
		rdp_peer_destroy(peer);
		return;
	}
	rdp_channels_poll_dynamic(peer);
}

static int
rdp_channels_handle_vcm(int fd, uint32_t mask, void *data)
{
	rdp_channels_check(data);
	return 0;
}

static void rdp_channels_handle_activated(void *data);

int
rdp_channels_init(struct rdp_peer *peer)
{
	struct wl_event_loop *loop = peer->server->loop;
	HANDLE vcm_event;

	idle_call_init(&peer->activation_check, loop, rdp_channels_handle_activated, peer);
	peer->tasks = rdp_task_queue_create(peer);
	if (!peer->tasks)
		return -1;

	peer->vcm = WTSOpenServerA((LPSTR)peer->client->context);
	if (!peer->vcm || peer->vcm == INVALID_HANDLE_VALUE) {
		peer->vcm = NULL;
		return -1;
	}
	vcm_event = WTSVirtualChannelManagerGetEventHandle(peer->vcm);
	peer->vcm_event = wl_event_loop_add_fd(loop, GetEventFileDescriptor(vcm_event),
					       WL_EVENT_READABLE, rdp_channels_handle_vcm, peer);
	return peer->vcm_event ? 0 : -1;
}

static void
rdp_channels_handle_activated(void *data)
{
	struct rdp_peer *peer = data;

	/* The dynamic channel set-up starts at the first check after activation. */
	rdp_channels_check(peer);
}

void
rdp_channels_activated(struct rdp_peer *peer)
{
	/*
	 * FreeRDP marks the peer activated only once the activation callback
	 * returned, and the channel manager starts the set-up only then: check
	 * once more right after, or a client without static channel traffic
	 * (desktop mode, no sound) would never get its dynamic channels.
	 */
	if (peer->vcm)
		idle_call_schedule(&peer->activation_check);
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
	idle_call_cancel(&peer->activation_check);
	if (peer->vcm_event)
		wl_event_source_remove(peer->vcm_event);
	peer->vcm_event = NULL;
	if (peer->vcm)
		WTSCloseServer(peer->vcm);
	peer->vcm = NULL;
}
