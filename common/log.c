#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/*
 * weston_log's handler takes no user data, so the log's destination is the one
 * place the process already has for it: stderr, pointed at --log by log_open().
 */
static int
log_print_stamped(const char *fmt, va_list ap)
{
	struct timespec ts;
	struct tm tm;
	int n;

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	n = fprintf(stderr, "[%02d:%02d:%02d.%03ld] ", tm.tm_hour, tm.tm_min, tm.tm_sec,
		    ts.tv_nsec / 1000000);
	n += vfprintf(stderr, fmt, ap);
	fflush(stderr);
	return n;
}

static int
log_print_continued(const char *fmt, va_list ap)
{
	int n = vfprintf(stderr, fmt, ap);

	fflush(stderr);
	return n;
}

int
log_open(struct porthole_log *log, const char *path)
{
	if (path) {
		int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
		if (fd < 0) {
			fprintf(stderr, "porthole-compositor: cannot open log %s: %s\n", path,
				strerror(errno));
			return -1;
		}
		dup2(fd, STDERR_FILENO);
		close(fd);
	}
	setvbuf(stderr, NULL, _IOLBF, 0);
	weston_log_set_handler(log_print_stamped, log_print_continued);

	log->context = weston_log_ctx_create();
	if (!log->context)
		return -1;
	log->scopes.rail = weston_log_ctx_add_log_scope(
		log->context, "rail", "RAIL shell: window map, focus, state\n", NULL, NULL, log);
	log->scopes.xwayland = weston_log_ctx_add_log_scope(log->context, "xwayland",
							    "Xwayland launcher\n", NULL, NULL, log);
	log->scopes.control = weston_log_ctx_add_log_scope(
		log->context, "control", "control socket requests\n", NULL, NULL, log);
	log->scopes.output = weston_log_ctx_add_log_scope(log->context, "output",
							  "outputs and repaint\n", NULL, NULL, log);
	log->scopes.audio = weston_log_ctx_add_log_scope(
		log->context, "audio", "sound and microphone: PulseAudio, rdpsnd, audin\n", NULL,
		NULL, log);
	log->scopes.input = weston_log_ctx_add_log_scope(
		log->context, "input", "RDP input: keymap, locks, keys no keymap types\n", NULL,
		NULL, log);
	log->scopes.clipboard = weston_log_ctx_add_log_scope(
		log->context, "clipboard", "the clipboard shared with RDP clients: formats\n", NULL,
		NULL, log);
	return 0;
}

void
log_subscribe(struct porthole_log *log, const char *scopes)
{
	static const char *const known[] = {"rail",   "xwayland",   "control",
					    "output", "xwm-wm-x11", "audio",
					    "input",  "clipboard",  "log"};
	char list[256], *save = NULL;
	struct weston_log_subscriber *sub;

	if (!scopes || !*scopes || log->subscriber)
		return;
	sub = weston_log_subscriber_create_log(stderr);
	if (!sub)
		return;
	log->subscriber = sub;
	snprintf(list, sizeof list, "%s", scopes);
	for (char *name = strtok_r(list, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		bool ok = false;
		for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
			ok |= strcmp(name, known[i]) == 0;
		if (!ok)
			weston_log("unknown log scope \"%s\" in --debug; known: rail, xwayland, "
				   "control, output, xwm-wm-x11, audio, input, clipboard\n",
				   name);
		weston_log_subscribe(log->context, sub, name);
	}
}

void
log_close(struct porthole_log *log)
{
	if (!log->context)
		return;
	weston_log_scope_destroy(log->scopes.rail);
	weston_log_scope_destroy(log->scopes.xwayland);
	weston_log_scope_destroy(log->scopes.control);
	weston_log_scope_destroy(log->scopes.output);
	weston_log_scope_destroy(log->scopes.audio);
	weston_log_scope_destroy(log->scopes.input);
	weston_log_scope_destroy(log->scopes.clipboard);
	memset(&log->scopes, 0, sizeof log->scopes);
	if (log->subscriber)
		weston_log_subscriber_destroy(log->subscriber);
	log->subscriber = NULL;
	weston_log_ctx_destroy(log->context);
	log->context = NULL;
}

void
log_scope(struct weston_log_scope *scope, const char *fmt, ...)
{
	char stamp[64], line[1024];
	va_list ap;

	if (!scope || !weston_log_scope_is_enabled(scope))
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	weston_log_scope_printf(scope, "%s %s",
				weston_log_scope_timestamp(scope, stamp, sizeof stamp), line);
}
