#include "unix-socket.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static int
unix_socket_address(struct sockaddr_un *addr, const char *path)
{
	memset(addr, 0, sizeof *addr);
	addr->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof addr->sun_path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(addr->sun_path, path, strlen(path) + 1);
	return 0;
}

bool
unix_socket_is_live(const char *path)
{
	struct sockaddr_un addr;
	bool live;
	int fd;

	if (unix_socket_address(&addr, path) < 0)
		return false;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	live = connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0;
	close(fd);
	return live;
}

int
unix_socket_listen(const char *path, mode_t mode, int type_flags)
{
	struct sockaddr_un addr;
	mode_t old_umask;
	struct stat st;
	int fd, saved;

	if (unix_socket_address(&addr, path) < 0)
		return -1;
	if (lstat(path, &st) == 0) {
		if (unix_socket_is_live(path)) {
			errno = EADDRINUSE;
			return -1;
		}
		unlink(path); /* stale */
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | type_flags, 0);
	if (fd < 0)
		return -1;
	/* The mode through the umask, so no one can connect before it holds. */
	old_umask = umask(~mode & 0777);
	if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
		saved = errno;
		umask(old_umask);
		close(fd);
		errno = saved;
		return -1;
	}
	umask(old_umask);
	if (listen(fd, 16) < 0) {
		saved = errno;
		close(fd);
		unlink(path);
		errno = saved;
		return -1;
	}
	return fd;
}
