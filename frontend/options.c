#include "options.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libweston/config-parser.h>

#include "ini.h"

void
options_init_defaults(struct pc_options *opts)
{
	memset(opts, 0, sizeof *opts);
	opts->renderer = PC_RENDERER_PIXMAN;
	opts->shell_mode = PC_SHELL_RAIL;
	opts->socket_name = strdup(PC_DEFAULT_SOCKET);
	opts->width = PC_DEFAULT_WIDTH;
	opts->height = PC_DEFAULT_HEIGHT;
	opts->x11_dir = strdup(PC_DEFAULT_X11_DIR);
	opts->background_color = 0xff000000;
	opts->cascade_step = 32;
	/* weston's defaults: without them libweston tells apps not to repeat keys at all */
	opts->repeat_rate = 40;
	opts->repeat_delay = 400;
	/*
	 * FreeRDP 2.11's X11 client hands a paste to the host app in one X request
	 * (no INCR), and an X server takes 16 MB at most: a bigger copy makes it die
	 * with BadLength, ending the session.
	 */
	opts->rdp_clipboard_max_mb = 15;
}

static void
options_free_strings(struct pc_options *opts)
{
	free(opts->socket_name);
	free(opts->x11_dir);
	free(opts->log_path);
	free(opts->config_path);
	free(opts->control_socket);
	free(opts->debug_scopes);
	free(opts->keymap_rules);
	free(opts->keymap_model);
	free(opts->keymap_layout);
	free(opts->keymap_variant);
	free(opts->keymap_options);
	free(opts->rdp_listen);
	free(opts->rdp_user);
	free(opts->rdp_password_file);
	free(opts->rdp_tls_cert);
	free(opts->rdp_tls_key);
	free(opts->rdp_rail_exec);
	free(opts->pulse_server);
}

void
options_release(struct pc_options *opts)
{
	options_free_strings(opts);
	memset(opts, 0, sizeof *opts);
}

/* Deep copy, so a config load can work on a scratch copy and commit or drop it. */
static void
options_copy(struct pc_options *dst, const struct pc_options *src)
{
	*dst = *src;
#define DUP(field) dst->field = src->field ? strdup(src->field) : NULL
	DUP(socket_name);
	DUP(x11_dir);
	DUP(log_path);
	DUP(config_path);
	DUP(control_socket);
	DUP(debug_scopes);
	DUP(keymap_rules);
	DUP(keymap_model);
	DUP(keymap_layout);
	DUP(keymap_variant);
	DUP(keymap_options);
	DUP(rdp_listen);
	DUP(rdp_user);
	DUP(rdp_password_file);
	DUP(rdp_tls_cert);
	DUP(rdp_tls_key);
	DUP(rdp_rail_exec);
	DUP(pulse_server);
#undef DUP
}

static void
options_set_string(char **field, const char *value)
{
	free(*field);
	*field = value ? strdup(value) : NULL;
}

/* A decimal integer within @min..@max, nothing around it. */
static int
options_parse_int(const char *s, int min, int max, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

static int
options_parse_size(const char *s, int *out)
{
	return options_parse_int(s, 1, PC_MAX_OUTPUT_SIZE, out);
}

/*
 * "auto" (0: each client's own), a percentage ("180", "180%") or a factor
 * ("1.8", "2"), within PC_SCALE_PERCENT_*.
 */
static int
options_parse_scale(const char *s, int *percent)
{
	char *end;
	double v;

	if (strcmp(s, "auto") == 0) {
		*percent = 0;
		return 0;
	}
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || (*end && strcmp(end, "%") != 0))
		return -1;
	if (!*end && v < 10)
		v *= 100; /* a factor: no percentage is below 100 */
	if (!(v >= PC_SCALE_PERCENT_MIN && v <= PC_SCALE_PERCENT_MAX))
		return -1;
	*percent = (int)(v + 0.5);
	return 0;
}

/* A Wayland socket name is a file name inside the runtime dir, never a path. */
static int
options_check_socket_name(const char *s)
{
	if (!*s || strchr(s, '/') || strlen(s) > 64 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return -1;
	return 0;
}

void
options_print_help(const char *argv0)
{
	printf("Usage: %s [OPTIONS]\n"
	       "\n"
	       "Porthole's compositor: libweston on a headless output, the shell,\n"
	       "Xwayland on demand, and a control socket for the `porthole` command.\n"
	       "\n"
	       "  --renderer=pixman|gl|auto  renderer (default pixman; auto picks GL when a\n"
	       "                             render node or /dev/dxg exists)\n"
	       "  --shell=rail|desktop       window policy: rail (each window remoted on its\n"
	       "                             own) or desktop (plain background, whole desktop)\n"
	       "  --socket=NAME              Wayland socket name in $XDG_RUNTIME_DIR (default %s)\n"
	       "  --width=N --height=N       size of the first output (default %dx%d)\n"
	       "  --scale=auto|PERCENT|FACTOR\n"
	       "                             desktop scale, 100..500 %% (180, 180%%, 1.8);\n"
	       "                             auto (default): the RDP client's\n"
	       "  --xwayland                 start Xwayland on the first X11 connection\n"
	       "  --repeat-rate=N --repeat-delay=MS\n"
	       "                             key repeat that apps apply (default 40 keys a\n"
	       "                             second after 400 ms; rate 0: no repeat)\n"
	       "  --xwayland-glx=auto|on|off Xwayland's GLX; auto (default): with the GL\n"
	       "                             renderer only (without a GPU it loads LLVM,\n"
	       "                             54 MB, whether or not an app uses GL)\n"
	       "  --x11-dir=DIR              directory of the X11 socket (default %s)\n"
	       "  --x11-display=N            the X11 display number (default: the first free)\n"
	       "  --log=FILE                 write the log to FILE instead of stderr\n"
	       "  --debug=SCOPES             also log these scopes "
	       "(rail,xwayland,control,output,audio,input)\n"
	       "  --control-socket=PATH      the control socket (default\n"
	       "                             $XDG_RUNTIME_DIR/NAME.control); root and this user "
	       "only\n"
	       "  --control-root-only        refuse this user too on the control socket\n"
	       "  --config=FILE              weston-style ini: [core] [output] [shell] [keyboard]\n"
	       "                             [rdp] [audio]\n"
	       "  --rdp-listen=WHERE         serve RDP, TLS always; repeatable:\n"
	       "                             tcp:HOST:PORT, unix:PATH, vsock:PORT, fd:N,\n"
	       "                             listen-fds (socket activation)\n"
	       "  --rdp-user=NAME            user name an RDP client must give (required with\n"
	       "                             TCP, optional on unix and vsock)\n"
	       "  --rdp-password-file=FILE   its password, first line of a mode-0600 file, or\n"
	       "                             fd:N, an open file read at start\n"
	       "  --rdp-tls-cert=FILE --rdp-tls-key=FILE\n"
	       "                             TLS identity, PEM (or fd:N each; default:\n"
	       "                             self-signed, made at start)\n"
	       "  --rdp-mode=MODE            rail (RemoteApp windows), desktop (the whole\n"
	       "                             output) or auto (what the client asks; default)\n"
	       "  --rdp-codec=CODEC          auto (default: the graphics pipeline with planar\n"
	       "                             when the client offers it, else RemoteFX, then\n"
	       "                             NSCodec, then raw bits); forced (tests): remotefx,\n"
	       "                             nsc, raw (SurfaceBits; raw when the client lacks\n"
	       "                             the one named) or planar, progressive,\n"
	       "                             uncompressed, avc420 (graphics pipeline; planar\n"
	       "                             when the client lacks AVC420)\n"
	       "  --rdp-rail-exec=LIST       commands a RemoteApp client may start, comma-\n"
	       "                             separated; empty (default): none is started, the\n"
	       "                             client just shows the windows there are\n"
	       "  --rdp-clipboard-max-mb=MB  the largest copy the clipboard carries either\n"
	       "                             way (default 15: FreeRDP's X11 client dies on\n"
	       "                             more than 16 MB); 0: no shared clipboard\n"
	       "  --pulse-server=unix:PATH   PulseAudio whose RDPSink and RDPSource RDP\n"
	       "                             clients play and feed (default: none, no sound)\n"
	       "  -h, --help                 show this help\n"
	       "\n"
	       "Exit status: 0 after `porthole quit`, 1 on a start-up failure, 2 on a usage "
	       "error.\n",
	       argv0, PC_DEFAULT_SOCKET, PC_DEFAULT_WIDTH, PC_DEFAULT_HEIGHT, PC_DEFAULT_X11_DIR);
}

enum option_kind { OPT_FLAG, OPT_VALUE };

struct option_desc {
	const char *name;
	enum option_kind kind;
};

static const struct option_desc option_table[] = {
	{"renderer", OPT_VALUE},
	{"shell", OPT_VALUE},
	{"socket", OPT_VALUE},
	{"width", OPT_VALUE},
	{"height", OPT_VALUE},
	{"scale", OPT_VALUE},
	{"xwayland", OPT_FLAG},
	{"xwayland-glx", OPT_VALUE},
	{"repeat-rate", OPT_VALUE},
	{"repeat-delay", OPT_VALUE},
	{"x11-dir", OPT_VALUE},
	{"x11-display", OPT_VALUE},
	{"log", OPT_VALUE},
	{"debug", OPT_VALUE},
	{"config", OPT_VALUE},
	{"help", OPT_FLAG},
	{"rdp-listen", OPT_VALUE},
	{"rdp-user", OPT_VALUE},
	{"rdp-password-file", OPT_VALUE},
	{"rdp-tls-cert", OPT_VALUE},
	{"rdp-tls-key", OPT_VALUE},
	{"rdp-mode", OPT_VALUE},
	{"rdp-rail-exec", OPT_VALUE},
	{"rdp-codec", OPT_VALUE},
	{"rdp-clipboard-max-mb", OPT_VALUE},
	{"pulse-server", OPT_VALUE},
	{"control-socket", OPT_VALUE},
	{"control-root-only", OPT_FLAG},
};

/* tcp:HOST:PORT, unix:PATH, vsock:PORT, fd:N or listen-fds, possibly comma-separated */
static bool
options_rdp_listen_is_valid(const char *value)
{
	char *list = strdup(value), *save = NULL;
	bool ok = list && *value;

	for (char *s = list ? strtok_r(list, ",", &save) : NULL; ok && s;
	     s = strtok_r(NULL, ",", &save)) {
		ok = (strncmp(s, "tcp:", 4) == 0 && strchr(s + 4, ':')) ||
		     (strncmp(s, "unix:/", 6) == 0) || (strncmp(s, "vsock:", 6) == 0 && s[6]) ||
		     (strncmp(s, "fd:", 3) == 0 && s[3]) || strcmp(s, "listen-fds") == 0;
	}
	free(list);
	return ok;
}

static int
options_apply_one(struct pc_options *opts, const char *name, const char *value, char *err,
		  size_t err_size)
{
	if (strcmp(name, "renderer") == 0) {
		if (pc_renderer_from_name(value, &opts->renderer) < 0)
			goto bad_value;
	} else if (strcmp(name, "shell") == 0) {
		if (pc_shell_mode_from_name(value, &opts->shell_mode) < 0)
			goto bad_value;
	} else if (strcmp(name, "socket") == 0) {
		if (options_check_socket_name(value) < 0)
			goto bad_value;
		options_set_string(&opts->socket_name, value);
	} else if (strcmp(name, "width") == 0) {
		if (options_parse_size(value, &opts->width) < 0)
			goto bad_value;
	} else if (strcmp(name, "height") == 0) {
		if (options_parse_size(value, &opts->height) < 0)
			goto bad_value;
	} else if (strcmp(name, "scale") == 0) {
		if (options_parse_scale(value, &opts->scale_percent) < 0)
			goto bad_value;
	} else if (strcmp(name, "control-root-only") == 0) {
		opts->control_root_only = true;
	} else if (strcmp(name, "xwayland") == 0) {
		opts->xwayland = true;
	} else if (strcmp(name, "repeat-rate") == 0) {
		/* 0 turns repeating off */
		if (options_parse_int(value, 0, 1000, &opts->repeat_rate) < 0)
			goto bad_value;
	} else if (strcmp(name, "repeat-delay") == 0) {
		if (options_parse_int(value, 0, 10000, &opts->repeat_delay) < 0)
			goto bad_value;
	} else if (strcmp(name, "xwayland-glx") == 0) {
		if (pc_xwayland_glx_from_name(value, &opts->xwayland_glx) < 0)
			goto bad_value;
	} else if (strcmp(name, "x11-display") == 0) {
		if (options_parse_int(value, 0, 63, &opts->x11_display) < 0)
			goto bad_value;
	} else if (strcmp(name, "x11-dir") == 0) {
		if (value[0] != '/')
			goto bad_value;
		options_set_string(&opts->x11_dir, value);
	} else if (strcmp(name, "log") == 0) {
		options_set_string(&opts->log_path, value);
	} else if (strcmp(name, "debug") == 0) {
		options_set_string(&opts->debug_scopes, value);
	} else if (strcmp(name, "config") == 0) {
		options_set_string(&opts->config_path, value);
	} else if (strcmp(name, "control-socket") == 0) {
		if (value[0] != '/')
			goto bad_value;
		options_set_string(&opts->control_socket, value);
	} else if (strcmp(name, "help") == 0) {
		opts->help = true;
	} else if (strcmp(name, "rdp-listen") == 0) {
		/* repeatable: the listeners add up, as a comma-separated list */
		if (!options_rdp_listen_is_valid(value))
			goto bad_value;
		if (opts->rdp_listen) {
			char *joined = NULL;
			if (asprintf(&joined, "%s,%s", opts->rdp_listen, value) < 0)
				goto bad_value;
			free(opts->rdp_listen);
			opts->rdp_listen = joined;
		} else {
			options_set_string(&opts->rdp_listen, value);
		}
	} else if (strcmp(name, "rdp-user") == 0) {
		options_set_string(&opts->rdp_user, value);
	} else if (strcmp(name, "rdp-password-file") == 0) {
		options_set_string(&opts->rdp_password_file, value);
	} else if (strcmp(name, "rdp-tls-cert") == 0) {
		options_set_string(&opts->rdp_tls_cert, value);
	} else if (strcmp(name, "rdp-tls-key") == 0) {
		options_set_string(&opts->rdp_tls_key, value);
	} else if (strcmp(name, "rdp-mode") == 0) {
		if (rdp_mode_from_name(value, &opts->rdp_mode) < 0)
			goto bad_value;
	} else if (strcmp(name, "rdp-codec") == 0) {
		if (rdp_codec_from_name(value, &opts->rdp_codec) < 0)
			goto bad_value;
	} else if (strcmp(name, "rdp-clipboard-max-mb") == 0) {
		/* 4 GB: the channel's lengths are 32 bits */
		if (options_parse_int(value, 0, 4095, &opts->rdp_clipboard_max_mb) < 0)
			goto bad_value;
	} else if (strcmp(name, "rdp-rail-exec") == 0) {
		options_set_string(&opts->rdp_rail_exec, value);
	} else if (strcmp(name, "pulse-server") == 0) {
		if (strncmp(value, "unix:/", 6) != 0)
			goto bad_value;
		options_set_string(&opts->pulse_server, value);
	}
	return 0;

bad_value:
	snprintf(err, err_size, "invalid value \"%s\" for --%s (see --help)", value, name);
	return -1;
}

int
options_parse_argv(struct pc_options *opts, int argc, char *argv[], bool config_only, char *err,
		   size_t err_size)
{
	/* The config's listeners add up among themselves, and so do the command line's,
	 * but the command line replaces the config's rather than adding to them. */
	bool listen_replaced = false;

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		const struct option_desc *desc = NULL;
		const char *value = NULL;
		size_t name_len;

		if (strcmp(arg, "-h") == 0)
			arg = "--help";
		if (strncmp(arg, "--", 2) != 0) {
			snprintf(err, err_size, "unexpected argument \"%s\" (see --help)", arg);
			return -1;
		}
		arg += 2;
		name_len = strcspn(arg, "=");
		for (size_t k = 0; k < sizeof option_table / sizeof option_table[0]; k++) {
			if (strlen(option_table[k].name) == name_len &&
			    strncmp(option_table[k].name, arg, name_len) == 0)
				desc = &option_table[k];
		}
		if (!desc) {
			snprintf(err, err_size, "unknown option \"--%.*s\" (see --help)",
				 (int)name_len, arg);
			return -1;
		}
		if (desc->kind == OPT_VALUE) {
			if (arg[name_len] == '=')
				value = arg + name_len + 1;
			else if (i + 1 < argc)
				value = argv[++i];
			else {
				snprintf(err, err_size, "--%s needs a value", desc->name);
				return -1;
			}
		} else if (arg[name_len] == '=') {
			snprintf(err, err_size, "--%s takes no value", desc->name);
			return -1;
		}
		if (config_only && strcmp(desc->name, "config") != 0 &&
		    strcmp(desc->name, "help") != 0)
			continue;
		if (!config_only && !listen_replaced && strcmp(desc->name, "rdp-listen") == 0) {
			free(opts->rdp_listen);
			opts->rdp_listen = NULL;
			listen_replaced = true;
		}
		if (options_apply_one(opts, desc->name, value, err, err_size) < 0)
			return -1;
	}
	return 0;
}

struct config_key_map {
	const char *section;
	const char *key;
	const char *option; /* the command-line option it mirrors */
};

static const struct config_key_map config_keys[] = {
	{"core", "renderer", "renderer"},
	{"core", "shell", "shell"},
	{"core", "socket", "socket"},
	{"core", "x11-dir", "x11-dir"},
	{"core", "xwayland-glx", "xwayland-glx"},
	{"core", "log", "log"},
	{"core", "debug", "debug"},
	{"output", "width", "width"},
	{"output", "height", "height"},
	{"output", "scale", "scale"},
	{"rdp", "listen", "rdp-listen"},
	{"rdp", "user", "rdp-user"},
	{"rdp", "password-file", "rdp-password-file"},
	{"rdp", "tls-cert", "rdp-tls-cert"},
	{"rdp", "tls-key", "rdp-tls-key"},
	{"rdp", "mode", "rdp-mode"},
	{"rdp", "rail-exec", "rdp-rail-exec"},
	{"rdp", "codec", "rdp-codec"},
	{"rdp", "clipboard-max-mb", "rdp-clipboard-max-mb"},
	{"audio", "pulse-server", "pulse-server"},
	{"keyboard", "repeat-rate", "repeat-rate"},
	{"keyboard", "repeat-delay", "repeat-delay"},
};

static int
options_load_keyboard(struct pc_options *opts, struct weston_config *config)
{
	struct weston_config_section *s = weston_config_get_section(config, "keyboard", NULL, NULL);

	if (!s)
		return 0;
	free(opts->keymap_rules);
	free(opts->keymap_model);
	free(opts->keymap_layout);
	free(opts->keymap_variant);
	free(opts->keymap_options);
	weston_config_section_get_string(s, "keymap_rules", &opts->keymap_rules, NULL);
	weston_config_section_get_string(s, "keymap_model", &opts->keymap_model, NULL);
	weston_config_section_get_string(s, "keymap_layout", &opts->keymap_layout, NULL);
	weston_config_section_get_string(s, "keymap_variant", &opts->keymap_variant, NULL);
	weston_config_section_get_string(s, "keymap_options", &opts->keymap_options, NULL);
	return 0;
}

static int
options_load_sections(struct pc_options *opts, struct weston_config *config, const char *path,
		      char *err, size_t err_size)
{
	struct weston_config_section *s;
	char inner[256];
	bool flag;

	for (size_t k = 0; k < sizeof config_keys / sizeof config_keys[0]; k++) {
		const struct config_key_map *ck = &config_keys[k];
		char *value = NULL;

		s = weston_config_get_section(config, ck->section, NULL, NULL);
		if (!s || weston_config_section_get_string(s, ck->key, &value, NULL) < 0)
			continue;
		if (options_apply_one(opts, ck->option, value, inner, sizeof inner) < 0) {
			snprintf(err, err_size, "%s: [%s] %s=\"%s\" is not valid", path,
				 ck->section, ck->key, value);
			free(value);
			return -1;
		}
		free(value);
	}

	s = weston_config_get_section(config, "core", NULL, NULL);
	if (s && weston_config_section_get_bool(s, "xwayland", &flag, false) == 0)
		opts->xwayland = flag;

	s = weston_config_get_section(config, "shell", NULL, NULL);
	if (s) {
		uint32_t color;
		int step;

		if (weston_config_section_get_color(s, "background-color", &color, 0) == 0)
			opts->background_color = color;
		else if (errno == EINVAL) {
			snprintf(err, err_size, "%s: [shell] background-color must be 0xAARRGGBB",
				 path);
			return -1;
		}
		if (weston_config_section_get_int(s, "cascade-step", &step, 0) == 0) {
			if (step < 0 || step > 512) {
				snprintf(err, err_size, "%s: [shell] cascade-step must be 0..512",
					 path);
				return -1;
			}
			opts->cascade_step = step;
		} else if (errno == EINVAL) {
			snprintf(err, err_size, "%s: [shell] cascade-step must be a number", path);
			return -1;
		}
	}
	return options_load_keyboard(opts, config);
}

int
options_load_config(struct pc_options *opts, const char *path, char *err, size_t err_size)
{
	struct pc_options scratch;
	struct weston_config *config;
	char why[256], full[PATH_MAX];
	FILE *file;
	int line, ret;

	file = fopen(path, "r");
	if (!file) {
		snprintf(err, err_size, "%s: %s", path, strerror(errno));
		return -1;
	}
	line = ini_check(file, why, sizeof why);
	fclose(file);
	if (line > 0) {
		snprintf(err, err_size, "%s:%d: %s", path, line, why);
		return -1;
	}

	/* libweston looks a relative name up in its own config dirs; ours is a path. */
	if (!realpath(path, full)) {
		snprintf(err, err_size, "%s: %s", path, strerror(errno));
		return -1;
	}
	config = weston_config_parse(full);
	if (!config) {
		snprintf(err, err_size, "%s: not a valid weston-style ini file", path);
		return -1;
	}
	options_copy(&scratch, opts);
	ret = options_load_sections(&scratch, config, path, err, err_size);
	weston_config_destroy(config);
	if (ret < 0) {
		options_release(&scratch);
		return -1;
	}
	options_free_strings(opts);
	*opts = scratch;
	return 0;
}
