/*
 * One RDP client: FreeRDP's peer object, prepared on its login thread
 * (rdp-login.c) and, from activation to disconnect, on the compositor's event
 * loop. Graphics and channels are made only for a client that logged in. A
 * peer that misbehaves or fails is cut off alone.
 */
#include <stdio.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>

#include <freerdp/settings.h>
#include <winpr/synch.h>

#include "log.h"
#include "porthole-compositor.h"
#include "rdp-internal.h"

static struct rdp_peer *
to_rdp_peer(freerdp_peer *client)
{
	return ((struct rdp_peer_context *)client->context)->peer;
}

void
rdp_peer_destroy(struct rdp_peer *peer)
{
	if (!peer)
		return;
	/* first: from here on no other thread touches the peer */
	if (peer->login)
		peer->end_login(peer->login);
	for (int i = 0; i < peer->n_events; i++)
		wl_event_source_remove(peer->events[i]);
	if (peer->vcm_event)
		wl_event_source_remove(peer->vcm_event);
	if (peer->set_up) {
		idle_call_cancel(&peer->activation_check);
		rdp_rail_destroy(peer->rail);
		peer->rail = NULL;
		rdp_audio_destroy(peer->audio);
		rdp_clipboard_destroy(peer->clipboard);
		peer->clipboard = NULL;
		/* closes the display control channel and stops its thread; its tasks find no disp */
		disp_server_context_free(peer->disp);
		peer->disp = NULL;
		rdp_graphics_release(peer);
		rdp_channels_release(peer);
	}
	wl_list_remove(&peer->link);
	if (peer->client->context) {
		peer->client->Disconnect(peer->client);
		freerdp_peer_context_free(peer->client);
	} else {
		/* the context never took the socket */
		close(peer->client->sockfd);
	}
	freerdp_peer_free(peer->client);
	/* what OpenSSL queued while this peer ended must not fail the next one */
	ERR_clear_error();
	free(peer);
	/*
	 * A peer's encoders and buffers are freed into the heap, which keeps
	 * them: 25 MB stayed resident after a 1080p client left (bench_memory.py).
	 */
	malloc_trim(0);
}

static int
rdp_peer_handle_activity(int fd, uint32_t mask, void *data)
{
	struct rdp_peer *peer = data;

	/* OpenSSL's error queue is the thread's: another peer's errors must not count */
	ERR_clear_error();
	if (!peer->client->CheckFileDescriptor(peer->client)) {
		weston_log("rdp: peer %s disconnected\n", peer->client->hostname);
		rdp_peer_destroy(peer);
		return 0;
	}
	/* the client's answer to the dynamic channel capabilities arrives here */
	rdp_channels_poll_dynamic(peer);
	return 0;
}

/* The channels' turn: what they queued goes out; a peer whose channels fail is dropped. */
static void
rdp_peer_check_channels(struct rdp_peer *peer)
{
	ERR_clear_error();
	if (rdp_channels_check(peer))
		return;
	weston_log("rdp: virtual channels of %s failed; dropping it\n", peer->client->hostname);
	rdp_peer_destroy(peer);
}

static int
rdp_peer_handle_channels(int fd, uint32_t mask, void *data)
{
	rdp_peer_check_channels(data);
	return 0;
}

/* The dynamic channel set-up starts at the first check after activation. */
static void
rdp_peer_handle_activation_check(void *data)
{
	rdp_peer_check_channels(data);
}

/* RemoteApp or desktop is the client's choice, within what --rdp-mode allows. */
static bool
rdp_peer_mode_acceptable(struct rdp_peer *peer)
{
	rdpSettings *settings = peer->client->context->settings;
	bool rail = freerdp_settings_get_bool(settings, FreeRDP_RemoteApplicationMode);

	if (rail && peer->server->mode == RDP_MODE_DESKTOP) {
		weston_log("rdp: refused %s: it asks for RemoteApp windows but this server "
			   "serves the desktop (--rdp-mode=desktop); connect without /app, or "
			   "set [rdp] mode=auto\n",
			   peer->client->hostname);
		return false;
	}
	if (!rail && peer->server->mode == RDP_MODE_RAIL) {
		weston_log("rdp: refused %s: it asks for a desktop but this server serves "
			   "RemoteApp windows only (--rdp-mode=rail); connect with /app, or set "
			   "[rdp] mode=auto\n",
			   peer->client->hostname);
		return false;
	}
	return true;
}

/*
 * On the login thread, at the end of the connection sequence: the password
 * was checked at licensing (rdp-login.c); what is left is the kind of session.
 */
static BOOL
rdp_peer_handle_post_connect(freerdp_peer *client)
{
	return rdp_peer_mode_acceptable(to_rdp_peer(client));
}

/* Before a frame's pixels: a RemoteApp client gets the windows they belong to first. */
static void
rdp_peer_sync_windows(struct rdp_peer *peer)
{
	if (peer->rail)
		rdp_rail_sync(peer->rail);
}

/*
 * What a client that logged in needs: encoders, the channel manager and its
 * task queue. Made at its first activation, never for a client still logging in.
 */
static int
rdp_peer_set_up(struct rdp_peer *peer)
{
	struct wl_event_loop *loop = peer->server->loop;

	peer->set_up = true;
	idle_call_init(&peer->activation_check, loop, rdp_peer_handle_activation_check, peer);
	if (rdp_graphics_init(peer, rdp_peer_sync_windows) < 0 || rdp_channels_init(peer) < 0)
		return -1;
	peer->vcm_event = wl_event_loop_add_fd(loop, rdp_channels_get_fd(peer), WL_EVENT_READABLE,
					       rdp_peer_handle_channels, peer);
	if (!peer->vcm_event)
		return -1;
	wl_list_insert(&peer->server->peers, &peer->link);
	return 0;
}

/*
 * The bulk compressor for updates outside the graphics pipeline: MPPC with
 * its 64 KB history, which a client offering a later type decodes as well,
 * even where it offers RDP 6.1's. What 6.1 adds, matching whole chunks
 * against 2 MB of history, saved 7 % on a screen of new text sent raw and 3 %
 * on planar tiles, for four times MPPC's CPU (15.8 against 3.7 ms for a
 * 1024x768 screen of text).
 */
static void
rdp_peer_choose_bulk_compression(rdpSettings *settings)
{
	if (freerdp_settings_get_uint32(settings, FreeRDP_CompressionLevel) > PACKET_COMPR_TYPE_64K)
		freerdp_settings_set_uint32(settings, FreeRDP_CompressionLevel,
					    PACKET_COMPR_TYPE_64K);
}

bool
rdp_peer_activate(struct rdp_peer *peer)
{
	freerdp_peer *client = peer->client;
	rdpSettings *settings = client->context->settings;
	UINT32 width = freerdp_settings_get_uint32(settings, FreeRDP_DesktopWidth);
	UINT32 height = freerdp_settings_get_uint32(settings, FreeRDP_DesktopHeight);

	if (!peer->set_up && rdp_peer_set_up(peer) < 0) {
		weston_log("rdp: dropping %s: no graphics or channels for it\n", client->hostname);
		return false;
	}
	/* The outputs mirror the client's monitors, or its desktop. */
	rdp_layout_follow_client(peer);
	rdp_input_follow_client_layout(peer);
	rdp_peer_choose_bulk_compression(settings);
	rdp_graphics_choose_codec(peer);
	peer->activated = true;
	weston_log("rdp: %s active at %ux%u, %s\n", client->hostname, width, height,
		   rdp_codec_name(peer->codec));
	/*
	 * FreeRDP marks the peer activated only once this callback returned, and
	 * the channel manager starts the set-up only then: check once more right
	 * after, or a client without static channel traffic (desktop mode, no
	 * sound) would never get its dynamic channels.
	 */
	idle_call_schedule(&peer->activation_check);
	rdp_audio_start(peer);
	rdp_clipboard_start(peer);
	rdp_pointer_send_current(peer);
	if (freerdp_settings_get_bool(settings, FreeRDP_RemoteApplicationMode)) {
		if (rdp_rail_start(peer) < 0)
			return false;
		peer->graphics_held = true;
	}
	rdp_graphics_start(peer);
	return true;
}

/* Activations after the first (a desktop resize), on the event loop. */
static BOOL
rdp_peer_handle_activate(freerdp_peer *client)
{
	return rdp_peer_activate(to_rdp_peer(client));
}

static BOOL
rdp_peer_handle_suppress_output(rdpContext *context, BYTE allow, const RECTANGLE_16 *area)
{
	struct rdp_peer *peer = ((struct rdp_peer_context *)context)->peer;

	/* A minimized client window wants nothing; when it is back, it gets everything. */
	peer->output_suppressed = !allow;
	if (allow && peer->activated)
		rdp_graphics_start(peer);
	return TRUE;
}

static BOOL
rdp_peer_handle_refresh_rect(rdpContext *context, BYTE count, const RECTANGLE_16 *areas)
{
	struct rdp_peer *peer = ((struct rdp_peer_context *)context)->peer;

	if (peer->activated)
		rdp_graphics_start(peer);
	return TRUE;
}

static BOOL
rdp_peer_context_new(freerdp_peer *client, rdpContext *context)
{
	return TRUE;
}

static void
rdp_peer_context_free(freerdp_peer *client, rdpContext *context)
{
}

static int
rdp_peer_configure(struct rdp_peer *peer)
{
	struct rdp_server *server = peer->server;
	rdpSettings *settings = peer->client->context->settings;

	if (!freerdp_settings_set_string(settings, FreeRDP_CertificateContent, server->cert_pem) ||
	    !freerdp_settings_set_string(settings, FreeRDP_PrivateKeyContent, server->key_pem))
		return -1;
	/*
	 * TLS always (standard RDP security is weak). Where a password is asked,
	 * Network Level Authentication too: a client that offers it (xfreerdp,
	 * Remmina and mstsc do) asks its user for a missing password, and again
	 * after a wrong one; TLS alone only sends what it was given. Clients that
	 * offer TLS only still give the password in their Client Info PDU.
	 */
	freerdp_settings_set_bool(settings, FreeRDP_RdpSecurity, FALSE);
	freerdp_settings_set_bool(settings, FreeRDP_TlsSecurity, TRUE);
	freerdp_settings_set_bool(settings, FreeRDP_NlaSecurity,
				  rdp_auth_user(server->auth) != NULL);
	return 0;
}

static void
rdp_peer_set_capabilities(rdpSettings *settings, enum rdp_codec codec)
{
	freerdp_settings_set_uint32(settings, FreeRDP_OsMajorType, OSMAJORTYPE_UNIX);
	freerdp_settings_set_uint32(settings, FreeRDP_OsMinorType, OSMINORTYPE_PSEUDO_XSERVER);
	freerdp_settings_set_uint32(settings, FreeRDP_ColorDepth, 32);
	freerdp_settings_set_bool(settings, FreeRDP_RefreshRect, TRUE);
	freerdp_settings_set_bool(settings, FreeRDP_SuppressOutput, TRUE);
	freerdp_settings_set_bool(settings, FreeRDP_NSCodec, TRUE);
	/* offered; what stays set after the capability exchange is what the client has too */
	freerdp_settings_set_bool(settings, FreeRDP_RemoteFxCodec, TRUE);
	/* cleared by FreeRDP when the client does not offer it */
	freerdp_settings_set_bool(settings, FreeRDP_SupportGraphicsPipeline,
				  codec == RDP_CODEC_AUTO || rdp_gfx_codec_is_pipeline(codec));
	freerdp_settings_set_bool(settings, FreeRDP_FrameMarkerCommandEnabled, TRUE);
	freerdp_settings_set_bool(settings, FreeRDP_SurfaceFrameMarkerEnabled, TRUE);
	/*
	 * Channel data (the graphics pipeline's frames above all) goes in chunks
	 * of at most this, each its own PDU, TLS record and send(): FreeRDP's
	 * default of 1600 bytes made 78 of each for a 124 KB frame, and woke the
	 * client as often. The capability tells the client; it reassembles
	 * chunks of any size up to the protocol's largest.
	 */
	freerdp_settings_set_uint32(settings, FreeRDP_VirtualChannelChunkSize,
				    RDP_CHANNEL_CHUNK_MAX);
	freerdp_settings_set_bool(settings, FreeRDP_HasExtendedMouseEvent, TRUE);
	freerdp_settings_set_bool(settings, FreeRDP_HasHorizontalWheel, TRUE);
	/*
	 * The Window List capability (sent only to RemoteApp clients) must be one
	 * level, not FreeRDP's default of two OR-ed together: FreeRDP 2 clients
	 * compare it for equality and reject every window order otherwise.
	 */
	freerdp_settings_set_uint32(settings, FreeRDP_RemoteWndSupportLevel,
				    RDP_WINDOW_LEVEL_SUPPORTED_EX);
	/*
	 * A client sends the host's input language switches (Language Profile
	 * Information) only to a server that says it takes them; FreeRDP's own
	 * default says nothing at all, not even that RemoteApp is supported.
	 */
	freerdp_settings_set_uint32(settings, FreeRDP_RemoteApplicationSupportLevel,
				    RAIL_LEVEL_SUPPORTED | RAIL_LEVEL_LANGUAGE_IME_SYNC_SUPPORTED);
	freerdp_settings_set_uint32(settings, FreeRDP_RemoteAppNumIconCaches, 3);
	freerdp_settings_set_uint32(settings, FreeRDP_RemoteAppNumIconCacheEntries, 12);
}

bool
rdp_peer_prepare(struct rdp_peer *peer)
{
	freerdp_peer *client = peer->client;

	client->ContextSize = sizeof(struct rdp_peer_context);
	client->ContextNew = rdp_peer_context_new;
	client->ContextFree = rdp_peer_context_free;
	if (!freerdp_peer_context_new(client))
		return false;
	((struct rdp_peer_context *)client->context)->peer = peer;
	if (rdp_peer_configure(peer) < 0 || !client->Initialize(client))
		return false;
	rdp_peer_set_capabilities(client->context->settings, peer->server->codec);
	client->PostConnect = rdp_peer_handle_post_connect;
	return true;
}

bool
rdp_peer_go_live(struct rdp_peer *peer)
{
	freerdp_peer *client = peer->client;
	HANDLE handles[RDP_MAX_EVENT_FDS];
	DWORD n;

	client->Activate = rdp_peer_handle_activate;
	client->context->update->SuppressOutput = rdp_peer_handle_suppress_output;
	client->context->update->RefreshRect = rdp_peer_handle_refresh_rect;
	rdp_input_init(peer);
	n = client->GetEventHandles(client, handles, RDP_MAX_EVENT_FDS);
	for (DWORD i = 0; i < n; i++) {
		int fd = GetEventFileDescriptor(handles[i]);

		peer->events[peer->n_events] = wl_event_loop_add_fd(
			peer->server->loop, fd, WL_EVENT_READABLE, rdp_peer_handle_activity, peer);
		if (!peer->events[peer->n_events])
			n = 0;
		else
			peer->n_events++;
	}
	if (n == 0) {
		weston_log("rdp: dropping %s: its connection cannot be watched\n",
			   client->hostname);
		rdp_peer_destroy(peer);
		return false;
	}
	/*
	 * FreeRDP marked the peer activated only after the login thread's Activate
	 * returned, maybe after the check scheduled there ran: check once more.
	 */
	idle_call_schedule(&peer->activation_check);
	/* what arrived while the login thread handed over waits in FreeRDP's buffer */
	rdp_peer_handle_activity(-1, 0, peer);
	return true;
}
