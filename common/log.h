/*
 * porthole-compositor's one logging facility: weston_log for the main log, plus
 * one weston log scope per subsystem, written to the same place when named in
 * --debug. The compositor, the RDP server, the audio bridge and the control
 * socket each get the scope they log to.
 */
#ifndef PORTHOLE_LOG_H
#define PORTHOLE_LOG_H

#include <stdarg.h>

#include <libweston/libweston.h>
#include <libweston/weston-log.h>

struct log_scopes {
	struct weston_log_scope *rail;      /* windows: map, focus, state; RAIL orders */
	struct weston_log_scope *xwayland;  /* the Xwayland launcher */
	struct weston_log_scope *control;   /* control socket requests */
	struct weston_log_scope *output;    /* outputs and repaint */
	struct weston_log_scope *audio;     /* sound and microphone */
	struct weston_log_scope *input;     /* RDP input: keymap, locks */
	struct weston_log_scope *clipboard; /* the clipboard shared with RDP clients */
};

struct porthole_log {
	struct weston_log_context *context;
	struct weston_log_subscriber *subscriber; /* --debug scopes into the log */
	struct log_scopes scopes;
};

/**
 * Sends the log to @path (stderr when NULL), timestamps weston_log lines and
 * creates the subsystem scopes. Returns 0, or -1 when @path cannot be opened.
 */
int log_open(struct porthole_log *log, const char *path);

/** Subscribes the comma-separated @scopes to the log. Unknown names are reported. */
void log_subscribe(struct porthole_log *log, const char *scopes);

/** NULL-safe on a log that never opened. */
void log_close(struct porthole_log *log);

/** Writes a timestamped line to @scope when someone listens to it. */
void log_scope(struct weston_log_scope *scope, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
