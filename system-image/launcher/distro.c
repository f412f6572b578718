/*
 * A user as a distro's own /etc/passwd and /etc/group say (parsed by hand: NSS
 * modules of another distro's libc are not ours to load), and the environment
 * of a session in a distro that reaches Porthole's sockets.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "distro.h"
#include "paths.h"

/* Splits one line of /etc/passwd or /etc/group at ':' into at most @max fields;
 * returns how many. strsep keeps empty fields (an empty GECOS). */
static int
distro_split_fields(char *line, char **fields, int max)
{
	int n = 0;

	line[strcspn(line, "\n")] = '\0';
	while (n < max && (fields[n] = strsep(&line, ":")))
		n++;
	return n;
}

/* Finds @name (or the first uid >= 1000 when NULL) in <root>/etc/passwd. */
int
distro_find_user(const char *root, const char *name, struct distro_user *user)
{
	char path[PATH_MAX], line[2048];
	FILE *file;
	int found = -1;

	if (path_printf(path, sizeof path, "%s/etc/passwd", root) < 0)
		return -1;
	file = fopen(path, "re");
	if (!file)
		return -1;
	while (found < 0 && fgets(line, sizeof line, file)) {
		char *fields[7];

		if (distro_split_fields(line, fields, 7) < 7)
			continue;
		uid_t uid = (uid_t)strtoul(fields[2], NULL, 10);
		if (name ? strcmp(fields[0], name) != 0 : (uid < 1000 || uid >= 60000))
			continue;
		snprintf(user->name, sizeof user->name, "%s", fields[0]);
		user->uid = uid;
		user->gid = (gid_t)strtoul(fields[3], NULL, 10);
		snprintf(user->home, sizeof user->home, "%s", fields[5]);
		snprintf(user->shell, sizeof user->shell, "%s",
			 fields[6][0] ? fields[6] : "/bin/sh");
		found = 0;
	}
	fclose(file);
	return found;
}

/*
 * Whether a supplementary group from a distro's /etc/group may be given: its
 * gid means the host's group of that number, so only a user's own kind of
 * group (1000 and up) or the device groups, whose gids a user namespace maps
 * onto the nodes' (run.c). A distro whose files its user can write must not
 * grant "disk" or "shadow".
 */
static bool
distro_group_allowed(const char *name, gid_t gid)
{
	return gid >= DISTRO_FIRST_GID || strcmp(name, "video") == 0 || strcmp(name, "render") == 0;
}

/*
 * A name may stand in a line, and a gid in the file, many times: each group is
 * taken once, and no more than the array holds.
 */
static void
distro_add_group(struct distro_user *user, gid_t gid)
{
	for (int i = 0; i < user->group_count; i++) {
		if (user->groups[i] == gid)
			return;
	}
	if (user->group_count < RUN_GROUPS_MAX)
		user->groups[user->group_count++] = gid;
}

/* The user's supplementary groups from <root>/etc/group; also, when @wanted is
 * not NULL, the gid of group @wanted (-1 if absent). */
long
distro_read_groups(const char *root, struct distro_user *user, const char *wanted)
{
	char path[PATH_MAX], line[4096];
	long wanted_gid = -1;
	FILE *file;

	if (path_printf(path, sizeof path, "%s/etc/group", root) < 0)
		return -1;
	file = fopen(path, "re");
	if (!file)
		return -1;
	if (user) {
		user->group_count = 0;
		user->groups[user->group_count++] = user->gid;
	}
	while (fgets(line, sizeof line, file)) {
		char *fields[4];

		if (distro_split_fields(line, fields, 4) < 4)
			continue;
		gid_t gid = (gid_t)strtoul(fields[2], NULL, 10);
		if (wanted && strcmp(fields[0], wanted) == 0)
			wanted_gid = gid;
		if (!user || user->uid == 0 || !distro_group_allowed(fields[0], gid))
			continue;
		for (char *save = NULL, *member = strtok_r(fields[3], ",", &save); member;
		     member = strtok_r(NULL, ",", &save)) {
			if (strcmp(member, user->name) == 0) {
				distro_add_group(user, gid);
				break;
			}
		}
	}
	fclose(file);
	return wanted_gid;
}

void
distro_set_session_env(const struct distro_user *user, int x11_display, const char *gpu_env)
{
	const char *term = getenv("TERM"), *lang = getenv("LANG");
	char line[DISTRO_GPU_ENV_MAX], display[16];

	clearenv();
	setenv("HOME", user->home, 1);
	setenv("USER", user->name, 1);
	setenv("LOGNAME", user->name, 1);
	setenv("SHELL", user->shell, 1);
	setenv("PATH",
	       user->uid == 0 ? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
			      : "/usr/local/bin:/usr/bin:/bin",
	       1);
	setenv("TERM", term ? term : "xterm-256color", 1);
	if (lang)
		setenv("LANG", lang, 1);
	snprintf(display, sizeof display, ":%d", x11_display);
	setenv("DISPLAY", display, 1);
	setenv("WAYLAND_DISPLAY", "wayland-0", 1);
	setenv("XDG_RUNTIME_DIR", "/mnt/wslg/runtime-dir", 1);
	setenv("PULSE_SERVER", "unix:/mnt/wslg/PulseServer", 1);
	/* the GPU path portholed chose (d3d12 through /dev/dxg, say), already vetted */
	snprintf(line, sizeof line, "%s", gpu_env ? gpu_env : "");
	for (char *save = NULL, *var = strtok_r(line, "\n", &save); var;
	     var = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(var, '=');

		if (eq) {
			*eq = '\0';
			setenv(var, eq + 1, 1);
		}
	}
}

/* What of portholed's GPU environment a session may take, name and value. */
static bool
distro_gpu_var_allowed(const char *name, const char *value)
{
	if (strcmp(name, "LD_LIBRARY_PATH") == 0)
		return strcmp(value, "/usr/lib/wsl/lib") == 0;
	if (strcmp(name, "GALLIUM_DRIVER") == 0)
		return strcmp(value, "d3d12") == 0;
	if (strcmp(name, "MESA_D3D12_DEFAULT_ADAPTER_NAME") == 0)
		return strcspn(value, "\n") == strlen(value);
	return false;
}

int
distro_read_gpu_env(pid_t portholed, char *out, size_t size)
{
	char path[PATH_MAX], line[1024];
	size_t used = 0;
	FILE *file;
	int fd;

	out[0] = '\0';
	/* root's file in the system distro's private /run, reached through its root */
	if (path_printf(path, sizeof path, "/proc/%d/root/run/porthole/client.env",
			(int)portholed) < 0)
		return -1;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	file = fd >= 0 ? fdopen(fd, "r") : NULL;
	if (!file) {
		if (fd >= 0)
			close(fd);
		return errno == ENOENT ? 0 : -1;
	}
	while (fgets(line, sizeof line, file)) {
		char *eq = strchr(line, '=');

		line[strcspn(line, "\n")] = '\0';
		if (!eq)
			continue;
		*eq = '\0';
		if (distro_gpu_var_allowed(line, eq + 1) &&
		    (size_t)snprintf(out + used, size - used, "%s=%s\n", line, eq + 1) <
			    size - used)
			used = strlen(out);
	}
	fclose(file);
	return 0;
}
