/* porthole system: a shell (or a command) inside the running system distro, as `wsl --system`. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "distro.h"
#include "launcher.h"

static const struct setup_context system_setup = {"porthole system", 127};
static const char *const namespaces[] = {"mnt", "pid", "uts", "net"};

/* Waits for @pid; its exit status as a shell gives it. */
static int
system_wait(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return 1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* In the child: the system distro's namespaces, then the command as @user_name. */
static void
system_enter_and_run(const int ns_fds[4], const char *user_name, char **command, int x11_display,
		     const char *gpu_env)
{
	struct distro_user user;
	pid_t pid;

	for (size_t i = 0; i < 4; i++) {
		if (setns(ns_fds[i], 0) < 0) {
			fprintf(stderr, "porthole system: cannot enter the %s namespace: %s\n",
				namespaces[i], strerror(errno));
			_exit(127);
		}
	}
	pid = fork();
	if (pid == 0) {
		if (chdir("/") < 0 || distro_find_user("", user_name, &user) < 0) {
			fprintf(stderr, "porthole system: no user \"%s\" in the system distro\n",
				user_name);
			_exit(127);
		}
		distro_read_groups("", &user, NULL);
		if (setgroups((size_t)user.group_count, user.groups) < 0 ||
		    setresgid(user.gid, user.gid, user.gid) < 0 ||
		    setresuid(user.uid, user.uid, user.uid) < 0)
			setup_die(&system_setup, "cannot become the user", user.name);
		distro_set_session_env(&user, x11_display, gpu_env);
		execvp(command[0], command);
		setup_die(&system_setup, "cannot run", command[0]);
	}
	signal(SIGINT, SIG_IGN);
	/* _exit: nothing of this process's own exit (a sanitizer's leak check among it)
	 * may run in namespaces it only entered */
	_exit(pid < 0 ? 127 : system_wait(pid));
}

int
system_main(int argc, char *argv[])
{
	static const struct option options[] = {
		{"user", required_argument, NULL, 'u'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	char *shell[] = {"/bin/sh", NULL};
	char **command = shell;
	const char *user_name = "root";
	struct boot_state state;
	int opt;
	pid_t pid;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "+h", options, NULL)) != -1) {
		if (opt == 'u') {
			user_name = optarg;
		} else {
			FILE *out = opt == 'h' ? stdout : stderr;
			fprintf(out, "Usage: porthole system [--user NAME] [-- COMMAND [ARGS...]]\n"
				     "\n"
				     "A shell (or COMMAND) inside the running system distro, as "
				     "`wsl --system`;\ndefault user root, so portholed and its "
				     "services can be inspected.\n"
				     "Exit status: COMMAND's; 127 when it could not be started.\n");
			return opt == 'h' ? 0 : EXIT_USAGE;
		}
	}
	if (optind < argc)
		command = argv + optind;
	if (geteuid() != 0) {
		fprintf(stderr, "porthole system: needs root (setns); run it with sudo\n");
		return 1;
	}
	if (boot_state_load(&state, false) < 0)
		return 1;
	/* Every fd is opened before the first setns: once in the system distro's mount
	 * namespace, /proc is its own and the host pid means nothing there. */
	char gpu_env[DISTRO_GPU_ENV_MAX];
	if (distro_read_gpu_env(state.pid, gpu_env, sizeof gpu_env) < 0)
		gpu_env[0] = '\0';
	int ns_fds[4];
	for (size_t i = 0; i < 4; i++) {
		char path[64];

		setup_pathf(&system_setup, path, sizeof path, "/proc/%d/ns/%s", (int)state.pid,
			    namespaces[i]);
		ns_fds[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (ns_fds[i] < 0) {
			fprintf(stderr, "porthole system: cannot open %s: %s\n", path,
				strerror(errno));
			return 1;
		}
	}
	/*
	 * A child enters the namespaces and starts the command (the pid namespace
	 * applies to children only); this process stays in the host's, where it
	 * waits and ends like any other.
	 */
	pid = fork();
	if (pid == 0)
		system_enter_and_run(ns_fds, user_name, command, state.x11_display, gpu_env);
	for (size_t i = 0; i < 4; i++)
		close(ns_fds[i]);
	if (pid < 0)
		return 1;
	signal(SIGINT, SIG_IGN);
	return system_wait(pid);
}
