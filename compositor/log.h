/*
 * The compositor's one logging facility: weston_log for the main log, plus one
 * weston log scope per subsystem, written to the same place when named in --debug.
 */
#ifndef PORTHOLE_LOG_H
#define PORTHOLE_LOG_H

#include <stdarg.h>

#include <libweston/libweston.h>
#include <libweston/weston-log.h>

struct pc_context;

/**
 * Sends the log to @path (stderr when NULL), timestamps weston_log lines and
 * creates the subsystem scopes. Returns 0, or -1 when @path cannot be opened.
 */
int log_init(struct pc_context *ctx, const char *path);

/** Subscribes the comma-separated @scopes to the log. Unknown names are reported. */
void log_subscribe_scopes(struct pc_context *ctx, const char *scopes);

void log_release(struct pc_context *ctx);

/** Writes a timestamped line to @scope when someone listens to it. */
void log_scope(struct weston_log_scope *scope, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
