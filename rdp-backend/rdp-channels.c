/*
 * Virtual channels of one peer: FreeRDP's channel manager on the compositor's
 * event loop, and the one queue through which what FreeRDP's channel threads
 * deliver reaches that loop. libweston is never touched off the loop's thread.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <freerdp/channels/wtsvc.h>
#include <libweston/libweston.h>
#include <winpr/synch.h>
#include <winpr/wtsapi.h>

#include "rdp-internal.h"

struct rdp_task {
	struct wl_list link; /* rdp_task_queue::tasks */
	rdp_task_func_t run;
	size_t size;
	max_align_t payload[]; /* size bytes, copied from the poster */
};

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

static void
rdp_task_queue_take_all(struct rdp_task_queue *queue, struct wl_list *out)
{
	wl_list_init(out);
	pthread_mutex_lock(&queue->lock);
	wl_list_insert_list(out, &queue->tasks);
	wl_list_init(&queue->tasks);
	pthread_mutex_unlock(&queue->lock);
}

static int
rdp_channels_handle_tasks(int fd, uint32_t mask, void *data)
{
	struct rdp_peer *peer = data;
	struct rdp_task *task, *tmp;
	struct wl_list tasks;
	uint64_t count;

	if (read(fd, &count, sizeof count) < 0 && errno != EAGAIN)
		weston_log("rdp: task queue of %s: %s\n", peer->client->hostname, strerror(errno));
	rdp_task_queue_take_all(&peer->tasks, &tasks);
	wl_list_for_each_safe(task, tmp, &tasks, link)
	{
		wl_list_remove(&task->link);
		task->run(peer, task->payload);
		free(task);
	}
	return 0;
}

bool
rdp_peer_post(struct rdp_peer *peer, rdp_task_func_t run, const void *payload, size_t size)
{
	struct rdp_task *task = malloc(sizeof *task + size);
	uint64_t one = 1;

	if (!task)
		return false;
	task->run = run;
	task->size = size;
	memcpy(task->payload, payload, size);
	pthread_mutex_lock(&peer->tasks.lock);
	wl_list_insert(peer->tasks.tasks.prev, &task->link);
	pthread_mutex_unlock(&peer->tasks.lock);
	/* eventfd counts: a full counter is impossible at one write per task */
	if (write(peer->tasks.wake_fd, &one, sizeof one) < 0)
		return false;
	return true;
}

static void rdp_channels_handle_activated(void *data);

int
rdp_channels_init(struct rdp_peer *peer)
{
	struct wl_event_loop *loop = peer->server->loop;
	HANDLE vcm_event;

	idle_call_init(&peer->activation_check, loop, rdp_channels_handle_activated, peer);
	pthread_mutex_init(&peer->tasks.lock, NULL);
	wl_list_init(&peer->tasks.tasks);
	peer->tasks.initialized = true;
	peer->tasks.wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (peer->tasks.wake_fd < 0)
		return -1;
	peer->tasks.wake_event = wl_event_loop_add_fd(loop, peer->tasks.wake_fd, WL_EVENT_READABLE,
						      rdp_channels_handle_tasks, peer);
	if (!peer->tasks.wake_event)
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
	struct rdp_task *task, *tmp;
	struct wl_list tasks;

	/* Channel threads are gone (the channels stopped them); what they left is dropped. */
	if (peer->tasks.initialized) {
		rdp_task_queue_take_all(&peer->tasks, &tasks);
		wl_list_for_each_safe(task, tmp, &tasks, link) free(task);
		pthread_mutex_destroy(&peer->tasks.lock);
		peer->tasks.initialized = false;
	}
	if (peer->tasks.wake_event)
		wl_event_source_remove(peer->tasks.wake_event);
	peer->tasks.wake_event = NULL;
	if (peer->tasks.wake_fd >= 0)
		close(peer->tasks.wake_fd);
	peer->tasks.wake_fd = -1;
	idle_call_cancel(&peer->activation_check);
	if (peer->vcm_event)
		wl_event_source_remove(peer->vcm_event);
	peer->vcm_event = NULL;
	if (peer->vcm)
		WTSCloseServer(peer->vcm);
	peer->vcm = NULL;
}
