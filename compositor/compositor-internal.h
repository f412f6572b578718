/*
 * What the compositor's files share: its root object. Private to compositor/;
 * everyone else goes through porthole-compositor.h.
 */
#ifndef PORTHOLE_COMPOSITOR_INTERNAL_H
#define PORTHOLE_COMPOSITOR_INTERNAL_H

#include <stdbool.h>

#include <wayland-server-core.h>

#include "log.h"
#include "porthole-compositor.h"

struct weston_compositor;
struct output_manager;
struct shell;
struct pc_xwayland;
struct pc_seat;
struct process_watch;
struct background;

struct pc_compositor {
	struct wl_display *display;
	struct weston_compositor *compositor;
	/* the config it was made with; the strings are its own copies */
	struct pc_compositor_config config;
	const struct log_scopes *scopes;
	enum pc_renderer renderer; /* the one in use: never PC_RENDERER_AUTO */

	struct process_watch *processes;
	struct output_manager *outputs;
	struct pc_seat *seat;
	struct shell *shell;
	struct background *background; /* GL renderer only */
	struct pc_xwayland *xwayland;  /* NULL unless asked for */
	struct primary_selection *primary_selection;
	struct data_control *data_control;
};

/*
 * Whether the caller of a weston_data_source's send(), given by its return
 * address, closes the fd again once send() returns (libweston 10's X11 window
 * manager does; every other caller leaves the fd to the source).
 */
bool pc_clipboard_caller_closes_fd(void *return_address);

#endif
