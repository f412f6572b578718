/*
 * porthole boot's child, in the new mount, pid and uts namespaces: the
 * overlay of the lower layer and a private tmpfs as the system distro's root,
 * its own /dev and /proc, the host mounts it keeps, then portholed as its pid 1.
 * Any failure ends the child with a message.
 */
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
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "boot.h"
#include "launcher.h"
#include "paths.h"

static const struct setup_context boot_setup = {"porthole boot", 1};

static void
boot_mount(const char *source, const char *target, const char *type, unsigned long flags,
	   const char *data)
{
	if (mount(source, target, type, flags, data) < 0)
		setup_die(&boot_setup, "cannot mount", target);
}

static void
boot_mkdirs(const char *path, mode_t mode)
{
	char partial[PATH_MAX];

	setup_pathf(&boot_setup, partial, sizeof partial, "%s", path);
	for (char *slash = partial + 1; (slash = strchr(slash, '/')); slash++) {
		*slash = '\0';
		mkdir(partial, 0755);
		*slash = '/';
	}
	if (mkdir(partial, mode) < 0 && errno != EEXIST)
		setup_die(&boot_setup, "cannot create", path);
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

	setup_pathf(&boot_setup, path, sizeof path, "%s/%s", root, relative);
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

	setup_pathf(&boot_setup, source, sizeof source, "/dev/%s", name);
	if (stat(source, &st) < 0)
		return;
	setup_pathf(&boot_setup, target, sizeof target, "%s/%s", dev, name);
	if (S_ISDIR(st.st_mode)) {
		boot_mkdirs(target, 0755);
	} else {
		fd = open(target, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
		if (fd < 0)
			setup_die(&boot_setup, "cannot create", target);
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

	setup_pathf(&boot_setup, dev, sizeof dev, "%s/dev", root);
	boot_mount("tmpfs", dev, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=64k");
	for (size_t i = 0; i < sizeof nodes / sizeof nodes[0]; i++)
		boot_bind_device(dev, nodes[i]);
	boot_mount_in(dev, "pts", 0755, "devpts", "devpts", MS_NOSUID | MS_NOEXEC,
		      "newinstance,ptmxmode=0666,mode=0620");
	setup_pathf(&boot_setup, path, sizeof path, "%s/ptmx", dev);
	if (symlink("pts/ptmx", path) < 0)
		setup_die(&boot_setup, "cannot create", path);
	boot_mount_in(dev, "shm", 01777, "tmpfs", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
	static const char *links[][2] = {{"fd", "/proc/self/fd"},
					 {"stdin", "/proc/self/fd/0"},
					 {"stdout", "/proc/self/fd/1"},
					 {"stderr", "/proc/self/fd/2"}};
	for (size_t i = 0; i < 4; i++) {
		setup_pathf(&boot_setup, path, sizeof path, "%s/%s", dev, links[i][0]);
		if (symlink(links[i][1], path) < 0)
			setup_die(&boot_setup, "cannot create", path);
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

	setup_pathf(&boot_setup, path, sizeof path, "%s%s", root, program);
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
		setup_pathf(&boot_setup, path, sizeof path, "%s/tmp/.X%d-lock", root, display);
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

	setup_pathf(&boot_setup, path, sizeof path, "%s/etc/passwd", root);
	file = fopen(path, "re");
	while (file && fgets(line, sizeof line, file))
		found = found || strncmp(line, "porthole:", 9) == 0;
	if (file)
		fclose(file);
	if (found)
		return;
	file = fopen(path, "ae");
	if (!file)
		setup_die(&boot_setup, "cannot add the service user to", path);
	fprintf(file, "porthole:x:1000:1000:Porthole services:/nonexistent:/usr/sbin/nologin\n");
	fclose(file);
	setup_pathf(&boot_setup, path, sizeof path, "%s/etc/group", root);
	file = fopen(path, "ae");
	if (!file)
		setup_die(&boot_setup, "cannot add the service group to", path);
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
		setup_die(&boot_setup, "cannot read", from);
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0)
		setup_die(&boot_setup, "cannot write", to);
	while ((n = read(in, buffer, sizeof buffer)) > 0) {
		if (write(out, buffer, (size_t)n) != n)
			setup_die(&boot_setup, "cannot write", to);
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
		setup_die(&boot_setup, "cannot read the image", image);
	/* A fixed VHD is the raw disk followed by a 512-byte footer. */
	if (strlen(image) > 4 && strcmp(image + strlen(image) - 4, ".vhd") == 0)
		setup_pathf(&boot_setup, options, sizeof options, "loop,ro,sizelimit=%lld",
			    (long long)st.st_size - 512);
	else
		setup_pathf(&boot_setup, options, sizeof options, "loop,ro");
	pid = fork();
	if (pid == 0) {
		execlp("mount", "mount", "-t", "ext4", "-o", options, image, target, NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		errno = EINVAL;
		setup_die(&boot_setup, "cannot mount the image (is it an ext4 image?)", image);
	}
}

/* The distro's own network starts with its loopback down: its servers need it up. */
static void
boot_loopback_up(void)
{
	struct ifreq ifr = {.ifr_name = "lo"};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		setup_die(&boot_setup, "cannot read the loopback interface", NULL);
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		setup_die(&boot_setup, "cannot bring up the loopback interface", NULL);
	close(fd);
}

/* portholed's command line: the host-side sockets it keeps (their fds stay open) */
static void
boot_exec_portholed(struct boot_plan *plan)
{
	char ready_fd[16], x11_display[16], x11_hold[16];

	for (int i = 0; i < plan->n_rdp_fds; i++) {
		if (fcntl(plan->rdp_fds[i], F_SETFD, 0) < 0)
			setup_die(&boot_setup, "cannot hand on the RDP socket", NULL);
	}
	if (fcntl(plan->x11_hold_fd, F_SETFD, 0) < 0)
		setup_die(&boot_setup, "cannot hand on the X11 name", NULL);
	snprintf(ready_fd, sizeof ready_fd, "%d", plan->ready_fd);
	snprintf(x11_display, sizeof x11_display, "%d", plan->x11_display);
	snprintf(x11_hold, sizeof x11_hold, "%d", plan->x11_hold_fd);
	execl(plan->portholed, "portholed", "--config", "/etc/porthole/porthole.ini",
	      "--user-config", "/etc/porthole/user.ini", "--ready-fd", ready_fd, "--rdp-sockets",
	      plan->rdp_sockets, "--x11-display", x11_display, "--x11-hold-fd", x11_hold,
	      (char *)NULL);
	setup_die(&boot_setup, "cannot start", plan->portholed);
}

int
boot_child(void *data)
{
	struct boot_plan *plan = data;
	char upper[PATH_MAX], work[PATH_MAX], root[PATH_MAX], path[PATH_MAX], lower[PATH_MAX];
	char overlay_options[PATH_MAX * 3 + 64];
	int null_fd;

	boot_loopback_up();
	/* Nothing mounted here may reach the host. */
	boot_mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
	if (sethostname("porthole", 8) < 0)
		setup_die(&boot_setup, "sethostname", NULL);
	boot_mount("tmpfs", plan->scratch, "tmpfs", MS_NOSUID, "mode=0755");
	setup_pathf(&boot_setup, upper, sizeof upper, "%s/upper", plan->scratch);
	setup_pathf(&boot_setup, work, sizeof work, "%s/work", plan->scratch);
	setup_pathf(&boot_setup, root, sizeof root, "%s/root", plan->scratch);
	setup_pathf(&boot_setup, lower, sizeof lower, "%s/lower", plan->scratch);
	boot_mkdirs(upper, 0755);
	boot_mkdirs(work, 0755);
	boot_mkdirs(root, 0755);
	if (plan->options->image) {
		boot_mkdirs(lower, 0755);
		boot_mount_image(plan->options->image, lower);
	} else {
		setup_pathf(&boot_setup, lower, sizeof lower, "%s", plan->lower);
	}
	/* The read-only image under a throw-away upper layer: what the distro
	 * writes vanishes at the next boot. */
	setup_pathf(&boot_setup, overlay_options, sizeof overlay_options,
		    "lowerdir=%s,upperdir=%s,workdir=%s", lower, upper, work);
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
	setup_pathf(&boot_setup, path, sizeof path, "%s/tmp", root);
	boot_mkdirs(path, 01777);
	boot_hide_host_x11(root);
	boot_ensure_service_user(root);
	if (plan->options->user_config) {
		setup_pathf(&boot_setup, path, sizeof path, "%s/etc/porthole", root);
		boot_mkdirs(path, 0755);
		setup_pathf(&boot_setup, path, sizeof path, "%s/etc/porthole/user.ini", root);
		boot_copy_file(plan->options->user_config, path);
	}

	/* The merged tree becomes / ; the old root goes away entirely. */
	setup_pathf(&boot_setup, path, sizeof path, "%s/.old-root", root);
	boot_mkdirs(path, 0700);
	if (syscall(SYS_pivot_root, root, path) < 0)
		setup_die(&boot_setup, "pivot_root", root);
	if (chdir("/") < 0 || umount2("/.old-root", MNT_DETACH) < 0)
		setup_die(&boot_setup, "cannot detach the old root", NULL);
	rmdir("/.old-root");

	setsid();
	null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null_fd >= 0) {
		dup2(null_fd, STDIN_FILENO);
		dup2(null_fd, STDOUT_FILENO);
		/* stderr stays the launcher's until portholed opens stderr.log, so
		 * an early failure is still seen by the user. */
	}
	boot_exec_portholed(plan);
	return 1;
}
