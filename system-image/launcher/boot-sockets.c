/*
 * What the system distro serves on the host's network, opened by `porthole
 * boot` in the host's network namespace before the distro gets its own: the
 * RDP listening sockets, and the X11 display number. A socket that cannot be
 * had is said at once, with what to do, not found out by a timeout later.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "boot.h"
#include "config.h"
#include "ini.h"
#include "tcp-socket.h"

struct boot_listen_entry {
	char *value;
	size_t size;
};

static int
boot_take_listen(void *data, const char *section, const char *key, const char *value, char *why,
		 size_t why_size)
{
	struct boot_listen_entry *entry = data;

	if (strcmp(section, "rdp") == 0 && strcmp(key, "listen") == 0)
		snprintf(entry->value, entry->size, "%s", value);
	return 0;
}

/*
 * [rdp] listen as portholed will see it: the user's file, else the default. A
 * malformed file counts for nothing there (portholed says so in its log), and
 * so here. The image's own file does not move where the host listens.
 */
static void
boot_rdp_listen(const char *user_config, char *out, size_t size)
{
	struct boot_listen_entry entry = {out, size};
	char why[256];
	FILE *file;

	snprintf(out, size, "%s", PORTHOLE_RDP_LISTEN_DEFAULT);
	if (!user_config)
		return;
	file = fopen(user_config, "re");
	if (!file)
		return;
	if (ini_parse(file, boot_take_listen, &entry, why, sizeof why) != 0)
		snprintf(out, size, "%s", PORTHOLE_RDP_LISTEN_DEFAULT);
	fclose(file);
}

/* tcp:HOST:PORT (HOST may be [v6]): a listening socket, close-on-exec until handed on. */
static int
boot_listen_tcp(const char *spec)
{
	char why[256];
	int fd = tcp_socket_listen(spec + 4, why, sizeof why);

	if (fd >= 0)
		return fd;
	if (errno == EINVAL)
		fprintf(stderr, "porthole boot: [rdp] listen=%s: %s; fix the config file\n", spec,
			why);
	else
		fprintf(stderr,
			"porthole boot: cannot listen for RDP on %s: %s; another server has "
			"the port (a second boot?): pick another with [rdp] listen= in "
			"--config\n",
			spec, why);
	return -1;
}

/*
 * Each tcp: entry becomes fd:N, a socket of the host's network; unix: and
 * vsock: entries stay for the compositor to open (files and vsock reach across
 * network namespaces).
 */
static int
boot_open_rdp(struct boot_plan *plan)
{
	char listen[512], *save = NULL;
	size_t used = 0;

	boot_rdp_listen(plan->options->user_config, listen, sizeof listen);
	plan->rdp_sockets[0] = '\0';
	for (char *spec = strtok_r(listen, ",", &save); spec; spec = strtok_r(NULL, ",", &save)) {
		char entry[300];

		while (*spec == ' ' || *spec == '\t')
			spec++;
		if (strncmp(spec, "tcp:", 4) == 0) {
			int fd;

			if (plan->n_rdp_fds == BOOT_RDP_FDS_MAX) {
				fprintf(stderr,
					"porthole boot: more than %d TCP listeners in [rdp] "
					"listen\n",
					BOOT_RDP_FDS_MAX);
				return -1;
			}
			fd = boot_listen_tcp(spec);
			if (fd < 0)
				return -1;
			plan->rdp_fds[plan->n_rdp_fds++] = fd;
			snprintf(entry, sizeof entry, "fd:%d", fd);
		} else {
			snprintf(entry, sizeof entry, "%s", spec);
		}
		used += (size_t)snprintf(plan->rdp_sockets + used, sizeof plan->rdp_sockets - used,
					 "%s%s", used ? "," : "", entry);
		if (used >= sizeof plan->rdp_sockets) {
			fprintf(stderr, "porthole boot: [rdp] listen is too long\n");
			return -1;
		}
	}
	return 0;
}

/*
 * The X11 display number: the lowest one whose abstract socket name is free
 * in the host's network. Bound but never listening, the name stays ours while
 * the distro runs, so an X client in a user distro (the host's network) that
 * tries the abstract name first, as libxcb does, is refused there and goes on
 * to the path, /tmp/.X11-unix/X<n>: Porthole's, not another server's.
 */
static int
boot_reserve_x11(struct boot_plan *plan)
{
	for (int n = 0; n < BOOT_X11_DISPLAY_MAX; n++) {
		struct sockaddr_un addr = {.sun_family = AF_UNIX};
		int len = snprintf(addr.sun_path + 1, sizeof addr.sun_path - 1,
				   "/tmp/.X11-unix/X%d", n);
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (fd < 0)
			break;
		if (bind(fd, (struct sockaddr *)&addr,
			 (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)len)) ==
		    0) {
			plan->x11_display = n;
			plan->x11_hold_fd = fd;
			return 0;
		}
		close(fd);
		if (errno != EADDRINUSE)
			break;
	}
	fprintf(stderr,
		"porthole boot: no X11 display number below %d is free on this machine's "
		"network (%s); stop an X server\n",
		BOOT_X11_DISPLAY_MAX, strerror(errno));
	return -1;
}

int
boot_open_sockets(struct boot_plan *plan)
{
	plan->x11_hold_fd = -1;
	if (boot_open_rdp(plan) < 0 || boot_reserve_x11(plan) < 0) {
		boot_close_sockets(plan);
		return -1;
	}
	return 0;
}

void
boot_close_sockets(struct boot_plan *plan)
{
	for (int i = 0; i < plan->n_rdp_fds; i++)
		close(plan->rdp_fds[i]);
	plan->n_rdp_fds = 0;
	if (plan->x11_hold_fd >= 0)
		close(plan->x11_hold_fd);
	plan->x11_hold_fd = -1;
}
