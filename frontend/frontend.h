/*
 * porthole-compositor's root context: the options, the log, and the parts the
 * frontend wires together (the compositor, the RDP server, the audio bridge,
 * the control socket). Shared by main.c and control.c only.
 */
#ifndef PORTHOLE_FRONTEND_H
#define PORTHOLE_FRONTEND_H

#include "log.h"
#include "options.h"
#include "rdp-server.h"

struct wl_display;
struct pc_compositor;
struct control_server;
struct rdp_server;
struct rdp_module;
struct rdp_loader;
struct audio_bridge;

struct frontend {
	struct pc_options options;
	struct porthole_log log;
	char runtime_dir[256];
	struct wl_display *display;
	struct pc_compositor *compositor;
	struct control_server *control;
	/* --rdp-listen: the sockets and secrets, before ready; the module, loaded after */
	struct rdp_transport_sockets rdp_sockets;
	struct rdp_secrets rdp_secrets;
	struct rdp_loader *rdp_loader;
	const struct rdp_module *rdp_module;
	struct rdp_server *rdp;     /* NULL until the module is loaded */
	struct audio_bridge *audio; /* NULL unless --pulse-server */
	int exit_code;
};

#endif
