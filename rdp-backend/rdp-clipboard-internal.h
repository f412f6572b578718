/*
 * The clipboard channel's parts (rdp-clipboard.c: the channel and its thread;
 * rdp-clipboard-to-linux.c: the host's copies pasted in Linux apps;
 * rdp-clipboard-to-host.c: Linux copies pasted on the host) share this.
 */
#ifndef PORTHOLE_RDP_CLIPBOARD_INTERNAL_H
#define PORTHOLE_RDP_CLIPBOARD_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <freerdp/server/cliprdr.h>

#include "porthole-compositor.h"
#include "rdp-clipboard-formats.h"
#include "rdp-internal.h"

/* a client that does not answer a request, or an app that stops writing */
#define RDP_CLIPBOARD_TIMEOUT_MS 10000
/* formats of a client's list looked at; lists are a handful long */
#define RDP_CLIPBOARD_MAX_FORMATS 64
#define RDP_CLIPBOARD_CHUNK 65536

/* An app's paste waiting for the client's data. */
struct rdp_clipboard_paste {
	struct wl_list link; /* rdp_clipboard::pastes, oldest first */
	enum rdp_clip_kind kind;
	uint32_t format_id;   /* what the client is asked for */
	bool png_from_bitmap; /* a PNG made here from the client's bitmap */
	int fd;
};

/* Data on its way into an app's pipe. */
struct rdp_clipboard_writer {
	struct wl_list link; /* rdp_clipboard::writers */
	int fd;
	uint8_t *data;
	size_t size, done;
	struct wl_event_source *source;
};

struct rdp_clipboard {
	struct rdp_peer *peer;
	CliprdrServerContext *context;
	uint64_t max_bytes;
	bool client_ready; /* its first format list came: it takes ours */
	bool offering;     /* its copy is being made the clipboard's: no news for it */
	/* what went each way, for `porthole peers` (a copy never pasted costs nothing) */
	uint64_t bytes_to_host, bytes_from_host, pastes_on_host, pastes_in_linux;
	struct wl_listener change_listener;

	/* host to Linux */
	struct pc_clipboard_source *source;   /* the client's copy, NULL when none */
	uint32_t offered_ids[RDP_CLIP_KINDS]; /* the client's best format per kind, 0: none */
	struct wl_list pastes;                /* rdp_clipboard_paste::link */
	bool asking;                          /* a request is out: the first paste's */
	int late_answers;                     /* answers still due to requests given up */
	struct wl_event_source *ask_timer;
	struct wl_list writers; /* rdp_clipboard_writer::link */

	/* Linux to host: the one answer being read */
	struct {
		int fd; /* -1: none */
		enum rdp_clip_kind kind;
		uint8_t *data;
		size_t size, capacity;
		bool over_limit;
		struct wl_event_source *source, *timer;
	} reading;
};

/* What the channel thread posts. */
struct rdp_clipboard_format_list_task {
	int n;
	struct {
		uint32_t id;
		enum rdp_clip_kind kind;
	} formats[RDP_CLIPBOARD_MAX_FORMATS];
};

struct rdp_clipboard_request_task {
	uint32_t format_id;
};

struct rdp_clipboard_answer_task {
	bool ok;
	bool over_limit;
	uint64_t size;
	uint8_t data[];
};

/* rdp-clipboard-to-linux.c */
/** Task: the client copied; its formats become the clipboard's. */
void rdp_clipboard_run_format_list(struct rdp_peer *peer, void *payload);

/** Task: the client's answer to the request for the first waiting paste. */
void rdp_clipboard_run_answer(struct rdp_peer *peer, void *payload);

/** Timer: the client let a request wait too long. */
int rdp_clipboard_handle_ask_timeout(void *data);

/** Ends a waiting paste (its app reads the end of it). */
void rdp_clipboard_paste_end(struct rdp_clipboard_paste *paste);

void rdp_clipboard_writer_destroy(struct rdp_clipboard_writer *writer);

/* rdp-clipboard-to-host.c */
/** The compositor's clipboard changed hands: the client learns what it may paste. */
void rdp_clipboard_handle_change(struct wl_listener *listener, void *data);

/** Task: the host pastes; the clipboard's owner is asked for the format. */
void rdp_clipboard_run_request(struct rdp_peer *peer, void *payload);

/** Stops reading a Linux copy for the host, if one is being read. */
void rdp_clipboard_reading_end(struct rdp_clipboard *clipboard);

#endif
