/* What rail-shell.c, rail-window.c and rail-grab.c share: the shell and window objects. */
#ifndef PORTHOLE_RAIL_INTERNAL_H
#define PORTHOLE_RAIL_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <libweston-desktop/libweston-desktop.h>
#include <libweston/libweston.h>
#include <libweston/xwayland-api.h>

#include "idle-call.h"
#include "placement.h"
#include "rail-shell.h"

struct pc_compositor;

struct rail_shell {
	struct pc_compositor *comp;
	struct weston_compositor *compositor;
	struct weston_desktop *desktop;
	const struct weston_xwayland_surface_api *xwayland_surface_api;

	struct weston_layer background_layer;
	struct weston_layer normal_layer;
	struct weston_layer fullscreen_layer;
	struct weston_surface *background_surface;
	struct weston_view *background_view;

	struct wl_list windows; /* rail_window::link, in creation order */
	uint32_t next_window_id;
	struct rail_window *focused;
	struct placement_cascade cascade;

	struct weston_binding *click_bindings[3];
	struct wl_listener output_created_listener;
	struct wl_listener output_destroyed_listener;
	struct wl_listener output_resized_listener;
	struct wl_listener output_moved_listener;
	/* after outputs change: brings back windows that no output shows any more */
	struct idle_call rescue;
	struct wl_signal change_signal;
	struct wl_signal move_size_signal;
};

struct rail_window {
	struct rail_shell *shell;
	struct wl_list link; /* rail_shell::windows */
	uint32_t id;
	struct weston_desktop_surface *dsurface;
	struct weston_surface *surface;
	struct weston_view *view;
	struct rail_window *parent;           /* transient-for; cleared when the parent goes */
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

	/* the app's icon (rail_window_icon()), for the app id it was looked up for */
	struct app_icon *icon;
	char *icon_app_id;
	pid_t icon_program_pid; /* X11: whose program name icon_app_id is; 0: none */
};

/* rail-window.c */
struct rail_window *rail_window_create(struct rail_shell *shell,
				       struct weston_desktop_surface *dsurface);

void rail_window_destroy(struct rail_window *window);

void rail_window_committed(struct rail_window *window);

void rail_window_set_position(struct rail_window *window, int x, int y);

void rail_window_set_maximized(struct rail_window *window, bool maximized);

void rail_window_set_fullscreen(struct rail_window *window, bool fullscreen);

void rail_window_minimize(struct rail_window *window);

struct weston_output *rail_window_get_output(struct rail_window *window);

void rail_window_output_area(struct rail_window *window, struct placement_rect *area);

/* rail-shell.c */
/** The bounding box of all outputs. */
void rail_shell_desktop_box(struct rail_shell *shell, struct placement_rect *box);

void rail_shell_activate(struct rail_shell *shell, struct rail_window *window);

/** Gives focus to the topmost visible window other than @leaving, or to nothing. */
void rail_shell_focus_next(struct rail_shell *shell, struct rail_window *leaving);

struct weston_seat *rail_shell_get_seat(struct rail_shell *shell);

/** Tells remote clients' window lists that something about the windows changed. */
void rail_shell_changed(struct rail_shell *shell);

/* rail-grab.c */
void rail_grab_start_move(struct rail_window *window, struct weston_seat *seat, uint32_t serial);

void rail_grab_start_resize(struct rail_window *window, struct weston_seat *seat, uint32_t serial,
			    uint32_t edges);

#endif
