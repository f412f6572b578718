/*
 * The shared directory, made by root for users who may be hostile: its top
 * stays root's, so nothing there can be swapped for a symlink; only
 * runtime-dir/ and .X11-unix/ belong to the service user. Every entry root
 * makes or opens is reached through a directory fd, never following a
 * symlink, and new files are created exclusively.
 */
#include "shared-tree.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "config.h"
#include "paths.h"
#include "sv-log.h"

/* Where PulseAudio listens, under the runtime dir; PulseServer points there. */
#define SHARED_TREE_PULSE_SOCKET "runtime-dir/pulse/native"

static int
shared_tree_open_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		sv_log("cannot open %s: %s", dir, strerror(errno));
	return fd;
}

/* <dirfd>/@name as a directory of @mode, owned by @id's user (root's when NULL). */
static int
shared_tree_mkdirat(int dirfd, const char *dir, const char *name, mode_t mode,
		    const struct sv_identity *id)
{
	int fd;

	if (mkdirat(dirfd, name, mode) < 0 && errno != EEXIST) {
		sv_log("cannot create %s/%s: %s", dir, name, strerror(errno));
		return -1;
	}
	/* an entry that was there must be a directory, not a link to one */
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	/* mkdir's mode passes through the umask: set it whole */
	if (fd < 0 || fchmod(fd, mode) < 0 ||
	    (id && id->drop && fchown(fd, id->uid, id->gid) < 0)) {
		sv_log("cannot set owner and mode of %s/%s: %s", dir, name, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int
shared_tree_prepare(const char *dir, const struct sv_identity *id)
{
	int dirfd, ret;

	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		sv_log("cannot create %s: %s", dir, strerror(errno));
		return -1;
	}
	dirfd = shared_tree_open_dir(dir);
	if (dirfd < 0)
		return -1;
	/* the top is root's: no one else may add, remove or replace what is there */
	ret = fchmod(dirfd, 0755);
	if (ret == 0 && id->drop)
		ret = fchown(dirfd, 0, 0);
	if (ret < 0)
		sv_log("cannot make %s root's: %s", dir, strerror(errno));
	/*
	 * Apps reach their sockets through the runtime dir, the service user's,
	 * as in WSLg; Xwayland makes its socket in .X11-unix, which user distros
	 * see read-only.
	 */
	if (ret == 0)
		ret = shared_tree_mkdirat(dirfd, dir, "runtime-dir", 0700, id);
	if (ret == 0)
		ret = shared_tree_mkdirat(dirfd, dir, ".X11-unix", 0755, id);
	/* PulseAudio listens in the runtime dir; the WSLg name points there */
	if (ret == 0 && symlinkat(SHARED_TREE_PULSE_SOCKET, dirfd, "PulseServer") < 0 &&
	    errno != EEXIST) {
		sv_log("cannot link %s/PulseServer: %s", dir, strerror(errno));
		ret = -1;
	}
	close(dirfd);
	return ret;
}

const char *
shared_tree_pulse_socket(void)
{
	return SHARED_TREE_PULSE_SOCKET;
}

int
shared_tree_mkdir_owned(const char *path, const struct sv_identity *id)
{
	int fd;

	if (mkdir(path, 0700) < 0 && errno != EEXIST) {
		sv_log("cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fchmod(fd, 0700) < 0 ||
	    (id && id->drop && fchown(fd, id->uid, id->gid) < 0)) {
		sv_log("cannot set owner and mode of %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* <dirfd>/@name for writing: made now (exclusively), or a regular file there already. */
static int
shared_tree_open_file(int dirfd, const char *dir, const char *name, int flags, mode_t mode)
{
	struct stat st;
	int fd = openat(dirfd, name, flags | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);

	if (fd < 0 && errno == EEXIST)
		fd = openat(dirfd, name, flags | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))) {
		close(fd);
		errno = EINVAL;
		fd = -1;
	}
	if (fd < 0)
		sv_log("cannot open %s/%s: %s", dir, name, strerror(errno));
	return fd;
}

int
shared_tree_redirect_stderr(const char *dir)
{
	int dirfd = shared_tree_open_dir(dir), fd;

	if (dirfd < 0)
		return -1;
	fd = shared_tree_open_file(dirfd, dir, "stderr.log", O_WRONLY | O_APPEND, 0644);
	close(dirfd);
	if (fd < 0)
		return -1;
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	close(fd);
	return 0;
}

int
shared_tree_create_file(const char *dir, const char *name, const struct sv_identity *id,
			mode_t mode)
{
	int dirfd = shared_tree_open_dir(dir), fd;

	if (dirfd < 0)
		return -1;
	fd = shared_tree_open_file(dirfd, dir, name, O_WRONLY, mode);
	close(dirfd);
	if (fd < 0)
		return -1;
	if (fchmod(fd, mode) < 0 || (id->drop && fchown(fd, id->uid, id->gid) < 0)) {
		sv_log("cannot set owner and mode of %s/%s: %s", dir, name, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int
shared_tree_write_text(const char *dir, const char *name, const char *text)
{
	char temp[NAME_MAX + 1];
	size_t len = strlen(text);
	int dirfd, fd, ret = -1;

	if (path_printf(temp, sizeof temp, ".%s.new", name) < 0)
		return -1;
	dirfd = shared_tree_open_dir(dir);
	if (dirfd < 0)
		return -1;
	unlinkat(dirfd, temp, 0);
	fd = openat(dirfd, temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd >= 0) {
		bool written = write(fd, text, len) == (ssize_t)len && fchmod(fd, 0644) == 0;

		if (close(fd) == 0 && written)
			ret = renameat(dirfd, temp, dirfd, name);
	}
	if (ret < 0) {
		sv_log("cannot write %s/%s: %s", dir, name, strerror(errno));
		unlinkat(dirfd, temp, 0);
	}
	close(dirfd);
	return ret;
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
