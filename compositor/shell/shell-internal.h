/* What shell.c, window.c and grab.c share: the shell and window objects. */
#ifndef PORTHOLE_SHELL_INTERNAL_H
#define PORTHOLE_SHELL_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <libweston-desktop/libweston-desktop.h>
#include <libweston/libweston.h>
#include <libweston/xwayland-api.h>

#include "idle-call.h"
#include "placement.h"
#include "shell.h"

struct pc_compositor;

/* every combination of libweston's four modifiers (Ctrl, Alt, Super, Shift) */
#define SHELL_MODIFIER_SETS 16

struct shell {
	struct pc_compositor *comp;
	struct weston_compositor *compositor;
	struct weston_desktop *desktop;
	const struct weston_xwayland_surface_api *xwayland_surface_api;

	struct weston_layer background_layer;
	struct weston_layer normal_layer;
	struct weston_layer fullscreen_layer;
	struct weston_surface *background_surface;
	struct weston_view *background_view;

	struct wl_list windows; /* shell_window::link, in creation order */
	uint32_t next_window_id;
	struct shell_window *focused;
	struct placement_cascade cascade;

	/* buttons 1-3 under every set of Ctrl, Alt, Super and Shift */
	struct weston_binding *click_bindings[3 * SHELL_MODIFIER_SETS];
	struct wl_listener output_created_listener;
	struct wl_listener output_destroyed_listener;
	struct wl_listener output_resized_listener;
	struct wl_listener output_moved_listener;
	/* after outputs change: brings back windows that no output shows any more */
	struct idle_call rescue;
	struct wl_signal change_signal;
	struct wl_signal move_size_signal;
	struct popup_constraints *popup_constraints;
	struct popup_watch *popup_watch; /* says when popups and X11 menus change */
	struct x11_classes *x11_classes; /* NULL without Xwayland */
};

struct shell_window {
	struct shell *shell;
	struct wl_list link; /* shell::windows */
	uint32_t id;
	struct weston_desktop_surface *dsurface;
	struct weston_surface *surface;
	struct weston_view *view;
	struct shell_window *parent;          /* transient-for; cleared when the parent goes */
	struct wl_signal destroy_signal;      /* grabs that point at the window listen */
	struct wl_listener metadata_listener; /* title and app id */
	bool is_xwayland;
	bool is_background;      /* the background client's surface: bottom, no focus */
	bool opaque_from_format; /* we declared the opaque region: its buffer has no alpha */
	bool mapped;
	bool minimized;
	bool maximized;
	bool fullscreen;

	/* top-left of the window geometry, in global compositor coordinates */
	int x, y;
	/* the geometry before maximize or fullscreen, to restore to */
	struct placement_rect saved;
	bool has_saved;
	/* where an X11 client asked to be placed before it mapped */
	bool has_requested_position;
	int requested_x, requested_y;

	/* a resize from the left or top edge keeps the opposite edge still */
	uint32_t resize_edges;
	bool resize_ending; /* the grab ended; drop the anchor after the next commit */
	int resize_right, resize_bottom;
	int last_width, last_height;

	/* the app's icon (shell_window_icon()), for the key it was looked up for */
	struct app_icon *icon;
	char *icon_key;

	/* X11: the WM_CLASS class, asked again when the pid or the title changes */
	struct x11_class_request *class_request;
	char *x11_class;
	bool class_asked;
	pid_t class_pid;
	char *class_title;
};

/* window.c */
struct shell_window *shell_window_create(struct shell *shell,
					 struct weston_desktop_surface *dsurface);

void shell_window_destroy(struct shell_window *window);

void shell_window_committed(struct shell_window *window);

void shell_window_set_position(struct shell_window *window, int x, int y);

struct weston_output *shell_window_get_output(struct shell_window *window);

void shell_window_output_area(struct shell_window *window, struct placement_rect *area);

/* window-list.c */
/** "normal", "maximized", "fullscreen" or "minimized". */
const char *shell_window_state_name(const struct shell_window *window);

/* shell.c */
/** The bounding box of all outputs. */
void shell_desktop_box(struct shell *shell, struct placement_rect *box);

void shell_activate(struct shell *shell, struct shell_window *window);

/** Gives focus to the topmost visible window other than @leaving, or to nothing. */
void shell_focus_next(struct shell *shell, struct shell_window *leaving);

struct weston_seat *shell_get_seat(struct shell *shell);

/** Tells remote clients' window lists that something about the windows changed. */
void shell_changed(struct shell *shell);

/* grab.c */
void shell_grab_start_move(struct shell_window *window, struct weston_seat *seat, uint32_t serial);

/**
 * RemoteApp: a left press within a few pixels of the visible edge of a window
 * whose resize handles lie in a margin the host does not show starts a resize.
 * Whether it did (then the app does not see the press).
 */
bool shell_grab_edge_press(struct shell_window *window, struct weston_pointer *pointer);

void shell_grab_start_resize(struct shell_window *window, struct weston_seat *seat, uint32_t serial,
			     uint32_t edges);

#endif
