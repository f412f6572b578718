/*
 * The clipboard for remote clients: the seat's selection, which libweston's
 * window manager keeps in step with X11's CLIPBOARD, read and offered from
 * outside. A source from outside is a weston_data_source without a client
 * resource, as the window manager's own X11 sources are.
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compositor-internal.h"
#include "seat.h"
#include "selection-common.h"

struct pc_clipboard_source {
	struct weston_data_source base;
	const struct pc_clipboard_source_callbacks *callbacks;
	void *data;
	bool replaced;
};

static struct weston_seat *
clipboard_seat(struct pc_compositor *compositor)
{
	return pc_seat_get_weston_seat(compositor->seat);
}

static void
clipboard_source_accept(struct weston_data_source *base, uint32_t serial, const char *mime_type)
{
	/* drag and drop only */
}

/*
 * A source's send() owns the pipe it is given: a Wayland client's source
 * closes it once passed on, and libweston's data device and clipboard keeper
 * leave it to the source. libweston 10's X11 window manager alone closes it
 * again once send() returns; that caller is told by where the call comes from.
 */
bool
pc_clipboard_caller_closes_fd(void *return_address)
{
	Dl_info info;
	const char *base;

	if (!dladdr(return_address, &info) || !info.dli_fname)
		return false;
	base = strrchr(info.dli_fname, '/');
	return strcmp(base ? base + 1 : info.dli_fname, "xwayland.so") == 0;
}

static void
clipboard_source_send(struct weston_data_source *base, const char *mime_type, int32_t fd)
{
	struct pc_clipboard_source *source = wl_container_of(base, source, base);
	void *caller = __builtin_return_address(0);

	/* that caller gets a copy to close */
	if (pc_clipboard_caller_closes_fd(caller)) {
		fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
		if (fd < 0)
			return;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	source->callbacks->send(source->data, mime_type, fd);
}

static void
clipboard_source_cancel(struct weston_data_source *base)
{
	struct pc_clipboard_source *source = wl_container_of(base, source, base);

	if (source->replaced)
		return;
	source->replaced = true;
	source->callbacks->replaced(source->data);
}

struct pc_clipboard_source *
pc_clipboard_offer(struct pc_compositor *compositor, const char *const *mime_types, int n,
		   const struct pc_clipboard_source_callbacks *callbacks, void *data)
{
	struct weston_seat *seat = clipboard_seat(compositor);
	struct pc_clipboard_source *source;

	if (!seat)
		return NULL;
	source = calloc(1, sizeof *source);
	if (!source)
		return NULL;
	source->callbacks = callbacks;
	source->data = data;
	source->base.accept = clipboard_source_accept;
	source->base.send = clipboard_source_send;
	source->base.cancel = clipboard_source_cancel;
	wl_signal_init(&source->base.destroy_signal);
	wl_array_init(&source->base.mime_types);
	for (int i = 0; i < n; i++) {
		if (!selection_add_type(&source->base.mime_types, mime_types[i])) {
			pc_clipboard_source_destroy(source);
			return NULL;
		}
	}
	weston_seat_set_selection(seat, &source->base, wl_display_next_serial(compositor->display));
	return source;
}

void
pc_clipboard_source_destroy(struct pc_clipboard_source *source)
{
	if (!source)
		return;
	/* the seat listens: it lets go of the selection (and tells the apps) */
	source->replaced = true;
	wl_signal_emit(&source->base.destroy_signal, &source->base);
	selection_release_types(&source->base.mime_types);
	free(source);
}

struct wl_signal *
pc_clipboard_get_change_signal(struct pc_compositor *compositor)
{
	struct weston_seat *seat = clipboard_seat(compositor);

	return seat ? &seat->selection_signal : NULL;
}

bool
pc_clipboard_holds(struct pc_compositor *compositor, const struct pc_clipboard_source *source)
{
	struct weston_seat *seat = clipboard_seat(compositor);

	return seat && source && seat->selection_data_source == &source->base;
}

int
pc_clipboard_mime_types(struct pc_compositor *compositor, const char **types, int max)
{
	struct weston_seat *seat = clipboard_seat(compositor);
	char **type;
	int n = 0;

	if (!seat || !seat->selection_data_source)
		return 0;
	wl_array_for_each(type, &seat->selection_data_source->mime_types)
	{
		if (n < max)
			types[n++] = *type;
	}
	return n;
}

int
pc_clipboard_receive(struct pc_compositor *compositor, const char *mime_type, int fd)
{
	struct weston_seat *seat = clipboard_seat(compositor);

	if (!seat || !seat->selection_data_source) {
		close(fd);
		return -1;
	}
	/* the owner closes @fd once written (a Wayland source after passing it on) */
	seat->selection_data_source->send(seat->selection_data_source, mime_type, fd);
	return 0;
}
