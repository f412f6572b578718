/* portholed's command line: what `porthole boot` tells it (daemon-options.c). */
#ifndef PORTHOLE_DAEMON_OPTIONS_H
#define PORTHOLE_DAEMON_OPTIONS_H

#include <limits.h>
#include <stddef.h>

#define DAEMON_RDP_SOCKETS_MAX 8
#define EXIT_USAGE 2

struct daemon_options {
	char config_path[PATH_MAX];      /* the image's config */
	char user_config_path[PATH_MAX]; /* the user's, read on top; empty: none */
	char run_dir[PATH_MAX];          /* private state */
	int ready_fd;                    /* -1: nobody waits for READY=1 */
	/* from `porthole boot`: RDP sockets of the host's network (fd:N in the spec) */
	char rdp_sockets[1024];
	int rdp_socket_fds[DAEMON_RDP_SOCKETS_MAX];
	size_t n_rdp_socket_fds;
	int x11_display; /* -1: the compositor picks */
	int x11_hold_fd; /* holds the display's name in the host's network; never read */
};

/**
 * Fills @o from the command line. Returns -1 to go on, or the exit status
 * (0 after --help, 2 for a usage error, said on stderr).
 */
int daemon_parse_options(struct daemon_options *o, int argc, char *argv[]);

#endif
