/*
 * What the porthole command's files share: where a booted system distro is
 * recorded, and the verbs each file offers.
 */
#ifndef PORTHOLE_LAUNCHER_H
#define PORTHOLE_LAUNCHER_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#define EXIT_USAGE 2

/* One booted system distro, as `porthole boot` recorded it in the state dir. */
struct boot_state {
	char state_dir[PATH_MAX];
	pid_t pid; /* portholed, as the host sees it */
	char shared_dir[PATH_MAX];
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

/** Whether a listening AF_UNIX socket is bound at @path: connections to it queue. */
bool launcher_socket_listening(const char *path);

int boot_main(int argc, char *argv[]);
int stop_main(int argc, char *argv[]);
int status_main(int argc, char *argv[]);
int logs_main(int argc, char *argv[]);
int run_main(int argc, char *argv[]);
int system_main(int argc, char *argv[]);
int connect_main(int argc, char *argv[]);

#endif
