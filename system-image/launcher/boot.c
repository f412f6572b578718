/*
 * porthole boot / stop / status / logs: plays the utility VM's init. A tmpfs
 * shared as the shared dir, the system distro in its own mount, pid and uts
 * namespaces on an overlay of a read-only lower layer (an image, a rootfs, or
 * the host's own root), device nodes, then portholed as its pid 1.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "launcher.h"
#include "paths.h"

struct boot_options {
	const char *image;
	const char *rootfs;
	const char *user_config;
	char shared_dir[PATH_MAX];
	int timeout_s;
};

/* Everything the namespace child needs, set up before the clone. */
struct boot_plan {
	struct boot_options *options;
	char scratch[PATH_MAX]; /* private tmpfs: upper, work, the merged root */
	char lower[PATH_MAX];
	char portholed[PATH_MAX]; /* inside the new root */
	char keep[PATH_MAX];      /* host dir kept across boots: /var/lib/porthole inside */
	bool host_root;
	int ready_fd;
};

/* What a booted system distro serves, relative to the shared dir: booting waits
 * for all of them, status reports each. */
static const char *const boot_sockets[] = {"runtime-dir/wayland-0", ".X11-unix/X0", "PulseServer"};
#define BOOT_SOCKET_COUNT (sizeof boot_sockets / sizeof boot_sockets[0])

static double
boot_now(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

/* ---- inside the new namespaces (the child; errors end it with a message) ---- */

static void
boot_die(const char *what, const char *path)
{
	fprintf(stderr, "porthole boot: %s %s: %s\n", what, path ? path : "", strerror(errno));
	_exit(1);
}

/* A path that does not fit ends the setup: better than a truncated mount target. */
static void boot_pathf(char *out, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
boot_pathf(char *out, size_t size, const char *fmt, ...)
{
	va_list args;
	int ret;

	va_start(args, fmt);
	ret = path_vprintf(out, size, fmt, args);
	va_end(args);
	if (ret < 0)
		boot_die("path too long:", out);
}

static void
boot_mount(const char *source, const char *target, const char *type, unsigned long flags,
	   const char *data)
{
	if (mount(source, target, type, flags, data) < 0)
		boot_die("cannot mount", target);
}

static void
boot_mkdirs(const char *path, mode_t mode)
{
	char partial[PATH_MAX];

	boot_pathf(partial, sizeof partial, "%s", path);
	for (char *slash = partial + 1; (slash = strchr(slash, '/')); slash++) {
		*slash = '\0';
		mkdir(partial, 0755);
		*slash = '/';
	}
	if (mkdir(partial, mode) < 0 && errno != EEXIST)
		boot_die("cannot create", path);
}

/*
 * Mounts @source at <@root>/@relative, creating the mount point with @mode. A
 * bind ignores MS_RDONLY, so a read-only bind is made read-only by a remount,
 * as far as the kernel allows it.
 */
static void
boot_mount_in(const char *root, const char *relative, mode_t mode, const char *source,
	      const char *type, unsigned long flags, const char *data)
{
	char path[PATH_MAX];
	bool readonly_bind = (flags & MS_BIND) && (flags & MS_RDONLY);

	boot_pathf(path, sizeof path, "%s/%s", root, relative);
	boot_mkdirs(path, mode);
	boot_mount(source, path, type, readonly_bind ? flags & ~MS_RDONLY : flags, data);
	if (readonly_bind)
		mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL);
}

/* Binds the device node @name from the host's /dev into the new /dev. */
static void
boot_bind_device(const char *dev, const char *name)
{
	char source[PATH_MAX], target[PATH_MAX];
	struct stat st;
	int fd;

	boot_pathf(source, sizeof source, "/dev/%s", name);
	if (stat(source, &st) < 0)
		return;
	boot_pathf(target, sizeof target, "%s/%s", dev, name);
	if (S_ISDIR(st.st_mode)) {
		boot_mkdirs(target, 0755);
	} else {
		fd = open(target, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
		if (fd < 0)
			boot_die("cannot create", target);
		close(fd);
	}
	boot_mount(source, target, NULL, MS_BIND | MS_REC, NULL);
}

static void
boot_make_dev(const char *root)
{
	static const char *nodes[] = {"null",    "zero", "full", "random",
				      "urandom", "tty",  "dri",  "dxg"};
	char dev[PATH_MAX], path[PATH_MAX];

	boot_pathf(dev, sizeof dev, "%s/dev", root);
	boot_mount("tmpfs", dev, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=64k");
	for (size_t i = 0; i < sizeof nodes / sizeof nodes[0]; i++)
		boot_bind_device(dev, nodes[i]);
	boot_mount_in(dev, "pts", 0755, "devpts", "devpts", MS_NOSUID | MS_NOEXEC,
		      "newinstance,ptmxmode=0666,mode=0620");
	boot_pathf(path, sizeof path, "%s/ptmx", dev);
	if (symlink("pts/ptmx", path) < 0)
		boot_die("cannot create", path);
	boot_mount_in(dev, "shm", 01777, "tmpfs", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
	static const char *links[][2] = {{"fd", "/proc/self/fd"},
					 {"stdin", "/proc/self/fd/0"},
					 {"stdout", "/proc/self/fd/1"},
					 {"stderr", "/proc/self/fd/2"}};
	for (size_t i = 0; i < 4; i++) {
		boot_pathf(path, sizeof path, "%s/%s", dev, links[i][0]);
		if (symlink(links[i][1], path) < 0)
			boot_die("cannot create", path);
	}
}

/*
 * With the host's root as the image, the build tree may sit under a directory
 * only root may enter (/root): the services' user could not run what it holds.
 * Each directory above it gets search permission for others, in the overlay's
 * upper layer only; the host's directories stay as they are.
 */
static void
boot_make_reachable(const char *root, const char *program)
{
	char path[PATH_MAX];
	struct stat st;

	boot_pathf(path, sizeof path, "%s%s", root, program);
	for (char *slash = strrchr(path, '/'); slash && slash > path + strlen(root);
	     slash = strrchr(path, '/')) {
		*slash = '\0';
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode) && !(st.st_mode & S_IXOTH) &&
		    chmod(path, (st.st_mode & 07777) | S_IXOTH) < 0)
			fprintf(stderr,
				"porthole boot: %s is closed to the services' user and cannot be "
				"opened (%s); build Porthole in a directory others may enter\n",
				path + strlen(root), strerror(errno));
	}
}

/* Unescapes mountinfo's octal escapes (\040 for a space) in place. */
static void
boot_unescape(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] && s[3]) {
			*out++ = (char)(((s[1] - '0') << 6) | ((s[2] - '0') << 3) | (s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

static bool
boot_is_under(const char *path, const char *dir)
{
	size_t len = strlen(dir);

	return strncmp(path, dir, len) == 0 && (path[len] == '/' || path[len] == '\0');
}

/* With the host's root as the lower layer, the overlay sees only the root file
 * system: other mounts (a separate /home, /tmp, /work) appear read-only. */
static void
boot_bind_host_mounts(const struct boot_plan *plan, const char *root)
{
	const char *skip[] = {"/proc",      "/sys", "/dev", "/run", plan->options->shared_dir,
			      plan->scratch};
	char line[PATH_MAX * 2], target[PATH_MAX];
	FILE *file = fopen("/proc/self/mountinfo", "re");

	if (!file)
		return;
	while (fgets(line, sizeof line, file)) {
		char *field = line, *mount_point = NULL;
		bool skipped = false;

		for (int i = 0; i < 5 && field; i++) {
			char *space = strchr(field, ' ');
			if (i == 4)
				mount_point = field;
			if (space)
				*space = '\0';
			field = space ? space + 1 : NULL;
		}
		if (!mount_point)
			continue;
		boot_unescape(mount_point);
		if (strcmp(mount_point, "/") == 0)
			continue;
		for (size_t i = 0; i < sizeof skip / sizeof skip[0]; i++)
			skipped = skipped || boot_is_under(mount_point, skip[i]);
		if (skipped || path_printf(target, sizeof target, "%s%s", root, mount_point) < 0)
			continue;
		/* Best effort: a mount point hidden under another, or a special
		 * file system, is simply not carried over. */
		if (mount(mount_point, target, NULL, MS_BIND, NULL) == 0)
			mount(NULL, target, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL);
	}
	fclose(file);
}

/* The host's X servers leave lock files and sockets in /tmp; in the system
 * distro they are whited out on the overlay so its compositor takes display :0. */
static void
boot_hide_host_x11(const char *root)
{
	char path[PATH_MAX];

	for (int display = 0; display < 64; display++) {
		boot_pathf(path, sizeof path, "%s/tmp/.X%d-lock", root, display);
		unlink(path);
	}
}

/* Adds the service user "porthole" (uid and gid 1000, as in the image) to the
 * overlay's passwd and group when the lower layer has none; the host's own
 * files are not touched. */
static void
boot_ensure_service_user(const char *root)
{
	char path[PATH_MAX], line[1024];
	bool found = false;
	FILE *file;

	boot_pathf(path, sizeof path, "%s/etc/passwd", root);
	file = fopen(path, "re");
	while (file && fgets(line, sizeof line, file))
		found = found || strncmp(line, "porthole:", 9) == 0;
	if (file)
		fclose(file);
	if (found)
		return;
	file = fopen(path, "ae");
	if (!file)
		boot_die("cannot add the service user to", path);
	fprintf(file, "porthole:x:1000:1000:Porthole services:/nonexistent:/usr/sbin/nologin\n");
	fclose(file);
	boot_pathf(path, sizeof path, "%s/etc/group", root);
	file = fopen(path, "ae");
	if (!file)
		boot_die("cannot add the service group to", path);
	fprintf(file, "porthole:x:1000:\n");
	fclose(file);
}

static void
boot_copy_file(const char *from, const char *to)
{
	char buffer[65536];
	ssize_t n;
	int in = open(from, O_RDONLY | O_CLOEXEC), out;

	if (in < 0)
		boot_die("cannot read", from);
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0)
		boot_die("cannot write", to);
	while ((n = read(in, buffer, sizeof buffer)) > 0) {
		if (write(out, buffer, (size_t)n) != n)
			boot_die("cannot write", to);
	}
	close(in);
	close(out);
}

static void
boot_mount_image(const char *image, const char *target)
{
	char options[128];
	struct stat st;
	pid_t pid;
	int status;

	if (stat(image, &st) < 0)
		boot_die("cannot read the image", image);
	/* A fixed VHD is the raw disk followed by a 512-byte footer. */
	if (strlen(image) > 4 && strcmp(image + strlen(image) - 4, ".vhd") == 0)
		boot_pathf(options, sizeof options, "loop,ro,sizelimit=%lld",
			   (long long)st.st_size - 512);
	else
		boot_pathf(options, sizeof options, "loop,ro");
	pid = fork();
	if (pid == 0) {
		execlp("mount", "mount", "-t", "ext4", "-o", options, image, target, NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		errno = EINVAL;
		boot_die("cannot mount the image (is it an ext4 image?)", image);
	}
}

static int
boot_child(void *data)
{
	struct boot_plan *plan = data;
	char upper[PATH_MAX], work[PATH_MAX], root[PATH_MAX], path[PATH_MAX], lower[PATH_MAX];
	char overlay_options[PATH_MAX * 3 + 64], ready_fd[16];
	int null_fd;

	/* Nothing mounted here may reach the host. */
	boot_mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
	if (sethostname("porthole", 8) < 0)
		boot_die("sethostname", NULL);
	boot_mount("tmpfs", plan->scratch, "tmpfs", MS_NOSUID, "mode=0755");
	boot_pathf(upper, sizeof upper, "%s/upper", plan->scratch);
	boot_pathf(work, sizeof work, "%s/work", plan->scratch);
	boot_pathf(root, sizeof root, "%s/root", plan->scratch);
	boot_pathf(lower, sizeof lower, "%s/lower", plan->scratch);
	boot_mkdirs(upper, 0755);
	boot_mkdirs(work, 0755);
	boot_mkdirs(root, 0755);
	if (plan->options->image) {
		boot_mkdirs(lower, 0755);
		boot_mount_image(plan->options->image, lower);
	} else {
		boot_pathf(lower, sizeof lower, "%s", plan->lower);
	}
	/* The read-only image under a throw-away upper layer: what the distro
	 * writes vanishes at the next boot. */
	boot_pathf(overlay_options, sizeof overlay_options, "lowerdir=%s,upperdir=%s,workdir=%s",
		   lower, upper, work);
	boot_mount("overlay", root, "overlay", 0, overlay_options);
	if (plan->host_root)
		boot_bind_host_mounts(plan, root);

	boot_make_dev(root);
	boot_mount_in(root, "proc", 0555, "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	boot_mount_in(root, "sys", 0555, "/sys", NULL, MS_BIND | MS_REC | MS_RDONLY, NULL);
	boot_mount_in(root, "run", 0755, "tmpfs", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755");
	boot_mount_in(root, "mnt/wslg", 0755, plan->options->shared_dir, NULL, MS_BIND, NULL);
	/* What portholed keeps from boot to boot (the RDP certificate) outlives the
	 * overlay's upper layer. */
	boot_mount_in(root, "var/lib/porthole", 0700, plan->keep, NULL, MS_BIND, NULL);
	if (plan->host_root)
		boot_make_reachable(root, plan->portholed);
	/* WSL's GPU user-mode driver (for Mesa's d3d12 behind /dev/dxg) is the
	 * host's, not the image's. */
	struct stat wsl_libs;
	if (!plan->host_root && stat("/usr/lib/wsl", &wsl_libs) == 0 && S_ISDIR(wsl_libs.st_mode))
		boot_mount_in(root, "usr/lib/wsl", 0755, "/usr/lib/wsl", NULL,
			      MS_BIND | MS_REC | MS_RDONLY, NULL);
	boot_pathf(path, sizeof path, "%s/tmp", root);
	boot_mkdirs(path, 01777);
	boot_hide_host_x11(root);
	boot_ensure_service_user(root);
	if (plan->options->user_config) {
		boot_pathf(path, sizeof path, "%s/etc/porthole", root);
		boot_mkdirs(path, 0755);
		boot_pathf(path, sizeof path, "%s/etc/porthole/user.ini", root);
		boot_copy_file(plan->options->user_config, path);
	}

	/* The merged tree becomes / ; the old root goes away entirely. */
	boot_pathf(path, sizeof path, "%s/.old-root", root);
	boot_mkdirs(path, 0700);
	if (syscall(SYS_pivot_root, root, path) < 0)
		boot_die("pivot_root", root);
	if (chdir("/") < 0 || umount2("/.old-root", MNT_DETACH) < 0)
		boot_die("cannot detach the old root", NULL);
	rmdir("/.old-root");

	setsid();
	null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null_fd >= 0) {
		dup2(null_fd, STDIN_FILENO);
		dup2(null_fd, STDOUT_FILENO);
		/* stderr stays the launcher's until portholed opens stderr.log, so
		 * an early failure is still seen by the user. */
	}
	snprintf(ready_fd, sizeof ready_fd, "%d", plan->ready_fd);
	execl(plan->portholed, "portholed", "--config", "/etc/porthole/porthole.ini",
	      "--user-config", "/etc/porthole/user.ini", "--ready-fd", ready_fd, (char *)NULL);
	boot_die("cannot start", plan->portholed);
	return 1;
}

/* ---- the host side ---- */

static void
boot_usage(FILE *out)
{
	fprintf(out,
		"Usage: porthole boot [--image FILE | --rootfs DIR] [--config FILE]\n"
		"                     [--shared-dir DIR] [--timeout SECONDS]\n"
		"\n"
		"Boots the system distro: a tmpfs at the shared dir (default /mnt/wslg), the\n"
		"distro in its own mount, pid and uts namespaces on a throw-away overlay of\n"
		"the image, and portholed in it. Returns once the Wayland, X11 and PulseAudio\n"
		"sockets accept; `porthole stop` ends it. Needs root.\n"
		"\n"
		"  --image FILE       system.ext4 or system.vhd (mounted read-only)\n"
		"  --rootfs DIR       an unpacked image; without either, the host's own root\n"
		"                     is the lower layer (Porthole runs from where it is built)\n"
		"  --config FILE      user config read over the image's porthole.ini; its\n"
		"                     [system-distro-env] section becomes the services' "
		"environment\n"
		"                     (default ~/.config/porthole/porthole.ini when it exists)\n"
		"  --shared-dir DIR   where the shared tmpfs is mounted (default /mnt/wslg)\n"
		"  --timeout SECONDS  give up waiting for the sockets (default 30)\n"
		"\n"
		"State goes to $PORTHOLE_STATE_DIR (default /run/porthole).\n"
		"Exit status: 0 booted, 1 it failed (the message names the log), 2 usage.\n");
}

static int
boot_parse(struct boot_options *o, int argc, char *argv[])
{
	static const struct option options[] = {
		{"image", required_argument, NULL, 'i'},
		{"rootfs", required_argument, NULL, 'r'},
		{"config", required_argument, NULL, 'c'},
		{"shared-dir", required_argument, NULL, 's'},
		{"timeout", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	int opt;

	snprintf(o->shared_dir, sizeof o->shared_dir, "/mnt/wslg");
	o->timeout_s = 30;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case 'i':
			o->image = optarg;
			break;
		case 'r':
			o->rootfs = optarg;
			break;
		case 'c':
			o->user_config = optarg;
			break;
		case 's':
			if (optarg[0] != '/') {
				fprintf(stderr, "porthole boot: --shared-dir needs an absolute "
						"path\n");
				return EXIT_USAGE;
			}
			snprintf(o->shared_dir, sizeof o->shared_dir, "%s", optarg);
			break;
		case 't':
			o->timeout_s = atoi(optarg);
			if (o->timeout_s <= 0) {
				fprintf(stderr, "porthole boot: --timeout needs a positive "
						"number\n");
				return EXIT_USAGE;
			}
			break;
		case 'h':
			boot_usage(stdout);
			return 0;
		default:
			boot_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc || (o->image && o->rootfs)) {
		boot_usage(stderr);
		return EXIT_USAGE;
	}
	return -1;
}

static void
boot_show_log_tail(const char *shared_dir)
{
	char path[PATH_MAX], line[1024];
	char lines[12][1024];
	int count = 0;
	FILE *file;

	if (path_printf(path, sizeof path, "%s/stderr.log", shared_dir) < 0)
		return;
	file = fopen(path, "re");
	if (!file)
		return;
	while (fgets(line, sizeof line, file))
		snprintf(lines[count++ % 12], sizeof lines[0], "%s", line);
	fclose(file);
	fprintf(stderr, "porthole boot: the last lines of %s:\n", path);
	for (int i = count > 12 ? count - 12 : 0; i < count; i++)
		fprintf(stderr, "  %s", lines[i % 12]);
}

static void
boot_copy_stream(FILE *in, FILE *out)
{
	char buffer[16384];
	size_t n;

	while ((n = fread(buffer, 1, sizeof buffer, in)) > 0)
		fwrite(buffer, 1, n, out);
}

/* The shared tmpfs goes when a boot fails; its logs are copied out first. */
static void
boot_keep_logs(const char *shared_dir, const char *state_dir)
{
	static const char *const names[] = {"stderr.log", "compositor.log", "pulseaudio.log"};
	char dir[PATH_MAX], from[PATH_MAX], to[PATH_MAX];

	if (path_printf(dir, sizeof dir, "%s/failed-boot", state_dir) < 0 ||
	    (mkdir(dir, 0700) < 0 && errno != EEXIST))
		return;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		FILE *in, *out;

		if (path_printf(from, sizeof from, "%s/%s", shared_dir, names[i]) < 0 ||
		    path_printf(to, sizeof to, "%s/%s", dir, names[i]) < 0)
			continue;
		in = fopen(from, "re");
		if (!in)
			continue;
		out = fopen(to, "we");
		if (out) {
			boot_copy_stream(in, out);
			fclose(out);
		}
		fclose(in);
	}
	fprintf(stderr, "porthole boot: the logs are kept in %s\n", dir);
}

/* Waits for portholed's word on @fd: 1 ready, 0 it failed, -1 timeout. */
static int
boot_wait_ready(int fd, int timeout_s, char *message, size_t size)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	size_t used = 0;
	double deadline = boot_now() + timeout_s;

	message[0] = '\0';
	for (;;) {
		int left = (int)((deadline - boot_now()) * 1000);
		ssize_t n;

		if (left <= 0)
			return -1;
		if (poll(&pfd, 1, left) < 0) {
			if (errno == EINTR)
				continue;
			return 0;
		}
		if (!pfd.revents)
			continue;
		n = read(fd, message + used, size - used - 1);
		if (n <= 0)
			return 0;
		used += (size_t)n;
		message[used] = '\0';
		if (strstr(message, "READY=1"))
			return 1;
		if (strchr(message, '\n'))
			return 0;
	}
}

static bool
boot_sockets_accept(const char *shared_dir, double deadline)
{
	char path[PATH_MAX];

	for (size_t i = 0; i < BOOT_SOCKET_COUNT; i++) {
		if (path_printf(path, sizeof path, "%s/%s", shared_dir, boot_sockets[i]) < 0)
			return false;
		while (!launcher_socket_listening(path)) {
			if (boot_now() > deadline) {
				fprintf(stderr, "porthole boot: %s does not accept connections\n",
					path);
				return false;
			}
			usleep(5000);
		}
	}
	return true;
}

static void
boot_unmount_shared(const char *shared_dir)
{
	if (umount2(shared_dir, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
		fprintf(stderr, "porthole: cannot unmount %s: %s\n", shared_dir, strerror(errno));
}

/* Ends portholed @pid (not our child once boot returned): SIGTERM, then
 * SIGKILL after @grace_s. Returns once it is gone. */
static void
boot_end(pid_t pid, int grace_s)
{
	double deadline = boot_now() + grace_s;
	char path[64];
	struct stat st;

	kill(pid, SIGTERM);
	boot_pathf(path, sizeof path, "/proc/%d", (int)pid);
	while (stat(path, &st) == 0) {
		/* A child of ours (a failed boot) needs reaping to go. */
		waitpid(pid, NULL, WNOHANG);
		if (boot_now() > deadline) {
			kill(pid, SIGKILL);
			deadline = boot_now() + 5;
			grace_s = 0;
		}
		usleep(10000);
	}
}

int
boot_main(int argc, char *argv[])
{
	static char stack[256 * 1024] __attribute__((aligned(16)));
	struct boot_options options = {0};
	struct boot_plan plan = {.options = &options};
	struct boot_state state;
	char message[256], home_config[PATH_MAX];
	const char *home = getenv("HOME");
	double start = boot_now();
	int pipe_fds[2], ready, ret;
	pid_t pid;

	ret = boot_parse(&options, argc, argv);
	if (ret >= 0)
		return ret;
	if (geteuid() != 0) {
		fprintf(stderr, "porthole boot: needs root (namespaces and mounts); run it with "
				"sudo\n");
		return 1;
	}
	if (boot_state_load(&state, true) == 0) {
		fprintf(stderr,
			"porthole boot: a system distro already runs (portholed pid %d, "
			"%s); `porthole stop` first\n",
			(int)state.pid, state.shared_dir);
		return 1;
	}
	if (!options.user_config && home &&
	    path_printf(home_config, sizeof home_config, "%s/.config/porthole/porthole.ini",
			home) == 0 &&
	    access(home_config, R_OK) == 0)
		options.user_config = home_config;
	if (options.user_config && access(options.user_config, R_OK) < 0) {
		fprintf(stderr, "porthole boot: cannot read %s: %s\n", options.user_config,
			strerror(errno));
		return 1;
	}

	plan.host_root = !options.image && !options.rootfs;
	snprintf(plan.lower, sizeof plan.lower, "%s", options.rootfs ? options.rootfs : "/");
	if (plan.host_root) {
		if (program_path(plan.portholed, sizeof plan.portholed, "portholed",
				 "../supervisor/portholed") < 0) {
			fprintf(stderr,
				"porthole boot: cannot find portholed (looked beside "
				"porthole and in %s)\n",
				PORTHOLE_BINDIR);
			return 1;
		}
	} else {
		snprintf(plan.portholed, sizeof plan.portholed, "/usr/bin/portholed");
	}

	memset(&state, 0, sizeof state);
	snprintf(state.state_dir, sizeof state.state_dir, "%s", boot_state_dir());
	snprintf(state.shared_dir, sizeof state.shared_dir, "%s", options.shared_dir);
	if (path_printf(plan.scratch, sizeof plan.scratch, "%s/system-distro", state.state_dir) <
	    0) {
		fprintf(stderr, "porthole boot: state dir path too long\n");
		return 1;
	}
	if (path_printf(plan.keep, sizeof plan.keep, "%s/kept", state.state_dir) < 0) {
		fprintf(stderr, "porthole boot: state dir path too long\n");
		return 1;
	}
	if ((mkdir(state.state_dir, 0755) < 0 && errno != EEXIST) ||
	    (mkdir(plan.scratch, 0700) < 0 && errno != EEXIST) ||
	    (mkdir(plan.keep, 0700) < 0 && errno != EEXIST) ||
	    (mkdir(options.shared_dir, 0755) < 0 && errno != EEXIST)) {
		fprintf(stderr, "porthole boot: cannot create the state or shared dir: %s\n",
			strerror(errno));
		return 1;
	}
	boot_unmount_shared(options.shared_dir); /* a crashed boot's leftover */
	if (mount("tmpfs", options.shared_dir, "tmpfs", MS_NOSUID, "mode=0755,size=256m") < 0) {
		fprintf(stderr, "porthole boot: cannot mount a tmpfs at %s: %s\n",
			options.shared_dir, strerror(errno));
		return 1;
	}
	if (pipe2(pipe_fds, O_CLOEXEC) < 0) {
		boot_unmount_shared(options.shared_dir);
		return 1;
	}
	plan.ready_fd = pipe_fds[1];
	fcntl(plan.ready_fd, F_SETFD, 0); /* portholed inherits it */
	printf("porthole: booting the system distro (%s)\n", options.image    ? options.image
							     : options.rootfs ? options.rootfs
									      : "host root");
	fflush(stdout);
	pid = clone(boot_child, stack + sizeof stack,
		    CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | SIGCHLD, &plan);
	close(pipe_fds[1]);
	if (pid < 0) {
		fprintf(stderr, "porthole boot: cannot create the namespaces: %s\n",
			strerror(errno));
		close(pipe_fds[0]);
		boot_unmount_shared(options.shared_dir);
		return 1;
	}
	state.pid = pid;
	if (boot_state_save(&state) < 0)
		fprintf(stderr, "porthole boot: cannot record the boot in %s: %s\n",
			state.state_dir, strerror(errno));

	ready = boot_wait_ready(pipe_fds[0], options.timeout_s, message, sizeof message);
	close(pipe_fds[0]);
	if (ready != 1 || !boot_sockets_accept(options.shared_dir, start + options.timeout_s)) {
		if (ready == -1)
			fprintf(stderr, "porthole boot: not ready after %d s\n", options.timeout_s);
		else if (message[0])
			fprintf(stderr, "porthole boot: portholed says %s", message);
		else
			fprintf(stderr, "porthole boot: portholed ended during boot\n");
		boot_end(pid, 5);
		boot_show_log_tail(options.shared_dir);
		boot_keep_logs(options.shared_dir, state.state_dir);
		boot_unmount_shared(options.shared_dir);
		boot_state_remove(&state);
		return 1;
	}
	printf("porthole: ready in %.0f ms (portholed pid %d)\n"
	       "  shared dir  %s (Wayland runtime-dir/wayland-0, X11 .X11-unix/X0, "
	       "PulseServer)\n"
	       "  logs        %s/{stderr,compositor,pulseaudio}.log\n"
	       "  next        porthole run -- APP;  porthole connect;  porthole stop\n",
	       (boot_now() - start) * 1000, (int)pid, options.shared_dir, options.shared_dir);
	return 0;
}

/* ---- stop, status, logs ---- */

int
stop_main(int argc, char *argv[])
{
	struct boot_state state;
	char path[PATH_MAX], shared[PATH_MAX];

	if (argc > 1) {
		fprintf(stderr, "Usage: porthole stop\n\nStops the booted system distro: its "
				"services in order, then its namespaces and the shared tmpfs.\n");
		return strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ? 0
										    : EXIT_USAGE;
	}
	if (boot_state_load(&state, true) < 0) {
		/* Nothing runs; still clean up what a crashed boot left. */
		snprintf(state.state_dir, sizeof state.state_dir, "%s", boot_state_dir());
		if (path_printf(path, sizeof path, "%s/boot.ini", state.state_dir) == 0 &&
		    access(path, F_OK) == 0) {
			FILE *file = fopen(path, "re");
			char line[PATH_MAX + 16];
			while (file && fgets(line, sizeof line, file)) {
				if (sscanf(line, "shared-dir=%4095[^\n]", shared) == 1)
					boot_unmount_shared(shared);
			}
			if (file)
				fclose(file);
			boot_state_remove(&state);
			printf("porthole: nothing was running; removed the stale record\n");
			return 0;
		}
		fprintf(stderr, "porthole: no system distro is booted\n");
		return 1;
	}
	printf("porthole: stopping the system distro (portholed pid %d)\n", (int)state.pid);
	boot_end(state.pid, 15);
	boot_unmount_shared(state.shared_dir);
	boot_state_remove(&state);
	printf("porthole: stopped\n");
	return 0;
}

/* Prints every process in portholed's pid namespace with its RSS. */
static void
status_print_processes(pid_t init_pid)
{
	char path[PATH_MAX], ns[64], want[64], line[256];
	long total_kb = 0;
	struct dirent *entry;
	DIR *proc;
	ssize_t n;

	boot_pathf(path, sizeof path, "/proc/%d/ns/pid", (int)init_pid);
	n = readlink(path, want, sizeof want - 1);
	if (n <= 0)
		return;
	want[n] = '\0';
	proc = opendir("/proc");
	if (!proc)
		return;
	printf("  %-8s %-22s %10s\n", "pid", "process", "RSS (kB)");
	while ((entry = readdir(proc))) {
		char name[64] = "?";
		long rss_kb = 0;
		FILE *file;

		if (entry->d_name[0] < '0' || entry->d_name[0] > '9')
			continue;
		boot_pathf(path, sizeof path, "/proc/%s/ns/pid", entry->d_name);
		n = readlink(path, ns, sizeof ns - 1);
		if (n <= 0)
			continue;
		ns[n] = '\0';
		if (strcmp(ns, want) != 0)
			continue;
		boot_pathf(path, sizeof path, "/proc/%s/status", entry->d_name);
		file = fopen(path, "re");
		while (file && fgets(line, sizeof line, file)) {
			sscanf(line, "Name: %63s", name);
			sscanf(line, "VmRSS: %ld", &rss_kb);
		}
		if (file)
			fclose(file);
		total_kb += rss_kb;
		printf("  %-8s %-22s %10ld\n", entry->d_name, name, rss_kb);
	}
	closedir(proc);
	printf("  %-8s %-22s %10ld\n", "", "total", total_kb);
}

int
status_main(int argc, char *argv[])
{
	struct boot_state state;
	char path[PATH_MAX], listen[256] = "?";
	bool all = true;

	if (argc > 1) {
		printf("Usage: porthole status\n\nWhether a system distro runs: its sockets, "
		       "processes and memory.\nExit status: 0 running and every socket "
		       "accepts, 1 otherwise.\n");
		return strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ? 0
										    : EXIT_USAGE;
	}
	if (boot_state_load(&state, false) < 0)
		return 1;
	boot_state_connect_value(&state, "listen", listen, sizeof listen);
	printf("porthole: system distro running, portholed pid %d\n  shared dir %s\n  RDP "
	       "%s\n",
	       (int)state.pid, state.shared_dir, listen);
	for (size_t i = 0; i < BOOT_SOCKET_COUNT; i++) {
		bool ok = path_printf(path, sizeof path, "%s/%s", state.shared_dir,
				      boot_sockets[i]) == 0 &&
			  launcher_socket_listening(path);
		printf("  %-40s %s\n", path, ok ? "accepts" : "NOT ACCEPTING");
		all = all && ok;
	}
	status_print_processes(state.pid);
	return all ? 0 : 1;
}

int
logs_main(int argc, char *argv[])
{
	struct boot_state state;
	const char *name = argc > 1 ? argv[1] : "stderr";
	char path[PATH_MAX];
	FILE *file;

	if (argc > 2 || (argc == 2 && (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0))) {
		printf("Usage: porthole logs [stderr|compositor|pulseaudio]\n\nPrints a log "
		       "of the booted system distro (default stderr: portholed and the\n"
		       "services' own error output).\n");
		return argc > 2 ? EXIT_USAGE : 0;
	}
	if (strcmp(name, "stderr") && strcmp(name, "compositor") && strcmp(name, "pulseaudio")) {
		fprintf(stderr,
			"porthole logs: no log \"%s\"; there are stderr, compositor and "
			"pulseaudio\n",
			name);
		return EXIT_USAGE;
	}
	if (boot_state_load(&state, false) < 0)
		return 1;
	if (path_printf(path, sizeof path, "%s/%s.log", state.shared_dir, name) < 0)
		return 1;
	file = fopen(path, "re");
	if (!file) {
		fprintf(stderr, "porthole logs: cannot read %s: %s\n", path, strerror(errno));
		return 1;
	}
	boot_copy_stream(file, stdout);
	fclose(file);
	return 0;
}
