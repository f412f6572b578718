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

struct pc_context;
struct rail_shell;
struct rail_window;
struct strbuf;
struct weston_surface;

struct rail_shell *rail_shell_create(struct pc_context *ctx);

void rail_shell_destroy(struct rail_shell *shell);

/** Appends one line per mapped window: JSON objects when @json, else key=value text. */
void rail_shell_describe_windows(struct rail_shell *shell, struct strbuf *out, bool json);

struct rail_window *rail_shell_find_window(struct rail_shell *shell, uint32_t id);

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

/** The window geometry in global coordinates and the output it is on (NULL if none). */
struct weston_output *rail_window_get_frame(struct rail_window *window, int *x, int *y, int *width,
					    int *height);

#endif
