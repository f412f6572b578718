/*
 * RemoteApp (classic RAIL, MS-RDPERP) for one peer: the rail channel's
 * handshake, client status, sysparams and exec; window orders that keep the
 * client's list of windows equal to the shell's; and what the host does to a
 * window (activate, minimize, maximize, restore, close, move, resize) applied to
 * the compositor's. The pixels still travel as one desktop-sized surface: the
 * client cuts each window out of it at the position the window orders give.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <freerdp/server/rail.h>
#include <freerdp/window.h>
#include <libweston-desktop/libweston-desktop.h>
#include <libweston/libweston.h>
#include <winpr/string.h>

#include "log.h"
#include "porthole-compositor.h"
#include "rdp-internal.h"

#define RDP_RAIL_POPUP_ID_BASE 0x40000000u /* shell window ids stay far below */
#define RDP_RAIL_MAX_ZORDER 255            /* the order's count is one byte */
#define RDP_RAIL_MAX_TITLE 255             /* UTF-16 units; keeps orders small */
#define RDP_RAIL_NO_WINDOW 0xFFFFFFFFu
#define RDP_RAIL_MAX_PROGRAM 512
/* see rdp_rail_show_soon() */
#define RDP_RAIL_MODE_SWITCH_MS 200
#define RDP_RAIL_NO_EXEC_MS 2000

/* What the client was last told about one window. */
struct rdp_rail_window {
	const void *key;
	uint32_t id;
	uint32_t owner_id;
	int x, y, width, height;
	char *title;
	uint32_t show_state;
	bool popup;
	bool seen;          /* still there in the sync under way */
	uint64_t icon_hash; /* of the icon sent; 0: the default one */
};

struct rdp_rail {
	struct rdp_peer *peer;
	RailServerContext *context;
	bool status_received;        /* the client's status arrived */
	bool ready;                  /* the client shows app windows: orders may flow */
	struct wl_array windows;     /* struct rdp_rail_window */
	struct wl_array zorder;      /* uint32_t window ids, topmost first, as last sent */
	struct wl_array next_zorder; /* the same, being built during a sync */
	struct wl_array current;     /* struct rdp_rail_current, filled during a sync */
	struct wl_array title_store; /* the titles of current, NUL-separated */
	uint32_t active_id;
	uint32_t next_popup_id;
	struct wl_listener shell_change_listener;
	struct wl_listener move_size_listener;
	struct idle_call
		sync; /* many changes in one dispatch (a commit per window) make one sync */
	struct wl_event_source *show_timer; /* see rdp_rail_show_soon() */
};

/* --- window orders ------------------------------------------------------------- */

static uint32_t
rdp_rail_show_state(enum shell_window_show show)
{
	switch (show) {
	case SHELL_WINDOW_MINIMIZED:
		return WINDOW_SHOW_MINIMIZED;
	case SHELL_WINDOW_MAXIMIZED:
	case SHELL_WINDOW_FULLSCREEN:
		return WINDOW_SHOW_MAXIMIZED;
	default:
		return WINDOW_SHOW;
	}
}

/* UTF-8 to the UTF-16LE the orders carry, cut to RDP_RAIL_MAX_TITLE units; free() it. */
static WCHAR *
rdp_rail_utf16(const char *utf8, UINT16 *bytes)
{
	WCHAR *wide = NULL;
	int units = ConvertToUnicode(CP_UTF8, 0, utf8, -1, &wide, 0);

	if (units < 1 || !wide) {
		free(wide);
		*bytes = 0;
		return NULL;
	}
	units -= 1; /* without the terminator */
	if (units > RDP_RAIL_MAX_TITLE)
		units = RDP_RAIL_MAX_TITLE;
	*bytes = (UINT16)(units * 2);
	return wide;
}

static void
rdp_rail_send_window(struct rdp_rail *rail, const struct rdp_rail_window *w, uint32_t fields)
{
	rdpUpdate *update = rail->peer->client->context->update;
	WINDOW_ORDER_INFO info = {.windowId = w->id,
				  .fieldFlags = WINDOW_ORDER_TYPE_WINDOW | fields};
	RECTANGLE_16 rect = {0, 0, (UINT16)w->width, (UINT16)w->height};
	WINDOW_STATE_ORDER state = {0};
	WCHAR *title = NULL;

	state.ownerWindowId = w->owner_id;
	if (w->popup) {
		/* menus and tooltips: the client makes them override-redirect, unlisted */
		state.style = WS_POPUP | WS_VISIBLE;
		state.extendedStyle = WS_EX_TOOLWINDOW | WS_EX_TOPMOST;
		state.TaskbarButton = 1; /* 1: no taskbar entry */
	} else {
		state.style = WS_OVERLAPPEDWINDOW | WS_VISIBLE;
		state.extendedStyle = WS_EX_APPWINDOW;
		state.TaskbarButton = w->owner_id ? 1 : 0;
	}
	state.showState = w->show_state;
	if (fields & WINDOW_ORDER_FIELD_TITLE) {
		title = rdp_rail_utf16(w->title, &state.titleInfo.length);
		state.titleInfo.string = (BYTE *)title;
	}
	/* No decorations on our side: window, client area and visible area coincide. */
	state.windowOffsetX = state.clientOffsetX = state.visibleOffsetX = w->x;
	state.windowOffsetY = state.clientOffsetY = state.visibleOffsetY = w->y;
	state.windowWidth = state.clientAreaWidth = (UINT32)w->width;
	state.windowHeight = state.clientAreaHeight = (UINT32)w->height;
	state.numWindowRects = state.numVisibilityRects = 1;
	state.windowRects = state.visibilityRects = &rect;
	if (fields & WINDOW_ORDER_STATE_NEW)
		update->window->WindowCreate(update->context, &info, &state);
	else
		update->window->WindowUpdate(update->context, &info, &state);
	free(title);
}

/*
 * The window's icon: the app's (APP_ICON_SIZE square, from its .desktop file),
 * or where it has none a porthole, a blue ring on transparency. ICON_INFO
 * wants BGRA rows bottom-up, and an AND mask that clients draw instead of alpha.
 */
static void
rdp_rail_send_icon(struct rdp_rail *rail, uint32_t id, const struct app_icon *app_icon)
{
	rdpUpdate *update = rail->peer->client->context->update;
	BYTE color[APP_ICON_SIZE * APP_ICON_SIZE * 4];
	BYTE mask[APP_ICON_SIZE * APP_ICON_SIZE / 8] = {0}; /* 1: transparent */
	WINDOW_ORDER_INFO info = {
		.windowId = id,
		.fieldFlags =
			WINDOW_ORDER_TYPE_WINDOW | WINDOW_ORDER_ICON | WINDOW_ORDER_FIELD_ICON_BIG,
	};
	ICON_INFO icon = {
		.cacheEntry = 0xFFFF,
		.cacheId = 0xFF, /* not cached: the client keeps no slot for it */
		.bpp = 32,
		.width = APP_ICON_SIZE,
		.height = APP_ICON_SIZE,
		.cbBitsMask = sizeof mask,
		.cbBitsColor = sizeof color,
		.bitsMask = mask,
		.bitsColor = color,
	};
	WINDOW_ICON_ORDER order = {.iconInfo = &icon};

	for (int y = 0; y < APP_ICON_SIZE; y++) {
		for (int x = 0; x < APP_ICON_SIZE; x++) {
			BYTE *px =
				color + ((size_t)(APP_ICON_SIZE - 1 - y) * APP_ICON_SIZE + x) * 4;
			uint32_t argb;

			if (app_icon) {
				argb = app_icon->pixels[y * APP_ICON_SIZE + x];
			} else {
				int dx = 2 * x - (APP_ICON_SIZE - 1),
				    dy = 2 * y - (APP_ICON_SIZE - 1);
				int r2 = (dx * dx + dy * dy) / 4;

				argb = r2 <= 15 * 15 && r2 >= 9 * 9 ? 0xFF2060C0u
				       : r2 < 9 * 9                 ? 0xFFA0D8F0u
								    : 0;
			}
			px[0] = (BYTE)argb;
			px[1] = (BYTE)(argb >> 8);
			px[2] = (BYTE)(argb >> 16);
			px[3] = (BYTE)(argb >> 24);
			if (px[3] == 0)
				mask[(APP_ICON_SIZE - 1 - y) * (APP_ICON_SIZE / 8) + x / 8] |=
					(BYTE)(0x80 >> (x % 8));
		}
	}
	update->window->WindowIcon(update->context, &info, &order);
}

static void
rdp_rail_send_delete(struct rdp_rail *rail, uint32_t id)
{
	rdpUpdate *update = rail->peer->client->context->update;
	WINDOW_ORDER_INFO info = {
		.windowId = id,
		.fieldFlags = WINDOW_ORDER_TYPE_WINDOW | WINDOW_ORDER_STATE_DELETED,
	};

	update->window->WindowDelete(update->context, &info);
}

static void
rdp_rail_send_desktop(struct rdp_rail *rail, uint32_t fields)
{
	rdpUpdate *update = rail->peer->client->context->update;
	WINDOW_ORDER_INFO info = {.fieldFlags = WINDOW_ORDER_TYPE_DESKTOP | fields};
	MONITORED_DESKTOP_ORDER desktop = {
		.activeWindowId = rail->active_id,
		.numWindowIds = (UINT32)(rail->zorder.size / sizeof(uint32_t)),
		.windowIds = rail->zorder.data,
	};

	update->window->MonitoredDesktop(update->context, &info, &desktop);
}

/* --- keeping the client's list equal to the shell's ---------------------------------- */

/* One window of the shell's enumeration; its title lives in title_store, which may move. */
struct rdp_rail_current {
	struct shell_window_info info;
	size_t title_offset;
};

static struct rdp_rail_window *
rdp_rail_find_sent(struct rdp_rail *rail, const void *key)
{
	struct rdp_rail_window *w;

	wl_array_for_each(w, &rail->windows)
	{
		if (w->key == key)
			return w;
	}
	return NULL;
}

static void
rdp_rail_collect(void *data, const struct shell_window_info *info)
{
	struct rdp_rail *rail = data;
	struct rdp_rail_current *copy = wl_array_add(&rail->current, sizeof *copy);
	size_t title_len = strlen(info->title) + 1;
	char *title = wl_array_add(&rail->title_store, title_len);

	if (!copy || !title) {
		if (copy)
			rail->current.size -= sizeof *copy;
		return;
	}
	copy->info = *info;
	copy->info.title = NULL; /* points into the shell; read title_offset instead */
	copy->title_offset = (size_t)(title - (char *)rail->title_store.data);
	memcpy(title, info->title, title_len);
}

static uint32_t
rdp_rail_id_for(struct rdp_rail *rail, const void *key)
{
	struct rdp_rail_window *w = key ? rdp_rail_find_sent(rail, key) : NULL;

	return w ? w->id : 0;
}

static void
rdp_rail_update_one(struct rdp_rail *rail, const struct shell_window_info *info, const char *title)
{
	struct rdp_rail_window *w = rdp_rail_find_sent(rail, info->key);
	struct rdp_rail_window next = {
		.key = info->key,
		.owner_id = rdp_rail_id_for(rail, info->owner_key),
		.x = info->x,
		.y = info->y,
		.width = info->width > 0 ? info->width : 1,
		.height = info->height > 0 ? info->height : 1,
		.show_state = rdp_rail_show_state(info->show),
		.popup = info->popup,
		.seen = true,
	};
	uint32_t fields = 0;

	if (!w) {
		w = wl_array_add(&rail->windows, sizeof *w);
		if (!w)
			return;
		next.id = info->id ? info->id : rail->next_popup_id++;
		next.title = strdup(title);
		*w = next;
		rdp_rail_send_window(
			rail, w,
			WINDOW_ORDER_STATE_NEW | WINDOW_ORDER_FIELD_OWNER |
				WINDOW_ORDER_FIELD_STYLE | WINDOW_ORDER_FIELD_SHOW |
				WINDOW_ORDER_FIELD_TITLE | WINDOW_ORDER_FIELD_CLIENT_AREA_OFFSET |
				WINDOW_ORDER_FIELD_CLIENT_AREA_SIZE |
				WINDOW_ORDER_FIELD_WND_OFFSET | WINDOW_ORDER_FIELD_WND_SIZE |
				WINDOW_ORDER_FIELD_WND_CLIENT_DELTA | WINDOW_ORDER_FIELD_WND_RECTS |
				WINDOW_ORDER_FIELD_VIS_OFFSET | WINDOW_ORDER_FIELD_VISIBILITY |
				WINDOW_ORDER_FIELD_TASKBAR_BUTTON);
		if (!w->popup) {
			w->icon_hash = info->icon ? info->icon->hash : 0;
			rdp_rail_send_icon(rail, w->id, info->icon);
		}
		log_scope(rail->peer->server->scopes->rail,
			  "rdp: window %u created on the client at %d,%d %dx%d\n", w->id, w->x,
			  w->y, w->width, w->height);
		return;
	}
	next.id = w->id;
	next.title = w->title;
	next.icon_hash = info->icon ? info->icon->hash : 0;
	if (!next.popup && next.icon_hash != w->icon_hash)
		rdp_rail_send_icon(rail, w->id, info->icon);
	if (w->owner_id != next.owner_id)
		fields |= WINDOW_ORDER_FIELD_OWNER;
	if (w->show_state != next.show_state)
		fields |= WINDOW_ORDER_FIELD_SHOW;
	if (w->x != next.x || w->y != next.y)
		fields |= WINDOW_ORDER_FIELD_WND_OFFSET | WINDOW_ORDER_FIELD_CLIENT_AREA_OFFSET |
			  WINDOW_ORDER_FIELD_VIS_OFFSET;
	if (w->width != next.width || w->height != next.height)
		fields |= WINDOW_ORDER_FIELD_WND_SIZE | WINDOW_ORDER_FIELD_CLIENT_AREA_SIZE |
			  WINDOW_ORDER_FIELD_WND_RECTS | WINDOW_ORDER_FIELD_VISIBILITY;
	if (strcmp(w->title ? w->title : "", title) != 0) {
		next.title = strdup(title);
		free(w->title);
		fields |= WINDOW_ORDER_FIELD_TITLE;
	}
	*w = next;
	if (fields)
		rdp_rail_send_window(rail, w, fields);
}

void
rdp_rail_sync(struct rdp_rail *rail)
{
	struct rdp_rail_window *w;
	struct rdp_rail_current *cur;
	rdpUpdate *update;
	uint32_t active = RDP_RAIL_NO_WINDOW;
	struct wl_array swap;
	size_t kept = 0;

	if (!rail->ready || !rail->peer->activated)
		return;
	update = rail->peer->client->context->update;
	rail->current.size = 0;
	rail->title_store.size = 0;
	pc_windows_for_each(rail->peer->server->compositor, rdp_rail_collect, rail);

	wl_array_for_each(w, &rail->windows) w->seen = false;
	/*
	 * One batch of orders (BeginPaint..EndPaint) per window. FreeRDP sends a
	 * batch that outgrows its 16 KB order PDU through its internal paint
	 * functions, which also leave and enter a lock that BeginPaint and
	 * EndPaint, all a server can call, never take: the next entry then waits
	 * forever. One icon is 4 KB, so four new windows at once hung the
	 * compositor; one window's orders stay far below the limit.
	 */
	/* Bottom up, so an owner always exists before what it owns. */
	for (size_t i = rail->current.size / sizeof *cur; i-- > 0;) {
		cur = (struct rdp_rail_current *)rail->current.data + i;
		update->BeginPaint(update->context);
		rdp_rail_update_one(rail, &cur->info,
				    (const char *)rail->title_store.data + cur->title_offset);
		update->EndPaint(update->context);
	}
	/* Gone from the shell: gone from the client. */
	wl_array_for_each(w, &rail->windows)
	{
		if (!w->seen) {
			update->BeginPaint(update->context);
			rdp_rail_send_delete(rail, w->id);
			update->EndPaint(update->context);
			log_scope(rail->peer->server->scopes->rail,
				  "rdp: window %u deleted on the client\n", w->id);
			free(w->title);
			continue;
		}
		((struct rdp_rail_window *)rail->windows.data)[kept++] = *w;
	}
	rail->windows.size = kept * sizeof *w;

	/* Stacking and the active window, topmost first. */
	rail->next_zorder.size = 0;
	wl_array_for_each(cur, &rail->current)
	{
		uint32_t id = rdp_rail_id_for(rail, cur->info.key), *slot;

		if (cur->info.focused)
			active = id;
		if (rail->next_zorder.size < RDP_RAIL_MAX_ZORDER * sizeof id &&
		    (slot = wl_array_add(&rail->next_zorder, sizeof id)))
			*slot = id;
	}
	if (rail->next_zorder.size != rail->zorder.size ||
	    (rail->zorder.size &&
	     memcmp(rail->next_zorder.data, rail->zorder.data, rail->zorder.size) != 0) ||
	    active != rail->active_id) {
		swap = rail->zorder;
		rail->zorder = rail->next_zorder;
		rail->next_zorder = swap;
		rail->active_id = active;
		update->BeginPaint(update->context);
		rdp_rail_send_desktop(rail, WINDOW_ORDER_FIELD_DESKTOP_ZORDER |
						    WINDOW_ORDER_FIELD_DESKTOP_ACTIVE_WND);
		update->EndPaint(update->context);
	}
}

static void
rdp_rail_handle_sync(void *data)
{
	rdp_rail_sync(data);
}

static void
rdp_rail_handle_shell_change(struct wl_listener *listener, void *data)
{
	struct rdp_rail *rail = wl_container_of(listener, rail, shell_change_listener);

	idle_call_schedule(&rail->sync);
}

/* --- app-started moves and resizes: the host does them locally --------------------- */

static UINT16
rdp_rail_move_size_type(uint32_t edges)
{
	switch (edges) {
	case 0:
		return RAIL_WMSZ_MOVE;
	case WESTON_DESKTOP_SURFACE_EDGE_LEFT:
		return RAIL_WMSZ_LEFT;
	case WESTON_DESKTOP_SURFACE_EDGE_RIGHT:
		return RAIL_WMSZ_RIGHT;
	case WESTON_DESKTOP_SURFACE_EDGE_TOP:
		return RAIL_WMSZ_TOP;
	case WESTON_DESKTOP_SURFACE_EDGE_TOP_LEFT:
		return RAIL_WMSZ_TOPLEFT;
	case WESTON_DESKTOP_SURFACE_EDGE_TOP_RIGHT:
		return RAIL_WMSZ_TOPRIGHT;
	case WESTON_DESKTOP_SURFACE_EDGE_BOTTOM:
		return RAIL_WMSZ_BOTTOM;
	case WESTON_DESKTOP_SURFACE_EDGE_BOTTOM_LEFT:
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
 * compositor's own grab stays, so the release ends it where the host put the
 * window.
 */
static void
rdp_rail_handle_move_size(struct wl_listener *listener, void *data)
{
	struct rdp_rail *rail = wl_container_of(listener, rail, move_size_listener);
	const struct shell_move_size_event *event = data;
	rdpSettings *settings = rail->peer->client->context->settings;
	struct rdp_rail_window *w;
	RAIL_LOCALMOVESIZE_ORDER order = {.moveSizeType = rdp_rail_move_size_type(event->edges)};
	RAIL_MINMAXINFO_ORDER limits = {0};

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
		limits.minTrackWidth = rdp_rail_int16(event->min_width > 0 ? event->min_width : 1);
		limits.minTrackHeight =
			rdp_rail_int16(event->min_height > 0 ? event->min_height : 1);
		limits.maxTrackWidth =
			rdp_rail_int16(event->max_width > 0 ? event->max_width : 0x7fff);
		limits.maxTrackHeight =
			rdp_rail_int16(event->max_height > 0 ? event->max_height : 0x7fff);
		rail->context->ServerMinMaxInfo(rail->context, &limits);
		/* a move gives the pointer within the window; a resize, on the desktop */
		order.posX = rdp_rail_int16(event->edges ? event->pointer_x
							 : event->pointer_x - event->x);
		order.posY = rdp_rail_int16(event->edges ? event->pointer_y
							 : event->pointer_y - event->y);
	} else {
		order.posX = rdp_rail_int16(event->x);
		order.posY = rdp_rail_int16(event->y);
	}
	rail->context->ServerLocalMoveSize(rail->context, &order);
	log_scope(rail->peer->server->scopes->rail,
		  "rdp: local %s of window %u %s on the client (%d,%d)\n",
		  event->edges ? "resize" : "move", w->id, event->start ? "starts" : "ends",
		  order.posX, order.posY);
}

/* --- what the client sends (the channel's thread posts; these run on the loop) -------- */

struct rdp_rail_exec_task {
	char program[RDP_RAIL_MAX_PROGRAM];
	char arguments[RDP_RAIL_MAX_PROGRAM];
	bool too_long;
};

static struct shell_window *
rdp_rail_window(struct rdp_rail *rail, uint32_t id)
{
	return id < RDP_RAIL_POPUP_ID_BASE ? pc_window_find(rail->peer->server->compositor, id)
					   : NULL;
}

/*
 * The shell's window the host names by @id, logging what the host does to it;
 * NULL for a popup or a window gone meanwhile: nothing to do.
 */
static struct shell_window *
rdp_rail_host_request(struct rdp_rail *rail, uint32_t id, const char *what)
{
	struct shell_window *window = rdp_rail_window(rail, id);

	if (window)
		log_scope(rail->peer->server->scopes->rail, "rdp: host: window %u %s\n", id, what);
	return window;
}

static void
rdp_rail_refused(struct rdp_rail *rail, const char *why)
{
	log_scope(rail->peer->server->scopes->rail, "rdp: host request refused: %s\n", why);
}

/* The client gets the windows, then the output; from now on it follows along. */
static void
rdp_rail_show(struct rdp_rail *rail)
{
	struct rdp_peer *peer = rail->peer;
	rdpUpdate *update = peer->client->context->update;

	weston_log("rdp: %s shows the app windows\n", peer->client->hostname);
	rail->ready = true;
	update->BeginPaint(update->context);
	rdp_rail_send_desktop(rail, WINDOW_ORDER_FIELD_DESKTOP_HOOKED |
					    WINDOW_ORDER_FIELD_DESKTOP_ARC_BEGAN);
	update->EndPaint(update->context);
	rdp_rail_sync(rail);
	update->BeginPaint(update->context);
	rdp_rail_send_desktop(rail, WINDOW_ORDER_FIELD_DESKTOP_ARC_COMPLETED);
	update->EndPaint(update->context);
	peer->graphics_held = false;
	if (!peer->output_suppressed)
		rdp_graphics_start(peer);
}

static int
rdp_rail_handle_show_timer(void *data)
{
	struct rdp_rail *rail = data;

	wl_event_source_remove(rail->show_timer);
	rail->show_timer = NULL;
	rdp_rail_show(rail);
	return 0;
}

/*
 * xfreerdp turns to RemoteApp mode only when its channel thread handles the exec
 * answer; until then its main thread treats app windows as foreign (their map
 * is never noted, so it never reports their moves) and paints updates into a
 * desktop window of its own. Nothing tells the server when the switch is made:
 * windows and output go out a little after the answer, when it has long been
 * made. A client that never asks to exec gets them a while after its status.
 */
static void
rdp_rail_show_soon(struct rdp_rail *rail, int delay_ms)
{
	struct wl_event_loop *loop = rail->peer->server->loop;

	if (rail->ready)
		return;
	if (!rail->show_timer)
		rail->show_timer = wl_event_loop_add_timer(loop, rdp_rail_handle_show_timer, rail);
	if (!rail->show_timer || wl_event_source_timer_update(rail->show_timer, delay_ms) < 0)
		rdp_rail_show(rail);
}

static void
rdp_rail_run_client_status(struct rdp_peer *peer, void *payload)
{
	struct rdp_rail *rail = peer->rail;
	const RAIL_CLIENT_STATUS_ORDER *status = payload;

	if (!rail || rail->status_received)
		return;
	weston_log("rdp: %s RemoteApp client ready (status flags 0x%x)\n", peer->client->hostname,
		   status->flags);
	rail->status_received = true;
	if (!rail->show_timer) /* an exec answer may have set it sooner */
		rdp_rail_show_soon(rail, RDP_RAIL_NO_EXEC_MS);
}

static bool
rdp_rail_exec_allowed(struct rdp_server *server, const char *program)
{
	for (char **allowed = server->rail_exec; allowed && *allowed; allowed++) {
		if (strcmp(*allowed, program) == 0)
			return true;
	}
	return false;
}

#define RDP_RAIL_MAX_ARGS 64

/* Splits @line in place on blanks into @argv (NULL-terminated); no shell, no quoting. */
static void
rdp_rail_split_words(char *line, char **argv, int *argc)
{
	char *save = NULL;

	for (char *word = strtok_r(line, " \t", &save); word && *argc < RDP_RAIL_MAX_ARGS;
	     word = strtok_r(NULL, " \t", &save))
		argv[(*argc)++] = word;
	argv[*argc] = NULL;
}

/*
 * An allowed program runs as a client of this compositor, detached from it. The
 * client's arguments become plain words after it: never a shell command line,
 * so no peer can make one.
 */
static bool
rdp_rail_launch(struct rdp_peer *peer, const char *program, const char *arguments)
{
	char line[2 * RDP_RAIL_MAX_PROGRAM + 2];
	char *argv[RDP_RAIL_MAX_ARGS + 1];
	int argc = 0;

	snprintf(line, sizeof line, "%s %s", program, arguments);
	rdp_rail_split_words(line, argv, &argc);
	if (argc == 0 || pc_compositor_launch(peer->server->compositor, argv) < 0)
		return false;
	weston_log("rdp: %s started \"%s\" (%d argument%s from the client)\n",
		   peer->client->hostname, program, argc - 1, argc == 2 ? "" : "s");
	return true;
}

static void
rdp_rail_run_exec(struct rdp_peer *peer, void *payload)
{
	struct rdp_rail *rail = peer->rail;
	struct rdp_rail_exec_task *exec = payload;
	RAIL_EXEC_RESULT_ORDER result = {0};
	WCHAR *name = NULL;

	if (!rail)
		return;
	if (exec->too_long) {
		result.execResult = RAIL_EXEC_E_DECODE_FAILED;
	} else if (!peer->server->rail_exec) {
		/* As in WSLg: the program string only names the connection; show the windows. */
		result.execResult = RAIL_EXEC_S_OK;
	} else if (!rdp_rail_exec_allowed(peer->server, exec->program)) {
		weston_log("rdp: %s asked to start \"%s\", which [rdp] rail-exec does not "
			   "allow\n",
			   peer->client->hostname, exec->program);
		result.execResult = RAIL_EXEC_E_NOT_IN_ALLOWLIST;
	} else {
		result.execResult = rdp_rail_launch(peer, exec->program, exec->arguments)
					    ? RAIL_EXEC_S_OK
					    : RAIL_EXEC_E_FAIL;
	}
	name = rdp_rail_utf16(exec->program, &result.exeOrFile.length);
	result.exeOrFile.string = (BYTE *)name;
	rail->context->ServerExecResult(rail->context, &result);
	free(name);
	if (result.execResult == RAIL_EXEC_S_OK)
		rdp_rail_show_soon(rail, RDP_RAIL_MODE_SWITCH_MS);
}

static void
rdp_rail_run_activate(struct rdp_peer *peer, void *payload)
{
	const RAIL_ACTIVATE_ORDER *activate = payload;
	struct shell_window *window;

	/* Deactivation means the host focused one of its own windows: nothing to undo. */
	if (!peer->rail || !activate->enabled)
		return;
	window = rdp_rail_host_request(peer->rail, activate->windowId, "activate");
	if (window)
		shell_window_activate(window);
}

static void
rdp_rail_run_syscommand(struct rdp_peer *peer, void *payload)
{
	const RAIL_SYSCOMMAND_ORDER *syscommand = payload;
	struct shell_window *window;
	const char *what;

	switch (syscommand->command) {
	case SC_MINIMIZE:
		what = "minimize";
		break;
	case SC_MAXIMIZE:
		what = "maximize";
		break;
	case SC_RESTORE:
		what = "restore";
		break;
	case SC_CLOSE:
		what = "close";
		break;
	default:
		return; /* SC_MOVE, SC_SIZE, SC_KEYMENU: the host does those locally */
	}
	window = peer->rail ? rdp_rail_host_request(peer->rail, syscommand->windowId, what) : NULL;
	if (!window)
		return;
	if (syscommand->command == SC_MINIMIZE)
		shell_window_minimize(window);
	else if (syscommand->command == SC_MAXIMIZE)
		shell_window_set_maximized(window, true);
	else if (syscommand->command == SC_RESTORE)
		shell_window_restore(window);
	else
		shell_window_close(window);
}

static void
rdp_rail_run_window_move(struct rdp_peer *peer, void *payload)
{
	const RAIL_WINDOW_MOVE_ORDER *move = payload;
	struct rdp_rail *rail = peer->rail;
	struct rdp_rail_window *w;
	struct shell_window *window;
	int width = move->right - move->left, height = move->bottom - move->top;
	char what[64], err[256];

	if (!rail || width < 1 || height < 1)
		return;
	wl_array_for_each(w, &rail->windows)
	{
		if (w->id != move->windowId)
			continue;
		/* Record what the host did: the next sync then only corrects, never echoes. */
		if (w->width != width || w->height != height) {
			snprintf(what, sizeof what, "resize %d %d", width, height);
			window = rdp_rail_host_request(rail, w->id, what);
			if (window &&
			    shell_window_resize(window, width, height, err, sizeof err) < 0)
				rdp_rail_refused(rail, err);
		}
		if (w->x != move->left || w->y != move->top) {
			snprintf(what, sizeof what, "move %d %d", move->left, move->top);
			window = rdp_rail_host_request(rail, w->id, what);
			if (window &&
			    shell_window_move(window, move->left, move->top, err, sizeof err) < 0)
				rdp_rail_refused(rail, err);
		}
		return;
	}
}

static void
rdp_rail_run_sysparam(struct rdp_peer *peer, void *payload)
{
	const RAIL_SYSPARAM_ORDER *sysparam = payload;

	if (sysparam->params & SPI_MASK_SET_WORK_AREA)
		log_scope(peer->server->scopes->rail, "rdp: host work area %d,%d-%d,%d\n",
			  sysparam->workArea.left, sysparam->workArea.top, sysparam->workArea.right,
			  sysparam->workArea.bottom);
}

static void
rdp_rail_run_get_appid(struct rdp_peer *peer, void *payload)
{
	const RAIL_GET_APPID_REQ_ORDER *request = payload;
	struct rdp_rail *rail = peer->rail;
	RAIL_GET_APPID_RESP_ORDER response = {.windowId = request->windowId};
	struct shell_window *window = rail ? rdp_rail_window(rail, request->windowId) : NULL;
	const char *app_id = window ? shell_window_get_app_id(window) : NULL;
	WCHAR *wide = NULL;
	UINT16 bytes = 0;

	if (!rail)
		return;
	wide = rdp_rail_utf16(app_id ? app_id : "", &bytes);
	if (wide) {
		size_t units = bytes / 2 < 259 ? bytes / 2 : 259;
		memcpy(response.applicationId, wide, units * sizeof(WCHAR));
	}
	free(wide);
	rail->context->ServerGetAppidResp(rail->context, &response);
}

/* --- the channel thread's callbacks: copy, post, return ------------------------------ */

static struct rdp_peer *
rdp_rail_peer(RailServerContext *context)
{
	return context->custom;
}

static UINT
rdp_rail_post(RailServerContext *context, rdp_task_func_t run, const void *order, size_t size)
{
	return rdp_peer_post(rdp_rail_peer(context), run, order, size) ? CHANNEL_RC_OK
								       : CHANNEL_RC_NO_MEMORY;
}

static UINT
rdp_rail_on_handshake(RailServerContext *context, const RAIL_HANDSHAKE_ORDER *handshake)
{
	return CHANNEL_RC_OK; /* the client's build number changes nothing here */
}

static UINT
rdp_rail_on_client_status(RailServerContext *context, const RAIL_CLIENT_STATUS_ORDER *status)
{
	return rdp_rail_post(context, rdp_rail_run_client_status, status, sizeof *status);
}

static UINT
rdp_rail_on_exec(RailServerContext *context, const RAIL_EXEC_ORDER *exec)
{
	struct rdp_rail_exec_task task = {0};
	const char *program = exec->RemoteApplicationProgram ? exec->RemoteApplicationProgram : "";
	const char *arguments =
		exec->RemoteApplicationArguments ? exec->RemoteApplicationArguments : "";

	/* strings die with the callback: copy them */
	task.too_long = strlen(program) >= sizeof task.program ||
			strlen(arguments) >= sizeof task.arguments;
	if (!task.too_long) {
		strcpy(task.program, program);
		strcpy(task.arguments, arguments);
	}
	return rdp_rail_post(context, rdp_rail_run_exec, &task, sizeof task);
}

static UINT
rdp_rail_on_sysparam(RailServerContext *context, const RAIL_SYSPARAM_ORDER *sysparam)
{
	RAIL_SYSPARAM_ORDER copy = *sysparam;

	copy.highContrast.colorScheme.string = NULL; /* not kept past the callback */
	copy.highContrast.colorScheme.length = 0;
	return rdp_rail_post(context, rdp_rail_run_sysparam, &copy, sizeof copy);
}

static UINT
rdp_rail_on_activate(RailServerContext *context, const RAIL_ACTIVATE_ORDER *activate)
{
	return rdp_rail_post(context, rdp_rail_run_activate, activate, sizeof *activate);
}

static UINT
rdp_rail_on_syscommand(RailServerContext *context, const RAIL_SYSCOMMAND_ORDER *syscommand)
{
	return rdp_rail_post(context, rdp_rail_run_syscommand, syscommand, sizeof *syscommand);
}

static UINT
rdp_rail_on_window_move(RailServerContext *context, const RAIL_WINDOW_MOVE_ORDER *move)
{
	return rdp_rail_post(context, rdp_rail_run_window_move, move, sizeof *move);
}

static UINT
rdp_rail_on_get_appid(RailServerContext *context, const RAIL_GET_APPID_REQ_ORDER *request)
{
	return rdp_rail_post(context, rdp_rail_run_get_appid, request, sizeof *request);
}

static UINT
rdp_rail_on_ignored(RailServerContext *context, const void *order)
{
	return CHANNEL_RC_OK;
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
	context->ClientHandshake = rdp_rail_on_handshake;
	context->ClientClientStatus = rdp_rail_on_client_status;
	context->ClientExec = rdp_rail_on_exec;
	context->ClientSysparam = rdp_rail_on_sysparam;
	context->ClientActivate = rdp_rail_on_activate;
	context->ClientSyscommand = rdp_rail_on_syscommand;
	context->ClientWindowMove = rdp_rail_on_window_move;
	context->ClientGetAppidReq = rdp_rail_on_get_appid;
	context->ClientSysmenu = (psRailClientSysmenu)rdp_rail_on_ignored;
	context->ClientNotifyEvent = (psRailClientNotifyEvent)rdp_rail_on_ignored;
	context->ClientSnapArrange = (psRailClientSnapArrange)rdp_rail_on_ignored;
	context->ClientLangbarInfo = (psRailClientLangbarInfo)rdp_rail_on_ignored;
	context->ClientLanguageImeInfo = (psRailClientLanguageImeInfo)rdp_rail_on_ignored;
	context->ClientCompartmentInfo = (psRailClientCompartmentInfo)rdp_rail_on_ignored;
	context->ClientCloak = (psRailClientCloak)rdp_rail_on_ignored;
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
	wl_array_for_each(w, &rail->windows) free(w->title);
	wl_array_release(&rail->windows);
	wl_array_release(&rail->zorder);
	wl_array_release(&rail->next_zorder);
	wl_array_release(&rail->current);
	wl_array_release(&rail->title_store);
	free(rail);
}
