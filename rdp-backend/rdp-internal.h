/* What the rdp-backend files share: the server, its peers and FreeRDP's context. */
#ifndef PORTHOLE_RDP_INTERNAL_H
#define PORTHOLE_RDP_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <freerdp/codec/nsc.h>
#include <freerdp/freerdp.h>
#include <freerdp/listener.h>
#include <freerdp/peer.h>
#include <pixman.h>
#include <wayland-server-core.h>

#include "rdp-server.h"

#define RDP_MAX_EVENT_FDS 32
#define RDP_AUTH_FAILURES_MAX 5 /* failed logins within the window ... */
#define RDP_AUTH_WINDOW_S 30    /* ... make the server refuse connections ... */
#define RDP_AUTH_LOCKOUT_S 10   /* ... for this long */

struct pc_context;
struct damage_capture;
struct rdp_peer;

struct rdp_server {
	struct pc_context *ctx;
	freerdp_listener *listener;
	struct wl_event_source *listener_events[RDP_MAX_EVENT_FDS];
	int n_listener_events;
	char *user; /* NULL: no credentials asked (unix and vsock only) */
	char *password;
	char *unix_paths[RDP_MAX_EVENT_FDS]; /* removed at exit */
	int n_unix_paths;
	char cert_path[512];
	char key_path[512];
	struct wl_list peers; /* rdp_peer::link */
	time_t auth_failures[RDP_AUTH_FAILURES_MAX];
	int next_failure;
	time_t locked_until;
};

/* FreeRDP allocates this as the peer's context; it points back to our peer. */
struct rdp_peer_context {
	rdpContext _p;
	struct rdp_peer *peer;
};

struct rdp_peer {
	struct rdp_server *server;
	struct wl_list link; /* rdp_server::peers */
	freerdp_peer *client;
	struct wl_event_source *events[RDP_MAX_EVENT_FDS];
	int n_events;
	bool activated;
	bool output_suppressed;

	/* graphics */
	struct damage_capture *capture;
	struct wl_listener capture_destroy_listener;
	struct wl_event_source *capture_idle;
	NSC_CONTEXT *nsc;
	wStream *encode_stream;
	uint32_t frame_id;
	uint64_t bytes_sent;
	uint64_t frames_sent;
};

/* rdp-server.c */
/** Whether repeated failed logins have the server refusing connections now. */
bool rdp_server_is_locked(struct rdp_server *server);

void rdp_server_note_auth_failure(struct rdp_server *server);

/* rdp-peer.c */
/**
 * Sets up a new peer. Returns false when it did not take @client, which the
 * listener then closes and frees; a peer that fails later is dropped here.
 */
bool rdp_peer_accept(struct rdp_server *server, freerdp_peer *client);

void rdp_peer_destroy(struct rdp_peer *peer);

/* rdp-graphics.c */
int rdp_graphics_init(struct rdp_peer *peer);

void rdp_graphics_release(struct rdp_peer *peer);

/** Starts sending the first output: everything once, then each repaint's damage. */
void rdp_graphics_start(struct rdp_peer *peer);

/* rdp-input.c */
void rdp_input_init(struct rdp_peer *peer);

#endif
