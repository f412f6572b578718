#include "background.h"
#include "paths.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libweston/libweston.h>

#include "compositor-internal.h"
#include "process.h"

/* A helper that dies more often than this is left dead, with a log line. */
#define BACKGROUND_MAX_RESTARTS 5

struct background {
	struct pc_compositor *comp;
	uint32_t color;
	struct pc_process process;
	struct wl_client *client;
	struct wl_listener client_destroy_listener;
	int restarts;
};

static int background_spawn(struct background *bg);

static void
background_handle_client_destroy(struct wl_listener *listener, void *data)
{
	struct background *bg = wl_container_of(listener, bg, client_destroy_listener);

	wl_list_remove(&bg->client_destroy_listener.link);
	wl_list_init(&bg->client_destroy_listener.link);
	bg->client = NULL;
}

static void
background_handle_exit(struct pc_process *process, int status)
{
	struct background *bg = wl_container_of(process, bg, process);

	weston_log("background client exited (status %d)\n", status);
	if (bg->restarts++ < BACKGROUND_MAX_RESTARTS)
		background_spawn(bg);
	else
		weston_log("background client keeps dying; going on without a background\n");
}

static int
background_spawn(struct background *bg)
{
	char path[4096], color[16];
	char *argv[] = {"porthole-background", color, NULL};

	/* installed beside the compositor; in a build tree, in compositor/ beside frontend/ */
	if (program_path(path, sizeof path, "porthole-background",
			 "../compositor/porthole-background") < 0) {
		weston_log("cannot find %s\n", path);
		return -1;
	}
	snprintf(color, sizeof color, "0x%08x", bg->color);
	bg->process.exited = background_handle_exit;
	if (process_spawn_client(bg->comp->display, path, argv, &bg->process, &bg->client) < 0) {
		weston_log("cannot start %s\n", path);
		return -1;
	}
	bg->client_destroy_listener.notify = background_handle_client_destroy;
	wl_client_add_destroy_listener(bg->client, &bg->client_destroy_listener);
	process_watch_add(bg->comp->processes, &bg->process);
	return 0;
}

struct background *
background_create(struct pc_compositor *comp, uint32_t color)
{
	struct background *bg = calloc(1, sizeof *bg);

	if (!bg)
		return NULL;
	bg->comp = comp;
	bg->color = color;
	wl_list_init(&bg->process.link);
	wl_list_init(&bg->client_destroy_listener.link);
	if (background_spawn(bg) < 0) {
		free(bg);
		return NULL;
	}
	return bg;
}

void
background_destroy(struct background *bg)
{
	if (!bg)
		return;
	process_watch_remove(&bg->process);
	wl_list_remove(&bg->client_destroy_listener.link);
	if (bg->process.pid > 0) {
		kill(bg->process.pid, SIGTERM);
		waitpid(bg->process.pid, NULL, 0);
	}
	free(bg);
}

bool
background_owns_client(struct background *bg, struct wl_client *client)
{
	return bg && bg->client && bg->client == client;
}
