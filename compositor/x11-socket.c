#include "x11-socket.h"
#include "unix-socket.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static int
x11_lock_path(char *path, size_t size, const char *lock_dir, int display)
{
	int n = snprintf(path, size, "%s/.X%d-lock", lock_dir, display);

	return n < 0 || (size_t)n >= size ? -1 : 0;
}

static int
x11_socket_path(struct sockaddr_un *addr, const char *x11_dir, int display)
{
	int n;

	memset(addr, 0, sizeof *addr);
	addr->sun_family = AF_UNIX;
	n = snprintf(addr->sun_path, sizeof addr->sun_path, "%s/X%d", x11_dir, display);
	return n < 0 || (size_t)n >= sizeof addr->sun_path ? -1 : 0;
}

pid_t
x11_lock_owner(const char *lock_dir, int display)
{
	char path[256], text[16];
	ssize_t len;
	long pid;
	char *end;
	int fd;

	if (x11_lock_path(path, sizeof path, lock_dir, display) < 0)
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	len = read(fd, text, sizeof text - 1);
	close(fd);
	if (len < 0)
		return -1;
	text[len] = '\0';
	/* X servers write the pid right-aligned in 10 columns and a newline. */
	errno = 0;
	pid = strtol(text, &end, 10);
	if (len != 11 || errno || *end != '\n' || pid <= 0 || pid > 0x7fffffff)
		return 0;
	if (kill((pid_t)pid, 0) < 0 && errno == ESRCH)
		return 0;
	return (pid_t)pid;
}

bool
x11_socket_is_live(const char *x11_dir, int display)
{
	struct sockaddr_un addr;

	return x11_socket_path(&addr, x11_dir, display) == 0 && unix_socket_is_live(addr.sun_path);
}

int
x11_socket_claim(const char *x11_dir, int display)
{
	struct sockaddr_un addr;

	if (x11_socket_path(&addr, x11_dir, display) < 0) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (mkdir(x11_dir, 01777) == 0)
		chmod(x11_dir, 01777); /* the umask must not narrow a shared socket dir */
	else if (errno != EEXIST)
		return -1;
	/* X clients of any user in the distros connect here. */
	return unix_socket_listen(addr.sun_path, 0777, 0);
}

void
x11_socket_release(const char *x11_dir, int display)
{
	struct sockaddr_un addr;

	if (x11_socket_path(&addr, x11_dir, display) == 0)
		unlink(addr.sun_path);
}

void
x11_lock_reserve(const char *lock_dir, const char *x11_dir, int below, unsigned long long *reserved)
{
	*reserved = 0;
	for (int n = 0; n < X11_DISPLAY_MAX; n++) {
		char path[256], text[16];
		int fd;

		if (x11_lock_owner(lock_dir, n) != 0 ||
		    (n >= below && !(x11_dir && x11_socket_is_live(x11_dir, n))))
			continue;
		if (x11_lock_path(path, sizeof path, lock_dir, n) < 0)
			continue;
		unlink(path); /* stale, by x11_lock_owner() */
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
		if (fd < 0)
			continue;
		snprintf(text, sizeof text, "%10d\n", (int)getpid());
		if (write(fd, text, 11) == 11)
			*reserved |= 1ULL << n;
		else
			unlink(path);
		close(fd);
	}
}

void
x11_lock_unreserve(const char *lock_dir, unsigned long long reserved)
{
	char path[256];

	for (int n = 0; n < X11_DISPLAY_MAX; n++) {
		if ((reserved & (1ULL << n)) && x11_lock_path(path, sizeof path, lock_dir, n) == 0)
			unlink(path);
	}
}

int
x11_display_parse(const char *display)
{
	char *end;
	long n;

	if (!display || display[0] != ':' || display[1] < '0' || display[1] > '9')
		return -1;
	n = strtol(display + 1, &end, 10);
	if (*end != '\0' || n < 0 || n > 0xffff)
		return -1;
	return (int)n;
}
