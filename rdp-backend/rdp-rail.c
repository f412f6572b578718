/*
 * RemoteApp (classic RAIL, MS-RDPERP) for one peer: the rail channel's
 * lifetime and handshake, when the client is ready to show app windows, and
 * moves and resizes the apps start, which the host's window manager does.
 */
#include <stdlib.h>

#include "log.h"
#include "porthole-compositor.h"
#include "rdp-rail-internal.h"

/* --- app-started moves and resizes: the host does them locally --------------------- */

static UINT16
rdp_rail_move_size_type(uint32_t edges)
{
	switch (edges) {
	case 0:
		return RAIL_WMSZ_MOVE;
	case SHELL_EDGE_LEFT:
		return RAIL_WMSZ_LEFT;
	case SHELL_EDGE_RIGHT:
		return RAIL_WMSZ_RIGHT;
	case SHELL_EDGE_TOP:
		return RAIL_WMSZ_TOP;
	case SHELL_EDGE_TOP_LEFT:
		return RAIL_WMSZ_TOPLEFT;
	case SHELL_EDGE_TOP_RIGHT:
		return RAIL_WMSZ_TOPRIGHT;
	case SHELL_EDGE_BOTTOM:
		return RAIL_WMSZ_BOTTOM;
	case SHELL_EDGE_BOTTOM_LEFT:
		return RAIL_WMSZ_BOTTOMLEFT;
	default:
		return RAIL_WMSZ_BOTTOMRIGHT;
	}
}

static INT16
rdp_rail_int16(int v)
{
	return (INT16)(v < 0 ? 0 : v > 0x7fff ? 0x7fff : v);
}

/*
 * The app asked to be moved or resized (a press on its title bar or edge): the
 * host's window manager does it (MS-RDPERP local move/size), and the client
 * reports the result as a window move, with a button release at the end. The
 * compositor's own grab stays, so the release ends it, but moves nothing
 * (the event is taken): pointer motion from the host meanwhile is relative to
 * where the host has the window, and would drag it elsewhere.
 */
static void
rdp_rail_handle_move_size(struct wl_listener *listener, void *data)
{
	struct rdp_rail *rail = wl_container_of(listener, rail, move_size_listener);
	struct shell_move_size_event *event = data;
	rdpSettings *settings = rail->peer->client->context->settings;
	struct rdp_rail_window *w;
	RAIL_LOCALMOVESIZE_ORDER order = {.moveSizeType = rdp_rail_move_size_type(event->edges)};
	RAIL_MINMAXINFO_ORDER limits = {0};
	/* the host moves and sizes in its pixels */
	int scale = pc_outputs_get_scale(rail->peer->server->compositor);

	if (!rail->ready)
		return;
	/* the window must be on the client first */
	rdp_rail_sync(rail);
	w = rdp_rail_find_sent(rail, event->key);
	if (!w || w->popup)
		return;
	order.windowId = limits.windowId = w->id;
	order.isMoveSizeStart = event->start;
	if (event->start) {
		limits.maxWidth = rdp_rail_int16(
			(int)freerdp_settings_get_uint32(settings, FreeRDP_DesktopWidth));
		limits.maxHeight = rdp_rail_int16(
			(int)freerdp_settings_get_uint32(settings, FreeRDP_DesktopHeight));
		limits.minTrackWidth =
			rdp_rail_int16(event->min_width > 0 ? event->min_width * scale : 1);
		limits.minTrackHeight =
			rdp_rail_int16(event->min_height > 0 ? event->min_height * scale : 1);
		limits.maxTrackWidth =
			rdp_rail_int16(event->max_width > 0 ? event->max_width * scale : 0x7fff);
		limits.maxTrackHeight =
			rdp_rail_int16(event->max_height > 0 ? event->max_height * scale : 0x7fff);
		rail->context->ServerMinMaxInfo(rail->context, &limits);
		/* a move gives the pointer within the window; a resize, on the desktop */
		order.posX = rdp_rail_int16(
			(event->edges ? event->pointer_x : event->pointer_x - event->x) * scale);
		order.posY = rdp_rail_int16(
			(event->edges ? event->pointer_y : event->pointer_y - event->y) * scale);
	} else {
		order.posX = rdp_rail_int16(event->x * scale);
		order.posY = rdp_rail_int16(event->y * scale);
	}
	if (rail->context->ServerLocalMoveSize(rail->context, &order) == CHANNEL_RC_OK &&
	    event->start)
		event->taken = true;
	log_scope(rail->peer->server->scopes->rail,
		  "rdp: local %s of window %u %s on the client (%d,%d)\n",
		  event->edges ? "resize" : "move", w->id, event->start ? "starts" : "ends",
		  order.posX, order.posY);
}

/* --- lifetime ----------------------------------------------------------------------- */

int
rdp_rail_start(struct rdp_peer *peer)
{
	struct rdp_rail *rail;
	RailServerContext *context;
	RAIL_HANDSHAKE_ORDER handshake = {.buildNumber = 0x1DB0};
	struct pc_compositor *compositor = peer->server->compositor;

	if (peer->rail)
		return 0; /* a re-activation keeps the running channel */
	if (!peer->vcm)
		return -1;
	rail = calloc(1, sizeof *rail);
	if (!rail)
		return -1;
	rail->peer = peer;
	rail->active_id = RDP_RAIL_NO_WINDOW;
	rail->next_popup_id = RDP_RAIL_POPUP_ID_BASE;
	rail->pointer_window = RDP_RAIL_NO_WINDOW;
	idle_call_init(&rail->sync, peer->server->loop, rdp_rail_handle_sync, rail);
	wl_array_init(&rail->windows);
	wl_array_init(&rail->zorder);
	wl_array_init(&rail->next_zorder);
	wl_array_init(&rail->current);
	wl_array_init(&rail->title_store);
	wl_list_init(&rail->shell_change_listener.link);
	wl_list_init(&rail->move_size_listener.link);
	context = rail_server_context_new(peer->vcm);
	if (!context)
		goto err;
	rail->context = context;
	context->custom = peer;
	context->rdpcontext = peer->client->context;
	rdp_rail_requests_attach(context);
	peer->rail = rail;
	if (context->Start(context) != CHANNEL_RC_OK) {
		weston_log("rdp: %s asked for RemoteApp but has no rail channel\n",
			   peer->client->hostname);
		goto err;
	}
	/* The client answers the handshake with its status, sysparams and exec. */
	if (context->ServerHandshake(context, &handshake) != CHANNEL_RC_OK)
		goto err;
	rail->shell_change_listener.notify = rdp_rail_handle_shell_change;
	wl_signal_add(pc_windows_get_change_signal(compositor), &rail->shell_change_listener);
	rail->move_size_listener.notify = rdp_rail_handle_move_size;
	wl_signal_add(pc_windows_get_move_size_signal(compositor), &rail->move_size_listener);
	weston_log("rdp: %s in RemoteApp mode\n", peer->client->hostname);
	return 0;
err:
	peer->rail = NULL;
	rdp_rail_destroy(rail);
	return -1;
}

void
rdp_rail_destroy(struct rdp_rail *rail)
{
	struct rdp_rail_window *w;

	if (!rail)
		return;
	if (rail->context) {
		/* joins the channel thread: nothing posts after this */
		rail->context->Stop(rail->context);
		rail_server_context_free(rail->context);
	}
	wl_list_remove(&rail->shell_change_listener.link);
	wl_list_remove(&rail->move_size_listener.link);
	idle_call_cancel(&rail->sync);
	if (rail->show_timer)
		wl_event_source_remove(rail->show_timer);
	if (rail->host_size_timer)
		wl_event_source_remove(rail->host_size_timer);
	wl_array_for_each(w, &rail->windows) free(w->title);
	wl_array_release(&rail->windows);
	wl_array_release(&rail->zorder);
	wl_array_release(&rail->next_zorder);
	wl_array_release(&rail->current);
	wl_array_release(&rail->title_store);
	free(rail);
}

/* --- the pointer crossing into another host window ---------------------------------- */

/* The topmost window the client shows at @x, @y (its pixels), or RDP_RAIL_NO_WINDOW. */
static uint32_t
rdp_rail_window_at(struct rdp_rail *rail, int x, int y)
{
	uint32_t *id;
	struct rdp_rail_window *w;

	wl_array_for_each(id, &rail->zorder)
	{
		wl_array_for_each(w, &rail->windows)
		{
			if (w->id == *id && x >= w->x && y >= w->y && x < w->x + w->width &&
			    y < w->y + w->height)
				return w->id;
		}
	}
	return RDP_RAIL_NO_WINDOW;
}

void
rdp_rail_pointer_at(struct rdp_rail *rail, int x, int y)
{
	uint32_t id = rdp_rail_window_at(rail, x, y);

	if (id == rail->pointer_window)
		return;
	rail->pointer_window = id;
	/*
	 * xfreerdp 2.11 puts a pointer image on the host window the pointer is
	 * in, and drops one that comes while it is in none (the image the app
	 * set before the host pointer got there): each window it enters gets
	 * the image again, from the client's cache.
	 */
	if (id != RDP_RAIL_NO_WINDOW)
		rdp_pointer_send_current(rail->peer);
}
