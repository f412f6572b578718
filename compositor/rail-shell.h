/*
 * The RAIL shell: Porthole's window policy on libweston-desktop (xdg-shell and
 * the Xwayland window manager). Toplevels are cascaded, transients centred on
 * their parent, focus follows clicks and activation; maximize, fullscreen,
 * minimize, interactive move and resize are honoured. In desktop mode the same
 * policy runs over a plain coloured background for debugging.
 */
#ifndef PORTHOLE_RAIL_SHELL_H
#define PORTHOLE_RAIL_SHELL_H

#include <stdbool.h>
#include <stdint.h>

#include <wayland-server-core.h>

struct app_icon;
struct pc_compositor;
struct rail_shell;
struct rail_window;
struct strbuf;
struct weston_surface;

enum rail_window_show {
	RAIL_WINDOW_NORMAL,
	RAIL_WINDOW_MINIMIZED,
	RAIL_WINDOW_MAXIMIZED,
	RAIL_WINDOW_FULLSCREEN,
};

/* One window as a remote client should show it, from rail_shell_for_each_window(). */
struct rail_window_info {
	const void *key;         /* stable while the window lives; never reused while it does */
	uint32_t id;             /* the shell's window id; 0 for popups and X11 menus */
	const void *owner_key;   /* the window it belongs to (transient, popup); NULL if none */
	int x, y, width, height; /* the window geometry, in global coordinates */
	const char *title;       /* UTF-8, never NULL; valid during the callback */
	enum rail_window_show show;
	bool popup;                  /* a menu or tooltip: no taskbar entry, no activation */
	bool focused;                /* has keyboard focus */
	const struct app_icon *icon; /* the app's; NULL: none found (valid during the callback) */
};

typedef void (*rail_window_info_func_t)(void *data, const struct rail_window_info *info);

struct rail_shell *rail_shell_create(struct pc_compositor *comp);

void rail_shell_destroy(struct rail_shell *shell);

/** Appends one line per mapped window: JSON objects when @json, else key=value text. */
void rail_shell_describe_windows(struct rail_shell *shell, struct strbuf *out, bool json);

struct rail_window *rail_shell_find_window(struct rail_shell *shell, uint32_t id);

/**
 * Calls @func for every window a remote client should show: toplevels, popups and
 * X11 menus, topmost first, minimized windows last.
 */
void rail_shell_for_each_window(struct rail_shell *shell, rail_window_info_func_t func, void *data);

/**
 * Emitted (with the shell) when a window was mapped, removed, moved, resized,
 * retitled, re-stacked, focused or changed state; several changes may share one
 * emission. Popups show up through repaints instead.
 */
struct wl_signal *rail_shell_get_change_signal(struct rail_shell *shell);

/* An interactive move or resize that the app started, as it starts or ends. */
struct rail_move_size_event {
	const void *key; /* rail_window_info::key */
	bool start;
	uint32_t edges;            /* 0: a move; else xdg-shell resize edges */
	int pointer_x, pointer_y;  /* global, where the grab started (start only) */
	int x, y, width, height;   /* the window geometry now, in global coordinates */
	int min_width, min_height; /* what the app allows; 0: no limit */
	int max_width, max_height;
};

/**
 * Emitted with a struct rail_move_size_event when a move or resize grab begins
 * and when it ends (while the window still exists).
 */
struct wl_signal *rail_shell_get_move_size_signal(struct rail_shell *shell);

/**
 * Applies a window command from the control socket: "activate", "minimize",
 * "maximize", "unmaximize", "fullscreen", "unfullscreen", "restore", "close",
 * "move X Y", "resize W H". Returns 0, or -1 with the reason in @err.
 */
int rail_window_command(struct rail_window *window, const char *command, char *err,
			size_t err_size);

/** The window's main surface and its geometry inside that surface. */
struct weston_surface *rail_window_get_content(struct rail_window *window, int *x, int *y,
					       int *width, int *height);

/** The app id (Wayland) or WM_CLASS-derived id (X11); NULL if it has none. */
const char *rail_window_get_app_id(struct rail_window *window);

/** The window geometry in global coordinates and the output it is on (NULL if none). */
struct weston_output *rail_window_get_frame(struct rail_window *window, int *x, int *y, int *width,
					    int *height);

#endif
