#include "xwayland.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libweston/libweston.h>
#include <libweston/xwayland-api.h>

#include "compositor-internal.h"
#include "config.h"
#include "log.h"
#include "process.h"
#include "x11-socket.h"
#include "xwayland-log.h"

#define XWAYLAND_LIBWESTON_DIR "/tmp/.X11-unix"

struct pc_xwayland {
	struct pc_compositor *comp;
	const struct weston_xwayland_api *api;
	struct weston_xwayland *xwayland;
	char display_name[16];
	int display;
	char *x11_dir;
	int wanted_display; /* 0: the first free one */

	/* our socket in x11_dir when it is not libweston's /tmp/.X11-unix */
	int dir_fd;
	struct wl_event_source *dir_source;
	int kick_fd; /* wakes libweston's listener on behalf of a client of dir_fd */

	struct pc_process process; /* pid 0 when no server runs */
	struct wl_client *client;
	struct wl_listener client_destroy_listener;
	int wm_fd;
	/* the server's socket for the compositor's own connections; length 0: none */
	struct sockaddr_un private_address;
	socklen_t private_length;
	int displayfd;
	struct wl_event_source *displayfd_source;
	struct xwayland_log *log; /* its stderr, from its start until the next one */
};

static void xwayland_handle_process_exit(struct pc_process *process, int status);

static void
xwayland_close_kick(struct pc_xwayland *xw)
{
	if (xw->kick_fd >= 0)
		close(xw->kick_fd);
	xw->kick_fd = -1;
}

static void
xwayland_close_startup(struct pc_xwayland *xw)
{
	if (xw->displayfd_source)
		wl_event_source_remove(xw->displayfd_source);
	xw->displayfd_source = NULL;
	if (xw->displayfd >= 0)
		close(xw->displayfd);
	xw->displayfd = -1;
}

/* Xwayland writes its display number to -displayfd once it accepts clients. */
static int
xwayland_handle_displayfd(int fd, uint32_t mask, void *data)
{
	struct pc_xwayland *xw = data;
	char buf[16];
	ssize_t n = read(fd, buf, sizeof buf);

	/*
	 * Stop watching, but keep the pipe open until the server exits: Xwayland
	 * may write its number again and dies if the pipe is closed under it.
	 */
	wl_event_source_remove(xw->displayfd_source);
	xw->displayfd_source = NULL;
	if (n <= 0 || !xw->client) {
		weston_log("xwayland: server exited before it was ready\n");
		return 0;
	}
	log_scope(xw->comp->scopes->xwayland, "Xwayland %d ready on %s\n", xw->process.pid,
		  xw->display_name);
	xw->api->xserver_loaded(xw->xwayland, xw->client, xw->wm_fd);
	xw->wm_fd = -1; /* the window manager owns it now */
	xwayland_close_kick(xw);
	return 0;
}

static void
xwayland_handle_client_destroy(struct wl_listener *listener, void *data)
{
	struct pc_xwayland *xw = wl_container_of(listener, xw, client_destroy_listener);

	wl_list_remove(&xw->client_destroy_listener.link);
	wl_list_init(&xw->client_destroy_listener.link);
	xw->client = NULL;
}

static int
xwayland_clear_cloexec(int fd)
{
	int flags = fcntl(fd, F_GETFD);

	return flags < 0 ? -1 : fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC);
}

/* See enum pc_xwayland_glx: without a GPU, GLX costs LLVM in every Xwayland. */
static bool
xwayland_wants_glx(const struct pc_xwayland *xw)
{
	switch (xw->comp->config.xwayland_glx) {
	case PC_XWAYLAND_GLX_ON:
		return true;
	case PC_XWAYLAND_GLX_OFF:
		return false;
	case PC_XWAYLAND_GLX_AUTO:
		break;
	}
	return xw->comp->renderer == PC_RENDERER_GL;
}

static void __attribute__((noreturn))
xwayland_exec(struct pc_xwayland *xw, const char *display, int abstract_fd, int unix_fd,
	      int private_fd, int wayland_fd, int wm_fd, int display_fd, int stderr_fd)
{
	char wayland_str[16], abstract_str[16], unix_str[16], dir_str[16], private_str[16],
		wm_str[16], displayfd_str[16];
	const char *argv[22];
	int argc = 0;
	sigset_t all;

	/* The event loop blocks SIGCHLD for its signalfd; the server needs it back. */
	sigfillset(&all);
	sigprocmask(SIG_UNBLOCK, &all, NULL);

	process_keep_fds_from_children();
	if (stderr_fd >= 0)
		dup2(stderr_fd, STDERR_FILENO);
	if (xwayland_clear_cloexec(wayland_fd) < 0 || xwayland_clear_cloexec(wm_fd) < 0 ||
	    xwayland_clear_cloexec(display_fd) < 0 || xwayland_clear_cloexec(unix_fd) < 0 ||
	    (abstract_fd >= 0 && xwayland_clear_cloexec(abstract_fd) < 0) ||
	    (private_fd >= 0 && xwayland_clear_cloexec(private_fd) < 0) ||
	    (xw->dir_fd >= 0 && xwayland_clear_cloexec(xw->dir_fd) < 0))
		_exit(127);

	snprintf(wayland_str, sizeof wayland_str, "%d", wayland_fd);
	setenv("WAYLAND_SOCKET", wayland_str, 1);
	snprintf(unix_str, sizeof unix_str, "%d", unix_fd);
	snprintf(wm_str, sizeof wm_str, "%d", wm_fd);
	snprintf(displayfd_str, sizeof displayfd_str, "%d", display_fd);

	argv[argc++] = XWAYLAND_PATH;
	argv[argc++] = display;
	argv[argc++] = "-rootless";
	if (!xwayland_wants_glx(xw)) {
		argv[argc++] = "-extension";
		argv[argc++] = "GLX";
	}
	/* Without a GPU glamor would fall back to llvmpipe after probing it: 400 ms at
	 * every start and 44 MB of LLVM resident, to draw what fb draws as well. */
	if (xw->comp->renderer == PC_RENDERER_PIXMAN)
		argv[argc++] = "-shm";
	if (abstract_fd >= 0) {
		snprintf(abstract_str, sizeof abstract_str, "%d", abstract_fd);
		argv[argc++] = "-listenfd";
		argv[argc++] = abstract_str;
	}
	argv[argc++] = "-listenfd";
	argv[argc++] = unix_str;
	if (xw->dir_fd >= 0) {
		snprintf(dir_str, sizeof dir_str, "%d", xw->dir_fd);
		argv[argc++] = "-listenfd";
		argv[argc++] = dir_str;
	}
	if (private_fd >= 0) {
		snprintf(private_str, sizeof private_str, "%d", private_fd);
		argv[argc++] = "-listenfd";
		argv[argc++] = private_str;
	}
	argv[argc++] = "-wm";
	argv[argc++] = wm_str;
	argv[argc++] = "-displayfd";
	argv[argc++] = displayfd_str;
	/* exit with the last X client; the next connection starts a fresh server */
	argv[argc++] = "-terminate";
	argv[argc] = NULL;
	execv(XWAYLAND_PATH, (char *const *)argv);
	fprintf(stderr, "porthole-compositor: cannot run %s: %s\n", XWAYLAND_PATH, strerror(errno));
	_exit(127);
}

/*
 * A listening socket for the compositor's own connections (x11-classes.c),
 * bound by the kernel to an abstract name of its choosing; -1 if none could
 * be made (X11 windows then go without a class).
 */
static int
xwayland_private_listen(struct pc_xwayland *xw)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	socklen_t length = sizeof xw->private_address;

	xw->private_length = 0;
	if (fd < 0)
		return -1;
	/* an address of the family alone: the kernel picks a free abstract name */
	xw->private_address = (struct sockaddr_un){.sun_family = AF_UNIX};
	if (bind(fd, (struct sockaddr *)&xw->private_address, sizeof(sa_family_t)) < 0 ||
	    listen(fd, 8) < 0 ||
	    getsockname(fd, (struct sockaddr *)&xw->private_address, &length) < 0) {
		weston_log("xwayland: no socket of the compositor's own: %s\n", strerror(errno));
		close(fd);
		return -1;
	}
	xw->private_length = length;
	return fd;
}

static pid_t
xwayland_spawn(void *user_data, const char *display, int abstract_fd, int unix_fd)
{
	struct pc_xwayland *xw = user_data;
	struct wl_event_loop *loop = wl_display_get_event_loop(xw->comp->display);
	int wayland_sv[2], wm_sv[2], ready[2], err[2] = {-1, -1}, private_fd;
	pid_t pid;

	if (xw->process.pid > 0)
		return xw->process.pid;
	private_fd = xwayland_private_listen(xw);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, wayland_sv) < 0)
		goto err_wayland;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, wm_sv) < 0)
		goto err_wm;
	if (pipe2(ready, O_CLOEXEC) < 0)
		goto err_ready;
	/* without its own pipe, its stderr is the compositor's, unfiltered */
	if (pipe2(err, O_CLOEXEC | O_NONBLOCK) < 0)
		err[0] = err[1] = -1;

	pid = fork();
	if (pid < 0)
		goto err_fork;
	if (pid == 0)
		xwayland_exec(xw, display, abstract_fd, unix_fd, private_fd, wayland_sv[1],
			      wm_sv[1], ready[1], err[1]);

	/* only the server holds it: when it dies, connecting there fails */
	if (private_fd >= 0)
		close(private_fd);
	close(wayland_sv[1]);
	close(wm_sv[1]);
	close(ready[1]);
	xwayland_log_destroy(xw->log);
	xw->log = NULL;
	if (err[1] >= 0) {
		close(err[1]);
		xw->log = xwayland_log_create(loop, err[0]);
	}
	xw->process.pid = pid;
	xw->process.exited = xwayland_handle_process_exit;
	process_watch_add(xw->comp->processes, &xw->process);
	xw->wm_fd = wm_sv[0];
	xw->client = wl_client_create(xw->comp->display, wayland_sv[0]);
	if (xw->client) {
		xw->client_destroy_listener.notify = xwayland_handle_client_destroy;
		wl_client_add_destroy_listener(xw->client, &xw->client_destroy_listener);
	} else {
		close(wayland_sv[0]);
	}
	xw->displayfd = ready[0];
	xw->displayfd_source = wl_event_loop_add_fd(loop, ready[0], WL_EVENT_READABLE,
						    xwayland_handle_displayfd, xw);
	if (xw->dir_source) {
		/* Xwayland accepts on our socket itself while it runs. */
		wl_event_source_remove(xw->dir_source);
		xw->dir_source = NULL;
	}
	weston_log("xwayland: started Xwayland %d for %s%s\n", pid, display,
		   xwayland_wants_glx(xw) ? ""
					  : " without GLX (no GPU; [core] xwayland-glx=on for apps "
					    "that draw with GLX)");
	return pid;

err_fork:
	if (err[0] >= 0) {
		close(err[0]);
		close(err[1]);
	}
	close(ready[0]);
	close(ready[1]);
err_ready:
	close(wm_sv[0]);
	close(wm_sv[1]);
err_wm:
	close(wayland_sv[0]);
	close(wayland_sv[1]);
err_wayland:
	weston_log("xwayland: cannot start Xwayland: %s\n", strerror(errno));
	if (private_fd >= 0)
		close(private_fd);
	xw->private_length = 0;
	return -1;
}

/*
 * A client reached our socket in x11_dir while no server runs. libweston starts
 * Xwayland only when its own listening socket wakes, so connect to that one.
 */
static int
xwayland_handle_dir_connection(int fd, uint32_t mask, void *data)
{
	struct pc_xwayland *xw = data;
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	socklen_t len;

	if (xw->kick_fd >= 0 || xw->process.pid > 0)
		return 0;
	/* Abstract name first, as libxcb does; then the path. */
	snprintf(addr.sun_path + 1, sizeof addr.sun_path - 1, "%s/X%d", XWAYLAND_LIBWESTON_DIR,
		 xw->display);
	len = offsetof(struct sockaddr_un, sun_path) + 1 + strlen(addr.sun_path + 1);
	xw->kick_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (xw->kick_fd < 0)
		return 0;
	if (connect(xw->kick_fd, (struct sockaddr *)&addr, len) == 0)
		return 0;
	snprintf(addr.sun_path, sizeof addr.sun_path, "%s/X%d", XWAYLAND_LIBWESTON_DIR,
		 xw->display);
	if (connect(xw->kick_fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
		weston_log("xwayland: cannot wake the X11 listener: %s\n", strerror(errno));
		xwayland_close_kick(xw);
	}
	return 0;
}

static void
xwayland_watch_dir_socket(struct pc_xwayland *xw)
{
	struct wl_event_loop *loop = wl_display_get_event_loop(xw->comp->display);

	if (xw->dir_fd >= 0 && !xw->dir_source)
		xw->dir_source = wl_event_loop_add_fd(loop, xw->dir_fd, WL_EVENT_READABLE,
						      xwayland_handle_dir_connection, xw);
}

static void
xwayland_handle_exit(struct pc_xwayland *xw, int status)
{
	if (WIFSIGNALED(status))
		weston_log("xwayland: Xwayland killed by signal %d\n", WTERMSIG(status));
	else
		weston_log("xwayland: Xwayland exited with status %d\n", WEXITSTATUS(status));
	xwayland_close_startup(xw);
	xwayland_close_kick(xw);
	xw->private_length = 0;
	if (xw->wm_fd >= 0)
		close(xw->wm_fd);
	xw->wm_fd = -1;
	if (xw->client)
		wl_client_destroy(xw->client);
	/* libweston listens again; the next X11 connection starts a new server */
	xw->api->xserver_exited(xw->xwayland, status);
	xwayland_watch_dir_socket(xw);
}

static void
xwayland_handle_process_exit(struct pc_process *process, int status)
{
	struct pc_xwayland *xw = wl_container_of(process, xw, process);

	xwayland_handle_exit(xw, status);
}

static int
xwayland_listen(struct pc_xwayland *xw)
{
	bool own_dir = strcmp(xw->x11_dir, XWAYLAND_LIBWESTON_DIR) != 0;
	unsigned long long reserved = 0;
	int ret;

	/* libweston binds its socket there but does not create the directory. */
	if (mkdir(XWAYLAND_LIBWESTON_DIR, 01777) == 0)
		chmod(XWAYLAND_LIBWESTON_DIR, 01777);
	/*
	 * libweston picks the first number free by its lock file: locks of our own
	 * steer it past numbers our directory has live, and to the one asked for.
	 */
	x11_lock_reserve("/tmp", own_dir ? xw->x11_dir : NULL, xw->wanted_display, &reserved);
	ret = xw->api->listen(xw->xwayland, xw, xwayland_spawn);
	x11_lock_unreserve("/tmp", reserved);
	if (ret < 0)
		return -1;
	/* libweston announces the number it chose through DISPLAY. */
	xw->display = x11_display_parse(getenv("DISPLAY"));
	if (xw->display < 0)
		return -1;
	if (xw->wanted_display > 0 && xw->display != xw->wanted_display) {
		weston_log("xwayland: display :%d was asked for, but :%d is what was free\n",
			   xw->wanted_display, xw->display);
		return -1;
	}
	snprintf(xw->display_name, sizeof xw->display_name, ":%d", xw->display);
	if (own_dir) {
		xw->dir_fd = x11_socket_claim(xw->x11_dir, xw->display);
		if (xw->dir_fd < 0) {
			weston_log("xwayland: cannot listen on %s/X%d: %s\n", xw->x11_dir,
				   xw->display, strerror(errno));
			return -1;
		}
		xwayland_watch_dir_socket(xw);
	}
	return 0;
}

struct pc_xwayland *
pc_xwayland_create(struct pc_compositor *comp, const char *x11_dir, int display)
{
	struct pc_xwayland *xw;

	if (access(XWAYLAND_PATH, X_OK) < 0) {
		weston_log("xwayland: %s is missing; install the xwayland package\n",
			   XWAYLAND_PATH);
		return NULL;
	}
	if (weston_compositor_load_xwayland(comp->compositor) < 0)
		return NULL;
	xw = calloc(1, sizeof *xw);
	if (!xw)
		return NULL;
	xw->comp = comp;
	xw->dir_fd = -1;
	xw->kick_fd = -1;
	xw->wm_fd = -1;
	xw->displayfd = -1;
	wl_list_init(&xw->client_destroy_listener.link);
	wl_list_init(&xw->process.link);
	xw->x11_dir = strdup(x11_dir);
	xw->wanted_display = display;
	xw->api = weston_xwayland_get_api(comp->compositor);
	if (!xw->x11_dir || !xw->api)
		goto err;
	xw->xwayland = xw->api->get(comp->compositor);
	if (!xw->xwayland || xwayland_listen(xw) < 0)
		goto err;
	weston_log("xwayland: listening on %s (%s/X%d)\n", xw->display_name, xw->x11_dir,
		   xw->display);
	return xw;

err:
	weston_log("xwayland: cannot listen for X11 clients\n");
	pc_xwayland_destroy(xw);
	return NULL;
}

void
pc_xwayland_destroy(struct pc_xwayland *xw)
{
	if (!xw)
		return;
	process_watch_remove(&xw->process);
	if (xw->process.pid > 0) {
		kill(xw->process.pid, SIGTERM);
		waitpid(xw->process.pid, NULL, 0);
		xw->process.pid = 0;
	}
	xwayland_close_startup(xw);
	xwayland_close_kick(xw);
	wl_list_remove(&xw->client_destroy_listener.link);
	if (xw->wm_fd >= 0)
		close(xw->wm_fd);
	if (xw->dir_source)
		wl_event_source_remove(xw->dir_source);
	if (xw->dir_fd >= 0) {
		close(xw->dir_fd);
		x11_socket_release(xw->x11_dir, xw->display);
	}
	xwayland_log_destroy(xw->log);
	/* libweston's module removes its lock and /tmp socket at compositor destroy */
	free(xw->x11_dir);
	free(xw);
}

const char *
pc_xwayland_get_display(struct pc_xwayland *xw)
{
	return xw->display_name;
}

pid_t
pc_xwayland_get_pid(struct pc_xwayland *xw)
{
	return xw->process.pid;
}

socklen_t
pc_xwayland_get_private_address(struct pc_xwayland *xw, struct sockaddr_un *address)
{
	if (xw->process.pid <= 0 || xw->private_length == 0)
		return 0;
	*address = xw->private_address;
	return xw->private_length;
}
