#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "compositor-internal.h"

/*
 * weston_log's handler takes no user data, so the log's destination is the one
 * place the process already has for it: stderr, pointed at --log by log_init().
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
log_init(struct pc_context *ctx, const char *path)
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

	ctx->log_ctx = weston_log_ctx_create();
	if (!ctx->log_ctx)
		return -1;
	ctx->scopes.rail = weston_log_ctx_add_log_scope(
		ctx->log_ctx, "rail", "RAIL shell: window map, focus, state\n", NULL, NULL, ctx);
	ctx->scopes.xwayland = weston_log_ctx_add_log_scope(ctx->log_ctx, "xwayland",
							    "Xwayland launcher\n", NULL, NULL, ctx);
	ctx->scopes.control = weston_log_ctx_add_log_scope(
		ctx->log_ctx, "control", "control socket requests\n", NULL, NULL, ctx);
	ctx->scopes.output = weston_log_ctx_add_log_scope(ctx->log_ctx, "output",
							  "outputs and repaint\n", NULL, NULL, ctx);
	ctx->scopes.audio = weston_log_ctx_add_log_scope(
		ctx->log_ctx, "audio", "sound and microphone: PulseAudio, rdpsnd, audin\n", NULL,
		NULL, ctx);
	ctx->scopes.input = weston_log_ctx_add_log_scope(
		ctx->log_ctx, "input", "RDP input: keymap, locks, keys no keymap types\n", NULL,
		NULL, ctx);
	return 0;
}

void
log_subscribe_scopes(struct pc_context *ctx, const char *scopes)
{
	static const char *const known[] = {"rail",       "xwayland", "control", "output",
					    "xwm-wm-x11", "audio",    "input",   "log"};
	char list[256], *save = NULL;
	struct weston_log_subscriber *sub;

	if (!scopes || !*scopes || ctx->scope_subscriber)
		return;
	sub = weston_log_subscriber_create_log(stderr);
	if (!sub)
		return;
	ctx->scope_subscriber = sub;
	snprintf(list, sizeof list, "%s", scopes);
	for (char *name = strtok_r(list, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		bool ok = false;
		for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
			ok |= strcmp(name, known[i]) == 0;
		if (!ok)
			weston_log("unknown log scope \"%s\" in --debug; known: rail, xwayland, "
				   "control, output, xwm-wm-x11, audio, input\n",
				   name);
		weston_log_subscribe(ctx->log_ctx, sub, name);
	}
}

void
log_release(struct pc_context *ctx)
{
	weston_log_scope_destroy(ctx->scopes.rail);
	weston_log_scope_destroy(ctx->scopes.xwayland);
	weston_log_scope_destroy(ctx->scopes.control);
	weston_log_scope_destroy(ctx->scopes.output);
	weston_log_scope_destroy(ctx->scopes.audio);
	weston_log_scope_destroy(ctx->scopes.input);
	memset(&ctx->scopes, 0, sizeof ctx->scopes);
	if (ctx->scope_subscriber)
		weston_log_subscriber_destroy(ctx->scope_subscriber);
	ctx->scope_subscriber = NULL;
	weston_log_ctx_destroy(ctx->log_ctx);
	ctx->log_ctx = NULL;
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
