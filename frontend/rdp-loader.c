#include "rdp-loader.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <libweston/libweston.h>

#include "monotonic.h"
#include "paths.h"
#include "rdp-server.h"

struct rdp_loader {
	rdp_loader_done_func done;
	void *data;
	pthread_t thread;
	bool joined;
	int done_fd; /* eventfd the thread writes once it ended */
	struct wl_event_source *done_source;
	/* written by the thread, read after the join */
	void *handle;
	const struct rdp_module *module;
	char path[1024];
	char error[1536];
	int64_t took_ms;
};

static void *
rdp_loader_run(void *data)
{
	struct rdp_loader *loader = data;
	int64_t start = monotonic_ms();
	uint64_t one = 1;
	const struct rdp_module *module;

	if (module_path(loader->path, sizeof loader->path, RDP_MODULE_FILE,
			"../rdp-backend/" RDP_MODULE_FILE) < 0) {
		snprintf(loader->error, sizeof loader->error,
			 "%s is missing: install Porthole whole (meson install)", loader->path);
		goto out;
	}
	/* NODELETE: FreeRDP's threads and atexit handlers may outlive a dlclose() */
	loader->handle = dlopen(loader->path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	if (!loader->handle) {
		snprintf(loader->error, sizeof loader->error, "%s", dlerror());
		goto out;
	}
	module = dlsym(loader->handle, RDP_MODULE_SYMBOL);
	if (!module || module->abi != RDP_MODULE_ABI) {
		snprintf(loader->error, sizeof loader->error,
			 "%s is not this compositor's (%s): install both from one build",
			 loader->path, module ? "another version" : "no " RDP_MODULE_SYMBOL);
		goto out;
	}
	loader->module = module;
out:
	loader->took_ms = monotonic_ms() - start;
	while (write(loader->done_fd, &one, sizeof one) < 0 && errno == EINTR)
		;
	return NULL;
}

static void
rdp_loader_join(struct rdp_loader *loader)
{
	if (!loader->joined)
		pthread_join(loader->thread, NULL);
	loader->joined = true;
}

static int
rdp_loader_handle_done(int fd, uint32_t mask, void *data)
{
	struct rdp_loader *loader = data;

	rdp_loader_join(loader);
	wl_event_source_remove(loader->done_source);
	loader->done_source = NULL;
	if (loader->module)
		weston_log("rdp: %s loaded in %lld ms\n", loader->path, (long long)loader->took_ms);
	else
		weston_log("rdp: cannot load the RDP server: %s\n", loader->error);
	loader->done(loader->data, loader->module);
	return 0;
}

struct rdp_loader *
rdp_loader_start(struct wl_event_loop *loop, rdp_loader_done_func done, void *data)
{
	struct rdp_loader *loader = calloc(1, sizeof *loader);
	int err;

	if (!loader)
		return NULL;
	loader->done = done;
	loader->data = data;
	loader->joined = true;
	loader->done_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (loader->done_fd < 0)
		goto err;
	loader->done_source = wl_event_loop_add_fd(loop, loader->done_fd, WL_EVENT_READABLE,
						   rdp_loader_handle_done, loader);
	if (!loader->done_source)
		goto err;
	err = pthread_create(&loader->thread, NULL, rdp_loader_run, loader);
	if (err) {
		errno = err;
		goto err;
	}
	loader->joined = false;
	return loader;
err:
	weston_log("rdp: cannot start loading the RDP server: %s\n", strerror(errno));
	rdp_loader_destroy(loader);
	return NULL;
}

void
rdp_loader_destroy(struct rdp_loader *loader)
{
	if (!loader)
		return;
	rdp_loader_join(loader);
	if (loader->done_source)
		wl_event_source_remove(loader->done_source);
	if (loader->done_fd >= 0)
		close(loader->done_fd);
	if (loader->handle)
		dlclose(loader->handle);
	free(loader);
}
