#include "xwayland-log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libweston/libweston.h>

#define XWAYLAND_LOG_LINE_MAX 1024

struct xwayland_log {
	int fd;
	struct wl_event_source *source;
	struct xwayland_log_filter filter;
	char line[XWAYLAND_LOG_LINE_MAX];
	size_t used;
};

static const char xkbcomp_header[] = "The XKEYBOARD keymap compiler (xkbcomp) reports:";
static const char xkbcomp_footer[] = "Errors from xkbcomp are not fatal to the X server";

static bool
xkbcomp_line_is_keycode_warning(const char *line)
{
	return strstr(line, "Unsupported maximum keycode") ||
	       strstr(line, "X11 cannot support keycodes above 255");
}

bool
xwayland_log_keep_line(struct xwayland_log_filter *filter, const char *line)
{
	if (strstr(line, xkbcomp_header)) {
		filter->in_xkbcomp_report = true;
		filter->report_has_news = false;
		return false;
	}
	if (!filter->in_xkbcomp_report)
		return true;
	if (strstr(line, xkbcomp_footer)) {
		filter->in_xkbcomp_report = false;
		return filter->report_has_news;
	}
	if (!xkbcomp_line_is_keycode_warning(line))
		filter->report_has_news = true;
	return filter->report_has_news;
}

static void
xwayland_log_flush_line(struct xwayland_log *log)
{
	log->line[log->used] = '\0';
	if (xwayland_log_keep_line(&log->filter, log->line))
		weston_log("Xwayland: %s\n", log->line);
	log->used = 0;
}

static int
xwayland_log_handle_readable(int fd, uint32_t mask, void *data)
{
	struct xwayland_log *log = data;
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof buf);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0) {
		/* the server went: what it said last still counts */
		if (log->used)
			xwayland_log_flush_line(log);
		wl_event_source_remove(log->source);
		log->source = NULL;
		return 0;
	}
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] == '\n' || log->used == sizeof log->line - 1) {
			xwayland_log_flush_line(log);
			if (buf[i] == '\n')
				continue;
		}
		log->line[log->used++] = buf[i];
	}
	return 0;
}

struct xwayland_log *
xwayland_log_create(struct wl_event_loop *loop, int fd)
{
	struct xwayland_log *log = calloc(1, sizeof *log);

	if (!log) {
		close(fd);
		return NULL;
	}
	log->fd = fd;
	log->source = wl_event_loop_add_fd(loop, fd, WL_EVENT_READABLE,
					   xwayland_log_handle_readable, log);
	if (!log->source) {
		close(fd);
		free(log);
		return NULL;
	}
	return log;
}

void
xwayland_log_destroy(struct xwayland_log *log)
{
	if (!log)
		return;
	if (log->used)
		xwayland_log_flush_line(log);
	if (log->source)
		wl_event_source_remove(log->source);
	close(log->fd);
	free(log);
}
