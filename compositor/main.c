/*
 * porthole-compositor: parses options, builds the root context, runs the event
 * loop. Everything else lives in the modules it creates.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libweston/libweston.h>

#include "audio-bridge.h"
#include "compositor-internal.h"
#include "config.h"
#include "background.h"
#include "control.h"
#include "log.h"
#include "output.h"
#include "process.h"
#include "rail-shell.h"
#include "rdp-server.h"
#include "seat.h"
#include "service-notify.h"
#include "xwayland.h"

/* libweston's repaint window for outputs without a vblank (see main()) */
#define PC_REPAINT_WINDOW_MS 15

static int
main_handle_terminate(int signal_number, void *data)
{
	struct pc_context *ctx = data;

	weston_log("caught signal %d, exiting\n", signal_number);
	ctx->exit_code = 0;
	wl_display_terminate(ctx->display);
	return 1;
}

static int
main_parse_options(struct pc_context *ctx, int argc, char *argv[], char *config_error,
		   size_t config_error_size)
{
	char err[512];

	options_init_defaults(&ctx->options);
	if (options_parse_argv(&ctx->options, argc, argv, true, err, sizeof err) < 0) {
		fprintf(stderr, "porthole-compositor: %s\n", err);
		return 2;
	}
	if (ctx->options.help) {
		options_print_help(argv[0]);
		return 0;
	}
	if (ctx->options.config_path &&
	    options_load_config(&ctx->options, ctx->options.config_path, err, sizeof err) < 0) {
		/* A bad config never stops the compositor: say where, use defaults. The
		 * log is not open yet; main() repeats this line there. */
		snprintf(config_error, config_error_size, "config %s; using defaults", err);
		fprintf(stderr, "porthole-compositor: %s\n", config_error);
	}
	if (options_parse_argv(&ctx->options, argc, argv, false, err, sizeof err) < 0) {
		fprintf(stderr, "porthole-compositor: %s\n", err);
		return 2;
	}
	return -1;
}

static int
main_find_runtime_dir(struct pc_context *ctx)
{
	const char *dir = getenv("XDG_RUNTIME_DIR");

	if (!dir || dir[0] != '/') {
		fprintf(stderr, "porthole-compositor: XDG_RUNTIME_DIR is not set; set it to a "
				"private directory (mode 0700), e.g. /run/user/$(id -u)\n");
		return -1;
	}
	if ((size_t)snprintf(ctx->runtime_dir, sizeof ctx->runtime_dir, "%s", dir) >=
	    sizeof ctx->runtime_dir) {
		fprintf(stderr, "porthole-compositor: XDG_RUNTIME_DIR is too long\n");
		return -1;
	}
	return 0;
}

static int
main_add_socket(struct pc_context *ctx)
{
	if (wl_display_add_socket(ctx->display, ctx->options.socket_name) < 0) {
		weston_log("cannot create the Wayland socket %s/%s: %s (another compositor "
			   "may use it; pick another with --socket)\n",
			   ctx->runtime_dir, ctx->options.socket_name, strerror(errno));
		return -1;
	}
	setenv("WAYLAND_DISPLAY", ctx->options.socket_name, 1);
	weston_log("Wayland socket: %s/%s\n", ctx->runtime_dir, ctx->options.socket_name);
	return 0;
}

static void
main_teardown(struct pc_context *ctx)
{
	rdp_server_destroy(ctx->rdp);
	audio_bridge_destroy(ctx->audio);
	control_server_destroy(ctx->control);
	/* Clients first, while the shell and seat still take their goodbyes:
	 * wl_display_destroy() would leave them alive. */
	if (ctx->display)
		wl_display_destroy_clients(ctx->display);
	background_destroy(ctx->background);
	pc_xwayland_destroy(ctx->xwayland);
	rail_shell_destroy(ctx->shell);
	pc_seat_destroy(ctx->seat);
	output_manager_destroy(ctx->outputs);
	process_watch_destroy(ctx->processes);
	if (ctx->compositor)
		weston_compositor_destroy(ctx->compositor);
	if (ctx->display)
		wl_display_destroy(ctx->display);
	log_close(&ctx->log);
	options_release(&ctx->options);
}

int
main(int argc, char *argv[])
{
	struct pc_context ctx = {.exit_code = 1};
	struct wl_event_source *signals[2] = {NULL, NULL};
	struct wl_event_loop *loop;
	char config_error[600] = "";
	int ret;

	ret = main_parse_options(&ctx, argc, argv, config_error, sizeof config_error);
	if (ret >= 0) {
		options_release(&ctx.options);
		return ret;
	}
	if (main_find_runtime_dir(&ctx) < 0 || log_open(&ctx.log, ctx.options.log_path) < 0) {
		options_release(&ctx.options);
		return 1;
	}
	log_subscribe(&ctx.log, ctx.options.debug_scopes);
	weston_log("porthole-compositor %s starting\n", PORTHOLE_VERSION);
	if (config_error[0])
		weston_log("%s\n", config_error);

	ctx.display = wl_display_create();
	if (!ctx.display)
		goto out;
	loop = wl_display_get_event_loop(ctx.display);
	signals[0] = wl_event_loop_add_signal(loop, SIGTERM, main_handle_terminate, &ctx);
	signals[1] = wl_event_loop_add_signal(loop, SIGINT, main_handle_terminate, &ctx);
	/* A client that dies mid-write must not take the compositor with it. */
	signal(SIGPIPE, SIG_IGN);

	ctx.processes = process_watch_create(ctx.display);
	if (!ctx.processes)
		goto out;
	ctx.compositor = weston_compositor_create(ctx.display, ctx.log.context, &ctx, NULL);
	if (!ctx.compositor)
		goto out;
	ctx.compositor->vt_switching = false;
	/*
	 * libweston repaints an output refresh-minus-this after its last frame
	 * ended, leaving that much time to meet the vblank. The headless outputs
	 * have no vblank: the frame ends on a 16 ms timer, and RDP clients pace us
	 * with their acknowledgements. A window of 15 ms repaints 1.7 ms after
	 * that (the 7 ms default waited 9.7 ms): a change that comes while idle
	 * reaches the peer that much sooner, and busy frames come every 18 ms
	 * instead of every 26.
	 */
	ctx.compositor->repaint_msec = PC_REPAINT_WINDOW_MS;
	ctx.outputs = output_manager_create(&ctx, ctx.options.renderer, ctx.options.width,
					    ctx.options.height, &ctx.renderer);
	if (!ctx.outputs)
		goto out;
	ctx.seat = pc_seat_create(&ctx);
	if (!ctx.seat)
		goto out;
	/* Before the shell: the shell asks the xwayland module which surfaces are X11. */
	if (ctx.options.xwayland) {
		ctx.xwayland = pc_xwayland_create(&ctx, ctx.options.x11_dir);
		if (!ctx.xwayland)
			weston_log("continuing without X11 support\n");
	}
	ctx.shell = rail_shell_create(&ctx);
	if (!ctx.shell)
		goto out;
	if (ctx.renderer == PC_RENDERER_GL) {
		uint32_t color = ctx.options.shell_mode == PC_SHELL_DESKTOP
					 ? ctx.options.background_color
					 : 0xff000000;
		ctx.background = background_create(&ctx, color);
		if (!ctx.background)
			weston_log("no background client: uncovered areas may show stale "
				   "pixels\n");
	}
	if (main_add_socket(&ctx) < 0)
		goto out;
	ctx.control = control_server_create(&ctx);
	if (!ctx.control)
		goto out;
	if (ctx.options.pulse_server) {
		/* Before the RDP server: its peers register with the bridge. */
		ctx.audio =
			audio_bridge_create(loop, ctx.options.pulse_server, ctx.log.scopes.audio);
		if (!ctx.audio)
			goto out;
	}
	if (ctx.options.rdp_listen) {
		struct rdp_server_config rdp = {
			.listen = ctx.options.rdp_listen,
			.user = ctx.options.rdp_user,
			.password_file = ctx.options.rdp_password_file,
			.tls_cert = ctx.options.rdp_tls_cert,
			.tls_key = ctx.options.rdp_tls_key,
			.mode = ctx.options.rdp_mode,
			.codec = ctx.options.rdp_codec,
			.rail_exec = ctx.options.rdp_rail_exec,
		};
		ctx.rdp = rdp_server_create(&ctx, &rdp);
		if (!ctx.rdp)
			goto out;
	}

	weston_compositor_wake(ctx.compositor);
	weston_log("ready\n");
	/* Every socket accepts from here on: tell the supervisor, then forget
	 * its address so no child of ours (Xwayland, apps) speaks for us. */
	if (service_notify("READY=1") < 0)
		weston_log("cannot tell the supervisor we are ready (NOTIFY_SOCKET=%s): %s\n",
			   getenv("NOTIFY_SOCKET"), strerror(errno));
	unsetenv("NOTIFY_SOCKET");
	ctx.exit_code = 0;
	wl_display_run(ctx.display);

out:
	for (int i = 0; i < 2; i++) {
		if (signals[i])
			wl_event_source_remove(signals[i]);
	}
	ret = ctx.exit_code;
	main_teardown(&ctx);
	return ret;
}
