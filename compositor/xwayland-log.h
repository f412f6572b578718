/*
 * Xwayland's stderr into the compositor's log, a line at a time, without the
 * warning xkbcomp gives at every keymap: X11 keycodes end at 255 and evdev's go
 * on to 708, which costs X11 apps nothing (the keys beyond have no X keycode).
 */
#ifndef PORTHOLE_XWAYLAND_LOG_H
#define PORTHOLE_XWAYLAND_LOG_H

#include <stdbool.h>
#include <stddef.h>

#include <wayland-server-core.h>

struct xwayland_log;

/** Reads @fd (taken) from @loop until its end. NULL (and @fd closed) on failure. */
struct xwayland_log *xwayland_log_create(struct wl_event_loop *loop, int fd);

/** Stops reading; what is buffered is logged. NULL-safe. */
void xwayland_log_destroy(struct xwayland_log *log);

/* The filter, for the unit tests: what one line of Xwayland's stderr becomes. */
struct xwayland_log_filter {
	bool in_xkbcomp_report; /* between xkbcomp's header and its last line */
	bool report_has_news;   /* a line in it other than the keycode warning */
};

/**
 * Whether @line (without its newline) goes into the log. A report of xkbcomp's
 * that says nothing but the keycode warning is dropped whole; any other report
 * is kept from the line that is news on.
 */
bool xwayland_log_keep_line(struct xwayland_log_filter *filter, const char *line);

#endif
