/* The RDP server's listening sockets (see rdp-server.h), opened without FreeRDP. */
#include "rdp-server.h"
#include "tcp-socket.h"
#include "unix-socket.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/vm_sockets.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* The first fd systemd-style socket activation passes. */
#define RDP_LISTEN_FDS_START 3

static int
rdp_transport_add(struct rdp_transport_sockets *out, int fd, char *err, size_t err_size)
{
	struct sockaddr_storage addr;
	socklen_t len = sizeof addr;
	int listening = 0;
	socklen_t optlen = sizeof listening;

	if (out->count == RDP_TRANSPORT_MAX_FDS) {
		snprintf(err, err_size, "more than %d listening sockets", RDP_TRANSPORT_MAX_FDS);
		return -1;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &optlen) < 0 || !listening ||
	    getsockname(fd, (struct sockaddr *)&addr, &len) < 0) {
		snprintf(err, err_size, "fd %d is not a listening socket", fd);
		return -1;
	}
	if (addr.ss_family == AF_INET || addr.ss_family == AF_INET6)
		out->reachable_remotely = true;
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	out->fds[out->count++] = fd;
	return 0;
}

static int
rdp_transport_open_unix(const char *path, struct rdp_transport_sockets *out, char *err,
			size_t err_size)
{
	struct stat st;
	int fd;

	if (path[0] != '/') {
		snprintf(err, err_size, "unix:%s: need an absolute path", path);
		return -1;
	}
	if (lstat(path, &st) == 0 && !S_ISSOCK(st.st_mode)) {
		snprintf(err, err_size, "unix:%s exists and is not a socket", path);
		return -1;
	}
	/* 0600: only the compositor's user may connect. */
	fd = unix_socket_listen(path, 0600, 0);
	if (fd < 0) {
		snprintf(err, err_size, "unix:%s: %s", path,
			 errno == EADDRINUSE ? "another server listens there" : strerror(errno));
		return -1;
	}
	if (rdp_transport_add(out, fd, err, err_size) < 0) {
		close(fd);
		unlink(path);
		return -1;
	}
	out->unix_paths[out->n_unix_paths] = strdup(path);
	if (!out->unix_paths[out->n_unix_paths]) {
		snprintf(err, err_size, "unix:%s: out of memory", path);
		return -1;
	}
	out->n_unix_paths++;
	return 0;
}

static int
rdp_transport_open_tcp(const char *spec, struct rdp_transport_sockets *out, char *err,
		       size_t err_size)
{
	char why[256];
	int fd = tcp_socket_listen(spec + 4, why, sizeof why);

	if (fd < 0) {
		snprintf(err, err_size, "%s: %s%s", spec, why,
			 errno == EADDRINUSE ? " (another server has the port: pick another)" : "");
		return -1;
	}
	if (rdp_transport_add(out, fd, err, err_size) < 0) {
		close(fd);
		return -1;
	}
	return 0;
}

static int
rdp_transport_open_vsock(const char *port_str, struct rdp_transport_sockets *out, char *err,
			 size_t err_size)
{
	struct sockaddr_vm addr = {.svm_family = AF_VSOCK, .svm_cid = VMADDR_CID_ANY};
	char *end;
	long port = strtol(port_str, &end, 10);
	int fd;

	if (*end || port < 1 || port > 0x7fffffff) {
		snprintf(err, err_size, "vsock:%s: not a port number", port_str);
		return -1;
	}
	addr.svm_port = (unsigned int)port;
	fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(fd, 16) < 0) {
		snprintf(err, err_size, "vsock:%ld: %s%s", port, strerror(errno),
			 errno == EAFNOSUPPORT ? " (no vsock here: load vsock_loopback or "
						 "vmw_vsock_virtio_transport)"
					       : "");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (rdp_transport_add(out, fd, err, err_size) < 0) {
		close(fd);
		return -1;
	}
	return 0;
}

static int
rdp_transport_open_listen_fds(struct rdp_transport_sockets *out, char *err, size_t err_size)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	long n = fds ? strtol(fds, NULL, 10) : 0;

	if (!pid || strtol(pid, NULL, 10) != (long)getpid() || n < 1) {
		snprintf(err, err_size,
			 "listen-fds: no sockets were passed (LISTEN_PID/LISTEN_FDS)");
		return -1;
	}
	for (long i = 0; i < n; i++) {
		if (rdp_transport_add(out, RDP_LISTEN_FDS_START + (int)i, err, err_size) < 0)
			return -1;
	}
	/* They are ours now; children must not see them as theirs. */
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	return 0;
}

static int
rdp_transport_open_one(const char *spec, struct rdp_transport_sockets *out, char *err,
		       size_t err_size)
{
	char *end;
	long fd;

	if (strncmp(spec, "tcp:", 4) == 0)
		return rdp_transport_open_tcp(spec, out, err, err_size);
	if (strncmp(spec, "unix:", 5) == 0)
		return rdp_transport_open_unix(spec + 5, out, err, err_size);
	if (strncmp(spec, "vsock:", 6) == 0)
		return rdp_transport_open_vsock(spec + 6, out, err, err_size);
	if (strcmp(spec, "listen-fds") == 0)
		return rdp_transport_open_listen_fds(out, err, err_size);
	if (strncmp(spec, "fd:", 3) == 0) {
		fd = strtol(spec + 3, &end, 10);
		if (*end || spec[3] == '\0' || fd < 0 || fd > 65535) {
			snprintf(err, err_size, "%s: not a file descriptor number", spec);
			return -1;
		}
		return rdp_transport_add(out, (int)fd, err, err_size);
	}
	snprintf(err, err_size,
		 "%s: expected tcp:HOST:PORT, unix:PATH, vsock:PORT, fd:N or "
		 "listen-fds",
		 spec);
	return -1;
}

int
rdp_transport_open(const char *list, struct rdp_transport_sockets *out, char *err, size_t err_size)
{
	char *copy = strdup(list), *save = NULL;
	int ret = 0;

	*out = (struct rdp_transport_sockets){.count = 0};
	if (!copy) {
		snprintf(err, err_size, "out of memory");
		return -1;
	}
	for (char *spec = strtok_r(copy, ",", &save); spec && ret == 0;
	     spec = strtok_r(NULL, ",", &save))
		ret = rdp_transport_open_one(spec, out, err, err_size);
	free(copy);
	return ret;
}

void
rdp_transport_close(struct rdp_transport_sockets *sockets)
{
	for (int i = 0; i < sockets->count; i++) {
		if (sockets->fds[i] >= 0)
			close(sockets->fds[i]);
		sockets->fds[i] = -1;
	}
	for (int i = 0; i < sockets->n_unix_paths; i++) {
		unlink(sockets->unix_paths[i]);
		free(sockets->unix_paths[i]);
	}
	*sockets = (struct rdp_transport_sockets){.count = 0};
}
