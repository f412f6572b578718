#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ini.h"
#include "options.h"
#include "tap.h"

static char *
write_temp(const char *text)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof path, "/tmp/porthole-options-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		abort();
	close(fd);
	return path;
}

static int
check_text(const char *text, char *why, size_t size)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int line = ini_check(f, why, size);

	fclose(f);
	return line;
}

/* The command line: values, refusals, and the first pass that takes only --config. */
static void
test_argv(struct tap *t)
{
	struct pc_options o;
	char err[512];

	options_init_defaults(&o);
	TAP_CHECK(t,
		  o.renderer == PC_RENDERER_PIXMAN && o.width == 1280 && !o.xwayland &&
			  strcmp(o.socket_name, "wayland-0") == 0 &&
			  strcmp(o.x11_dir, "/tmp/.X11-unix") == 0,
		  "defaults");

	char *argv1[] = {"pc",
			 "--renderer=gl",
			 "--width",
			 "640",
			 "--xwayland",
			 "--socket=w1",
			 "--x11-dir=/mnt/wslg/.X11-unix",
			 "--shell=desktop"};
	TAP_CHECK(t, options_parse_argv(&o, 8, argv1, false, err, sizeof err) == 0, "argv parses");
	TAP_CHECK(t,
		  o.renderer == PC_RENDERER_GL && o.width == 640 && o.xwayland &&
			  strcmp(o.socket_name, "w1") == 0 && o.shell_mode == PC_SHELL_DESKTOP &&
			  strcmp(o.x11_dir, "/mnt/wslg/.X11-unix") == 0,
		  "argv values applied");

	char *bad_socket[] = {"pc", "--socket=../evil"};
	TAP_CHECK(t, options_parse_argv(&o, 2, bad_socket, false, err, sizeof err) < 0,
		  "a socket name with a slash is refused: %s", err);
	char *bad_size[] = {"pc", "--height=99999"};
	TAP_CHECK(t, options_parse_argv(&o, 2, bad_size, false, err, sizeof err) < 0,
		  "an absurd height is refused: %s", err);
	char *missing[] = {"pc", "--width"};
	TAP_CHECK(t,
		  options_parse_argv(&o, 2, missing, false, err, sizeof err) < 0 &&
			  strstr(err, "needs a value"),
		  "a missing value is reported: %s", err);
	char *flag_value[] = {"pc", "--xwayland=yes"};
	TAP_CHECK(t, options_parse_argv(&o, 2, flag_value, false, err, sizeof err) < 0,
		  "a flag with a value is refused: %s", err);
	char *listens[] = {"pc", "--rdp-listen=tcp:127.0.0.1:3389", "--rdp-listen=unix:/run/rdp",
			   "--rdp-listen=vsock:3389"};
	TAP_CHECK(t,
		  options_parse_argv(&o, 4, listens, false, err, sizeof err) == 0 &&
			  strcmp(o.rdp_listen, "tcp:127.0.0.1:3389,unix:/run/rdp,vsock:3389") == 0,
		  "--rdp-listen repeats into a list: %s", o.rdp_listen ? o.rdp_listen : "(null)");
	char *bad_listen[] = {"pc", "--rdp-listen=unix:relative"};
	TAP_CHECK(t, options_parse_argv(&o, 2, bad_listen, false, err, sizeof err) < 0,
		  "a relative unix path is refused: %s", err);
	char *modes[] = {"pc", "--rdp-mode=rail", "--rdp-rail-exec=weston-terminal,xterm"};
	TAP_CHECK(t,
		  options_parse_argv(&o, 3, modes, false, err, sizeof err) == 0 &&
			  o.rdp_mode == RDP_MODE_RAIL &&
			  strcmp(o.rdp_rail_exec, "weston-terminal,xterm") == 0,
		  "--rdp-mode and --rdp-rail-exec applied");
	char *bad_mode[] = {"pc", "--rdp-mode=remoteapp"};
	TAP_CHECK(t,
		  options_parse_argv(&o, 2, bad_mode, false, err, sizeof err) < 0 &&
			  o.rdp_mode == RDP_MODE_RAIL,
		  "an unknown --rdp-mode is refused and changes nothing: %s", err);
	char *pulse[] = {"pc", "--pulse-server=unix:/mnt/wslg/PulseServer"};
	TAP_CHECK(t,
		  options_parse_argv(&o, 2, pulse, false, err, sizeof err) == 0 &&
			  strcmp(o.pulse_server, "unix:/mnt/wslg/PulseServer") == 0,
		  "--pulse-server applied");
	char *bad_pulse[] = {"pc", "--pulse-server=tcp:localhost"};
	TAP_CHECK(t, options_parse_argv(&o, 2, bad_pulse, false, err, sizeof err) < 0,
		  "a --pulse-server that is not unix:/PATH is refused: %s", err);
	char *config_only[] = {"pc", "--width=10", "--config=/x.ini"};
	options_release(&o);
	options_init_defaults(&o);
	TAP_CHECK(t,
		  options_parse_argv(&o, 3, config_only, true, err, sizeof err) == 0 &&
			  o.width == 1280 && strcmp(o.config_path, "/x.ini") == 0,
		  "the first pass takes only --config");

	options_release(&o);
}

/* ini syntax errors are found with their line. */
static void
test_ini_syntax(struct tap *t)
{
	char why[256];

	TAP_CHECK(t,
		  check_text("# c\n\n[core]\nrenderer = gl\n[shell]\nx=1\n", why, sizeof why) == 0,
		  "well-formed ini passes");
	TAP_CHECK(t, check_text("[core]\nrenderer gl\n", why, sizeof why) == 2,
		  "a line without '=' is found at line 2 (%s)", why);
	TAP_CHECK(t, check_text("renderer=gl\n", why, sizeof why) == 1,
		  "a key before any section is line 1 (%s)", why);
	TAP_CHECK(t, check_text("[core]\n[out put]\n", why, sizeof why) == 2,
		  "a bad section name is line 2 (%s)", why);
	TAP_CHECK(t, check_text("[core\n", why, sizeof why) == 1, "an unclosed section (%s)", why);
}

/* A config file applies whole, or not at all, and the command line overrides it. */
static void
test_config_file(struct tap *t)
{
	struct pc_options o;
	char err[512];
	char *path;

	options_init_defaults(&o);
	path = write_temp("[core]\nrenderer=auto\nxwayland=true\nsocket=wl-9\n[output]\n"
			  "width=1024\nheight=768\nscale=2\n[shell]\nbackground-color=0xff102030\n"
			  "cascade-step=20\n[keyboard]\nkeymap_layout=de\n"
			  "[audio]\npulse-server=unix:/run/pulse.sock\n");
	TAP_CHECK(t, options_load_config(&o, path, err, sizeof err) == 0, "config loads (%s)", err);
	TAP_CHECK(t,
		  o.renderer == PC_RENDERER_AUTO && o.xwayland && o.width == 1024 &&
			  o.height == 768 && o.scale_percent == 200 &&
			  o.background_color == 0xff102030 && o.cascade_step == 20 &&
			  strcmp(o.socket_name, "wl-9") == 0 && o.keymap_layout &&
			  strcmp(o.keymap_layout, "de") == 0 && o.pulse_server &&
			  strcmp(o.pulse_server, "unix:/run/pulse.sock") == 0,
		  "config values applied");
	unlink(path);

	path = write_temp("[core]\nrenderer=pixman\n[output]\nwidth=wide\n");
	options_release(&o);
	options_init_defaults(&o);
	o.width = 333;
	TAP_CHECK(t,
		  options_load_config(&o, path, err, sizeof err) < 0 && strstr(err, "width") &&
			  strstr(err, path),
		  "a bad value names file and key: %s", err);
	TAP_CHECK(t, o.width == 333 && o.renderer == PC_RENDERER_PIXMAN,
		  "a bad file leaves the settings untouched");
	unlink(path);

	path = write_temp("[core]\nrenderer=gl\nthis is not ini\n");
	TAP_CHECK(t, options_load_config(&o, path, err, sizeof err) < 0 && strstr(err, ":3:"),
		  "a syntax error names the line: %s", err);
	TAP_CHECK(t, o.renderer == PC_RENDERER_PIXMAN, "and nothing of the file is applied");
	unlink(path);

	path = write_temp("[rdp]\nlisten=tcp:127.0.0.1:3389\n");
	options_release(&o);
	options_init_defaults(&o);
	char *listen_args[] = {"pc", "--rdp-listen=tcp:127.0.0.1:4000", "--rdp-listen=vsock:4000"};
	TAP_CHECK(t,
		  options_load_config(&o, path, err, sizeof err) == 0 &&
			  options_parse_argv(&o, 3, listen_args, false, err, sizeof err) == 0 &&
			  strcmp(o.rdp_listen, "tcp:127.0.0.1:4000,vsock:4000") == 0,
		  "--rdp-listen replaces the config's listeners: %s",
		  o.rdp_listen ? o.rdp_listen : "(null)");
	unlink(path);

	TAP_CHECK(t, options_load_config(&o, "/nonexistent/porthole.ini", err, sizeof err) < 0,
		  "a missing file is reported: %s", err);
	options_release(&o);
}

/* The display and keyboard options: scale, key repeat, Xwayland's GLX. */
static void
test_argv_display(struct tap *t)
{
	struct pc_options o;
	char err[512];

	options_init_defaults(&o);
	char *scales[][2] = {{"pc", "--scale=180"},  {"pc", "--scale=1.5"}, {"pc", "--scale=200%"},
			     {"pc", "--scale=auto"}, {"pc", "--scale=90"},  {"pc", "--scale=7"},
			     {"pc", "--scale=2x"}};
	const int scale_wanted[] = {180, 150, 200, 0, -1, -1, -1};
	for (size_t i = 0; i < sizeof scales / sizeof scales[0]; i++) {
		int ret = options_parse_argv(&o, 2, scales[i], false, err, sizeof err);

		TAP_CHECK(t,
			  scale_wanted[i] < 0 ? ret < 0
					      : ret == 0 && o.scale_percent == scale_wanted[i],
			  "%s: %s (%d)", scales[i][1], ret < 0 ? err : "taken", o.scale_percent);
	}
	TAP_CHECK(t, o.repeat_rate == 40 && o.repeat_delay == 400,
		  "keys repeat 40 a second after 400 ms unless told otherwise");
	char *repeat[] = {"pc", "--repeat-rate=0", "--repeat-delay=250"};
	TAP_CHECK(t,
		  options_parse_argv(&o, 3, repeat, false, err, sizeof err) == 0 &&
			  o.repeat_rate == 0 && o.repeat_delay == 250,
		  "--repeat-rate=0 (no repeat) and --repeat-delay applied");
	char *bad_repeat[] = {"pc", "--repeat-delay=-5"};
	TAP_CHECK(t, options_parse_argv(&o, 2, bad_repeat, false, err, sizeof err) < 0,
		  "a negative repeat delay is refused: %s", err);
	char *glx[] = {"pc", "--xwayland-glx=on"};
	TAP_CHECK(t,
		  options_parse_argv(&o, 2, glx, false, err, sizeof err) == 0 &&
			  o.xwayland_glx == PC_XWAYLAND_GLX_ON,
		  "--xwayland-glx=on applied");
	char *bad_glx[] = {"pc", "--xwayland-glx=maybe"};
	TAP_CHECK(t, options_parse_argv(&o, 2, bad_glx, false, err, sizeof err) < 0,
		  "--xwayland-glx=maybe is refused: %s", err);
	options_release(&o);
}

int
main(void)
{
	struct tap t = {0};

	test_argv(&t);
	test_argv_display(&t);
	test_ini_syntax(&t);
	test_config_file(&t);
	return tap_finish(&t);
}
