/*
 * RemoteApp window orders: what the client is told about each window (create,
 * update, icon, delete) and the desktop (z-order, active window), kept equal
 * to the shell's list. The pixels still travel as one desktop-sized surface:
 * the client cuts each window out of it at the position the orders give.
 */
#include <stdlib.h>
#include <string.h>

#include <freerdp/server/rail.h>
#include <freerdp/window.h>
#include <winpr/string.h>

#include "log.h"
#include "monotonic.h"
#include "porthole-compositor.h"
#include "rdp-rail-internal.h"

#define RDP_RAIL_MAX_ZORDER 255 /* the order's count is one byte */
#define RDP_RAIL_MAX_TITLE 255  /* UTF-16 units; keeps orders small */

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
WCHAR *
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
		/*
		 * Menus and tooltips: the client makes tool windows override-redirect
		 * and unlisted, so a window manager leaves them alone; on a host without
		 * one, a top-most plain window (nobody manages it anyway).
		 */
		state.style = WS_POPUP | WS_VISIBLE;
		state.extendedStyle = rail->host_without_window_manager
					      ? WS_EX_TOPMOST
					      : WS_EX_TOOLWINDOW | WS_EX_TOPMOST;
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
	/*
	 * With STATE_NEW, xfreerdp replaces the window's icons instead of adding
	 * one: an app's icon that comes after its window's default (an X11 app's
	 * class is known a moment after it maps) stays its only one.
	 */
	WINDOW_ORDER_INFO info = {
		.windowId = id,
		.fieldFlags = WINDOW_ORDER_TYPE_WINDOW | WINDOW_ORDER_ICON |
			      WINDOW_ORDER_FIELD_ICON_BIG | WINDOW_ORDER_STATE_NEW,
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

void
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

struct rdp_rail_window *
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

static int
rdp_rail_handle_host_size_timer(void *data)
{
	rdp_rail_sync(data);
	return 0;
}

/*
 * While the host is changing a window (its app has not yet taken the size the
 * host asked for, or the requests still come), @next keeps the place and size
 * last sent (@w's): the host's window already is where the host put it, and an
 * order with an older place or size, crossing the host's next change, made
 * xfreerdp move its window back and then report its own move as a request
 * (the window went back and forth, or settled on the older geometry).
 */
static void
rdp_rail_wait_for_host(struct rdp_rail *rail, const struct rdp_rail_window *w,
		       struct rdp_rail_window *next)
{
	uint32_t waited, left;
	bool has_size;

	next->host_changing = w->host_changing;
	next->host_width = w->host_width;
	next->host_height = w->host_height;
	next->host_asked_ms = w->host_asked_ms;
	if (!w->host_changing)
		return;
	waited = (uint32_t)monotonic_ms() - w->host_asked_ms;
	has_size = next->width == w->host_width && next->height == w->host_height;
	if (waited >= RDP_RAIL_HOST_SIZE_WAIT_MS ||
	    (has_size && waited >= RDP_RAIL_HOST_QUIET_MS)) {
		next->host_changing = false;
		return;
	}
	next->x = w->x;
	next->y = w->y;
	next->width = w->width;
	next->height = w->height;
	left = (has_size ? RDP_RAIL_HOST_QUIET_MS : RDP_RAIL_HOST_SIZE_WAIT_MS) - waited;
	if (!rail->host_wait_ms || left < rail->host_wait_ms)
		rail->host_wait_ms = left;
}

bool
rdp_rail_geometry_in_flight(const struct rdp_rail *rail, const struct rdp_rail_window *w)
{
	const struct rdp_peer *peer = rail->peer;

	/*
	 * The client reads orders and frames in the order they were sent, and
	 * acknowledges a frame after it has drawn it; its acknowledgements and its
	 * requests leave through one queue. So an acknowledgement of a frame sent
	 * after the order, arriving before the request, means the client had read
	 * the order when it made the request. A window manager's configure events
	 * from before the order can still follow it for a moment: hence the time.
	 */
	if ((uint32_t)monotonic_ms() - w->geometry_sent_ms < RDP_RAIL_ORDER_SETTLE_MS)
		return true;
	return peer->acks_ignored || (int32_t)(peer->frame_acked - w->geometry_frame) <= 0;
}

static void
rdp_rail_update_one(struct rdp_rail *rail, const struct shell_window_info *info, const char *title)
{
	struct rdp_rail_window *w = rdp_rail_find_sent(rail, info->key);
	/* the host places and sizes windows in its pixels */
	int scale = pc_outputs_get_scale(rail->peer->server->compositor);
	struct rdp_rail_window next = {
		.key = info->key,
		.owner_id = rdp_rail_id_for(rail, info->owner_key),
		.x = info->x * scale,
		.y = info->y * scale,
		.width = info->width > 0 ? info->width * scale : 1,
		.height = info->height > 0 ? info->height * scale : 1,
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
		next.geometry_sent_ms = (uint32_t)monotonic_ms();
		next.geometry_frame = rail->peer->frame_id;
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
	next.geometry_sent_ms = w->geometry_sent_ms;
	next.geometry_frame = w->geometry_frame;
	rdp_rail_wait_for_host(rail, w, &next);
	next.icon_hash = info->icon ? info->icon->hash : 0;
	if (!next.popup && next.icon_hash != w->icon_hash)
		rdp_rail_send_icon(rail, w->id, info->icon);
	if (w->owner_id != next.owner_id)
		fields |= WINDOW_ORDER_FIELD_OWNER;
	if (w->show_state != next.show_state)
		fields |= WINDOW_ORDER_FIELD_SHOW;
	/*
	 * Place and size go together: xfreerdp moves its window to the place and
	 * size it last heard of, and the place a host move left unechoed is not
	 * the one it last heard of.
	 */
	if (w->x != next.x || w->y != next.y || w->width != next.width ||
	    w->height != next.height) {
		fields |= WINDOW_ORDER_FIELD_WND_OFFSET | WINDOW_ORDER_FIELD_CLIENT_AREA_OFFSET |
			  WINDOW_ORDER_FIELD_VIS_OFFSET | WINDOW_ORDER_FIELD_WND_SIZE |
			  WINDOW_ORDER_FIELD_CLIENT_AREA_SIZE | WINDOW_ORDER_FIELD_WND_RECTS |
			  WINDOW_ORDER_FIELD_VISIBILITY;
		next.geometry_sent_ms = (uint32_t)monotonic_ms();
		next.geometry_frame = rail->peer->frame_id;
		log_scope(rail->peer->server->scopes->rail,
			  "rdp: window %u placed on the client at %d,%d %dx%d\n", w->id, next.x,
			  next.y, next.width, next.height);
	}
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
	rail->host_wait_ms = 0;
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
	if (rail->host_wait_ms && !rail->host_size_timer)
		rail->host_size_timer = wl_event_loop_add_timer(
			rail->peer->server->loop, rdp_rail_handle_host_size_timer, rail);
	/* a timer that could not be made leaves the correction to the next change */
	if (rail->host_wait_ms && rail->host_size_timer)
		wl_event_source_timer_update(rail->host_size_timer, (int)rail->host_wait_ms);
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

void
rdp_rail_handle_sync(void *data)
{
	rdp_rail_sync(data);
}

void
rdp_rail_handle_shell_change(struct wl_listener *listener, void *data)
{
	struct rdp_rail *rail = wl_container_of(listener, rail, shell_change_listener);

	idle_call_schedule(&rail->sync);
}
