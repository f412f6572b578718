/*
 * A user as a distro's own /etc/passwd and /etc/group say (parsed by hand: NSS
 * modules of another distro's libc are not ours to load), and the environment
 * of a session in a distro that reaches Porthole's sockets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
		if (!user || user->group_count >= RUN_GROUPS_MAX)
			continue;
		for (char *member = strtok(fields[3], ","); member; member = strtok(NULL, ",")) {
			if (strcmp(member, user->name) == 0 && gid != user->gid)
				user->groups[user->group_count++] = gid;
		}
	}
	fclose(file);
	return wanted_gid;
}

void
distro_set_session_env(const struct distro_user *user)
{
	const char *term = getenv("TERM"), *lang = getenv("LANG");
	char line[1024];
	FILE *file;

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
	setenv("DISPLAY", ":0", 1);
	setenv("WAYLAND_DISPLAY", "wayland-0", 1);
	setenv("XDG_RUNTIME_DIR", "/mnt/wslg/runtime-dir", 1);
	setenv("PULSE_SERVER", "unix:/mnt/wslg/PulseServer", 1);
	/* The GPU path portholed chose (d3d12 through /dev/dxg, say). */
	file = fopen("/mnt/wslg/client.env", "re");
	while (file && fgets(line, sizeof line, file)) {
		char *eq = strchr(line, '=');
		line[strcspn(line, "\n")] = '\0';
		if (eq) {
			*eq = '\0';
			setenv(line, eq + 1, 1);
		}
	}
	if (file)
		fclose(file);
}
