/*
 * portholed's command line. The fds it names are `porthole boot`'s: the ready
 * pipe, the RDP sockets it opened in the host's network and the socket holding
 * the X11 display's name there; each is kept close-on-exec here and handed on to
 * the one service that needs it.
 */
#include "daemon-options.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paths.h"

static void
daemon_usage(FILE *out)
{
	fprintf(out,
		"Usage: portholed [--config FILE] [--user-config FILE] [--run-dir DIR]\n"
		"                 [--ready-fd N] [--rdp-sockets SPEC] [--x11-display N\n"
		"                 --x11-hold-fd FD]\n"
		"\n"
		"The system distro's init: prepares the shared directory (default /mnt/wslg),\n"
		"starts PulseAudio and porthole-compositor as the service user, restarts them\n"
		"when they crash, and stops them in order on SIGTERM. `porthole boot` starts it.\n"
		"\n"
		"  --config FILE       the image's config (default /etc/porthole/porthole.ini)\n"
		"  --user-config FILE  the user's config, read on top; its [system-distro-env]\n"
		"                      section becomes the services' environment\n"
		"  --run-dir DIR       private state: notify socket, RDP password, merged config\n"
		"                      (default /run/porthole)\n"
		"  --ready-fd N        write \"READY=1\" to fd N once every service is ready\n"
		"                      (\"FAILED=NAME\" when one gives up), then close it\n"
		"  --rdp-sockets SPEC  the compositor's --rdp-listen in place of [rdp] listen,\n"
		"                      with fd:N for sockets opened in the host's network;\n"
		"                      [rdp] listen still says where clients connect\n"
		"  --x11-display N     the X11 display number the launcher reserved, and\n"
		"  --x11-hold-fd FD    the socket that holds its name in the host's network\n"
		"  -h, --help          show this help\n"
		"\n"
		"Exit status: 0 stopped by a signal, 1 setup failed, 2 usage.\n");
}

/* A plain decimal number from 0 to @max; -1 otherwise. */
static int
daemon_fd_argument(const char *text, long max)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(text, &end, 10);
	return errno || end == text || *end || n < 0 || n > max ? -1 : (int)n;
}

/*
 * Keeps the fd:N entries of @spec open for every compositor start, close-on-exec
 * for everything else.
 */
static int
daemon_take_rdp_sockets(struct daemon_options *o, const char *spec)
{
	char copy[sizeof o->rdp_sockets], *save = NULL;

	if (snprintf(copy, sizeof copy, "%s", spec) >= (int)sizeof copy) {
		fprintf(stderr, "portholed: --rdp-sockets is too long\n");
		return -1;
	}
	snprintf(o->rdp_sockets, sizeof o->rdp_sockets, "%s", spec);
	o->n_rdp_socket_fds = 0;
	for (char *entry = strtok_r(copy, ",", &save); entry; entry = strtok_r(NULL, ",", &save)) {
		int fd;

		if (strncmp(entry, "fd:", 3) != 0)
			continue;
		fd = daemon_fd_argument(entry + 3, INT_MAX);
		if (fd < 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) < 0 ||
		    o->n_rdp_socket_fds == DAEMON_RDP_SOCKETS_MAX) {
			fprintf(stderr, "portholed: --rdp-sockets: %s is not an open fd\n", entry);
			return -1;
		}
		o->rdp_socket_fds[o->n_rdp_socket_fds++] = fd;
	}
	return 0;
}

int
daemon_parse_options(struct daemon_options *o, int argc, char *argv[])
{
	static const struct option options[] = {
		{"config", required_argument, NULL, 'c'},
		{"user-config", required_argument, NULL, 'u'},
		{"run-dir", required_argument, NULL, 'r'},
		{"ready-fd", required_argument, NULL, 'f'},
		{"rdp-sockets", required_argument, NULL, 's'},
		{"x11-display", required_argument, NULL, 'x'},
		{"x11-hold-fd", required_argument, NULL, 'X'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	int opt;

	snprintf(o->config_path, sizeof o->config_path, "/etc/porthole/porthole.ini");
	snprintf(o->run_dir, sizeof o->run_dir, "/run/porthole");
	o->ready_fd = -1;
	o->x11_display = -1;
	o->x11_hold_fd = -1;
	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case 'c':
			snprintf(o->config_path, sizeof o->config_path, "%s", optarg);
			break;
		case 'u':
			snprintf(o->user_config_path, sizeof o->user_config_path, "%s", optarg);
			break;
		case 'r':
			snprintf(o->run_dir, sizeof o->run_dir, "%s", optarg);
			break;
		case 'f': {
			char *end;
			long fd = strtol(optarg, &end, 10);
			if (*end || fd < 0 || fcntl((int)fd, F_GETFD) < 0) {
				fprintf(stderr, "portholed: --ready-fd %s is not an open fd\n",
					optarg);
				return EXIT_USAGE;
			}
			o->ready_fd = (int)fd;
			fcntl(o->ready_fd, F_SETFD, FD_CLOEXEC);
			break;
		}
		case 's':
			if (daemon_take_rdp_sockets(o, optarg) < 0)
				return EXIT_USAGE;
			break;
		case 'x':
			o->x11_display = daemon_fd_argument(optarg, 63);
			if (o->x11_display < 0) {
				fprintf(stderr, "portholed: --x11-display %s: expected 0 to 63\n",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'X':
			o->x11_hold_fd = daemon_fd_argument(optarg, INT_MAX);
			if (o->x11_hold_fd < 0 || fcntl(o->x11_hold_fd, F_SETFD, FD_CLOEXEC) < 0) {
				fprintf(stderr, "portholed: --x11-hold-fd %s is not an open fd\n",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			daemon_usage(stdout);
			return 0;
		default:
			daemon_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "portholed: unexpected argument \"%s\" (see --help)\n",
			argv[optind]);
		return EXIT_USAGE;
	}
	return -1;
}
