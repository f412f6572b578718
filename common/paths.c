#include "paths.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

/* The directory of the running program into @dir; false when /proc does not say. */
static bool
paths_self_dir(char *dir, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", dir, size - 1);
	char *slash;

	if (n <= 0)
		return false;
	dir[n] = '\0';
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	return true;
}

int
program_path(char *path, size_t size, const char *name, const char *build_relative)
{
	char self[PATH_MAX];

	if (paths_self_dir(self, sizeof self)) {
		snprintf(path, size, "%s/%s", self, name);
		if (access(path, X_OK) == 0)
			return 0;
		if (build_relative) {
			snprintf(path, size, "%s/%s", self, build_relative);
			if (access(path, X_OK) == 0)
				return 0;
		}
	}
	snprintf(path, size, "%s/%s", PORTHOLE_BINDIR, name);
	return access(path, X_OK) == 0 ? 0 : -1;
}

int
module_path(char *path, size_t size, const char *name, const char *build_relative)
{
	char self[PATH_MAX];

	if (paths_self_dir(self, sizeof self) && strcmp(self, PORTHOLE_BINDIR) != 0) {
		snprintf(path, size, "%s/%s", self, build_relative);
		if (access(path, R_OK) == 0)
			return 0;
	}
	snprintf(path, size, "%s/%s", PORTHOLE_MODULEDIR, name);
	return access(path, R_OK) == 0 ? 0 : -1;
}

int
path_vprintf(char *path, size_t size, const char *fmt, va_list args)
{
	int n = vsnprintf(path, size, fmt, args);

	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int
path_printf(char *path, size_t size, const char *fmt, ...)
{
	va_list args;
	int ret;

	va_start(args, fmt);
	ret = path_vprintf(path, size, fmt, args);
	va_end(args);
	return ret;
}
