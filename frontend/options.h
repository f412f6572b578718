/*
 * porthole-compositor's settings: built-in defaults, then the weston-style ini
 * named by --config, then the command line, each overriding the one before.
 */
#ifndef PORTHOLE_OPTIONS_H
#define PORTHOLE_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "porthole-compositor.h"
#include "rdp-server.h"

struct pc_options {
	enum pc_renderer renderer;
	enum pc_shell_mode shell_mode;
	char *socket_name;
	int width;
	int height;
	int scale_percent; /* the desktop scale; 0: each RDP client's own */
	bool xwayland;
	enum pc_xwayland_glx xwayland_glx;
	bool control_root_only; /* the system distro: its service user is not trusted */
	char *x11_dir;
	int x11_display; /* 0: the first free number */
	char *log_path;
	char *config_path;
	char *control_socket;      /* NULL: <runtime dir>/<socket>.control */
	char *debug_scopes;        /* comma-separated log scopes written to the log */
	uint32_t background_color; /* 0xAARRGGBB */
	int cascade_step;
	int repeat_rate;  /* keys a second an app repeats a held key at; 0: none */
	int repeat_delay; /* ms before it starts */
	char *keymap_rules;
	char *keymap_model;
	char *keymap_layout;
	char *keymap_variant;
	char *keymap_options;
	char *rdp_listen; /* "tcp:HOST:PORT"; NULL: no RDP server */
	char *rdp_user;
	char *rdp_password_file;
	char *rdp_tls_cert;
	char *rdp_tls_key;
	enum rdp_mode rdp_mode;
	enum rdp_codec rdp_codec;
	char *rdp_rail_exec;      /* comma-separated commands a RemoteApp client may start */
	int rdp_clipboard_max_mb; /* a copy's limit either way; 0: no clipboard */
	char *pulse_server;       /* "unix:PATH" of the PulseAudio to bridge; NULL: no audio */
	bool help;
};

#define PC_DEFAULT_SOCKET "wayland-0"
#define PC_DEFAULT_X11_DIR "/tmp/.X11-unix"

void options_init_defaults(struct pc_options *opts);

void options_release(struct pc_options *opts);

/**
 * Applies the command line to @opts. With @config_only set only --config and
 * --help are taken, so the ini can be loaded before the rest overrides it.
 * Returns 0, or -1 with a message for the user in @err.
 */
int options_parse_argv(struct pc_options *opts, int argc, char *argv[], bool config_only, char *err,
		       size_t err_size);

/**
 * Applies the ini file at @path. A malformed file is reported in @err (file and
 * line) and leaves @opts untouched: the caller logs it and goes on with defaults.
 * Returns 0, or -1 on a missing, unreadable or malformed file.
 */
int options_load_config(struct pc_options *opts, const char *path, char *err, size_t err_size);

void options_print_help(const char *argv0);

#endif
