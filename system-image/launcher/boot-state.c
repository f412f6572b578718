#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <unistd.h>

#include "launcher.h"
#include "paths.h"

int
boot_socket_path(const struct boot_state *state, int i, char *out, size_t size)
{
	switch (i) {
	case 0:
		return path_printf(out, size, "%s/runtime-dir/wayland-0", state->shared_dir);
	case 1:
		return path_printf(out, size, "%s/.X11-unix/X%d", state->shared_dir,
				   state->x11_display);
	case 2:
		return path_printf(out, size, "%s/PulseServer", state->shared_dir);
	}
	return -1;
}

const char *
boot_state_dir(void)
{
	const char *dir = getenv("PORTHOLE_STATE_DIR");

	return dir && dir[0] == '/' ? dir : "/run/porthole";
}

/* Reads KEY=value lines; copies the value of @key. */
static int
boot_state_read_key(const char *path, const char *key, char *value, size_t size)
{
	size_t key_len = strlen(key);
	char line[PATH_MAX + 64];
	FILE *file = fopen(path, "re");
	int ret = -1;

	if (!file)
		return -1;
	while (fgets(line, sizeof line, file)) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, key, key_len) == 0 && line[key_len] == '=') {
			snprintf(value, size, "%s", line + key_len + 1);
			ret = 0;
			break;
		}
	}
	fclose(file);
	return ret;
}

/* Whether @pid is a portholed (a recycled pid is not our boot). */
static bool
boot_state_pid_is_portholed(pid_t pid)
{
	char path[64], comm[32] = "";
	FILE *file;

	snprintf(path, sizeof path, "/proc/%d/comm", (int)pid);
	file = fopen(path, "re");
	if (!file)
		return false;
	if (!fgets(comm, sizeof comm, file))
		comm[0] = '\0';
	fclose(file);
	return strcmp(comm, "portholed\n") == 0;
}

int
boot_state_load(struct boot_state *state, bool quiet)
{
	char path[PATH_MAX], pid_text[32], display[16] = "0";

	memset(state, 0, sizeof *state);
	snprintf(state->state_dir, sizeof state->state_dir, "%s", boot_state_dir());
	if (path_printf(path, sizeof path, "%s/boot.ini", state->state_dir) < 0 ||
	    boot_state_read_key(path, "pid", pid_text, sizeof pid_text) < 0 ||
	    boot_state_read_key(path, "shared-dir", state->shared_dir, sizeof state->shared_dir) <
		    0) {
		if (!quiet)
			fprintf(stderr,
				"porthole: no system distro is booted (nothing in %s); "
				"start one with `porthole boot`\n",
				state->state_dir);
		return -1;
	}
	/* a record from before the display was chosen at boot said nothing: 0 */
	boot_state_read_key(path, "x11-display", display, sizeof display);
	state->x11_display = atoi(display);
	if (state->x11_display < 0 || state->x11_display >= 64)
		state->x11_display = 0;
	state->pid = (pid_t)atoi(pid_text);
	if (state->pid <= 0 || !boot_state_pid_is_portholed(state->pid)) {
		if (!quiet)
			fprintf(stderr,
				"porthole: the system distro recorded in %s (pid %s) is "
				"gone; `porthole stop` cleans up, `porthole boot` starts "
				"a new one\n",
				path, pid_text);
		return -1;
	}
	return 0;
}

int
boot_state_save(const struct boot_state *state)
{
	char path[PATH_MAX], temp[PATH_MAX];
	FILE *file;

	if (mkdir(state->state_dir, 0755) < 0 && errno != EEXIST)
		return -1;
	if (path_printf(path, sizeof path, "%s/boot.ini", state->state_dir) < 0 ||
	    path_printf(temp, sizeof temp, "%s/.boot.ini.new", state->state_dir) < 0)
		return -1;
	file = fopen(temp, "we");
	if (!file)
		return -1;
	fprintf(file, "pid=%d\nshared-dir=%s\nx11-display=%d\n", (int)state->pid, state->shared_dir,
		state->x11_display);
	if (fclose(file) != 0 || rename(temp, path) < 0) {
		unlink(temp);
		return -1;
	}
	return 0;
}

void
boot_state_remove(const struct boot_state *state)
{
	char path[PATH_MAX];

	if (path_printf(path, sizeof path, "%s/boot.ini", state->state_dir) == 0)
		unlink(path);
	/* the mount point of the overlay's scratch layer, empty once its namespace died */
	if (path_printf(path, sizeof path, "%s/system-distro", state->state_dir) == 0)
		rmdir(path);
}

int
boot_state_connect_value(const struct boot_state *state, const char *key, char *value, size_t size)
{
	char path[PATH_MAX];

	/* The file lives in the system distro's private /run; its root is
	 * reachable from the host through /proc. */
	if (path_printf(path, sizeof path, "/proc/%d/root/run/porthole/connect.ini",
			(int)state->pid) < 0)
		return -1;
	return boot_state_read_key(path, key, value, size);
}

/*
 * A sock_diag socket of @pid's network namespace: the kernel lists the sockets
 * of the namespace the querying socket was made in, and the system distro has
 * its own.
 */
static int
launcher_diag_socket(pid_t pid)
{
	char path[64];
	int self, target, fd;

	snprintf(path, sizeof path, "/proc/%d/ns/net", (int)pid);
	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	target = open(path, O_RDONLY | O_CLOEXEC);
	if (self < 0 || target < 0 || setns(target, CLONE_NEWNET) < 0) {
		fd = -1;
		goto out;
	}
	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (setns(self, CLONE_NEWNET) < 0) {
		/* never go on in the distro's network */
		fprintf(stderr, "porthole: cannot return to this machine's network: %s\n",
			strerror(errno));
		_exit(1);
	}
out:
	if (self >= 0)
		close(self);
	if (target >= 0)
		close(target);
	return fd;
}

/*
 * Asks the kernel (sock_diag) whether a socket bound at the file with this device and
 * inode is listening. Connecting instead would look the same to the caller but not to
 * the compositor: a connection on the lazy X11 socket starts Xwayland.
 */
static bool
launcher_listening_inode(pid_t netns_pid, dev_t dev, ino_t ino)
{
	struct {
		struct nlmsghdr header;
		struct unix_diag_req request;
	} query = {
		.header = {.nlmsg_len = sizeof query,
			   .nlmsg_type = SOCK_DIAG_BY_FAMILY,
			   .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP},
		.request = {.sdiag_family = AF_UNIX,
			    .udiag_states = 1u << TCP_LISTEN,
			    .udiag_show = UDIAG_SHOW_VFS},
	};
	long buffer[8192 / sizeof(long)];
	/* the kernel's own dev_t layout (major << 20 | minor), not stat()'s */
	uint32_t kernel_dev = (uint32_t)(major(dev) << 20 | minor(dev));
	bool found = false, done = false;
	int fd = launcher_diag_socket(netns_pid);

	if (fd < 0)
		return false;
	if (send(fd, &query, sizeof query, 0) != (ssize_t)sizeof query) {
		close(fd);
		return false;
	}
	while (!done) {
		ssize_t n = recv(fd, buffer, sizeof buffer, 0);
		struct nlmsghdr *header = (struct nlmsghdr *)buffer;

		if (n <= 0)
			break;
		for (; NLMSG_OK(header, (size_t)n); header = NLMSG_NEXT(header, n)) {
			struct unix_diag_msg *msg = NLMSG_DATA(header);
			struct rtattr *attr = (struct rtattr *)(msg + 1);
			size_t attr_len = header->nlmsg_len - NLMSG_LENGTH(sizeof *msg);

			if (header->nlmsg_type == NLMSG_DONE || header->nlmsg_type == NLMSG_ERROR) {
				done = true;
				break;
			}
			for (; RTA_OK(attr, attr_len); attr = RTA_NEXT(attr, attr_len)) {
				struct unix_diag_vfs *vfs = RTA_DATA(attr);

				if (attr->rta_type == UNIX_DIAG_VFS && vfs->udiag_vfs_ino == ino &&
				    vfs->udiag_vfs_dev == kernel_dev)
					found = true;
			}
		}
	}
	close(fd);
	return found;
}

bool
launcher_socket_listening(const struct boot_state *state, const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISSOCK(st.st_mode) &&
	       launcher_listening_inode(state->pid, st.st_dev, st.st_ino);
}
