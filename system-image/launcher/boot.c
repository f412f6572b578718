/*
 * porthole boot: plays the utility VM's init. A tmpfs shared as the shared
 * dir, the system distro in its own namespaces (boot-child.c), then waiting
 * until portholed says its services are ready and every socket accepts.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "boot.h"
#include "launcher.h"
#include "paths.h"

static void
boot_usage(FILE *out)
{
	fprintf(out,
		"Usage: porthole boot [--image FILE | --rootfs DIR] [--config FILE]\n"
		"                     [--shared-dir DIR] [--timeout SECONDS]\n"
		"\n"
		"Boots the system distro: a tmpfs at the shared dir (default /mnt/wslg), the\n"
		"distro in its own mount, pid and uts namespaces on a throw-away overlay of\n"
		"the image, and portholed in it. Returns once the Wayland, X11 and PulseAudio\n"
		"sockets accept; `porthole stop` ends it. Needs root.\n"
		"\n"
		"  --image FILE       system.ext4 or system.vhd (mounted read-only)\n"
		"  --rootfs DIR       an unpacked image; without either, the host's own root\n"
		"                     is the lower layer (Porthole runs from where it is built)\n"
		"  --config FILE      user config read over the image's porthole.ini; its\n"
		"                     [system-distro-env] section becomes the services' "
		"environment\n"
		"                     (default ~/.config/porthole/porthole.ini when it exists)\n"
		"  --shared-dir DIR   where the shared tmpfs is mounted (default /mnt/wslg)\n"
		"  --timeout SECONDS  give up waiting for the sockets (default 30)\n"
		"\n"
		"State goes to $PORTHOLE_STATE_DIR (default /run/porthole).\n"
		"Exit status: 0 booted, 1 it failed (the message names the log), 2 usage.\n");
}

static int
boot_parse(struct boot_options *o, int argc, char *argv[])
{
	static const struct option options[] = {
		{"image", required_argument, NULL, 'i'},
		{"rootfs", required_argument, NULL, 'r'},
		{"config", required_argument, NULL, 'c'},
		{"shared-dir", required_argument, NULL, 's'},
		{"timeout", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	int opt;

	snprintf(o->shared_dir, sizeof o->shared_dir, "/mnt/wslg");
	o->timeout_s = 30;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case 'i':
			o->image = optarg;
			break;
		case 'r':
			o->rootfs = optarg;
			break;
		case 'c':
			o->user_config = optarg;
			break;
		case 's':
			if (optarg[0] != '/') {
				fprintf(stderr, "porthole boot: --shared-dir needs an absolute "
						"path\n");
				return EXIT_USAGE;
			}
			snprintf(o->shared_dir, sizeof o->shared_dir, "%s", optarg);
			break;
		case 't':
			o->timeout_s = atoi(optarg);
			if (o->timeout_s <= 0) {
				fprintf(stderr, "porthole boot: --timeout needs a positive "
						"number\n");
				return EXIT_USAGE;
			}
			break;
		case 'h':
			boot_usage(stdout);
			return 0;
		default:
			boot_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc || (o->image && o->rootfs)) {
		boot_usage(stderr);
		return EXIT_USAGE;
	}
	return -1;
}

static void
boot_show_log_tail(const char *shared_dir)
{
	char path[PATH_MAX], line[1024];
	char lines[12][1024];
	int count = 0;
	FILE *file;

	if (path_printf(path, sizeof path, "%s/stderr.log", shared_dir) < 0)
		return;
	file = launcher_open_log(shared_dir, "stderr.log");
	if (!file)
		return;
	while (fgets(line, sizeof line, file))
		snprintf(lines[count++ % 12], sizeof lines[0], "%s", line);
	fclose(file);
	fprintf(stderr, "porthole boot: the last lines of %s:\n", path);
	for (int i = count > 12 ? count - 12 : 0; i < count; i++)
		fprintf(stderr, "  %s", lines[i % 12]);
}

/* The shared tmpfs goes when a boot fails; its logs are copied out first. */
static void
boot_keep_logs(const char *shared_dir, const char *state_dir)
{
	static const char *const names[] = {"stderr.log", "compositor.log", "pulseaudio.log"};
	char dir[PATH_MAX], to[PATH_MAX];

	if (path_printf(dir, sizeof dir, "%s/failed-boot", state_dir) < 0 ||
	    (mkdir(dir, 0700) < 0 && errno != EEXIST))
		return;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		FILE *in, *out;
		int fd;

		if (path_printf(to, sizeof to, "%s/%s", dir, names[i]) < 0)
			continue;
		in = launcher_open_log(shared_dir, names[i]);
		if (!in)
			continue;
		unlink(to);
		fd = open(to, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		out = fd >= 0 ? fdopen(fd, "w") : NULL;
		if (fd >= 0 && !out)
			close(fd);
		if (out) {
			launcher_copy_stream(in, out);
			fclose(out);
		}
		fclose(in);
	}
	fprintf(stderr, "porthole boot: the logs are kept in %s\n", dir);
}

/* Waits for portholed's word on @fd: 1 ready, 0 it failed, -1 timeout. */
static int
boot_wait_ready(int fd, int timeout_s, char *message, size_t size)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	size_t used = 0;
	double deadline = launcher_now() + timeout_s;

	message[0] = '\0';
	for (;;) {
		int left = (int)((deadline - launcher_now()) * 1000);
		ssize_t n;

		if (left <= 0)
			return -1;
		if (poll(&pfd, 1, left) < 0) {
			if (errno == EINTR)
				continue;
			return 0;
		}
		if (!pfd.revents)
			continue;
		n = read(fd, message + used, size - used - 1);
		if (n <= 0)
			return 0;
		used += (size_t)n;
		message[used] = '\0';
		if (strstr(message, "READY=1"))
			return 1;
		if (strchr(message, '\n'))
			return 0;
	}
}

static bool
boot_sockets_accept(const struct boot_state *state, double deadline)
{
	char path[PATH_MAX];

	for (int i = 0; i < BOOT_SOCKET_COUNT; i++) {
		if (boot_socket_path(state, i, path, sizeof path) < 0)
			return false;
		while (!launcher_socket_listening(state, path)) {
			if (launcher_now() > deadline) {
				fprintf(stderr, "porthole boot: %s does not accept connections\n",
					path);
				return false;
			}
			usleep(5000);
		}
	}
	return true;
}

/* The user's own file, as WSLg's .wslgconfig: --config, else ~/.config/porthole/porthole.ini. */
static int
boot_find_user_config(struct boot_options *options, char *home_config, size_t size)
{
	const char *home = getenv("HOME");

	if (!options->user_config && home &&
	    path_printf(home_config, size, "%s/.config/porthole/porthole.ini", home) == 0 &&
	    access(home_config, R_OK) == 0)
		options->user_config = home_config;
	if (options->user_config && access(options->user_config, R_OK) < 0) {
		fprintf(stderr, "porthole boot: cannot read %s: %s\n", options->user_config,
			strerror(errno));
		return -1;
	}
	return 0;
}

/* Where the root comes from and where the boot keeps its state; the shared tmpfs mounted. */
static int
boot_make_plan(struct boot_plan *plan, struct boot_state *state)
{
	const struct boot_options *options = plan->options;

	plan->host_root = !options->image && !options->rootfs;
	snprintf(plan->lower, sizeof plan->lower, "%s", options->rootfs ? options->rootfs : "/");
	if (plan->host_root) {
		if (program_path(plan->portholed, sizeof plan->portholed, "portholed",
				 "../supervisor/portholed") < 0) {
			fprintf(stderr,
				"porthole boot: cannot find portholed (looked beside "
				"porthole and in %s)\n",
				PORTHOLE_BINDIR);
			return -1;
		}
	} else {
		snprintf(plan->portholed, sizeof plan->portholed, "/usr/bin/portholed");
	}
	memset(state, 0, sizeof *state);
	snprintf(state->state_dir, sizeof state->state_dir, "%s", boot_state_dir());
	snprintf(state->shared_dir, sizeof state->shared_dir, "%s", options->shared_dir);
	if (path_printf(plan->scratch, sizeof plan->scratch, "%s/system-distro", state->state_dir) <
		    0 ||
	    path_printf(plan->keep, sizeof plan->keep, "%s/kept", state->state_dir) < 0) {
		fprintf(stderr, "porthole boot: state dir path too long\n");
		return -1;
	}
	if ((mkdir(state->state_dir, 0755) < 0 && errno != EEXIST) ||
	    (mkdir(plan->scratch, 0700) < 0 && errno != EEXIST) ||
	    (mkdir(plan->keep, 0700) < 0 && errno != EEXIST) ||
	    (mkdir(options->shared_dir, 0755) < 0 && errno != EEXIST)) {
		fprintf(stderr, "porthole boot: cannot create the state or shared dir: %s\n",
			strerror(errno));
		return -1;
	}
	boot_unmount_shared(options->shared_dir); /* a crashed boot's leftover */
	if (mount("tmpfs", options->shared_dir, "tmpfs", MS_NOSUID, "mode=0755,size=256m") < 0) {
		fprintf(stderr, "porthole boot: cannot mount a tmpfs at %s: %s\n",
			options->shared_dir, strerror(errno));
		return -1;
	}
	return 0;
}

/* The namespaces and portholed in them; its word comes back on *@ready_read. */
static pid_t
boot_start(struct boot_plan *plan, struct boot_state *state, int *ready_read)
{
	static char stack[256 * 1024] __attribute__((aligned(16)));
	const struct boot_options *options = plan->options;
	int pipe_fds[2];
	pid_t pid;

	if (pipe2(pipe_fds, O_CLOEXEC) < 0)
		return -1;
	plan->ready_fd = pipe_fds[1];
	fcntl(plan->ready_fd, F_SETFD, 0); /* portholed inherits it */
	printf("porthole: booting the system distro (%s)\n", options->image    ? options->image
							     : options->rootfs ? options->rootfs
									       : "host root");
	fflush(stdout);
	/* a network of its own: its X server's abstract socket and its loopback are private */
	pid = clone(boot_child, stack + sizeof stack,
		    CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWNET | SIGCHLD, plan);
	close(pipe_fds[1]);
	/* portholed holds the sockets now */
	boot_close_sockets(plan);
	if (pid < 0) {
		fprintf(stderr, "porthole boot: cannot create the namespaces: %s\n",
			strerror(errno));
		close(pipe_fds[0]);
		return -1;
	}
	state->pid = pid;
	state->x11_display = plan->x11_display;
	if (boot_state_save(state) < 0)
		fprintf(stderr, "porthole boot: cannot record the boot in %s: %s\n",
			state->state_dir, strerror(errno));
	*ready_read = pipe_fds[0];
	return pid;
}

/* Says why the boot failed, ends what runs, and keeps the logs the tmpfs held. */
static void
boot_fail(const struct boot_options *options, struct boot_state *state, int ready,
	  const char *message)
{
	if (ready == -1)
		fprintf(stderr, "porthole boot: not ready after %d s\n", options->timeout_s);
	else if (message[0])
		fprintf(stderr, "porthole boot: portholed says %s", message);
	else
		fprintf(stderr, "porthole boot: portholed ended during boot\n");
	boot_end(state->pid, 5);
	boot_show_log_tail(options->shared_dir);
	boot_keep_logs(options->shared_dir, state->state_dir);
	boot_unmount_shared(options->shared_dir);
	boot_state_remove(state);
}

int
boot_main(int argc, char *argv[])
{
	struct boot_options options = {0};
	struct boot_plan plan = {.options = &options};
	struct boot_state state;
	char message[256], home_config[PATH_MAX];
	double start = launcher_now();
	int ready_read, ready, ret;
	pid_t pid;

	ret = boot_parse(&options, argc, argv);
	if (ret >= 0)
		return ret;
	if (geteuid() != 0) {
		fprintf(stderr, "porthole boot: needs root (namespaces and mounts); run it with "
				"sudo\n");
		return 1;
	}
	if (boot_state_load(&state, true) == 0) {
		fprintf(stderr,
			"porthole boot: a system distro already runs (portholed pid %d, "
			"%s); `porthole stop` first\n",
			(int)state.pid, state.shared_dir);
		return 1;
	}
	if (boot_find_user_config(&options, home_config, sizeof home_config) < 0 ||
	    boot_open_sockets(&plan) < 0)
		return 1;
	if (boot_make_plan(&plan, &state) < 0) {
		boot_close_sockets(&plan);
		return 1;
	}
	pid = boot_start(&plan, &state, &ready_read);
	if (pid < 0) {
		boot_unmount_shared(options.shared_dir);
		return 1;
	}
	ready = boot_wait_ready(ready_read, options.timeout_s, message, sizeof message);
	close(ready_read);
	if (ready != 1 || !boot_sockets_accept(&state, start + options.timeout_s)) {
		boot_fail(&options, &state, ready, message);
		return 1;
	}
	printf("porthole: ready in %.0f ms (portholed pid %d)\n"
	       "  shared dir  %s (Wayland runtime-dir/wayland-0, X11 .X11-unix/X%d as "
	       "DISPLAY=:%d, PulseServer)\n"
	       "  logs        %s/{stderr,compositor,pulseaudio}.log\n"
	       "  next        porthole run -- APP;  porthole connect;  porthole stop\n",
	       (launcher_now() - start) * 1000, (int)pid, options.shared_dir, state.x11_display,
	       state.x11_display, options.shared_dir);
	return 0;
}
