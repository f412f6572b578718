#include "shared-tree.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "config.h"
#include "paths.h"
#include "sv-log.h"

static int
shared_tree_mkdir(const char *path, mode_t mode, const struct sv_identity *id)
{
	if (mkdir(path, mode) < 0 && errno != EEXIST) {
		sv_log("cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	/* mkdir's mode passes through the umask; the sticky bit needs chmod. */
	if (chmod(path, mode) < 0 || (id && id->drop && chown(path, id->uid, id->gid) < 0)) {
		sv_log("cannot set owner and mode of %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int
shared_tree_prepare(const char *dir, const struct sv_identity *id)
{
	char path[PATH_MAX];

	if (shared_tree_mkdir(dir, 0755, id) < 0)
		return -1;
	if (path_printf(path, sizeof path, "%s/runtime-dir", dir) < 0 ||
	    shared_tree_mkdir(path, 0700, id) < 0)
		return -1;
	if (path_printf(path, sizeof path, "%s/.X11-unix", dir) < 0)
		return -1;
	return shared_tree_mkdir(path, 01777, NULL);
}

int
shared_tree_mkdir_owned(const char *path, const struct sv_identity *id)
{
	return shared_tree_mkdir(path, 0700, id);
}

int
shared_tree_redirect_stderr(const char *dir)
{
	char path[PATH_MAX];
	int fd;

	if (path_printf(path, sizeof path, "%s/stderr.log", dir) < 0)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0) {
		sv_log("cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	close(fd);
	return 0;
}

int
shared_tree_create_file(const char *dir, const char *name, const struct sv_identity *id,
			mode_t mode)
{
	char path[PATH_MAX];
	int fd;

	if (path_printf(path, sizeof path, "%s/%s", dir, name) < 0)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, mode);
	if (fd < 0 || (id->drop && fchown(fd, id->uid, id->gid) < 0)) {
		sv_log("cannot create %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int
shared_tree_write_text(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX], temp[PATH_MAX];
	FILE *file;

	if (path_printf(path, sizeof path, "%s/%s", dir, name) < 0 ||
	    path_printf(temp, sizeof temp, "%s/.%s.new", dir, name) < 0)
		return -1;
	file = fopen(temp, "we");
	if (!file) {
		sv_log("cannot write %s: %s", temp, strerror(errno));
		return -1;
	}
	fputs(text, file);
	if (fchmod(fileno(file), 0644) < 0 || fclose(file) != 0 || rename(temp, path) < 0) {
		sv_log("cannot write %s: %s", path, strerror(errno));
		unlink(temp);
		return -1;
	}
	return 0;
}

int
shared_tree_write_versions(const char *dir)
{
	struct utsname kernel;
	char text[1024];

	if (uname(&kernel) < 0)
		snprintf(kernel.release, sizeof kernel.release, "unknown");
	/* What the binaries were built against: the image carries exactly
	 * these packages, so no program has to be run at boot to ask. */
	snprintf(text, sizeof text,
		 "porthole: %s\n"
		 "libweston: %s\n"
		 "freerdp: %s\n"
		 "pulseaudio: %s\n"
		 "xwayland: %s\n"
		 "wayland: %s\n"
		 "pixman: %s\n"
		 "kernel: %s\n",
		 PORTHOLE_VERSION, VERSION_LIBWESTON, VERSION_FREERDP, VERSION_LIBPULSE,
		 VERSION_XWAYLAND, VERSION_WAYLAND, VERSION_PIXMAN, kernel.release);
	return shared_tree_write_text(dir, "versions.txt", text);
}
