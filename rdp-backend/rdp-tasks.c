/*
 * The one way from FreeRDP's channel threads to the compositor's thread: a
 * thread posts a task (a function and a copy of what it needs), an eventfd on
 * the event loop wakes it, and the loop runs the tasks in order. libweston is
 * never touched off the loop's thread.
 */
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "log.h"
#include "rdp-internal.h"

struct rdp_task {
	struct wl_list link; /* rdp_task_queue::tasks */
	rdp_task_func_t run;
	max_align_t payload[]; /* copied from the poster */
};

struct rdp_task_queue {
	struct rdp_peer *peer;
	pthread_mutex_t lock;
	struct wl_list tasks; /* rdp_task::link, oldest first; under lock */
	int wake_fd;          /* eventfd: readable while tasks wait */
	struct wl_event_source *wake_event;
};

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
rdp_task_queue_handle_wake(int fd, uint32_t mask, void *data)
{
	struct rdp_task_queue *queue = data;
	struct rdp_peer *peer = queue->peer;
	struct rdp_task *task, *tmp;
	struct wl_list tasks;
	uint64_t count;

	if (read(fd, &count, sizeof count) < 0 && errno != EAGAIN)
		weston_log("rdp: task queue of %s: %s\n", peer->client->hostname, strerror(errno));
	rdp_task_queue_take_all(queue, &tasks);
	wl_list_for_each_safe(task, tmp, &tasks, link)
	{
		wl_list_remove(&task->link);
		task->run(peer, task->payload);
		free(task);
	}
	return 0;
}

struct rdp_task_queue *
rdp_task_queue_create(struct rdp_peer *peer)
{
	struct rdp_task_queue *queue = calloc(1, sizeof *queue);

	if (!queue)
		return NULL;
	queue->peer = peer;
	pthread_mutex_init(&queue->lock, NULL);
	wl_list_init(&queue->tasks);
	queue->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (queue->wake_fd >= 0)
		queue->wake_event =
			wl_event_loop_add_fd(peer->server->loop, queue->wake_fd, WL_EVENT_READABLE,
					     rdp_task_queue_handle_wake, queue);
	if (!queue->wake_event) {
		rdp_task_queue_destroy(queue);
		return NULL;
	}
	return queue;
}

void
rdp_task_queue_destroy(struct rdp_task_queue *queue)
{
	struct rdp_task *task, *tmp;
	struct wl_list tasks;

	if (!queue)
		return;
	/* The channel threads are gone (their channels stopped them): what they left is dropped. */
	rdp_task_queue_take_all(queue, &tasks);
	wl_list_for_each_safe(task, tmp, &tasks, link) free(task);
	pthread_mutex_destroy(&queue->lock);
	if (queue->wake_event)
		wl_event_source_remove(queue->wake_event);
	if (queue->wake_fd >= 0)
		close(queue->wake_fd);
	free(queue);
}

bool
rdp_peer_post(struct rdp_peer *peer, rdp_task_func_t run, const void *payload, size_t size)
{
	struct rdp_task_queue *queue = peer->tasks;
	struct rdp_task *task = malloc(sizeof *task + size);
	uint64_t one = 1;

	if (!task)
		return false;
	task->run = run;
	memcpy(task->payload, payload, size);
	pthread_mutex_lock(&queue->lock);
	wl_list_insert(queue->tasks.prev, &task->link);
	pthread_mutex_unlock(&queue->lock);
	/* eventfd counts: a full counter is impossible at one write per task */
	return write(queue->wake_fd, &one, sizeof one) == sizeof one;
}
