/*
 * Linux to host: when the compositor's clipboard changes hands, the client gets
 * the formats it can take; when the host pastes, the client asks for one, the
 * clipboard's owner writes it into a pipe read from the event loop, and the
 * answer goes back converted.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "rdp-clipboard-internal.h"

/* --- Linux to host: what the clipboard holds, and the host's pastes --------------------- */

/* The formats the clipboard holds now, as the client gets them: how many kinds. */
static int
rdp_clipboard_linux_kinds(struct rdp_clipboard *clipboard, bool kinds[RDP_CLIP_KINDS])
{
	const char *types[64];
	int n = pc_clipboard_mime_types(clipboard->peer->server->compositor, types, 64), count = 0;

	memset(kinds, 0, sizeof(bool) * RDP_CLIP_KINDS);
	for (int i = 0; i < n; i++) {
		enum rdp_clip_kind kind = rdp_clip_kind_of_mime(types[i]);

		if (kind != RDP_CLIP_NONE && !kinds[kind]) {
			kinds[kind] = true;
			count++;
		}
	}
	return count;
}

void
rdp_clipboard_handle_change(struct wl_listener *listener, void *data)
{
	struct rdp_clipboard *clipboard = wl_container_of(listener, clipboard, change_listener);
	struct pc_compositor *compositor = clipboard->peer->server->compositor;
	CLIPRDR_FORMAT formats[RDP_CLIP_KINDS];
	CLIPRDR_FORMAT_LIST list = {.msgType = CB_FORMAT_LIST, .formats = formats};
	bool kinds[RDP_CLIP_KINDS];

	if (!clipboard->client_ready || clipboard->offering ||
	    pc_clipboard_holds(compositor, clipboard->source))
		return; /* its own copy is no news to the client */
	rdp_clipboard_linux_kinds(clipboard, kinds);
	for (int kind = RDP_CLIP_TEXT; kind < RDP_CLIP_KINDS; kind++) {
		const char *name;

		if (!kinds[kind])
			continue;
		formats[list.numFormats].formatId = rdp_clip_format_id(kind, &name);
		formats[list.numFormats].formatName = (char *)name;
		list.numFormats++;
	}
	log_scope(clipboard->peer->server->scopes->clipboard, "offering %u formats to %s\n",
		  list.numFormats, clipboard->peer->client->hostname);
	clipboard->context->ServerFormatList(clipboard->context, &list);
}

static void
rdp_clipboard_answer_host(struct rdp_clipboard *clipboard, const uint8_t *data, size_t size)
{
	/*
	 * A failure carries two zero bytes: FreeRDP 2.11's X11 client reads no
	 * flags, and on an empty answer forgets the host app's request without a
	 * word, leaving the app waiting for ever; two zero bytes are an empty text
	 * to it, and no image.
	 */
	static const uint8_t nothing[2];
	CLIPRDR_FORMAT_DATA_RESPONSE response = {
		.msgType = CB_FORMAT_DATA_RESPONSE,
		.msgFlags = data ? CB_RESPONSE_OK : CB_RESPONSE_FAIL,
		.dataLen = data ? (UINT32)size : sizeof nothing,
		.requestedFormatData = data ? data : nothing,
	};

	clipboard->context->ServerFormatDataResponse(clipboard->context, &response);
	clipboard->bytes_to_host += data ? size : 0;
	log_scope(clipboard->peer->server->scopes->clipboard, "%s got %zu bytes%s\n",
		  clipboard->peer->client->hostname, data ? size : 0, data ? "" : " (nothing)");
}

void
rdp_clipboard_reading_end(struct rdp_clipboard *clipboard)
{
	if (clipboard->reading.source)
		wl_event_source_remove(clipboard->reading.source);
	if (clipboard->reading.timer)
		wl_event_source_remove(clipboard->reading.timer);
	if (clipboard->reading.fd >= 0)
		close(clipboard->reading.fd);
	free(clipboard->reading.data);
	memset(&clipboard->reading, 0, sizeof clipboard->reading);
	clipboard->reading.fd = -1;
}

/* All of the copy is read (or the owner gave up): answer the host. */
static void
rdp_clipboard_reading_done(struct rdp_clipboard *clipboard, bool complete)
{
	uint8_t *converted = NULL;
	size_t size = 0;

	if (complete && !clipboard->reading.over_limit)
		converted = rdp_clip_to_windows(clipboard->reading.kind, clipboard->reading.data,
						clipboard->reading.size, &size);
	if (converted && size > clipboard->max_bytes) {
		clipboard->reading.over_limit = true;
		free(converted);
		converted = NULL;
	}
	if (clipboard->reading.over_limit)
		weston_log("rdp: clipboard: the copy is over the limit of %llu bytes ([rdp] "
			   "clipboard-max-mb); %s gets nothing\n",
			   (unsigned long long)clipboard->max_bytes,
			   clipboard->peer->client->hostname);
	rdp_clipboard_answer_host(clipboard, converted, size);
	free(converted);
	rdp_clipboard_reading_end(clipboard);
}

static int
rdp_clipboard_handle_readable(int fd, uint32_t mask, void *data)
{
	struct rdp_clipboard *clipboard = data;
	/* a chunk per wake-up: a big copy does not hold frames and input back */
	size_t room = clipboard->reading.capacity - clipboard->reading.size;
	ssize_t n;

	if (room < RDP_CLIPBOARD_CHUNK && !clipboard->reading.over_limit) {
		size_t capacity = clipboard->reading.capacity * 2 + RDP_CLIPBOARD_CHUNK;
		uint8_t *grown = realloc(clipboard->reading.data, capacity);

		if (!grown) {
			rdp_clipboard_reading_done(clipboard, false);
			return 0;
		}
		clipboard->reading.data = grown;
		clipboard->reading.capacity = capacity;
	}
	if (clipboard->reading.over_limit) {
		/* drained and dropped: the owner must not block on a full pipe */
		uint8_t sink[RDP_CLIPBOARD_CHUNK];

		n = read(fd, sink, sizeof sink);
	} else {
		n = read(fd, clipboard->reading.data + clipboard->reading.size,
			 RDP_CLIPBOARD_CHUNK);
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0) {
		rdp_clipboard_reading_done(clipboard, n == 0);
		return 0;
	}
	if (!clipboard->reading.over_limit) {
		clipboard->reading.size += (size_t)n;
		if (clipboard->reading.size > clipboard->max_bytes) {
			clipboard->reading.over_limit = true;
			free(clipboard->reading.data);
			clipboard->reading.data = NULL;
			clipboard->reading.size = clipboard->reading.capacity = 0;
		}
	}
	wl_event_source_timer_update(clipboard->reading.timer, RDP_CLIPBOARD_TIMEOUT_MS);
	return 0;
}

static int
rdp_clipboard_handle_read_timeout(void *data)
{
	struct rdp_clipboard *clipboard = data;

	weston_log("rdp: clipboard: the app that copied wrote nothing for %d s; %s gets "
		   "nothing\n",
		   RDP_CLIPBOARD_TIMEOUT_MS / 1000, clipboard->peer->client->hostname);
	rdp_clipboard_reading_done(clipboard, false);
	return 0;
}

/* The mime type of the clipboard's best offer of @kind, or NULL. */
static const char *
rdp_clipboard_best_mime(struct rdp_clipboard *clipboard, enum rdp_clip_kind kind)
{
	const char *types[64], *best = NULL;
	int n = pc_clipboard_mime_types(clipboard->peer->server->compositor, types, 64);

	for (int i = 0; i < n; i++) {
		if (rdp_clip_kind_of_mime(types[i]) == kind &&
		    (!best || rdp_clip_mime_rank(types[i]) > rdp_clip_mime_rank(best)))
			best = types[i];
	}
	return best;
}

void
rdp_clipboard_run_request(struct rdp_peer *peer, void *payload)
{
	struct rdp_clipboard *clipboard = peer->clipboard;
	const struct rdp_clipboard_request_task *request = payload;
	struct wl_event_loop *loop = peer->server->loop;
	enum rdp_clip_kind kind = RDP_CLIP_NONE;
	const char *mime_type = NULL;
	int fds[2];

	if (!clipboard)
		return;
	clipboard->pastes_on_host++;
	for (int k = RDP_CLIP_TEXT; k < RDP_CLIP_KINDS; k++) {
		const char *name;

		if (rdp_clip_format_id(k, &name) == request->format_id)
			kind = k;
	}
	if (kind != RDP_CLIP_NONE)
		mime_type = rdp_clipboard_best_mime(clipboard, kind);
	log_scope(peer->server->scopes->clipboard, "%s pastes format %u: %s%s\n",
		  peer->client->hostname, request->format_id, mime_type ? mime_type : "not held",
		  clipboard->reading.fd >= 0 ? ", another paste is read" : "");
	/* one at a time, as clients ask: a second while one is read gets nothing */
	if (!mime_type || clipboard->reading.fd >= 0 || pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0) {
		rdp_clipboard_answer_host(clipboard, NULL, 0);
		return;
	}
	clipboard->reading.fd = fds[0];
	clipboard->reading.kind = kind;
	clipboard->reading.source = wl_event_loop_add_fd(loop, fds[0], WL_EVENT_READABLE,
							 rdp_clipboard_handle_readable, clipboard);
	clipboard->reading.timer =
		wl_event_loop_add_timer(loop, rdp_clipboard_handle_read_timeout, clipboard);
	/* the owner (an app, or Xwayland's window manager) writes and closes fds[1] */
	if (!clipboard->reading.source || !clipboard->reading.timer ||
	    pc_clipboard_receive(peer->server->compositor, mime_type, fds[1]) < 0) {
		rdp_clipboard_reading_done(clipboard, false);
		return;
	}
	wl_event_source_timer_update(clipboard->reading.timer, RDP_CLIPBOARD_TIMEOUT_MS);
}
