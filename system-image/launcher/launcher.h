/*
 * What the porthole command's files share: where a booted system distro is
 * recorded, and the verbs each file offers.
 */
#ifndef PORTHOLE_LAUNCHER_H
#define PORTHOLE_LAUNCHER_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#define EXIT_USAGE 2

/* setup.c: the child that sets up new namespaces ends on any failure */
struct setup_context {
	const char *command; /* "porthole boot" */
	int status;          /* the child's exit status on failure */
};

/** "@command: @what @path: strerror(errno)" on stderr, then _exit(@status). */
void setup_die(const struct setup_context *setup, const char *what, const char *path)
	__attribute__((noreturn));

/** path_printf() into @out, or setup_die() naming the path that did not fit. */
void setup_pathf(const struct setup_context *setup, char *out, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/** Seconds on the monotonic clock. */
double launcher_now(void);

/**
 * The log @name in the shared dir, for reading as root: a regular file reached
 * without following a symlink, in the dir or at it. NULL with errno.
 */
FILE *launcher_open_log(const char *shared_dir, const char *name);

/* One booted system distro, as `porthole boot` recorded it in the state dir. */
struct boot_state {
	char state_dir[PATH_MAX];
	pid_t pid; /* portholed, as the host sees it */
	char shared_dir[PATH_MAX];
	int x11_display; /* DISPLAY=:N for the distros */
};

/** The state dir: $PORTHOLE_STATE_DIR, else /run/porthole. */
const char *boot_state_dir(void);

/**
 * Reads the record and checks that its portholed still runs. Returns 0, or -1
 * when nothing is booted (@quiet: without saying so on stderr).
 */
int boot_state_load(struct boot_state *state, bool quiet);
int boot_state_save(const struct boot_state *state);
void boot_state_remove(const struct boot_state *state);

/** Reads KEY from the system distro's /run/porthole/connect.ini into @value. */
int boot_state_connect_value(const struct boot_state *state, const char *key, char *value,
			     size_t size);

/**
 * Whether a listening AF_UNIX socket of the boot's network namespace is bound
 * at @path: connections to it queue. Needs root (it asks inside that namespace).
 */
bool launcher_socket_listening(const struct boot_state *state, const char *path);

/* What a booted system distro serves, relative to the shared dir: booting waits
 * for all of them, status reports each. */
#define BOOT_SOCKET_COUNT 3
/** Socket @i (Wayland, X11, PulseAudio) of the boot, as the host sees it. 0 or -1. */
int boot_socket_path(const struct boot_state *state, int i, char *out, size_t size);

/* stop.c */
/** Ends portholed @pid: SIGTERM, then SIGKILL after @grace_s. Returns once it is gone. */
void boot_end(pid_t pid, int grace_s);

void boot_unmount_shared(const char *shared_dir);

/* status.c */
/** Copies @in to @out to the end. */
void launcher_copy_stream(FILE *in, FILE *out);

int boot_main(int argc, char *argv[]);
int stop_main(int argc, char *argv[]);
int status_main(int argc, char *argv[]);
int logs_main(int argc, char *argv[]);
int run_main(int argc, char *argv[]);
int system_main(int argc, char *argv[]);
int connect_main(int argc, char *argv[]);

#endif
