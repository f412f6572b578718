#include "process.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libweston/libweston.h>

struct process_watch {
	struct wl_list processes; /* pc_process::link */
	struct wl_event_source *sigchld_source;
};

static int
process_watch_handle_sigchld(int signal_number, void *data)
{
	struct process_watch *watch = data;
	struct pc_process *process, *tmp;
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		wl_list_for_each_safe(process, tmp, &watch->processes, link)
		{
			if (process->pid != pid)
				continue;
			process_watch_remove(process);
			process->pid = 0;
			process->exited(process, status);
			break;
		}
	}
	return 0;
}

struct process_watch *
process_watch_create(struct wl_display *display)
{
	struct process_watch *watch = calloc(1, sizeof *watch);

	if (!watch)
		return NULL;
	wl_list_init(&watch->processes);
	watch->sigchld_source = wl_event_loop_add_signal(
		wl_display_get_event_loop(display), SIGCHLD, process_watch_handle_sigchld, watch);
	if (!watch->sigchld_source) {
		free(watch);
		return NULL;
	}
	return watch;
}

void
process_watch_destroy(struct process_watch *watch)
{
	struct pc_process *process, *tmp;

	if (!watch)
		return;
	wl_list_for_each_safe(process, tmp, &watch->processes, link) process_watch_remove(process);
	wl_event_source_remove(watch->sigchld_source);
	free(watch);
}

void
process_watch_add(struct process_watch *watch, struct pc_process *process)
{
	wl_list_insert(&watch->processes, &process->link);
}

void
process_watch_remove(struct pc_process *process)
{
	wl_list_remove(&process->link);
	wl_list_init(&process->link);
}

void
process_keep_fds_from_children(void)
{
	/*
	 * Libraries open fds without close-on-exec (WinPR's events, FreeRDP's
	 * sockets before we mark them): in a child about to exec, mark every fd
	 * above stderr, so nothing reaches the program that was not handed to it.
	 */
	if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return;
	for (int fd = 3; fd < 65536; fd++)
		fcntl(fd, F_SETFD, FD_CLOEXEC);
}

int
process_spawn_client(struct wl_display *display, const char *path, char *const argv[],
		     struct pc_process *process, struct wl_client **client)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid == 0) {
		char fd_str[16];
		sigset_t all;
		int fd;

		process_keep_fds_from_children();
		fd = dup(sv[1]); /* dup() drops close-on-exec */
		sigfillset(&all);
		sigprocmask(SIG_UNBLOCK, &all, NULL);
		snprintf(fd_str, sizeof fd_str, "%d", fd);
		setenv("WAYLAND_SOCKET", fd_str, 1);
		execv(path, argv);
		fprintf(stderr, "porthole-compositor: cannot run %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(sv[1]);
	*client = wl_client_create(display, sv[0]);
	if (!*client) {
		close(sv[0]);
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
		return -1;
	}
	process->pid = pid;
	return 0;
}

int
process_spawn_detached(char *const argv[], char *const envp[])
{
	pid_t pid = fork();

	if (pid == 0) {
		/* a grandchild, so the compositor never has to reap it */
		if (fork() != 0)
			_exit(0);
		setsid();
		signal(SIGPIPE, SIG_DFL);
		process_keep_fds_from_children();
		execvpe(argv[0], argv, envp);
		_exit(127);
	}
	if (pid < 0)
		return -1;
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return 0;
}
