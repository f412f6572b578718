/*
 * What `porthole boot` and `porthole run` share while they set up new
 * namespaces in a child: there, every failure ends the child with a message
 * that names the command and the path, since half a setup is worse than none.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "launcher.h"
#include "paths.h"

void
setup_die(const struct setup_context *setup, const char *what, const char *path)
{
	fprintf(stderr, "%s: %s%s%s: %s\n", setup->command, what, path ? " " : "", path ? path : "",
		strerror(errno));
	_exit(setup->status);
}

void
setup_pathf(const struct setup_context *setup, char *out, size_t size, const char *fmt, ...)
{
	va_list args;
	int ret;

	va_start(args, fmt);
	ret = path_vprintf(out, size, fmt, args);
	va_end(args);
	/* a path that does not fit ends the setup: better than a truncated mount target */
	if (ret < 0)
		setup_die(setup, "path too long:", out);
}

double
launcher_now(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

FILE *
launcher_open_log(const char *shared_dir, const char *name)
{
	int dir = open(shared_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	/* non-blocking: a FIFO put there must not hang the command */
	int fd = dir < 0 ? -1 : openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	FILE *file;

	if (dir >= 0)
		close(dir);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return NULL;
	}
	file = fdopen(fd, "r");
	if (!file)
		close(fd);
	return file;
}
