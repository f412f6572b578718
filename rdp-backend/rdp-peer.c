/*
 * One RDP client: FreeRDP's peer object on the compositor's event loop, from
 * accept through TLS, the password check, activation, to disconnect. A peer
 * that misbehaves or fails is cut off alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	for (int i = 0; i < peer->n_events; i++)
		wl_event_source_remove(peer->events[i]);
	if (peer->vcm_event)
		wl_event_source_remove(peer->vcm_event);
	idle_call_cancel(&peer->activation_check);
	rdp_rail_destroy(peer->rail);
	peer->rail = NULL;
	rdp_audio_destroy(peer->audio);
	/* closes the display control channel and stops its thread; its tasks find no disp */
	disp_server_context_free(peer->disp);
	peer->disp = NULL;
	rdp_graphics_release(peer);
	rdp_channels_release(peer);
	wl_list_remove(&peer->link);
	if (peer->client) {
		peer->client->Disconnect(peer->client);
		freerdp_peer_context_free(peer->client);
		freerdp_peer_free(peer->client);
	}
	free(peer);
}

static int
rdp_peer_handle_activity(int fd, uint32_t mask, void *data)
{
	struct rdp_peer *peer = data;

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

/* The Client Info PDU (user and password) has arrived; no pixel has been sent. */
static BOOL
rdp_peer_handle_post_connect(freerdp_peer *client)
{
	struct rdp_peer *peer = to_rdp_peer(client);
	struct rdp_server *server = peer->server;
	rdpSettings *settings = client->context->settings;
	const char *user = freerdp_settings_get_string(settings, FreeRDP_Username);
	const char *password = freerdp_settings_get_string(settings, FreeRDP_Password);

	if (!rdp_peer_mode_acceptable(peer))
		return FALSE;
	if (!rdp_auth_user(server->auth)) {
		weston_log("rdp: %s connected (no credentials on local transports)\n",
			   client->hostname);
		return TRUE;
	}
	if (!rdp_auth_check(server->auth, user, password)) {
		weston_log("rdp: refused %s: wrong user name or password (user \"%s\")\n",
			   client->hostname, user ? user : "");
		return FALSE;
	}
	weston_log("rdp: %s logged in as %s\n", client->hostname, user);
	return TRUE;
}

static BOOL
rdp_peer_handle_activate(freerdp_peer *client)
{
	struct rdp_peer *peer = to_rdp_peer(client);
	rdpSettings *settings = client->context->settings;
	UINT32 width = freerdp_settings_get_uint32(settings, FreeRDP_DesktopWidth);
	UINT32 height = freerdp_settings_get_uint32(settings, FreeRDP_DesktopHeight);

	/* The outputs mirror the client's monitors, or its desktop. */
	rdp_layout_follow_client(peer);
	rdp_input_follow_client_layout(peer);
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
	rdp_pointer_send_current(peer);
	if (freerdp_settings_get_bool(settings, FreeRDP_RemoteApplicationMode)) {
		if (rdp_rail_start(peer) < 0)
			return FALSE;
		peer->graphics_held = true;
	}
	rdp_graphics_start(peer);
	return TRUE;
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

/* Before a frame's pixels: a RemoteApp client gets the windows they belong to first. */
static void
rdp_peer_sync_windows(struct rdp_peer *peer)
{
	if (peer->rail)
		rdp_rail_sync(peer->rail);
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

	if (!freerdp_settings_set_string(settings, FreeRDP_CertificateFile, server->cert_path) ||
	    !freerdp_settings_set_string(settings, FreeRDP_PrivateKeyFile, server->key_path))
		return -1;
	/* TLS always; standard RDP security is weak and NLA would need a SAM file. */
	freerdp_settings_set_bool(settings, FreeRDP_RdpSecurity, FALSE);
	freerdp_settings_set_bool(settings, FreeRDP_TlsSecurity, TRUE);
	freerdp_settings_set_bool(settings, FreeRDP_NlaSecurity, FALSE);
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
	freerdp_settings_set_bool(settings, FreeRDP_HasExtendedMouseEvent, TRUE);
	freerdp_settings_set_bool(settings, FreeRDP_HasHorizontalWheel, TRUE);
	/*
	 * The Window List capability (sent only to RemoteApp clients) must be one
	 * level, not FreeRDP's default of two OR-ed together: FreeRDP 2 clients
	 * compare it for equality and reject every window order otherwise.
	 */
	freerdp_settings_set_uint32(settings, FreeRDP_RemoteWndSupportLevel,
				    RDP_WINDOW_LEVEL_SUPPORTED_EX);
	freerdp_settings_set_uint32(settings, FreeRDP_RemoteAppNumIconCaches, 3);
	freerdp_settings_set_uint32(settings, FreeRDP_RemoteAppNumIconCacheEntries, 12);
}

bool
rdp_peer_accept(struct rdp_server *server, freerdp_peer *client)
{
	struct wl_event_loop *loop = server->loop;
	struct rdp_peer *peer;
	HANDLE handles[RDP_MAX_EVENT_FDS];
	DWORD n;

	client->ContextSize = sizeof(struct rdp_peer_context);
	client->ContextNew = rdp_peer_context_new;
	client->ContextFree = rdp_peer_context_free;
	/* Until the context exists the listener owns the connection: say no. */
	peer = calloc(1, sizeof *peer);
	if (!peer)
		return false;
	if (!freerdp_peer_context_new(client)) {
		free(peer);
		return false;
	}
	/* From here the context owns the socket, and rdp_peer_destroy() frees it all. */
	peer->server = server;
	peer->client = client;
	wl_list_insert(&server->peers, &peer->link);
	((struct rdp_peer_context *)client->context)->peer = peer;
	/* first: rdp_peer_destroy() releases the graphics whatever fails after */
	if (rdp_graphics_init(peer, rdp_peer_sync_windows) < 0 || rdp_peer_configure(peer) < 0 ||
	    !client->Initialize(client))
		goto err;
	rdp_peer_set_capabilities(client->context->settings, server->codec);
	client->PostConnect = rdp_peer_handle_post_connect;
	client->Activate = rdp_peer_handle_activate;
	client->context->update->SuppressOutput = rdp_peer_handle_suppress_output;
	client->context->update->RefreshRect = rdp_peer_handle_refresh_rect;
	rdp_input_init(peer);
	if (rdp_channels_init(peer) < 0)
		goto err;
	idle_call_init(&peer->activation_check, loop, rdp_peer_handle_activation_check, peer);
	peer->vcm_event = wl_event_loop_add_fd(loop, rdp_channels_get_fd(peer), WL_EVENT_READABLE,
					       rdp_peer_handle_channels, peer);
	if (!peer->vcm_event)
		goto err;

	n = client->GetEventHandles(client, handles, RDP_MAX_EVENT_FDS);
	if (n == 0)
		goto err;
	for (DWORD i = 0; i < n; i++) {
		int fd = GetEventFileDescriptor(handles[i]);
		peer->events[peer->n_events++] = wl_event_loop_add_fd(
			loop, fd, WL_EVENT_READABLE, rdp_peer_handle_activity, peer);
	}
	weston_log("rdp: connection from %s\n", client->hostname);
	return true;
err:
	weston_log("rdp: dropping %s: the connection could not be set up\n", client->hostname);
	rdp_peer_destroy(peer);
	return true;
}
