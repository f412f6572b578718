/*
 * The shell: Porthole's window policy on libweston-desktop (xdg-shell and
 * the Xwayland window manager). Toplevels are cascaded, transients centred on
 * their parent, focus follows clicks and activation; maximize, fullscreen,
 * minimize, interactive move and resize are honoured. In desktop mode the same
 * policy runs over a plain coloured background for debugging.
 */
#ifndef PORTHOLE_SHELL_H
#define PORTHOLE_SHELL_H

#include "porthole-compositor.h"

struct pc_compositor;
struct shell;
struct shell_window;
struct weston_output;
struct weston_surface;

struct shell *shell_create(struct pc_compositor *comp);

void shell_destroy(struct shell *shell);

/** The window's main surface and its geometry inside that surface. */
struct weston_surface *shell_window_get_content(struct shell_window *window, int *x, int *y,
						int *width, int *height);

/** The window geometry in global coordinates and the output it is on (NULL if none). */
struct weston_output *shell_window_get_frame(struct shell_window *window, int *x, int *y,
					     int *width, int *height);

#endif
