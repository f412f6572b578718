/*
 * porthole run: a command in a user distro: its own mount and pid namespaces,
 * the shared dir bound in, the sockets' environment, as the distro's user.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "distro.h"
#include "launcher.h"
#include "paths.h"

static const struct setup_context run_setup = {"porthole run", 127};

/* Device groups whose gid may differ between distros; the shared nodes carry
 * the host's (the system distro's) gid. */
static const char *const device_groups[] = {"video", "render"};
#define DEVICE_GROUP_COUNT 2

struct run_plan {
	const struct boot_state *state;
	const char *distro; /* NULL: the host's root */
	const char *user;   /* NULL: the distro's first regular user, else root */
	char **command;
	/* host gid of each device group, -1 when the host has none */
	long host_device_gid[DEVICE_GROUP_COUNT];
	char gpu_env[DISTRO_GPU_ENV_MAX]; /* read before the namespaces, from root's files */
};

/* ---- the user namespace that translates device groups ---- */

struct gid_swap {
	long inside, outside;
};

/* The distro's device groups whose gid differs from the host's: their gids are
 * swapped in the user namespace's gid_map, so the distro's "video" is the
 * node's group as the kernel checks it. Returns how many. */
static int
run_device_swaps(const struct run_plan *plan, const char *root, struct gid_swap *swaps)
{
	int count = 0;

	for (int i = 0; i < DEVICE_GROUP_COUNT; i++) {
		long inside = distro_read_groups(root, NULL, device_groups[i]);
		long outside = plan->host_device_gid[i];
		if (inside < 0 || outside < 0 || inside == outside)
			continue;
		swaps[count++] = (struct gid_swap){inside, outside};
	}
	return count;
}

/* Identity everywhere except the swapped pairs (each maps both ways, so the
 * map stays one-to-one). */
static int
run_format_gid_map(const struct gid_swap *swaps, int count, char *out, size_t size)
{
	long points[2 * DEVICE_GROUP_COUNT];
	int n = 0, used = 0;
	long next = 0;

	for (int i = 0; i < count; i++) {
		points[n++] = swaps[i].inside;
		points[n++] = swaps[i].outside;
	}
	/* sort the special ids so the identity ranges can run between them */
	for (int i = 0; i < n; i++) {
		for (int j = i + 1; j < n; j++) {
			if (points[j] < points[i]) {
				long t = points[i];
				points[i] = points[j];
				points[j] = t;
			}
		}
	}
	for (int i = 0; i < n; i++) {
		long id = points[i], target = id;
		if (i > 0 && id == points[i - 1])
			continue;
		for (int k = 0; k < count; k++) {
			if (swaps[k].inside == id)
				target = swaps[k].outside;
			else if (swaps[k].outside == id)
				target = swaps[k].inside;
		}
		if (id > next)
			used += snprintf(out + used, size - (size_t)used, "%ld %ld %ld\n", next,
					 next, id - next);
		used += snprintf(out + used, size - (size_t)used, "%ld %ld 1\n", id, target);
		next = id + 1;
	}
	used += snprintf(out + used, size - (size_t)used, "%ld %ld %ld\n", next, next,
			 4294967295L - next);
	return (size_t)used < size ? 0 : -1;
}

static int
run_write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* ---- inside the user distro's namespaces ---- */

static void
run_bind(const char *source, const char *target, unsigned long extra)
{
	struct stat st;

	if (stat(target, &st) < 0 && mkdir(target, 0755) < 0)
		setup_die(&run_setup, "cannot create", target);
	if (mount(source, target, NULL, MS_BIND | MS_REC, NULL) < 0)
		setup_die(&run_setup, "cannot bind", target);
	if (extra && mount(NULL, target, NULL, MS_BIND | MS_REMOUNT | extra, NULL) < 0)
		setup_die(&run_setup, "cannot remount", target);
}

static void
run_enter_root(const struct run_plan *plan)
{
	char path[PATH_MAX];

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		setup_die(&run_setup, "cannot make mounts private", NULL);
	if (plan->distro) {
		const char *root = plan->distro;
		run_bind(root, root, 0);
		setup_pathf(&run_setup, path, sizeof path, "%s/dev", root);
		run_bind("/dev", path, 0);
		setup_pathf(&run_setup, path, sizeof path, "%s/sys", root);
		run_bind("/sys", path, 0);
		setup_pathf(&run_setup, path, sizeof path, "%s/proc", root);
		if (mkdir(path, 0555) < 0 && errno != EEXIST)
			setup_die(&run_setup, "cannot create", path);
		if (mount("proc", path, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
			setup_die(&run_setup, "cannot mount", path);
		setup_pathf(&run_setup, path, sizeof path, "%s/mnt", root);
		mkdir(path, 0755);
		setup_pathf(&run_setup, path, sizeof path, "%s/mnt/wslg", root);
		run_bind(plan->state->shared_dir, path, 0);
		/* the host's GPU user-mode driver for d3d12, as WSL gives every distro */
		struct stat wsl_libs;
		if (stat("/usr/lib/wsl", &wsl_libs) == 0 && S_ISDIR(wsl_libs.st_mode)) {
			setup_pathf(&run_setup, path, sizeof path, "%s/usr/lib/wsl", root);
			/* a distro whose /usr cannot take the mount point goes without */
			if ((mkdir(path, 0755) == 0 || errno == EEXIST) &&
			    mount("/usr/lib/wsl", path, NULL, MS_BIND | MS_REC, NULL) == 0)
				mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL);
		}
		setup_pathf(&run_setup, path, sizeof path, "%s/tmp", root);
		mkdir(path, 01777);
		char x11_dir[PATH_MAX];
		setup_pathf(&run_setup, x11_dir, sizeof x11_dir, "%s/.X11-unix",
			    plan->state->shared_dir);
		setup_pathf(&run_setup, path, sizeof path, "%s/tmp/.X11-unix", root);
		run_bind(x11_dir, path, 0);
		if (chdir(root) < 0 || syscall(SYS_pivot_root, ".", ".") < 0 ||
		    umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
			setup_die(&run_setup, "cannot enter the distro at", root);
		/* X11 sockets read-only: a distro app can connect, not replace them. */
		if (mount(NULL, "/tmp/.X11-unix", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0)
			setup_die(&run_setup, "cannot remount", "/tmp/.X11-unix");
		run_bind("/mnt/wslg/.X11-unix", "/mnt/wslg/.X11-unix", MS_RDONLY);
	} else {
		if (strcmp(plan->state->shared_dir, "/mnt/wslg") != 0) {
			mkdir("/mnt", 0755);
			run_bind(plan->state->shared_dir, "/mnt/wslg", 0);
		}
		mkdir("/tmp/.X11-unix", 01777);
		run_bind("/mnt/wslg/.X11-unix", "/tmp/.X11-unix", MS_RDONLY);
		/* the same directory through /mnt/wslg: read-only there too */
		run_bind("/mnt/wslg/.X11-unix", "/mnt/wslg/.X11-unix", MS_RDONLY);
		if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
			setup_die(&run_setup, "cannot mount", "/proc");
	}
}

/*
 * What a user or a service manager sends the launcher (kill, systemctl stop, a
 * shell's kill of a background job) goes on through the distro's pid 1 to the
 * command. Blocked here and taken with sigwaitinfo(): pid 1 of a namespace gets
 * no signal it neither handles nor blocks.
 */
static void
run_block_passed_signals(sigset_t *set)
{
	static const int passed[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

	sigemptyset(set);
	sigaddset(set, SIGCHLD);
	for (size_t i = 0; i < sizeof passed / sizeof passed[0]; i++)
		sigaddset(set, passed[i]);
	sigprocmask(SIG_BLOCK, set, NULL);
}

/* A terminal's Ctrl-C or Ctrl-\ reaches its whole process group: not to be sent again. */
static bool
run_signal_is_terminals(const siginfo_t *info)
{
	return info->si_code == SI_KERNEL &&
	       (info->si_signo == SIGINT || info->si_signo == SIGQUIT);
}

/* pid 1 of the user distro: starts the command, passes signals on, reaps, and
 * ends with the command's status. */
static int
run_reap_until(pid_t command)
{
	sigset_t set;
	int status = 0;

	run_block_passed_signals(&set);
	for (;;) {
		siginfo_t info;
		pid_t pid;

		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			if (pid == command)
				return WIFEXITED(status) ? WEXITSTATUS(status)
							 : 128 + WTERMSIG(status);
		}
		if (pid < 0 && errno == ECHILD)
			return 1;
		if (sigwaitinfo(&set, &info) < 0 || info.si_signo == SIGCHLD ||
		    run_signal_is_terminals(&info))
			continue;
		kill(command, info.si_signo);
	}
}

/*
 * The distro's files name the user, and its user may be able to write them:
 * root only when asked for by name, any other user only with a uid and gid
 * of their own kind (a uid of 0 under another name, or a gid of 0, would be
 * the host's root).
 */
static bool
run_identity_allowed(const struct run_plan *plan, const struct distro_user *user)
{
	if (plan->user && strcmp(plan->user, "root") == 0 && user->uid == 0)
		return true;
	if (user->uid >= DISTRO_FIRST_UID && user->gid >= DISTRO_FIRST_GID)
		return true;
	fprintf(stderr,
		"porthole run: the distro's user \"%s\" has uid %d and gid %d; a user of "
		"the distro needs both of %d or more (or ask for --user root)\n",
		user->name, (int)user->uid, (int)user->gid, DISTRO_FIRST_UID);
	return false;
}

/*
 * GNOME and other D-Bus apps need a session bus ("Unable to acquire session
 * bus" otherwise): where the distro has dbus-daemon, the command gets one of its
 * own, as under dbus-run-session, which ends with the run's pid namespace. The
 * daemon forks away (reaped by pid 1), so the command stays pid 1's child: its
 * status and signals are its own.
 */
static void
run_start_session_bus(void)
{
	static const char daemon_path[] = "/usr/bin/dbus-daemon";
	char address[512], fd_arg[32];
	int fds[2], status;
	ssize_t n, used = 0;
	pid_t pid;

	if (getenv("DBUS_SESSION_BUS_ADDRESS") || access(daemon_path, X_OK) != 0 ||
	    pipe2(fds, O_CLOEXEC) < 0)
		return;
	pid = fork();
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR);

		if (devnull >= 0) {
			dup2(devnull, STDIN_FILENO);
			dup2(devnull, STDOUT_FILENO);
		}
		fcntl(fds[1], F_SETFD, 0);
		snprintf(fd_arg, sizeof fd_arg, "--print-address=%d", fds[1]);
		execl(daemon_path, daemon_path, "--session", "--fork", "--nopidfile", fd_arg,
		      (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	while (used < (ssize_t)sizeof address - 1 &&
	       (n = read(fds[0], address + used, sizeof address - 1 - (size_t)used)) > 0) {
		used += n;
		if (memchr(address, '\n', (size_t)used))
			break;
	}
	close(fds[0]);
	if (pid > 0)
		waitpid(pid, &status, 0);
	address[used] = '\0';
	address[strcspn(address, "\n")] = '\0';
	if (address[0])
		setenv("DBUS_SESSION_BUS_ADDRESS", address, 1);
	else
		fprintf(stderr,
			"porthole run: dbus-daemon gave no session bus; going on without\n");
}

static int
run_child(void *data)
{
	struct run_plan *plan = data;
	struct distro_user user = {0};
	struct gid_swap swaps[DEVICE_GROUP_COUNT];
	int swap_count;
	pid_t command;
	char go;

	run_enter_root(plan);
	if (distro_find_user("", plan->user, &user) < 0) {
		fprintf(stderr,
			plan->user ? "porthole run: no user \"%s\" in the distro's /etc/passwd\n"
				   : "porthole run: the distro has no user with a uid of 1000 or "
				     "more; pass --user NAME (or --user root)\n",
			plan->user);
		_exit(127);
	}
	if (!run_identity_allowed(plan, &user))
		_exit(127);
	distro_read_groups("", &user, NULL);
	/* root passes the node's permission check anyway, and a user namespace
	 * would take its right to mount (as systemd does to /tmp) */
	swap_count = user.uid == 0 ? 0 : run_device_swaps(plan, "", swaps);
	/* The command asks for its user namespace's maps and waits for them here. */
	int userns_fds[2] = {-1, -1};
	if (swap_count > 0 && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, userns_fds) < 0)
		setup_die(&run_setup, "socketpair", NULL);

	command = fork();
	if (command < 0)
		setup_die(&run_setup, "fork", NULL);
	if (command == 0) {
		if (swap_count > 0) {
			/* The maps are written by the parent, still root on the host;
			 * this process is then root in a namespace whose gids are the
			 * host's, except the swapped device groups. */
			if (unshare(CLONE_NEWUSER) < 0)
				setup_die(&run_setup, "cannot create a user namespace", NULL);
			close(userns_fds[0]);
			if (write(userns_fds[1], "u", 1) != 1 || read(userns_fds[1], &go, 1) != 1)
				setup_die(&run_setup, "the user namespace was not set up", NULL);
			close(userns_fds[1]);
		}
		if (setgroups((size_t)user.group_count, user.groups) < 0 ||
		    setresgid(user.gid, user.gid, user.gid) < 0 ||
		    setresuid(user.uid, user.uid, user.uid) < 0)
			setup_die(&run_setup, "cannot become the user", user.name);
		distro_set_session_env(&user, plan->state->x11_display, plan->gpu_env);
		if (chdir(user.home) < 0 && chdir("/") < 0)
			setup_die(&run_setup, "chdir", "/");
		run_start_session_bus();
		execvp(plan->command[0], plan->command);
		setup_die(&run_setup, "cannot run", plan->command[0]);
	}
	if (swap_count > 0) {
		char path[64], map[512];
		close(userns_fds[1]);
		if (read(userns_fds[0], &go, 1) != 1 ||
		    run_format_gid_map(swaps, swap_count, map, sizeof map) < 0)
			setup_die(&run_setup, "cannot set up the user namespace", NULL);
		setup_pathf(&run_setup, path, sizeof path, "/proc/%d/uid_map", (int)command);
		if (run_write_file(path, "0 0 4294967295\n") < 0)
			setup_die(&run_setup, "cannot write", path);
		setup_pathf(&run_setup, path, sizeof path, "/proc/%d/gid_map", (int)command);
		if (run_write_file(path, map) < 0)
			setup_die(&run_setup, "cannot write", path);
		if (write(userns_fds[0], "g", 1) != 1)
			setup_die(&run_setup, "cannot start the command", NULL);
		close(userns_fds[0]);
	}
	return run_reap_until(command);
}

static void
run_usage(FILE *out)
{
	fprintf(out,
		"Usage: porthole run [--distro DIR] [--user NAME] -- COMMAND [ARGS...]\n"
		"\n"
		"Runs COMMAND in a user distro attached to the booted system distro: its own\n"
		"mount and pid namespaces with root DIR (default: the host's root), the shared\n"
		"dir at /mnt/wslg, /tmp/.X11-unix bound read-only to /mnt/wslg/.X11-unix, and\n"
		"DISPLAY, WAYLAND_DISPLAY, XDG_RUNTIME_DIR, PULSE_SERVER set, and a D-Bus session\n"
		"bus of its own where the distro has dbus-daemon. Device groups\n"
		"(video, render) whose gid differs from the host's are mapped onto the host's\n"
		"in a user namespace, so shared device nodes keep working. Needs root.\n"
		"\n"
		"  --distro DIR   the user distro's root file system\n"
		"  --user NAME    run as NAME (default: the distro's first user with uid >= 1000,\n"
		"                 else root)\n"
		"\n"
		"Signals the launcher gets (TERM, INT, HUP, QUIT, USR1, USR2) go on to COMMAND.\n"
		"Exit status: COMMAND's (128+N when signal N ended it); 127 when it could not\n"
		"be started; 1 nothing booted.\n");
}

static void
run_read_host_device_gids(struct run_plan *plan)
{
	for (int i = 0; i < DEVICE_GROUP_COUNT; i++)
		plan->host_device_gid[i] = distro_read_groups("", NULL, device_groups[i]);
}

/* Waits for the distro's pid 1, passing signals on to it. */
static int
run_wait_passing_signals(pid_t pid)
{
	sigset_t set;
	int status;

	run_block_passed_signals(&set);
	for (;;) {
		siginfo_t info;
		pid_t done = waitpid(pid, &status, WNOHANG);

		if (done == pid)
			break;
		if (done < 0 && errno != EINTR)
			return 1;
		if (sigwaitinfo(&set, &info) < 0 || info.si_signo == SIGCHLD ||
		    run_signal_is_terminals(&info))
			continue;
		kill(pid, info.si_signo);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int
run_in_namespaces(struct run_plan *plan)
{
	static char stack[256 * 1024] __attribute__((aligned(16)));
	pid_t pid;

	pid = clone(run_child, stack + sizeof stack, CLONE_NEWNS | CLONE_NEWPID | SIGCHLD, plan);
	if (pid < 0) {
		fprintf(stderr, "porthole run: cannot create the namespaces: %s\n",
			strerror(errno));
		return 1;
	}
	return run_wait_passing_signals(pid);
}

int
run_main(int argc, char *argv[])
{
	static const struct option options[] = {
		{"distro", required_argument, NULL, 'd'},
		{"user", required_argument, NULL, 'u'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct boot_state state;
	struct run_plan plan = {.state = &state};
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "+h", options, NULL)) != -1) {
		switch (opt) {
		case 'd':
			plan.distro = optarg;
			break;
		case 'u':
			plan.user = optarg;
			break;
		case 'h':
			run_usage(stdout);
			return 0;
		default:
			run_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		run_usage(stderr);
		return EXIT_USAGE;
	}
	plan.command = argv + optind;
	if (geteuid() != 0) {
		fprintf(stderr, "porthole run: needs root (namespaces); run it with sudo\n");
		return 1;
	}
	if (plan.distro && access(plan.distro, X_OK) < 0) {
		fprintf(stderr, "porthole run: cannot use the distro at %s: %s\n", plan.distro,
			strerror(errno));
		return 1;
	}
	if (boot_state_load(&state, false) < 0)
		return 1;
	if (distro_read_gpu_env(state.pid, plan.gpu_env, sizeof plan.gpu_env) < 0)
		fprintf(stderr,
			"porthole run: cannot read the system distro's GPU environment: %s\n",
			strerror(errno));
	run_read_host_device_gids(&plan);
	return run_in_namespaces(&plan);
}
