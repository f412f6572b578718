/*
 * The compositor's root object: libweston, then the outputs, the seat,
 * Xwayland and the shell on it, in the order they need each other; torn down
 * the other way round.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libweston/libweston.h>

#include "background.h"
#include "compositor-internal.h"
#include "data-control.h"
#include "output.h"
#include "primary-selection.h"
#include "process.h"
#include "shell.h"
#include "seat.h"
#include "xwayland.h"

/* libweston's repaint window for outputs without a vblank (see pc_compositor_create()) */
#define PC_REPAINT_WINDOW_MS 15

static char *
pc_compositor_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* The compositor keeps its own copy of the config's strings. */
static void
pc_compositor_copy_config(struct pc_compositor_config *dst, const struct pc_compositor_config *src)
{
	*dst = *src;
	dst->x11_dir = pc_compositor_strdup(src->x11_dir);
	dst->socket_name = pc_compositor_strdup(src->socket_name);
	dst->keymap.rules = pc_compositor_strdup(src->keymap.rules);
	dst->keymap.model = pc_compositor_strdup(src->keymap.model);
	dst->keymap.layout = pc_compositor_strdup(src->keymap.layout);
	dst->keymap.variant = pc_compositor_strdup(src->keymap.variant);
	dst->keymap.options = pc_compositor_strdup(src->keymap.options);
}

static void
pc_compositor_free_config(struct pc_compositor_config *config)
{
	free((char *)config->x11_dir);
	free((char *)config->socket_name);
	free((char *)config->keymap.rules);
	free((char *)config->keymap.model);
	free((char *)config->keymap.layout);
	free((char *)config->keymap.variant);
	free((char *)config->keymap.options);
}

struct pc_compositor *
pc_compositor_create(struct wl_display *display, struct weston_log_context *log,
		     const struct pc_compositor_config *config)
{
	struct pc_compositor *comp = calloc(1, sizeof *comp);

	if (!comp)
		return NULL;
	comp->display = display;
	comp->scopes = config->scopes;
	pc_compositor_copy_config(&comp->config, config);
	comp->processes = process_watch_create(display);
	if (!comp->processes)
		goto err;
	comp->compositor = weston_compositor_create(display, log, comp, NULL);
	if (!comp->compositor)
		goto err;
	comp->compositor->vt_switching = false;
	/*
	 * libweston repaints an output refresh-minus-this after its last frame
	 * ended, leaving that much time to meet the vblank. The headless outputs
	 * have no vblank: the frame ends on a 16 ms timer, and RDP clients pace us
	 * with their acknowledgements. A window of 15 ms repaints 1.7 ms after
	 * that (the 7 ms default waited 9.7 ms): a change that comes while idle
	 * reaches the peer that much sooner, and busy frames come every 18 ms
	 * instead of every 26.
	 */
	comp->compositor->repaint_msec = PC_REPAINT_WINDOW_MS;
	comp->outputs = output_manager_create(comp, config->renderer, config->width, config->height,
					      config->scale_percent, &comp->renderer);
	if (!comp->outputs)
		goto err;
	comp->seat = pc_seat_create(comp);
	if (!comp->seat)
		goto err;
	comp->primary_selection = primary_selection_create(comp);
	if (!comp->primary_selection)
		weston_log(
			"no primary selection: middle-click paste between Wayland apps is off\n");
	comp->data_control = data_control_create(comp);
	if (!comp->data_control)
		weston_log("no data-control protocol: clipboard tools (wl-copy, wl-paste) need a "
			   "window of their own\n");
	/* Before the shell: the shell asks the xwayland module which surfaces are X11. */
	if (config->xwayland) {
		comp->xwayland =
			pc_xwayland_create(comp, comp->config.x11_dir, comp->config.x11_display);
		if (!comp->xwayland)
			weston_log("continuing without X11 support\n");
	}
	comp->shell = shell_create(comp);
	if (!comp->shell)
		goto err;
	if (comp->renderer == PC_RENDERER_GL) {
		uint32_t color = config->shell_mode == PC_SHELL_DESKTOP ? config->background_color
									: 0xff000000;
		comp->background = background_create(comp, color);
		if (!comp->background)
			weston_log("no background client: uncovered areas may show stale "
				   "pixels\n");
	}
	return comp;
err:
	pc_compositor_destroy(comp);
	return NULL;
}

void
pc_compositor_destroy(struct pc_compositor *comp)
{
	if (!comp)
		return;
	background_destroy(comp->background);
	pc_xwayland_destroy(comp->xwayland);
	shell_destroy(comp->shell);
	data_control_destroy(comp->data_control);
	primary_selection_destroy(comp->primary_selection);
	pc_seat_destroy(comp->seat);
	output_manager_destroy(comp->outputs);
	process_watch_destroy(comp->processes);
	if (comp->compositor)
		weston_compositor_destroy(comp->compositor);
	pc_compositor_free_config(&comp->config);
	free(comp);
}

void
pc_compositor_wake(struct pc_compositor *comp)
{
	weston_compositor_wake(comp->compositor);
}

struct wl_event_loop *
pc_compositor_get_event_loop(struct pc_compositor *comp)
{
	return wl_display_get_event_loop(comp->display);
}

const char *
pc_compositor_get_x11_display(struct pc_compositor *comp)
{
	return comp->xwayland ? pc_xwayland_get_display(comp->xwayland) : NULL;
}

/* A program started for someone else (a RemoteApp client's exec), with the compositor's sockets. */
int
pc_compositor_launch(struct pc_compositor *comp, char *const argv[])
{
	const char *display = pc_compositor_get_x11_display(comp);
	char wayland_var[300], display_var[64];
	char **envp;
	size_t n_env = 0, used = 0;
	int ret;

	if (!argv[0])
		return -1;
	snprintf(wayland_var, sizeof wayland_var, "WAYLAND_DISPLAY=%s", comp->config.socket_name);
	snprintf(display_var, sizeof display_var, "DISPLAY=%s", display ? display : "");
	while (environ[n_env])
		n_env++;
	envp = calloc(n_env + 3, sizeof *envp);
	if (!envp)
		return -1;
	for (size_t i = 0; i < n_env; i++) {
		if (strncmp(environ[i], "WAYLAND_DISPLAY=", 16) != 0 &&
		    strncmp(environ[i], "DISPLAY=", 8) != 0)
			envp[used++] = environ[i];
	}
	envp[used++] = wayland_var;
	if (display)
		envp[used++] = display_var;
	ret = process_spawn_detached(argv, envp);
	free(envp);
	return ret;
}
