/*
 * The shell: Porthole's window policy on libweston-desktop (xdg-shell and
 * the Xwayland window manager). Toplevels are cascaded, transients centred on
 * their parent, focus follows clicks and activation; maximize, fullscreen,
 * minimize, interactive move and resize are honoured. In desktop mode the same
 * policy runs over a plain coloured background for debugging.
 */
#ifndef PORTHOLE_SHELL_H
#define PORTHOLE_SHELL_H

#include <stdbool.h>
#include <stdint.h>

#include <wayland-server-core.h>

struct app_icon;
struct pc_compositor;
struct shell;
struct shell_window;
struct strbuf;
struct weston_surface;

enum shell_window_show {
	SHELL_WINDOW_NORMAL,
	SHELL_WINDOW_MINIMIZED,
	SHELL_WINDOW_MAXIMIZED,
	SHELL_WINDOW_FULLSCREEN,
};

/* One window as a remote client should show it, from shell_for_each_window(). */
struct shell_window_info {
	const void *key;         /* stable while the window lives; never reused while it does */
	uint32_t id;             /* the shell's window id; 0 for popups and X11 menus */
	const void *owner_key;   /* the window it belongs to (transient, popup); NULL if none */
	int x, y, width, height; /* the window geometry, in global coordinates */
	const char *title;       /* UTF-8, never NULL; valid during the callback */
	enum shell_window_show show;
	bool popup;                  /* a menu or tooltip: no taskbar entry, no activation */
	bool focused;                /* has keyboard focus */
	const struct app_icon *icon; /* the app's; NULL: none found (valid during the callback) */
};

typedef void (*shell_window_info_func_t)(void *data, const struct shell_window_info *info);

struct shell *shell_create(struct pc_compositor *comp);

void shell_destroy(struct shell *shell);

/** Appends one line per mapped window: JSON objects when @json, else key=value text. */
void shell_describe_windows(struct shell *shell, struct strbuf *out, bool json);

struct shell_window *shell_find_window(struct shell *shell, uint32_t id);

/**
 * Calls @func for every window a remote client should show: toplevels, popups and
 * X11 menus, topmost first, minimized windows last.
 */
void shell_for_each_window(struct shell *shell, shell_window_info_func_t func, void *data);

/**
 * Emitted (with the shell) when a window was mapped, removed, moved, resized,
 * retitled, re-stacked, focused or changed state; several changes may share one
 * emission. Popups show up through repaints instead.
 */
struct wl_signal *shell_get_change_signal(struct shell *shell);

/* An interactive move or resize that the app started, as it starts or ends. */
struct shell_move_size_event {
	const void *key; /* shell_window_info::key */
	bool start;
	uint32_t edges;            /* 0: a move; else xdg-shell resize edges */
	int pointer_x, pointer_y;  /* global, where the grab started (start only) */
	int x, y, width, height;   /* the window geometry now, in global coordinates */
	int min_width, min_height; /* what the app allows; 0: no limit */
	int max_width, max_height;
};

/**
 * Emitted with a struct shell_move_size_event when a move or resize grab begins
 * and when it ends (while the window still exists).
 */
struct wl_signal *shell_get_move_size_signal(struct shell *shell);

/* What the control socket and the RDP host do to a window. */
void shell_window_activate(struct shell_window *window);

/** Out of maximize and fullscreen, and activated. */
void shell_window_restore(struct shell_window *window);

void shell_window_minimize(struct shell_window *window);

void shell_window_set_maximized(struct shell_window *window, bool maximized);

void shell_window_set_fullscreen(struct shell_window *window, bool fullscreen);

/** Asks the app to close the window; it may ask the user first. */
void shell_window_close(struct shell_window *window);

/** Moves the window's top-left to global (@x, @y). -1 and @err for a maximized or fullscreen one. */
int shell_window_move(struct shell_window *window, int x, int y, char *err, size_t err_size);

/** Asks the app for a new size. -1 and @err for one out of 1..PC_MAX_OUTPUT_SIZE. */
int shell_window_resize(struct shell_window *window, int width, int height, char *err,
			size_t err_size);

/** The window's main surface and its geometry inside that surface. */
struct weston_surface *shell_window_get_content(struct shell_window *window, int *x, int *y,
						int *width, int *height);

/** The app id (Wayland) or WM_CLASS-derived id (X11); NULL if it has none. */
const char *shell_window_get_app_id(struct shell_window *window);

/** The window geometry in global coordinates and the output it is on (NULL if none). */
struct weston_output *shell_window_get_frame(struct shell_window *window, int *x, int *y,
					     int *width, int *height);

#endif
