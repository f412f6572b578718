/*
 * porthole-compositor: parses options, builds the root context, runs the event
 * loop. Everything else lives in the modules it creates.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <libweston/libweston.h>

#include "audio-bridge.h"
#include "config.h"
#include "control.h"
#include "frontend.h"
#include "porthole-compositor.h"
#include "rdp-loader.h"
#include "rdp-server.h"
#include "service-notify.h"

#if defined(__SANITIZE_ADDRESS__)
/* LeakSanitizer stops the process's threads with ptrace at exit, which a non-dumpable
 * process without CAP_SYS_PTRACE refuses: the check must still run. */
static void
main_dumpable_again(void)
{
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
}
#endif

/*
 * The RDP password and TLS key live in this process: no other process of the
 * same user (a user-distro app, a host process of uid 1000) may read its
 * memory or its /proc files, or ptrace it.
 */
static void
main_keep_secrets(void)
{
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		fprintf(stderr, "porthole-compositor: cannot make the process non-dumpable: %s\n",
			strerror(errno));
#if defined(__SANITIZE_ADDRESS__)
	atexit(main_dumpable_again);
#endif
}

static int
main_handle_terminate(int signal_number, void *data)
{
	struct frontend *ctx = data;

	weston_log("caught signal %d, exiting\n", signal_number);
	ctx->exit_code = 0;
	wl_display_terminate(ctx->display);
	return 1;
}

static int
main_parse_options(struct frontend *ctx, int argc, char *argv[], char *config_error,
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
main_find_runtime_dir(struct frontend *ctx)
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
main_add_socket(struct frontend *ctx)
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

static struct pc_compositor *
main_create_compositor(struct frontend *ctx)
{
	const struct pc_options *o = &ctx->options;
	struct pc_compositor_config config = {
		.renderer = o->renderer,
		.shell_mode = o->shell_mode,
		.width = o->width,
		.height = o->height,
		.scale_percent = o->scale_percent,
		.xwayland = o->xwayland,
		.xwayland_glx = o->xwayland_glx,
		.repeat_rate = o->repeat_rate,
		.repeat_delay = o->repeat_delay,
		.x11_dir = o->x11_dir,
		.x11_display = o->x11_display,
		.socket_name = o->socket_name,
		.background_color = o->background_color,
		.cascade_step = o->cascade_step,
		.keymap =
			{
				.rules = o->keymap_rules,
				.model = o->keymap_model,
				.layout = o->keymap_layout,
				.variant = o->keymap_variant,
				.options = o->keymap_options,
			},
		.scopes = &ctx->log.scopes,
	};

	return pc_compositor_create(ctx->display, ctx->log.context, &config);
}

/*
 * Before ready: the RDP sockets listen (a client waits in the queue until the
 * module is loaded) and the secrets are read; what is wrong is said now.
 */
static int
main_prepare_rdp(struct frontend *ctx)
{
	const struct pc_options *o = &ctx->options;
	struct rdp_secrets_sources sources = {
		.user = o->rdp_user,
		.password_file = o->rdp_password_file,
		.tls_cert = o->rdp_tls_cert,
		.tls_key = o->rdp_tls_key,
		.runtime_dir = ctx->runtime_dir,
		.socket_name = o->socket_name,
	};
	char err[512];

	if (rdp_transport_open(o->rdp_listen, &ctx->rdp_sockets, err, sizeof err) < 0) {
		weston_log("rdp: %s\n", err);
		return -1;
	}
	/* TCP reaches other users and machines: there, credentials are required. */
	if (ctx->rdp_sockets.reachable_remotely && (!o->rdp_user || !o->rdp_password_file)) {
		weston_log("rdp: a TCP listener needs --rdp-user and --rdp-password-file\n");
		return -1;
	}
	return rdp_secrets_load(&ctx->rdp_secrets, &sources);
}

/* The module is loaded (or could not be): the server starts, or the compositor stops. */
static void
main_start_rdp_server(void *data, const struct rdp_module *module)
{
	struct frontend *ctx = data;
	const struct pc_options *o = &ctx->options;
	struct rdp_server_config config = {
		.listen = o->rdp_listen,
		.sockets = &ctx->rdp_sockets,
		.user = o->rdp_user,
		.secrets = &ctx->rdp_secrets,
		.mode = o->rdp_mode,
		.codec = o->rdp_codec,
		.rail_exec = o->rdp_rail_exec,
		.clipboard_max_mb = o->rdp_clipboard_max_mb,
		.scopes = &ctx->log.scopes,
		.audio = ctx->audio,
	};

	ctx->rdp_module = module;
	if (module)
		ctx->rdp = module->server_create(ctx->compositor, &config);
	if (!ctx->rdp) {
		weston_log("the RDP server cannot start: porthole-compositor stops\n");
		ctx->exit_code = 1;
		wl_display_terminate(ctx->display);
	}
}

static void
main_teardown(struct frontend *ctx)
{
	if (ctx->rdp)
		ctx->rdp_module->server_destroy(ctx->rdp);
	rdp_loader_destroy(ctx->rdp_loader);
	rdp_transport_close(&ctx->rdp_sockets);
	rdp_secrets_release(&ctx->rdp_secrets);
	audio_bridge_destroy(ctx->audio);
	control_server_destroy(ctx->control);
	/* Clients first, while the shell and seat still take their goodbyes:
	 * wl_display_destroy() would leave them alive. */
	if (ctx->display)
		wl_display_destroy_clients(ctx->display);
	pc_compositor_destroy(ctx->compositor);
	if (ctx->display)
		wl_display_destroy(ctx->display);
	log_close(&ctx->log);
	options_release(&ctx->options);
}

int
main(int argc, char *argv[])
{
	struct frontend ctx = {.exit_code = 1};
	struct wl_event_source *signals[2] = {NULL, NULL};
	struct wl_event_loop *loop;
	char config_error[600] = "";
	int ret;

	main_keep_secrets();
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

	if (ctx.options.rdp_listen && main_prepare_rdp(&ctx) < 0)
		goto out;
	ctx.compositor = main_create_compositor(&ctx);
	if (!ctx.compositor)
		goto out;
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
	/*
	 * Side by side with the first clients. Not earlier: dlopen() holds the
	 * loader's lock for the whole load, and libweston's own dlopen() of its
	 * Xwayland module (in the compositor's creation) waited for all of it.
	 */
	if (ctx.options.rdp_listen &&
	    !(ctx.rdp_loader = rdp_loader_start(loop, main_start_rdp_server, &ctx)))
		goto out;
	pc_compositor_wake(ctx.compositor);
	weston_log("ready\n");
	/* Every socket accepts from here on (RDP clients are served once the
	 * module is loaded): tell the supervisor, then forget
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
