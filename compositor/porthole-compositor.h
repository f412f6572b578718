/*
 * Porthole's compositor: libweston on headless outputs that mirror the RDP
 * client's monitors, the shell (RAIL and desktop mode), Xwayland on demand and
 * the one seat. The frontend creates it; the RDP server and the audio bridge
 * reach it only through this header.
 *
 * Threading: libweston is touched only on the compositor thread, the one that
 * runs the Wayland event loop. Nothing here may be called from another thread.
 */
#ifndef PORTHOLE_COMPOSITOR_H
#define PORTHOLE_COMPOSITOR_H

#include <stdbool.h>
#include <stdint.h>

struct log_scopes;
struct pc_compositor;
struct weston_log_context;
struct wl_display;

enum pc_renderer {
	PC_RENDERER_PIXMAN,
	PC_RENDERER_GL,
	PC_RENDERER_AUTO,
};

enum pc_shell_mode {
	PC_SHELL_RAIL,
	PC_SHELL_DESKTOP,
};

/* An output may be at most this wide and high. */
#define PC_MAX_OUTPUT_SIZE 16384
/* The first output's size unless configured; where windows go while there is no output. */
#define PC_DEFAULT_WIDTH 1280
#define PC_DEFAULT_HEIGHT 800

/* xkb rule names; NULL fields take xkbcommon's defaults. */
struct pc_keymap_names {
	const char *rules, *model, *layout, *variant, *options;
};

struct pc_compositor_config {
	enum pc_renderer renderer;
	enum pc_shell_mode shell_mode;
	int width, height; /* of the first output */
	bool xwayland;
	const char *x11_dir;       /* where the X11 socket goes */
	const char *socket_name;   /* the Wayland socket's name, for the programs it starts */
	uint32_t background_color; /* 0xAARRGGBB, desktop mode */
	int cascade_step;          /* between new windows */
	struct pc_keymap_names keymap;
	const struct log_scopes *scopes; /* outlive the compositor */
};

/* --- lifetime ------------------------------------------------------------------ */

/**
 * libweston on @display with its log on @log: the outputs, the seat, Xwayland
 * when asked for, the shell. NULL on failure, with the reason logged.
 */
struct pc_compositor *pc_compositor_create(struct wl_display *display,
					   struct weston_log_context *log,
					   const struct pc_compositor_config *config);

/** The clients should be gone first (wl_display_destroy_clients()). NULL-safe. */
void pc_compositor_destroy(struct pc_compositor *compositor);

/** Everything is set up: start repainting. */
void pc_compositor_wake(struct pc_compositor *compositor);

/* --- names ------------------------------------------------------------------ */

const char *pc_renderer_name(enum pc_renderer renderer);

/** 0 and the renderer @name names ("pixman", "gl", "auto"), or -1. */
int pc_renderer_from_name(const char *name, enum pc_renderer *renderer);

/** 0 and the shell mode @name names ("rail", "desktop"), or -1. */
int pc_shell_mode_from_name(const char *name, enum pc_shell_mode *mode);

#endif
