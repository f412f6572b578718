/*
 * portholed's configuration: defaults, the user's file over the image's,
 * [system-distro-env], and a malformed file that changes nothing and says where.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sv-config.h"
#include "tap.h"

static void
write_file(const char *path, const char *text)
{
	FILE *file = fopen(path, "w");

	if (!file || fputs(text, file) < 0 || fclose(file) != 0)
		abort();
}

struct env_seen {
	char text[256];
};

static void
collect_env(void *data, const char *name, const char *value)
{
	struct env_seen *seen = data;
	size_t used = strlen(seen->text);

	snprintf(seen->text + used, sizeof seen->text - used, "%s=%s;", name, value);
}

static char *
read_all(const char *path)
{
	static char text[4096];
	FILE *file = fopen(path, "r");
	size_t n;

	if (!file)
		return NULL;
	n = fread(text, 1, sizeof text - 1, file);
	text[n] = '\0';
	fclose(file);
	return text;
}

int
main(void)
{
	struct tap t = {0};
	struct sv_config c;
	char dir[] = "/tmp/porthole-sv-config-XXXXXX", image[128], user[128], merged[128], why[512];

	if (!mkdtemp(dir))
		return 1;
	snprintf(image, sizeof image, "%s/porthole.ini", dir);
	snprintf(user, sizeof user, "%s/user.ini", dir);
	snprintf(merged, sizeof merged, "%s/merged.ini", dir);

	sv_config_init(&c);
	TAP_CHECK(&t,
		  strcmp(c.user, "porthole") == 0 && strcmp(c.shared_dir, "/mnt/wslg") == 0 &&
			  c.policy.restart_limit == 5 && c.policy.restart_window_ms == 30000 &&
			  strcmp(c.rdp_listen, "tcp:127.0.0.1:3389") == 0,
		  "defaults: user porthole, /mnt/wslg, 5 exits in 30 s, RDP on loopback 3389");

	TAP_CHECK(&t,
		  sv_config_load(&c, "/nonexistent/porthole.ini", why, sizeof why) == 0 &&
			  why[0] == '\0',
		  "a missing file is no error");

	write_file(image,
		   "[supervisor]\nrestart-limit=4\nready-timeout=2.5\n[rdp]\n"
		   "listen=tcp:127.0.0.1:4000\n[core]\nrenderer=auto\n[output]\nwidth=800\n");
	write_file(user, "[rdp]\nlisten=vsock:4000\n[system-distro-env]\nMESA_DEBUG=1\n"
			 "GALLIUM_HUD=fps\n[supervisor]\nrestart-window=12\n");
	TAP_CHECK(&t, sv_config_load(&c, image, why, sizeof why) == 0, "the image's file loads %s",
		  why);
	TAP_CHECK(&t, sv_config_load(&c, user, why, sizeof why) == 0, "the user's file loads %s",
		  why);
	TAP_CHECK(&t,
		  c.policy.restart_limit == 4 && c.policy.ready_timeout_ms == 2500 &&
			  c.policy.restart_window_ms == 12000,
		  "supervisor keys from both files (limit %d, ready %d ms, window %d ms)",
		  c.policy.restart_limit, c.policy.ready_timeout_ms, c.policy.restart_window_ms);
	TAP_CHECK(&t, strcmp(c.rdp_listen, "vsock:4000") == 0, "the user's file wins: %s",
		  c.rdp_listen);

	struct env_seen seen = {""};
	sv_config_for_each_env(&c, collect_env, &seen);
	TAP_CHECK(&t, strcmp(seen.text, "MESA_DEBUG=1;GALLIUM_HUD=fps;") == 0,
		  "[system-distro-env] becomes environment: %s", seen.text);

	TAP_CHECK(&t, sv_config_write(&c, merged) == 0, "the merged file is written");
	const char *text = read_all(merged);
	TAP_CHECK(&t,
		  text && strstr(text, "[rdp]\nlisten=vsock:4000\n") &&
			  strstr(text, "[output]\nwidth=800\n") &&
			  !strstr(text, "listen=tcp:127.0.0.1:4000"),
		  "merged: one [rdp] section with the user's listen, other sections kept");

	/* malformed: nothing of it applies, the reason names file and line */
	write_file(user, "[supervisor]\nrestart-limit=9\nthis line has no equals sign\n");
	TAP_CHECK(&t,
		  sv_config_load(&c, user, why, sizeof why) < 0 && strstr(why, user) &&
			  strstr(why, "line 3"),
		  "a syntax error names file and line: %s", why);
	TAP_CHECK(&t, c.policy.restart_limit == 4, "and its earlier lines are not applied");

	write_file(user, "[supervisor]\nrestart-limit=many\n");
	TAP_CHECK(&t, sv_config_load(&c, user, why, sizeof why) < 0 && strstr(why, "line 2"),
		  "a bad number is refused: %s", why);
	write_file(user, "[system-distro-env]\nNOT-A-NAME=1\n");
	TAP_CHECK(&t, sv_config_load(&c, user, why, sizeof why) < 0 && strstr(why, "NOT-A-NAME"),
		  "a bad environment name is refused: %s", why);
	write_file(user, "[core]\nrenderer=vulkan\n");
	TAP_CHECK(&t, sv_config_load(&c, user, why, sizeof why) < 0, "an unknown renderer: %s",
		  why);
	write_file(user, "[supervisor]\nshared-dir=relative\n");
	TAP_CHECK(&t, sv_config_load(&c, user, why, sizeof why) < 0,
		  "a relative shared dir is refused: %s", why);
	TAP_CHECK(&t, strcmp(c.shared_dir, "/mnt/wslg") == 0 && c.policy.restart_limit == 4,
		  "after four refused files the settings are unchanged");

	sv_config_release(&c);
	unlink(image);
	unlink(user);
	unlink(merged);
	rmdir(dir);
	return tap_finish(&t);
}
