/*
 * portholed: pid 1 of the system distro. Prepares the shared directory, starts
 * PulseAudio and the compositor as the unprivileged service user, learns their
 * readiness over a notify socket, restarts what crashes (until a crash loop),
 * reaps every process, and on SIGTERM stops them in order.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <wayland-server-core.h>

#include "config.h"
#include "daemon-options.h"
#include "gpu.h"
#include "paths.h"
#include "rdp-identity.h"
#include "service.h"
#include "shared-tree.h"
#include "spawn.h"
#include "sv-config.h"
#include "sv-log.h"

enum { SERVICE_PULSEAUDIO, SERVICE_COMPOSITOR, SERVICE_COUNT };

struct portholed;

struct daemon_service {
	struct sv_service sv;
	struct portholed *daemon;
	struct wl_event_source *timer;
	char program[PATH_MAX];
	struct sv_argv argv;
	bool keep_net_bind_service;
	const int *pass_fds;
	size_t n_pass_fds;
};

struct portholed {
	struct wl_event_loop *loop;
	struct sv_config config;
	struct sv_identity identity;
	struct gpu_choice gpu;
	struct sv_env env;
	struct daemon_options options;
	char merged_config_path[PATH_MAX];
	struct rdp_identity rdp;
	/* from `porthole boot`: RDP sockets of the host's network (fd:N in the spec) */
	char rdp_sockets[1024];
	int compositor_fds[RDP_IDENTITY_FDS + 8]; /* the secrets, then those sockets */
	size_t n_compositor_fds;
	int x11_display; /* -1: the compositor picks */
	int x11_hold_fd; /* holds the display's name in the host's network; never read */
	char config_report[2 * (PATH_MAX + 400)]; /* logged once stderr.log is open */
	struct daemon_service services[SERVICE_COUNT];
	int notify_fd;
	struct wl_event_source *notify_source;
	int ready_fd; /* closed once everything is ready */
	bool stopping;
	bool running;
	int exit_code;
};

static struct daemon_service *
to_daemon_service(struct sv_service *sv)
{
	return wl_container_of(sv, (struct daemon_service *)NULL, sv);
}

/* ---- the service ops: what the state machine decides, done for real ---- */

static pid_t
daemon_spawn(struct sv_service *sv)
{
	struct daemon_service *service = to_daemon_service(sv);
	struct sv_spawn spec = {
		.argv = service->argv.args,
		.env = &service->daemon->env,
		.identity = &service->daemon->identity,
		.keep_net_bind_service = service->keep_net_bind_service,
		.pass_fds = service->pass_fds,
		.n_pass_fds = service->n_pass_fds,
	};

	return sv_spawn(&spec);
}

static void
daemon_kill(struct sv_service *sv, pid_t pid, int sig)
{
	if (pid > 0 && kill(pid, sig) < 0 && errno != ESRCH)
		sv_log("%s: cannot send signal %d to %d: %s", sv->name, sig, (int)pid,
		       strerror(errno));
}

static void
daemon_arm_timer(struct sv_service *sv, int ms)
{
	wl_event_source_timer_update(to_daemon_service(sv)->timer, ms);
}

static int64_t
daemon_now_ms(struct sv_service *sv)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

static bool
daemon_all_stopped(struct portholed *d)
{
	for (int i = 0; i < SERVICE_COUNT; i++) {
		if (!sv_service_is_stopped(&d->services[i].sv))
			return false;
	}
	return true;
}

static void
daemon_tell_boot(struct portholed *d, const char *message)
{
	if (d->options.ready_fd < 0)
		return;
	(void)!write(d->options.ready_fd, message, strlen(message));
	close(d->options.ready_fd);
	d->options.ready_fd = -1;
}

static void
daemon_state_changed(struct sv_service *sv, enum sv_state old_state, const char *why)
{
	struct daemon_service *service = to_daemon_service(sv);
	struct portholed *d = service->daemon;
	struct sv_service *compositor = &d->services[SERVICE_COMPOSITOR].sv;
	bool all_ready = true;

	sv_log("%s: %s -> %s (%s)", sv->name, sv_state_name(old_state), sv_state_name(sv->state),
	       why);

	if (d->stopping) {
		/* In order: the compositor first (its clients and the RDP peer go
		 * away cleanly), then PulseAudio. */
		if (sv_service_is_stopped(compositor))
			sv_service_stop(&d->services[SERVICE_PULSEAUDIO].sv);
		if (daemon_all_stopped(d))
			d->running = false;
		return;
	}

	if (sv->state == SV_FAILED && d->options.ready_fd >= 0) {
		char message[128];
		snprintf(message, sizeof message, "FAILED=%s\n", sv->name);
		daemon_tell_boot(d, message);
	}
	for (int i = 0; i < SERVICE_COUNT; i++)
		all_ready = all_ready && d->services[i].sv.state == SV_READY;
	if (all_ready && d->options.ready_fd >= 0) {
		sv_log("all services ready");
		daemon_tell_boot(d, "READY=1\n");
	}
}

static const struct sv_ops daemon_service_ops = {
	.spawn = daemon_spawn,
	.kill = daemon_kill,
	.arm_timer = daemon_arm_timer,
	.now_ms = daemon_now_ms,
	.state_changed = daemon_state_changed,
};

static int
daemon_handle_service_timer(void *data)
{
	sv_service_handle_timer(&((struct daemon_service *)data)->sv);
	return 0;
}

/* ---- events ---- */

static int
daemon_handle_sigchld(int signal_number, void *data)
{
	struct portholed *d = data;
	int status;
	pid_t pid;

	/* pid 1 inherits every orphan: reap them all, services or not. */
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		bool known = false;
		for (int i = 0; i < SERVICE_COUNT && !known; i++)
			known = sv_service_handle_exit(&d->services[i].sv, pid, status);
	}
	return 0;
}

static int
daemon_handle_terminate(int signal_number, void *data)
{
	struct portholed *d = data;

	if (d->stopping)
		return 0;
	sv_log("signal %d: stopping the compositor, then PulseAudio", signal_number);
	d->stopping = true;
	daemon_tell_boot(d, "FAILED=stopped\n");
	sv_service_stop(&d->services[SERVICE_COMPOSITOR].sv);
	if (sv_service_is_stopped(&d->services[SERVICE_COMPOSITOR].sv))
		sv_service_stop(&d->services[SERVICE_PULSEAUDIO].sv);
	if (daemon_all_stopped(d))
		d->running = false;
	return 0;
}

static int
daemon_handle_notify(int fd, uint32_t mask, void *data)
{
	struct portholed *d = data;
	char buffer[4096], control[CMSG_SPACE(sizeof(struct ucred))];
	struct iovec iov = {.iov_base = buffer, .iov_len = sizeof buffer - 1};
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control,
		.msg_controllen = sizeof control,
	};
	struct ucred *cred = NULL;
	ssize_t n;

	n = recvmsg(fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	if (n < 0)
		return 0;
	buffer[n] = '\0';
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS)
			cred = (struct ucred *)CMSG_DATA(c);
	}
	/* The kernel vouches for the sender's pid: a service speaks only for itself. */
	if (!cred || !strstr(buffer, "READY=1"))
		return 0;
	for (int i = 0; i < SERVICE_COUNT; i++)
		sv_service_handle_ready(&d->services[i].sv, cred->pid);
	return 0;
}

/* ---- setup ---- */

static int
daemon_open_notify_socket(struct portholed *d)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	int on = 1;

	if ((size_t)snprintf(addr.sun_path, sizeof addr.sun_path, "%s/notify",
			     d->options.run_dir) >= sizeof addr.sun_path) {
		sv_log("run dir %s is too long for a socket path", d->options.run_dir);
		return -1;
	}
	unlink(addr.sun_path);
	d->notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (d->notify_fd < 0 ||
	    setsockopt(d->notify_fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof on) < 0 ||
	    bind(d->notify_fd, (struct sockaddr *)&addr, sizeof addr) < 0 ||
	    /* the services send as the service user */
	    chmod(addr.sun_path, 0666) < 0) {
		sv_log("cannot open the notify socket %s: %s", addr.sun_path, strerror(errno));
		return -1;
	}
	d->notify_source = wl_event_loop_add_fd(d->loop, d->notify_fd, WL_EVENT_READABLE,
						daemon_handle_notify, d);
	if (!d->notify_source)
		return -1;
	return sv_env_set(&d->env, "NOTIFY_SOCKET", addr.sun_path);
}

static int
daemon_find_identity(struct portholed *d)
{
	struct passwd *pw;

	if (geteuid() != 0) {
		sv_log("not running as root: services keep this user (uid %d)", (int)geteuid());
		d->identity =
			(struct sv_identity){.drop = false, .uid = geteuid(), .gid = getegid()};
		return 0;
	}
	pw = getpwnam(d->config.user);
	if (!pw) {
		sv_log("the service user \"%s\" does not exist; add it to the image or set "
		       "[supervisor] user",
		       d->config.user);
		return -1;
	}
	return sv_identity_set_user(&d->identity, d->config.user, pw->pw_uid, pw->pw_gid);
}

/* A listener on a privileged port needs CAP_NET_BIND_SERVICE, nothing else does. */
static bool
daemon_listen_needs_low_port(const char *listen)
{
	const char *colon = strrchr(listen, ':');

	return strncmp(listen, "tcp:", 4) == 0 && colon && atoi(colon + 1) > 0 &&
	       atoi(colon + 1) < 1024;
}

static int
daemon_define_services(struct portholed *d)
{
	struct sv_argv *pa = &d->services[SERVICE_PULSEAUDIO].argv;
	struct daemon_service *comp = &d->services[SERVICE_COMPOSITOR];
	struct sv_argv *argv = &comp->argv;
	const char *shared = d->config.shared_dir;
	int failed = 0;

	if (program_path(d->services[SERVICE_PULSEAUDIO].program,
			 sizeof d->services[SERVICE_PULSEAUDIO].program, "porthole-pulseaudio",
			 "../../audio/porthole-pulseaudio") < 0 ||
	    program_path(comp->program, sizeof comp->program, "porthole-compositor",
			 "../../frontend/porthole-compositor") < 0) {
		sv_log("cannot find porthole-pulseaudio and porthole-compositor (looked beside "
		       "portholed and in %s); is Porthole installed?",
		       PORTHOLE_BINDIR);
		return -1;
	}
	failed |= sv_argv_addf(pa, "%s", d->services[SERVICE_PULSEAUDIO].program);
	failed |= sv_argv_addf(pa, "--socket");
	failed |= sv_argv_addf(pa, "%s/%s", shared, shared_tree_pulse_socket());
	failed |= sv_argv_addf(pa, "--log");
	failed |= sv_argv_addf(pa, "%s/pulseaudio.log", shared);
	failed |= sv_argv_addf(pa, "--state-dir");
	failed |= sv_argv_addf(pa, "%s/pulse", d->options.run_dir);

	failed |= sv_argv_addf(argv, "%s", comp->program);
	failed |= sv_argv_addf(argv, "--config=%s", d->merged_config_path);
	failed |= sv_argv_addf(argv, "--socket=wayland-0");
	failed |= sv_argv_addf(argv, "--xwayland");
	failed |= sv_argv_addf(argv, "--x11-dir=%s/.X11-unix", shared);
	failed |= sv_argv_addf(argv, "--log=%s/compositor.log", shared);
	failed |= sv_argv_addf(argv, "--renderer=%s", d->gpu.renderer);
	failed |= sv_argv_addf(argv, "--rdp-listen=%s",
			       d->options.rdp_sockets[0] ? d->options.rdp_sockets
							 : d->config.rdp_listen);
	if (d->options.x11_display >= 0)
		failed |= sv_argv_addf(argv, "--x11-display=%d", d->options.x11_display);
	failed |= sv_argv_addf(argv, "--rdp-user=%s", d->config.rdp_user);
	/* the secrets as open files: the service user may not open them itself */
	failed |=
		sv_argv_addf(argv, "--rdp-password-file=fd:%d", d->rdp.fds[RDP_IDENTITY_PASSWORD]);
	failed |= sv_argv_addf(argv, "--rdp-tls-cert=fd:%d", d->rdp.fds[RDP_IDENTITY_CERT]);
	failed |= sv_argv_addf(argv, "--rdp-tls-key=fd:%d", d->rdp.fds[RDP_IDENTITY_KEY]);
	failed |= sv_argv_addf(argv, "--control-socket=%s/control/wayland-0.control",
			       d->options.run_dir);
	failed |= sv_argv_addf(argv, "--control-root-only");
	failed |=
		sv_argv_addf(argv, "--pulse-server=unix:%s/%s", shared, shared_tree_pulse_socket());
	if (failed) {
		sv_log("out of memory");
		return -1;
	}
	/* a port the launcher bound needs no privilege here */
	comp->keep_net_bind_service =
		!d->options.rdp_sockets[0] && daemon_listen_needs_low_port(d->config.rdp_listen);
	memcpy(d->compositor_fds, d->rdp.fds, sizeof d->rdp.fds);
	memcpy(d->compositor_fds + RDP_IDENTITY_FDS, d->options.rdp_socket_fds,
	       d->options.n_rdp_socket_fds * sizeof d->options.rdp_socket_fds[0]);
	d->n_compositor_fds = RDP_IDENTITY_FDS + d->options.n_rdp_socket_fds;
	comp->pass_fds = d->compositor_fds;
	comp->n_pass_fds = d->n_compositor_fds;

	for (int i = 0; i < SERVICE_COUNT; i++) {
		struct daemon_service *s = &d->services[i];
		s->daemon = d;
		sv_service_init(&s->sv, i == SERVICE_PULSEAUDIO ? "pulseaudio" : "compositor",
				&daemon_service_ops, &d->config.policy, d);
		s->timer = wl_event_loop_add_timer(d->loop, daemon_handle_service_timer, s);
		if (!s->timer)
			return -1;
	}
	return 0;
}

static void
daemon_env_from_config(void *data, const char *name, const char *value)
{
	struct portholed *d = data;

	if (sv_env_set(&d->env, name, value) < 0)
		sv_log("out of memory setting %s", name);
}

static int
daemon_build_env(struct portholed *d)
{
	char runtime_dir[PATH_MAX];
	struct passwd *pw = d->identity.drop ? getpwuid(d->identity.uid) : NULL;

	if (path_printf(runtime_dir, sizeof runtime_dir, "%s/runtime-dir", d->config.shared_dir) <
		    0 ||
	    sv_env_set(&d->env, "PATH", "/usr/local/bin:/usr/bin:/bin") < 0 ||
	    sv_env_set(&d->env, "XDG_RUNTIME_DIR", runtime_dir) < 0 ||
	    sv_env_set(&d->env, "HOME", pw && pw->pw_dir ? pw->pw_dir : "/") < 0 ||
	    sv_env_set(&d->env, "USER", d->config.user) < 0 ||
	    sv_env_set(&d->env, "LANG", "C.UTF-8") < 0 ||
	    sv_env_set_lines(&d->env, d->gpu.client_env) < 0)
		return -1;
	/* The user's [system-distro-env] last: it may override any of these. */
	sv_config_for_each_env(&d->config, daemon_env_from_config, d);
	return 0;
}

static void
daemon_load_config(struct portholed *d)
{
	const char *paths[] = {d->options.config_path, d->options.user_config_path};
	char why[PATH_MAX + 300];

	sv_config_init(&d->config);
	for (int i = 0; i < 2; i++) {
		if (!paths[i][0])
			continue;
		/* A malformed file is skipped whole, never half-applied. */
		size_t used = strlen(d->config_report);
		char *report = d->config_report + used;
		size_t room = sizeof d->config_report - used;

		if (sv_config_load(&d->config, paths[i], why, sizeof why) < 0)
			snprintf(report, room,
				 "config %s; its settings are ignored, defaults used\n", why);
		else if (access(paths[i], F_OK) == 0)
			snprintf(report, room, "config %s read\n", paths[i]);
	}
}

static int
daemon_setup(struct portholed *d)
{
	static const char *gpu_names[] = {"none", "/dev/dxg (Mesa d3d12 for clients)",
					  "DRM render node"};
	const char *shared = d->config.shared_dir;

	if (mkdir(d->options.run_dir, 0755) < 0 && errno != EEXIST) {
		sv_log("cannot create %s: %s", d->options.run_dir, strerror(errno));
		return -1;
	}
	if (daemon_find_identity(d) < 0 || shared_tree_prepare(shared, &d->identity) < 0 ||
	    shared_tree_redirect_stderr(shared) < 0)
		return -1;
	sv_log("portholed %s: shared dir %s, services run as %s (uid %d)", PORTHOLE_VERSION, shared,
	       d->identity.drop ? d->config.user : "this user", (int)d->identity.uid);
	for (char *line = d->config_report, *end; (end = strchr(line, '\n')); line = end + 1) {
		*end = '\0';
		sv_log("%s", line);
	}

	gpu_choose(&d->gpu, "/dev", d->config.renderer, d->config.gpu_adapter);
	sv_log("GPU: %s%s%s; compositor renderer %s", gpu_names[d->gpu.kind],
	       d->gpu.device[0] ? " at " : "", d->gpu.device, d->gpu.renderer);

	char pulse_state[PATH_MAX], control_dir[PATH_MAX];
	if (path_printf(pulse_state, sizeof pulse_state, "%s/pulse", d->options.run_dir) < 0 ||
	    path_printf(control_dir, sizeof control_dir, "%s/control", d->options.run_dir) < 0 ||
	    path_printf(d->merged_config_path, sizeof d->merged_config_path, "%s/porthole.ini",
			d->options.run_dir) < 0 ||
	    shared_tree_mkdir_owned(pulse_state, &d->identity) < 0 ||
	    shared_tree_mkdir_owned(control_dir, &d->identity) < 0 ||
	    sv_config_write(&d->config, d->merged_config_path) < 0 ||
	    chmod(d->merged_config_path, 0644) < 0) {
		sv_log("cannot write %s: %s", d->merged_config_path, strerror(errno));
		return -1;
	}
	if (shared_tree_write_versions(shared) < 0 ||
	    shared_tree_write_text(d->options.run_dir, "client.env", d->gpu.client_env) < 0 ||
	    shared_tree_create_file(shared, "compositor.log", &d->identity, 0644) < 0 ||
	    shared_tree_create_file(shared, "pulseaudio.log", &d->identity, 0644) < 0)
		return -1;
	if (rdp_identity_make_password(&d->rdp, &d->config, d->options.run_dir) < 0 ||
	    rdp_identity_prepare_tls(&d->rdp, &d->config) < 0 || rdp_identity_open(&d->rdp) < 0 ||
	    rdp_identity_write_connect_info(&d->rdp, &d->config, d->options.run_dir) < 0)
		return -1;
	if (daemon_open_notify_socket(d) < 0 || daemon_build_env(d) < 0 ||
	    daemon_define_services(d) < 0)
		return -1;
	return 0;
}

static void
daemon_teardown(struct portholed *d)
{
	for (int i = 0; i < SERVICE_COUNT; i++) {
		if (d->services[i].timer)
			wl_event_source_remove(d->services[i].timer);
		sv_argv_release(&d->services[i].argv);
	}
	if (d->notify_source)
		wl_event_source_remove(d->notify_source);
	if (d->notify_fd >= 0)
		close(d->notify_fd);
	if (d->options.ready_fd >= 0)
		close(d->options.ready_fd);
	sv_env_release(&d->env);
	sv_identity_release(&d->identity);
	rdp_identity_close(&d->rdp);
	sv_config_release(&d->config);
	if (d->loop)
		wl_event_loop_destroy(d->loop);
}

/* pid 1 leaves nothing behind: whatever a service left running goes too. */
static void
daemon_kill_leftovers(void)
{
	if (getpid() != 1)
		return;
	kill(-1, SIGKILL);
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
}

int
main(int argc, char *argv[])
{
	struct portholed d = {.notify_fd = -1, .exit_code = 1, .rdp.fds = {-1, -1, -1}};
	struct wl_event_source *signals[4] = {NULL};
	static const int signal_numbers[4] = {SIGCHLD, SIGTERM, SIGINT, SIGHUP};
	int ret;

	ret = daemon_parse_options(&d.options, argc, argv);
	if (ret >= 0)
		return ret;
	/* Not pid 1 (a test, a developer): still the parent of every orphan. */
	if (getpid() != 1)
		prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	signal(SIGPIPE, SIG_IGN);

	daemon_load_config(&d);
	d.loop = wl_event_loop_create();
	if (!d.loop)
		goto out;
	for (int i = 0; i < 4; i++) {
		signals[i] = wl_event_loop_add_signal(
			d.loop, signal_numbers[i],
			i == 0 ? daemon_handle_sigchld : daemon_handle_terminate, &d);
		if (!signals[i])
			goto out;
	}
	if (daemon_setup(&d) < 0) {
		daemon_tell_boot(&d, "FAILED=setup\n");
		goto out;
	}

	d.running = true;
	d.exit_code = 0;
	/*
	 * Side by side: the compositor's audio bridge retries while PulseAudio
	 * comes up, and starting it after PulseAudio was ready cost the boot
	 * PulseAudio's whole start-up.
	 */
	sv_service_start(&d.services[SERVICE_PULSEAUDIO].sv);
	sv_service_start(&d.services[SERVICE_COMPOSITOR].sv);
	while (d.running) {
		if (wl_event_loop_dispatch(d.loop, -1) < 0 && errno != EINTR) {
			sv_log("event loop: %s", strerror(errno));
			d.exit_code = 1;
			break;
		}
	}
	sv_log("stopped");

out:
	daemon_kill_leftovers();
	for (int i = 0; i < 4; i++) {
		if (signals[i])
			wl_event_source_remove(signals[i]);
	}
	ret = d.exit_code;
	daemon_teardown(&d);
	return ret;
}
