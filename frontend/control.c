#include "control.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <libweston/libweston.h>

#include "config.h"
#include "control-protocol.h"
#include "frontend.h"
#include "log.h"
#include "paths.h"
#include "png-writer.h"
#include "porthole-compositor.h"
#include "rdp-server.h"
#include "strbuf.h"
#include "unix-socket.h"

/*
 * A request must come whole within this long, and no more connections than
 * this are open at once: idle or slow clients cannot fill the fd table.
 */
#define CONTROL_REQUEST_TIMEOUT_MS 5000
#define CONTROL_CONNECTIONS_MAX 16

struct control_server {
	struct frontend *ctx;
	int fd;
	char path[108];
	struct wl_event_source *source;
	struct wl_list connections; /* control_connection::link */
	int n_connections;
	struct damage_capture *capture; /* "capture start": damage read-back for benchmarks */
	struct wl_listener capture_destroy_listener;
};

struct control_connection {
	struct control_server *server;
	struct wl_list link; /* control_server::connections */
	int fd;
	struct wl_event_source *source;
	struct wl_event_source *timeout; /* until the request has come */
	bool requested;                  /* its line has come */
	char request[CONTROL_REQUEST_MAX];
	size_t request_len;
	struct strbuf reply;
	size_t reply_sent;
	struct screenshot *pending_shot;
};

/* --- connections ------------------------------------------------------------- */

static void
control_connection_destroy(struct control_connection *conn)
{
	if (!conn)
		return;
	screenshot_cancel(conn->pending_shot);
	if (conn->source)
		wl_event_source_remove(conn->source);
	if (conn->timeout)
		wl_event_source_remove(conn->timeout);
	conn->server->n_connections--;
	close(conn->fd);
	strbuf_release(&conn->reply);
	wl_list_remove(&conn->link);
	free(conn);
}

static int
control_connection_handle_writable(int fd, uint32_t mask, void *data)
{
	struct control_connection *conn = data;

	while (conn->reply_sent < conn->reply.len) {
		ssize_t n = send(fd, conn->reply.data + conn->reply_sent,
				 conn->reply.len - conn->reply_sent, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return 0;
			break; /* the client went away; nothing to tell it */
		}
		conn->reply_sent += (size_t)n;
	}
	control_connection_destroy(conn);
	return 0;
}

static void
control_connection_send(struct control_connection *conn, const char *error,
			const struct strbuf *payload)
{
	strbuf_release(&conn->reply);
	if (error) {
		strbuf_appendf(&conn->reply, "error %s\n", error);
	} else {
		size_t len = payload ? payload->len : 0;
		strbuf_appendf(&conn->reply, "ok %zu\n", len);
		if (len)
			strbuf_append(&conn->reply, payload->data, len);
	}
	/*
	 * Out of memory: nothing to say but hang up, from the event loop, so
	 * that no caller finds its connection gone under it.
	 */
	if (conn->reply.failed)
		strbuf_release(&conn->reply);
	conn->reply_sent = 0;
	if (conn->source)
		wl_event_source_fd_update(conn->source, WL_EVENT_WRITABLE);
}

static void
control_connection_handle_shot(void *data, struct strbuf *png, const char *error)
{
	struct control_connection *conn = data;

	conn->pending_shot = NULL;
	control_connection_send(conn, error, png);
}

/* --- commands ---------------------------------------------------------------- */

/* A whole decimal int, nothing after it. */
static bool
control_parse_int(const char *text, int *value)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(text, &end, 10);
	if (errno || end == text || *end || v < INT_MIN || v > INT_MAX)
		return false;
	*value = (int)v;
	return true;
}

static void
control_cmd_screenshot(struct control_connection *conn, char **args, int n_args)
{
	struct pc_compositor *compositor = conn->server->ctx->compositor;
	int number = 0;

	/* the reply goes out from control_connection_handle_shot(), now or after a repaint */
	if (n_args == 2 && strcmp(args[0], "window") == 0 && control_parse_int(args[1], &number) &&
	    number >= 0)
		conn->pending_shot = pc_screenshot_window(compositor, (uint32_t)number,
							  control_connection_handle_shot, conn);
	else if (n_args == 0 || (n_args == 2 && strcmp(args[0], "output") == 0 &&
				 control_parse_int(args[1], &number)))
		conn->pending_shot = pc_screenshot_output(compositor, number,
							  control_connection_handle_shot, conn);
	else if (n_args == 2 && strcmp(args[0], "window") == 0)
		control_connection_send(conn, "no such window (see `porthole windows`)", NULL);
	else if (n_args == 2 && strcmp(args[0], "output") == 0)
		control_connection_send(conn, "no such output", NULL);
	else
		control_connection_send(conn, "usage: screenshot [window ID | output N]", NULL);
}

/* "window ID COMMAND [ARGS]": the one place where window commands are text. */
static int
control_window_apply(struct shell_window *window, char **args, int n_args, char *err,
		     size_t err_size)
{
	const char *command = args[0];
	int a, b;

	if (n_args == 1 && strcmp(command, "activate") == 0)
		shell_window_activate(window);
	else if (n_args == 1 && strcmp(command, "restore") == 0)
		shell_window_restore(window);
	else if (n_args == 1 && strcmp(command, "minimize") == 0)
		shell_window_minimize(window);
	else if (n_args == 1 && strcmp(command, "maximize") == 0)
		shell_window_set_maximized(window, true);
	else if (n_args == 1 && strcmp(command, "unmaximize") == 0)
		shell_window_set_maximized(window, false);
	else if (n_args == 1 && strcmp(command, "fullscreen") == 0)
		shell_window_set_fullscreen(window, true);
	else if (n_args == 1 && strcmp(command, "unfullscreen") == 0)
		shell_window_set_fullscreen(window, false);
	else if (n_args == 1 && strcmp(command, "close") == 0)
		shell_window_close(window);
	else if (n_args == 3 && strcmp(command, "move") == 0 && control_parse_int(args[1], &a) &&
		 control_parse_int(args[2], &b))
		return shell_window_move(window, a, b, err, err_size);
	else if (n_args == 3 && strcmp(command, "resize") == 0 && control_parse_int(args[1], &a) &&
		 control_parse_int(args[2], &b))
		return shell_window_resize(window, a, b, err, err_size);
	else {
		snprintf(err, err_size,
			 "unknown window command \"%s\" (activate, minimize, maximize, "
			 "unmaximize, fullscreen, unfullscreen, restore, close, move X Y, "
			 "resize W H)",
			 command);
		return -1;
	}
	return 0;
}

static void
control_cmd_window(struct control_connection *conn, char **args, int n_args)
{
	struct shell_window *window;
	char err[256], *end;
	unsigned long id;

	if (n_args < 2) {
		control_connection_send(conn, "usage: window ID COMMAND [ARGS]", NULL);
		return;
	}
	id = strtoul(args[0], &end, 10);
	window = *end ? NULL : pc_window_find(conn->server->ctx->compositor, id);
	if (!window) {
		control_connection_send(conn, "no such window (see `porthole windows`)", NULL);
		return;
	}
	if (control_window_apply(window, args + 1, n_args - 1, err, sizeof err) < 0)
		control_connection_send(conn, err, NULL);
	else
		control_connection_send(conn, NULL, NULL);
}

static void
control_cmd_input(struct control_connection *conn, char **args, int n_args)
{
	struct pc_compositor *compositor = conn->server->ctx->compositor;
	double x, y;
	unsigned code;

	if (n_args == 3 && strcmp(args[0], "move") == 0 && sscanf(args[1], "%lf", &x) == 1 &&
	    sscanf(args[2], "%lf", &y) == 1) {
		pc_input_pointer_move(compositor, x, y);
	} else if (n_args == 3 && strcmp(args[0], "button") == 0 &&
		   sscanf(args[1], "%u", &code) == 1 &&
		   (strcmp(args[2], "press") == 0 || strcmp(args[2], "release") == 0)) {
		pc_input_pointer_button(compositor, code, strcmp(args[2], "press") == 0);
	} else if (n_args == 3 && strcmp(args[0], "key") == 0 &&
		   sscanf(args[1], "%u", &code) == 1 &&
		   (strcmp(args[2], "press") == 0 || strcmp(args[2], "release") == 0)) {
		pc_input_key(compositor, code, strcmp(args[2], "press") == 0);
	} else {
		control_connection_send(conn,
					"usage: input move X Y | input button CODE press|release "
					"| input key CODE press|release",
					NULL);
		return;
	}
	control_connection_send(conn, NULL, NULL);
}

/* "WxH+X+Y" */
static bool
control_parse_rect(const char *text, struct output_rect *rect)
{
	int end = 0;

	return sscanf(text, "%dx%d+%d+%d%n", &rect->width, &rect->height, &rect->x, &rect->y,
		      &end) == 4 &&
	       text[end] == '\0';
}

static void
control_cmd_output(struct control_connection *conn, char **args, int n_args)
{
	struct pc_compositor *compositor = conn->server->ctx->compositor;
	struct output_layout layout = {0};
	char why[128];
	int a, b, c;

	if (n_args == 3 && strcmp(args[0], "add") == 0 && sscanf(args[1], "%d", &a) == 1 &&
	    sscanf(args[2], "%d", &b) == 1) {
		if (pc_outputs_add(compositor, a, b) < 0) {
			control_connection_send(conn, "cannot add the output", NULL);
			return;
		}
	} else if (n_args == 4 && strcmp(args[0], "resize") == 0 &&
		   sscanf(args[1], "%d", &a) == 1 && sscanf(args[2], "%d", &b) == 1 &&
		   sscanf(args[3], "%d", &c) == 1) {
		if (pc_outputs_resize(compositor, a, b, c) < 0) {
			control_connection_send(conn, "cannot resize: no such output or bad size",
						NULL);
			return;
		}
	} else if (n_args >= 2 && n_args <= OUTPUT_LAYOUT_MAX + 2 &&
		   strcmp(args[0], "layout") == 0) {
		/* a client's layout with its desktop scale: "... scale=PERCENT" at the end */
		if (sscanf(args[n_args - 1], "scale=%d%n", &a, &c) == 1 && !args[n_args - 1][c]) {
			layout.scale_percent = output_scale_percent_valid(a);
			if (!layout.scale_percent) {
				control_connection_send(conn, "a scale is 100..500 (percent)",
							NULL);
				return;
			}
			n_args--;
		}
		if (n_args < 2 || n_args > OUTPUT_LAYOUT_MAX + 1) {
			control_connection_send(conn, "a layout is 1..16 monitors", NULL);
			return;
		}
		for (int i = 1; i < n_args; i++) {
			if (!control_parse_rect(args[i], &layout.rects[layout.n++])) {
				control_connection_send(conn, "a layout is WxH+X+Y ...", NULL);
				return;
			}
		}
		if (output_layout_check(layout.rects, layout.n, why, sizeof why) < 0) {
			control_connection_send(conn, why, NULL);
			return;
		}
		if (pc_outputs_set_layout(compositor, &layout) < 0) {
			control_connection_send(conn, "cannot make the outputs", NULL);
			return;
		}
	} else {
		control_connection_send(conn,
					"usage: output add W H | output resize N W H | "
					"output layout WxH+X+Y ... [scale=PERCENT]",
					NULL);
		return;
	}
	control_connection_send(conn, NULL, NULL);
}

static void
control_server_handle_capture_destroy(struct wl_listener *listener, void *data)
{
	struct control_server *server = wl_container_of(listener, server, capture_destroy_listener);

	wl_list_remove(&server->capture_destroy_listener.link);
	server->capture = NULL;
}

static void
control_cmd_capture(struct control_connection *conn, char **args, int n_args)
{
	struct control_server *server = conn->server;
	struct damage_capture_stats stats;
	struct weston_output *output;
	struct strbuf out;
	int w, h, stride;

	strbuf_init(&out);
	if (n_args == 1 && strcmp(args[0], "start") == 0) {
		output = pc_outputs_get(server->ctx->compositor, 0);
		if (!server->capture && output) {
			server->capture = damage_capture_create(&output, 1);
			if (server->capture) {
				server->capture_destroy_listener.notify =
					control_server_handle_capture_destroy;
				damage_capture_add_destroy_listener(
					server->capture, &server->capture_destroy_listener);
			}
		}
		control_connection_send(conn, server->capture ? NULL : "cannot capture", NULL);
	} else if (n_args == 1 && strcmp(args[0], "stop") == 0) {
		damage_capture_destroy(server->capture);
		control_connection_send(conn, NULL, NULL);
	} else if (n_args == 1 && strcmp(args[0], "stats") == 0 && server->capture) {
		damage_capture_get_stats(server->capture, &stats);
		strbuf_appendf(&out,
			       "{\"frames\":%llu,\"rects\":%llu,\"pixels\":%llu,"
			       "\"readback_ns\":%llu}\n",
			       (unsigned long long)stats.frames, (unsigned long long)stats.rects,
			       (unsigned long long)stats.pixels,
			       (unsigned long long)stats.readback_ns);
		control_connection_send(conn, out.failed ? "out of memory" : NULL, &out);
	} else if (n_args == 1 && strcmp(args[0], "png") == 0 && server->capture) {
		const uint32_t *pixels =
			damage_capture_get_pixels(server->capture, &w, &h, &stride);
		if (png_encode(&out, pixels, w, h, stride, PNG_PIXELS_XRGB32, false) < 0)
			control_connection_send(conn, "cannot encode", NULL);
		else
			control_connection_send(conn, NULL, &out);
	} else {
		control_connection_send(conn,
					"usage: capture start|stop|stats|png (stats and png "
					"after start)",
					NULL);
	}
	strbuf_release(&out);
}

static void
control_cmd_env(struct control_connection *conn)
{
	struct frontend *ctx = conn->server->ctx;
	struct strbuf out;

	strbuf_init(&out);
	strbuf_appendf(&out, "XDG_RUNTIME_DIR=%s\n", ctx->runtime_dir);
	strbuf_appendf(&out, "WAYLAND_DISPLAY=%s\n", ctx->options.socket_name);
	if (pc_compositor_get_x11_display(ctx->compositor))
		strbuf_appendf(&out, "DISPLAY=%s\n",
			       pc_compositor_get_x11_display(ctx->compositor));
	control_connection_send(conn, out.failed ? "out of memory" : NULL, &out);
	strbuf_release(&out);
}

static void
control_connection_dispatch(struct control_connection *conn)
{
	struct frontend *ctx = conn->server->ctx;
	char *args[16], *save = NULL, *cmd;
	int n_args = 0;
	struct strbuf out;

	log_scope(ctx->log.scopes.control, "request: %s\n", conn->request);
	cmd = strtok_r(conn->request, " ", &save);
	for (char *a; n_args < 16 && (a = strtok_r(NULL, " ", &save));)
		args[n_args++] = a;
	if (!cmd) {
		control_connection_send(conn, "empty request", NULL);
		return;
	}

	strbuf_init(&out);
	if (strcmp(cmd, "ping") == 0) {
		strbuf_appendf(&out, "porthole-compositor %s\n", PORTHOLE_VERSION);
		control_connection_send(conn, NULL, &out);
	} else if (strcmp(cmd, "windows") == 0) {
		pc_windows_describe(ctx->compositor, &out,
				    n_args == 1 && strcmp(args[0], "json") == 0);
		control_connection_send(conn, out.failed ? "out of memory" : NULL, &out);
	} else if (strcmp(cmd, "peers") == 0) {
		if (ctx->rdp)
			ctx->rdp_module->server_describe_peers(ctx->rdp, &out);
		control_connection_send(conn, out.failed ? "out of memory" : NULL, &out);
	} else if (strcmp(cmd, "outputs") == 0) {
		pc_outputs_describe(ctx->compositor, &out);
		control_connection_send(conn, out.failed ? "out of memory" : NULL, &out);
	} else if (strcmp(cmd, "screenshot") == 0) {
		control_cmd_screenshot(conn, args, n_args);
	} else if (strcmp(cmd, "window") == 0) {
		control_cmd_window(conn, args, n_args);
	} else if (strcmp(cmd, "input") == 0) {
		control_cmd_input(conn, args, n_args);
	} else if (strcmp(cmd, "output") == 0) {
		control_cmd_output(conn, args, n_args);
	} else if (strcmp(cmd, "capture") == 0) {
		control_cmd_capture(conn, args, n_args);
	} else if (strcmp(cmd, "env") == 0) {
		control_cmd_env(conn);
	} else if (strcmp(cmd, "quit") == 0) {
		weston_log("quit requested on the control socket\n");
		ctx->exit_code = 0;
		wl_display_terminate(ctx->display);
		control_connection_send(conn, NULL, NULL);
		/* the loop ends before it would write: the answer goes now (it may end conn) */
		control_connection_handle_writable(conn->fd, WL_EVENT_WRITABLE, conn);
	} else {
		control_connection_send(conn, "unknown command (see `porthole --help`)", NULL);
	}
	strbuf_release(&out);
}

static int
control_connection_handle_readable(int fd, uint32_t mask, void *data)
{
	struct control_connection *conn = data;
	char *newline;
	ssize_t n;

	if (mask & (WL_EVENT_HANGUP | WL_EVENT_ERROR)) {
		control_connection_destroy(conn);
		return 0;
	}
	n = recv(fd, conn->request + conn->request_len,
		 sizeof conn->request - 1 - conn->request_len, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0) {
		control_connection_destroy(conn);
		return 0;
	}
	conn->request_len += (size_t)n;
	conn->request[conn->request_len] = '\0';
	newline = memchr(conn->request, '\n', conn->request_len);
	if (!newline) {
		if (conn->request_len == sizeof conn->request - 1)
			control_connection_send(conn, "request too long", NULL);
		return 0;
	}
	*newline = '\0';
	/* One request per connection: stop reading, then answer. */
	conn->requested = true;
	wl_event_source_fd_update(conn->source, 0);
	wl_event_source_timer_update(conn->timeout, 0);
	/* every request gets an answer, also one that is not text */
	if (memchr(conn->request, '\0', (size_t)(newline - conn->request)))
		control_connection_send(conn, "a request is one line of text, without NUL bytes",
					NULL);
	else
		control_connection_dispatch(conn);
	return 0;
}

static int
control_connection_handle_timeout(void *data)
{
	struct control_connection *conn = data;

	wl_event_source_fd_update(conn->source, 0);
	control_connection_send(conn, "no whole request in time", NULL);
	return 0;
}

static int
control_connection_handle_event(int fd, uint32_t mask, void *data)
{
	struct control_connection *conn = data;

	if (mask & WL_EVENT_WRITABLE)
		return control_connection_handle_writable(fd, mask, data);
	if (conn->reply.len == 0 && !conn->pending_shot)
		return control_connection_handle_readable(fd, mask, data);
	if (mask & (WL_EVENT_HANGUP | WL_EVENT_ERROR))
		control_connection_destroy(conn);
	return 0;
}

/* --- the listening socket ---------------------------------------------------- */

/*
 * Root, or this process's own user unless told otherwise: in the system distro
 * the service user also runs PulseAudio and Xwayland, whose /proc/PID/root a
 * process of the same uid on the host could walk into the private /run.
 */
static bool
control_peer_allowed(const struct control_server *server, int fd)
{
	struct ucred cred;
	socklen_t len = sizeof cred;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return false;
	return cred.uid == 0 || (!server->ctx->options.control_root_only && cred.uid == geteuid());
}

static bool
control_server_make_room(struct control_server *server)
{
	struct control_connection *conn;

	/* the list holds the newest first */
	wl_list_for_each_reverse(conn, &server->connections, link)
	{
		if (!conn->requested) {
			log_scope(server->ctx->log.scopes.control,
				  "%d connections: dropping the oldest without a request\n",
				  server->n_connections);
			control_connection_destroy(conn);
			return true;
		}
	}
	return false;
}

static int
control_server_handle_accept(int fd, uint32_t mask, void *data)
{
	struct control_server *server = data;
	struct wl_event_loop *loop = wl_display_get_event_loop(server->ctx->display);
	struct control_connection *conn;
	int client = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (client < 0)
		return 0;
	if (!control_peer_allowed(server, client)) {
		weston_log("control socket: a connection from another user was refused\n");
		close(client);
		return 0;
	}
	/* full: the connection that has waited longest without a request makes room */
	if (server->n_connections >= CONTROL_CONNECTIONS_MAX && !control_server_make_room(server)) {
		close(client);
		return 0;
	}
	conn = calloc(1, sizeof *conn);
	if (!conn) {
		close(client);
		return 0;
	}
	conn->server = server;
	conn->fd = client;
	strbuf_init(&conn->reply);
	wl_list_insert(&server->connections, &conn->link);
	server->n_connections++;
	conn->source = wl_event_loop_add_fd(loop, client, WL_EVENT_READABLE,
					    control_connection_handle_event, conn);
	conn->timeout = wl_event_loop_add_timer(loop, control_connection_handle_timeout, conn);
	if (!conn->source || !conn->timeout) {
		control_connection_destroy(conn);
		return 0;
	}
	wl_event_source_timer_update(conn->timeout, CONTROL_REQUEST_TIMEOUT_MS);
	return 0;
}

struct control_server *
control_server_create(struct frontend *ctx)
{
	struct wl_event_loop *loop = wl_display_get_event_loop(ctx->display);
	struct control_server *server = calloc(1, sizeof *server);

	if (!server)
		return NULL;
	server->ctx = ctx;
	server->fd = -1;
	wl_list_init(&server->connections);
	if (ctx->options.control_socket
		    ? path_printf(server->path, sizeof server->path, "%s",
				  ctx->options.control_socket) < 0
		    : control_socket_path(server->path, sizeof server->path, ctx->runtime_dir,
					  ctx->options.socket_name) < 0) {
		weston_log("control socket path too long (a unix socket path has 107 bytes)\n");
		goto err;
	}
	/* 0600 from the start: no window in which another user could connect. */
	server->fd = unix_socket_listen(server->path, 0600, SOCK_NONBLOCK);
	if (server->fd < 0) {
		weston_log("cannot listen on the control socket %s: %s\n", server->path,
			   strerror(errno));
		goto err;
	}
	server->source = wl_event_loop_add_fd(loop, server->fd, WL_EVENT_READABLE,
					      control_server_handle_accept, server);
	if (!server->source)
		goto err;
	weston_log("control socket: %s\n", server->path);
	return server;

err:
	control_server_destroy(server);
	return NULL;
}

void
control_server_destroy(struct control_server *server)
{
	struct control_connection *conn, *tmp;

	if (!server)
		return;
	wl_list_for_each_safe(conn, tmp, &server->connections, link)
		control_connection_destroy(conn);
	damage_capture_destroy(server->capture);
	if (server->source)
		wl_event_source_remove(server->source);
	if (server->fd >= 0) {
		close(server->fd);
		unlink(server->path);
	}
	free(server);
}
