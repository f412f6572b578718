/*
 * What the compositor's files share: the root context of the process.
 *
 * Threading: libweston is touched only on the compositor thread, the one that
 * runs the Wayland event loop. Nothing in this folder starts another thread.
 */
#ifndef PORTHOLE_COMPOSITOR_INTERNAL_H
#define PORTHOLE_COMPOSITOR_INTERNAL_H

#include <wayland-server-core.h>

#include "log.h"
#include "options.h"

struct weston_compositor;
struct weston_log_context;
struct weston_log_scope;
struct weston_log_subscriber;
struct output_manager;
struct rail_shell;
struct pc_xwayland;
struct pc_seat;
struct control_server;
struct process_watch;
struct background;
struct rdp_server;
struct audio_bridge;

struct pc_context {
	struct wl_display *display;
	struct weston_compositor *compositor;
	struct porthole_log log;
	struct pc_options options;
	enum pc_renderer renderer; /* the one in use: never PC_RENDERER_AUTO */
	char runtime_dir[256];

	struct process_watch *processes;
	struct output_manager *outputs;
	struct pc_seat *seat;
	struct rail_shell *shell;
	struct background *background; /* GL renderer only */
	struct pc_xwayland *xwayland;  /* NULL unless --xwayland */
	struct control_server *control;
	struct rdp_server *rdp;     /* NULL unless --rdp-listen */
	struct audio_bridge *audio; /* NULL unless --pulse-server */

	int exit_code;
};

#endif
