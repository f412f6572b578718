/*
 * Host to Linux: the client's format list becomes a clipboard source; when an
 * app pastes, the client is asked (one request at a time, answered in order),
 * and its answer is written into the app's pipe from the event loop.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "rdp-clipboard-internal.h"

/* --- host to Linux: the client's copy, and pastes into apps ------------------------------ */

void
rdp_clipboard_writer_destroy(struct rdp_clipboard_writer *writer)
{
	wl_list_remove(&writer->link);
	if (writer->source)
		wl_event_source_remove(writer->source);
	close(writer->fd);
	free(writer->data);
	free(writer);
}

static int
rdp_clipboard_handle_writable(int fd, uint32_t mask, void *data)
{
	struct rdp_clipboard_writer *writer = data;

	while (writer->done < writer->size) {
		size_t chunk = writer->size - writer->done;
		ssize_t n = write(fd, writer->data + writer->done,
				  chunk > RDP_CLIPBOARD_CHUNK ? RDP_CLIPBOARD_CHUNK : chunk);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return 0; /* the app reads on; the loop calls again */
		if (n <= 0) {
			/* the app went away before reading it all: nothing to keep */
			break;
		}
		writer->done += (size_t)n;
	}
	rdp_clipboard_writer_destroy(writer);
	return 0;
}

/* Hands @data (taken) to the app behind @fd (taken), written as it reads. */
static void
rdp_clipboard_write_to_app(struct rdp_clipboard *clipboard, int fd, uint8_t *data, size_t size)
{
	struct rdp_clipboard_writer *writer = calloc(1, sizeof *writer);

	if (!writer) {
		free(data);
		close(fd);
		return;
	}
	writer->fd = fd;
	writer->data = data;
	writer->size = size;
	wl_list_insert(&clipboard->writers, &writer->link);
	writer->source = wl_event_loop_add_fd(clipboard->peer->server->loop, fd, WL_EVENT_WRITABLE,
					      rdp_clipboard_handle_writable, writer);
	if (!writer->source)
		rdp_clipboard_writer_destroy(writer);
}

void
rdp_clipboard_paste_end(struct rdp_clipboard_paste *paste)
{
	wl_list_remove(&paste->link);
	if (paste->fd >= 0)
		close(paste->fd);
	free(paste);
}

/* Asks the client for the first waiting paste's format, if nothing is asked yet. */
static void
rdp_clipboard_ask_next(struct rdp_clipboard *clipboard)
{
	struct rdp_clipboard_paste *paste;
	CLIPRDR_FORMAT_DATA_REQUEST request = {.msgType = CB_FORMAT_DATA_REQUEST};

	while (!clipboard->asking && !wl_list_empty(&clipboard->pastes)) {
		paste = wl_container_of(clipboard->pastes.next, paste, link);
		request.requestedFormatId = paste->format_id;
		request.dataLen = 4;
		if (!request.requestedFormatId ||
		    clipboard->context->ServerFormatDataRequest(clipboard->context, &request) !=
			    CHANNEL_RC_OK) {
			rdp_clipboard_paste_end(paste); /* the app reads an empty paste */
			continue;
		}
		clipboard->asking = true;
		wl_event_source_timer_update(clipboard->ask_timer, RDP_CLIPBOARD_TIMEOUT_MS);
	}
}

int
rdp_clipboard_handle_ask_timeout(void *data)
{
	struct rdp_clipboard *clipboard = data;
	struct rdp_clipboard_paste *paste;

	if (!clipboard->asking || wl_list_empty(&clipboard->pastes))
		return 0;
	paste = wl_container_of(clipboard->pastes.next, paste, link);
	weston_log("rdp: %s did not answer a clipboard request in %d s; the paste is empty\n",
		   clipboard->peer->client->hostname, RDP_CLIPBOARD_TIMEOUT_MS / 1000);
	rdp_clipboard_paste_end(paste);
	clipboard->asking = false;
	/* cliprdr answers in order and has no request ids: its answer, if it comes, is skipped */
	clipboard->late_answers++;
	rdp_clipboard_ask_next(clipboard);
	return 0;
}

/* Whether Linux apps can have @kind from the client's copy (PNG also from its bitmap). */
static bool
rdp_clipboard_client_has(const struct rdp_clipboard *clipboard, enum rdp_clip_kind kind)
{
	return clipboard->offered_ids[kind] ||
	       (kind == RDP_CLIP_PNG && clipboard->offered_ids[RDP_CLIP_BMP]);
}

static void
rdp_clipboard_source_send(void *data, const char *mime_type, int fd)
{
	struct rdp_clipboard *clipboard = data;
	enum rdp_clip_kind kind = rdp_clip_kind_of_mime(mime_type);
	struct rdp_clipboard_paste *paste;

	/*
	 * libweston keeps a copy of each new clipboard's first format, read the
	 * moment it is made, for when its owner leaves. From the host that would
	 * send every copy over the network, pasted or not: it gets nothing.
	 */
	if (clipboard->offering) {
		close(fd);
		return;
	}
	log_scope(clipboard->peer->server->scopes->clipboard, "an app pastes %s from %s\n",
		  mime_type, clipboard->peer->client->hostname);
	if (kind == RDP_CLIP_NONE || !rdp_clipboard_client_has(clipboard, kind) ||
	    !(paste = calloc(1, sizeof *paste))) {
		close(fd);
		return;
	}
	paste->kind = kind;
	paste->fd = fd;
	/*
	 * PNG from the client's bitmap where it offers one: FreeRDP 2.11's client
	 * fails its own PNG format (it finds no converter for it), and a Windows
	 * client's screenshots are bitmaps.
	 */
	paste->png_from_bitmap = kind == RDP_CLIP_PNG && clipboard->offered_ids[RDP_CLIP_BMP];
	paste->format_id = clipboard->offered_ids[paste->png_from_bitmap ? RDP_CLIP_BMP : kind];
	clipboard->pastes_in_linux++;
	wl_list_insert(clipboard->pastes.prev, &paste->link);
	rdp_clipboard_ask_next(clipboard);
}

static void
rdp_clipboard_source_replaced(void *data)
{
	/* a copy on the Linux side: the change listener tells the client */
}

static const struct pc_clipboard_source_callbacks rdp_clipboard_source_callbacks = {
	.send = rdp_clipboard_source_send,
	.replaced = rdp_clipboard_source_replaced,
};

void
rdp_clipboard_run_format_list(struct rdp_peer *peer, void *payload)
{
	struct rdp_clipboard *clipboard = peer->clipboard;
	const struct rdp_clipboard_format_list_task *list = payload;
	CLIPRDR_FORMAT_LIST_RESPONSE response = {.msgType = CB_FORMAT_LIST_RESPONSE,
						 .msgFlags = CB_RESPONSE_OK};
	const char *mime_types[16];
	struct pc_clipboard_source *previous;
	int ranks[RDP_CLIP_KINDS] = {0}, n_types = 0;
	bool first;

	if (!clipboard)
		return;
	first = !clipboard->client_ready;
	clipboard->client_ready = true;
	/*
	 * A new copy: requests given up on were for the old one, and a client
	 * whose host never handed that over (FreeRDP's waits for ever) answers the
	 * next request next.
	 */
	clipboard->late_answers = 0;
	clipboard->context->ServerFormatListResponse(clipboard->context, &response);
	memset(clipboard->offered_ids, 0, sizeof clipboard->offered_ids);
	for (int i = 0; i < list->n; i++) {
		enum rdp_clip_kind kind = list->formats[i].kind;
		int rank = rdp_clip_format_rank(list->formats[i].id) + 1;

		if (kind != RDP_CLIP_NONE && rank > ranks[kind]) {
			ranks[kind] = rank;
			clipboard->offered_ids[kind] = list->formats[i].id;
		}
	}
	for (int kind = RDP_CLIP_TEXT; kind < RDP_CLIP_KINDS; kind++) {
		if (!rdp_clipboard_client_has(clipboard, kind))
			continue;
		for (const char *const *m = rdp_clip_mime_types(kind); *m && n_types < 16; m++)
			mime_types[n_types++] = *m;
	}
	/*
	 * The new copy replaces the old before the old goes: a clipboard left empty
	 * for a moment would be refilled by libweston's keeper of the last text,
	 * and that would go back to the client as a copy of its own. The old copy's
	 * waiting pastes still get their answers.
	 */
	previous = clipboard->source;
	clipboard->source = NULL;
	if (n_types > 0) {
		clipboard->offering = true;
		clipboard->source =
			pc_clipboard_offer(peer->server->compositor, mime_types, n_types,
					   &rdp_clipboard_source_callbacks, clipboard);
		clipboard->offering = false;
	}
	if (previous && pc_clipboard_holds(peer->server->compositor, previous) &&
	    !clipboard->source)
		clipboard->source = previous; /* nothing copied: what was stays, pasting empty */
	else
		pc_clipboard_source_destroy(previous);
	log_scope(peer->server->scopes->clipboard, "%s copied %d formats, %d mime types\n",
		  peer->client->hostname, list->n, n_types);
	/* the client is ready only now: it learns what Linux holds, unless it just copied */
	if (first && n_types == 0)
		rdp_clipboard_handle_change(&clipboard->change_listener, NULL);
}

void
rdp_clipboard_run_answer(struct rdp_peer *peer, void *payload)
{
	struct rdp_clipboard *clipboard = peer->clipboard;
	const struct rdp_clipboard_answer_task *answer = payload;
	struct rdp_clipboard_paste *paste;
	uint8_t *data = NULL;
	size_t size = 0;

	if (!clipboard)
		return;
	if (clipboard->late_answers > 0) {
		clipboard->late_answers--;
		return;
	}
	if (!clipboard->asking || wl_list_empty(&clipboard->pastes))
		return; /* nobody asked */
	clipboard->asking = false;
	wl_event_source_timer_update(clipboard->ask_timer, 0);
	paste = wl_container_of(clipboard->pastes.next, paste, link);
	if (answer->over_limit)
		weston_log("rdp: clipboard: %s's copy is %llu bytes, over the limit of %llu "
			   "([rdp] clipboard-max-mb); the paste is empty\n",
			   peer->client->hostname, (unsigned long long)answer->size,
			   (unsigned long long)clipboard->max_bytes);
	else if (answer->ok && paste->png_from_bitmap)
		data = rdp_clip_dib_to_png(answer->data, answer->size, &size);
	else if (answer->ok)
		data = rdp_clip_from_windows(paste->kind, paste->format_id, answer->data,
					     answer->size, &size);
	clipboard->bytes_from_host += answer->size;
	log_scope(peer->server->scopes->clipboard, "%s answered %llu bytes%s\n",
		  peer->client->hostname, (unsigned long long)answer->size,
		  answer->ok ? "" : " (a failure)");
	if (data) {
		rdp_clipboard_write_to_app(clipboard, paste->fd, data, size);
		paste->fd = -1;
	}
	rdp_clipboard_paste_end(paste);
	rdp_clipboard_ask_next(clipboard);
}
