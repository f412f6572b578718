/*
 * The clipboard channel (cliprdr) of one peer, both ways, with delayed
 * rendering: only format lists travel until someone pastes (the two ways are
 * rdp-clipboard-to-linux.c and rdp-clipboard-to-host.c).
 *
 * FreeRDP's channel thread calls the callbacks here; they post tasks
 * (rdp-tasks.c) so that the rest runs on the compositor's thread.
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "rdp-clipboard-internal.h"
#include "strbuf.h"

static struct rdp_peer *
rdp_clipboard_peer(CliprdrServerContext *context)
{
	return context->custom;
}

/* --- FreeRDP's channel thread ---------------------------------------------------------- */

static UINT
rdp_clipboard_on_capabilities(CliprdrServerContext *context,
			      const CLIPRDR_CAPABILITIES *capabilities)
{
	return CHANNEL_RC_OK;
}

static UINT
rdp_clipboard_on_format_list(CliprdrServerContext *context, const CLIPRDR_FORMAT_LIST *list)
{
	struct rdp_clipboard_format_list_task task = {0};

	for (UINT32 i = 0; i < list->numFormats && task.n < RDP_CLIPBOARD_MAX_FORMATS; i++) {
		enum rdp_clip_kind kind = rdp_clip_kind_of_format(list->formats[i].formatId,
								  list->formats[i].formatName);

		if (kind == RDP_CLIP_NONE)
			continue;
		task.formats[task.n].id = list->formats[i].formatId;
		task.formats[task.n].kind = kind;
		task.n++;
	}
	return rdp_peer_post(rdp_clipboard_peer(context), rdp_clipboard_run_format_list, &task,
			     sizeof task)
		       ? CHANNEL_RC_OK
		       : CHANNEL_RC_NO_MEMORY;
}

static UINT
rdp_clipboard_on_format_list_response(CliprdrServerContext *context,
				      const CLIPRDR_FORMAT_LIST_RESPONSE *response)
{
	return CHANNEL_RC_OK;
}

static UINT
rdp_clipboard_on_data_request(CliprdrServerContext *context,
			      const CLIPRDR_FORMAT_DATA_REQUEST *request)
{
	struct rdp_clipboard_request_task task = {.format_id = request->requestedFormatId};

	return rdp_peer_post(rdp_clipboard_peer(context), rdp_clipboard_run_request, &task,
			     sizeof task)
		       ? CHANNEL_RC_OK
		       : CHANNEL_RC_NO_MEMORY;
}

static UINT
rdp_clipboard_on_data_response(CliprdrServerContext *context,
			       const CLIPRDR_FORMAT_DATA_RESPONSE *response)
{
	struct rdp_peer *peer = rdp_clipboard_peer(context);
	/* the limit is read once at start and never changes: safe from this thread */
	uint64_t max_bytes = peer->clipboard_max_bytes;
	bool ok = response->msgFlags == CB_RESPONSE_OK && response->requestedFormatData;
	uint64_t size = ok ? response->dataLen : 0;
	struct rdp_clipboard_answer_task *task;
	bool posted;

	if (size > max_bytes) {
		struct rdp_clipboard_answer_task over = {.over_limit = true, .size = size};

		return rdp_peer_post(peer, rdp_clipboard_run_answer, &over, sizeof over)
			       ? CHANNEL_RC_OK
			       : CHANNEL_RC_NO_MEMORY;
	}
	task = malloc(sizeof *task + size);
	if (!task)
		return CHANNEL_RC_NO_MEMORY;
	task->ok = ok;
	task->over_limit = false;
	task->size = size;
	if (size)
		memcpy(task->data, response->requestedFormatData, size);
	posted = rdp_peer_post(peer, rdp_clipboard_run_answer, task, sizeof *task + size);
	free(task);
	return posted ? CHANNEL_RC_OK : CHANNEL_RC_NO_MEMORY;
}

static UINT
rdp_clipboard_on_temp_directory(CliprdrServerContext *context,
				const CLIPRDR_TEMP_DIRECTORY *directory)
{
	return CHANNEL_RC_OK;
}

static UINT
rdp_clipboard_on_lock(CliprdrServerContext *context, const CLIPRDR_LOCK_CLIPBOARD_DATA *lock)
{
	return CHANNEL_RC_OK;
}

static UINT
rdp_clipboard_on_unlock(CliprdrServerContext *context, const CLIPRDR_UNLOCK_CLIPBOARD_DATA *unlock)
{
	return CHANNEL_RC_OK;
}

/* --- lifetime -------------------------------------------------------------------------- */

void
rdp_clipboard_describe(const struct rdp_clipboard *clipboard, struct strbuf *out)
{
	if (!clipboard) {
		strbuf_appendf(out, "\"clipboard\":null");
		return;
	}
	strbuf_appendf(out,
		       "\"clipboard\":{\"bytes_to_host\":%llu,\"bytes_from_host\":%llu,"
		       "\"pastes_on_host\":%llu,\"pastes_in_linux\":%llu}",
		       (unsigned long long)clipboard->bytes_to_host,
		       (unsigned long long)clipboard->bytes_from_host,
		       (unsigned long long)clipboard->pastes_on_host,
		       (unsigned long long)clipboard->pastes_in_linux);
}

void
rdp_clipboard_start(struct rdp_peer *peer)
{
	struct rdp_clipboard *clipboard;
	CliprdrServerContext *context;
	struct wl_signal *change = pc_clipboard_get_change_signal(peer->server->compositor);

	if (peer->clipboard || !peer->vcm || !change || peer->clipboard_max_bytes == 0 ||
	    !WTSVirtualChannelManagerIsChannelJoined(peer->vcm, CLIPRDR_SVC_CHANNEL_NAME))
		return;
	clipboard = calloc(1, sizeof *clipboard);
	if (!clipboard)
		return;
	clipboard->peer = peer;
	clipboard->max_bytes = peer->clipboard_max_bytes;
	clipboard->reading.fd = -1;
	wl_list_init(&clipboard->pastes);
	wl_list_init(&clipboard->writers);
	wl_list_init(&clipboard->change_listener.link);
	clipboard->ask_timer = wl_event_loop_add_timer(peer->server->loop,
						       rdp_clipboard_handle_ask_timeout, clipboard);
	context = cliprdr_server_context_new(peer->vcm);
	if (!clipboard->ask_timer || !context) {
		if (context)
			cliprdr_server_context_free(context);
		rdp_clipboard_destroy(clipboard);
		return;
	}
	clipboard->context = context;
	context->custom = peer;
	context->rdpcontext = peer->client->context;
	/* the server's capabilities and Monitor Ready go out as the channel starts */
	context->autoInitializationSequence = TRUE;
	context->useLongFormatNames = TRUE;
	context->streamFileClipEnabled = FALSE;
	context->fileClipNoFilePaths = FALSE;
	context->canLockClipData = FALSE;
	context->ClientCapabilities = rdp_clipboard_on_capabilities;
	context->ClientFormatList = rdp_clipboard_on_format_list;
	context->ClientFormatListResponse = rdp_clipboard_on_format_list_response;
	context->ClientFormatDataRequest = rdp_clipboard_on_data_request;
	context->ClientFormatDataResponse = rdp_clipboard_on_data_response;
	context->TempDirectory = rdp_clipboard_on_temp_directory;
	context->ClientLockClipboardData = rdp_clipboard_on_lock;
	context->ClientUnlockClipboardData = rdp_clipboard_on_unlock;
	peer->clipboard = clipboard;
	if (context->Start(context) != CHANNEL_RC_OK) {
		weston_log("rdp: the clipboard channel of %s does not start\n",
			   peer->client->hostname);
		peer->clipboard = NULL;
		rdp_clipboard_destroy(clipboard);
		return;
	}
	clipboard->change_listener.notify = rdp_clipboard_handle_change;
	wl_signal_add(change, &clipboard->change_listener);
	weston_log("rdp: clipboard shared with %s (up to %llu MB a copy)\n", peer->client->hostname,
		   (unsigned long long)(clipboard->max_bytes >> 20));
}

void
rdp_clipboard_destroy(struct rdp_clipboard *clipboard)
{
	struct rdp_clipboard_paste *paste, *next_paste;
	struct rdp_clipboard_writer *writer, *next_writer;

	if (!clipboard)
		return;
	if (clipboard->context) {
		/* joins the channel thread: nothing posts after this */
		clipboard->context->Stop(clipboard->context);
		cliprdr_server_context_free(clipboard->context);
	}
	wl_list_remove(&clipboard->change_listener.link);
	/* apps waiting for the host's data read the end of it: nothing hangs */
	wl_list_for_each_safe(paste, next_paste, &clipboard->pastes, link)
		rdp_clipboard_paste_end(paste);
	wl_list_for_each_safe(writer, next_writer, &clipboard->writers, link)
		rdp_clipboard_writer_destroy(writer);
	pc_clipboard_source_destroy(clipboard->source);
	rdp_clipboard_reading_end(clipboard);
	if (clipboard->ask_timer)
		wl_event_source_remove(clipboard->ask_timer);
	free(clipboard);
}
