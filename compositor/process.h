/*
 * Child processes of the compositor: one SIGCHLD handler on the event loop reaps
 * them all and tells each watcher its process's exit status.
 */
#ifndef PORTHOLE_PROCESS_H
#define PORTHOLE_PROCESS_H

#include <sys/types.h>
#include <wayland-server-core.h>

struct process_watch;
struct pc_process;

typedef void (*process_exit_func_t)(struct pc_process *process, int status);

struct pc_process {
	pid_t pid;
	process_exit_func_t exited;
	struct wl_list link; /* process_watch::processes */
};

struct process_watch *process_watch_create(struct wl_display *display);

/** Stops watching; processes still running are left to their owners. */
void process_watch_destroy(struct process_watch *watch);

/** Watches @process (pid and exited set by the caller) until it exits or is removed. */
void process_watch_add(struct process_watch *watch, struct pc_process *process);

void process_watch_remove(struct pc_process *process);

/**
 * Starts @path with @argv as a Wayland client of @display over a socketpair
 * (WAYLAND_SOCKET), so it needs no socket path. On success fills @process->pid
 * and *@client and returns 0.
 */
int process_spawn_client(struct wl_display *display, const char *path, char *const argv[],
			 struct pc_process *process, struct wl_client **client);

/**
 * Starts @argv (argv[0] looked up in PATH) with @envp, detached: in a session
 * of its own, never a child of the compositor. 0, or -1 when fork() fails.
 */
int process_spawn_detached(char *const argv[], char *const envp[]);

/** In a child before exec: every fd above stderr close-on-exec (clear it for those handed on). */
void process_keep_fds_from_children(void);

#endif
