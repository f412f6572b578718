/*
 * What the RemoteApp files share: rdp-rail.c (the channel's lifetime and the
 * moves and resizes apps start), rdp-rail-orders.c (window orders that keep
 * the client's list equal to the shell's) and rdp-rail-requests.c (what the
 * client sends: its status, exec and the host's requests).
 */
#ifndef PORTHOLE_RDP_RAIL_INTERNAL_H
#define PORTHOLE_RDP_RAIL_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <freerdp/server/rail.h>
#include <winpr/wtypes.h>

#include "rdp-internal.h"

#define RDP_RAIL_POPUP_ID_BASE 0x40000000u /* shell window ids stay far below */
#define RDP_RAIL_NO_WINDOW 0xFFFFFFFFu
/*
 * A window's place and size are not sent while the host is changing them
 * (rdp_rail_update_one()): until its app has taken the size the host last
 * asked for and no request came for RDP_RAIL_HOST_QUIET_MS, and never for
 * longer than RDP_RAIL_HOST_SIZE_WAIT_MS after the last request (an app that
 * takes another size is corrected then).
 */
#define RDP_RAIL_HOST_QUIET_MS 100
#define RDP_RAIL_HOST_SIZE_WAIT_MS 500
/*
 * How long after an order with a window's place and size the client may still
 * hold X events from before it (rdp_rail_geometry_in_flight()).
 */
#define RDP_RAIL_ORDER_SETTLE_MS 300

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
	/*
	 * While the host is changing the window (host_changing): the size its
	 * window had at its last request, as the app can take it (a multiple of
	 * the scale), and when (monotonic ms).
	 */
	bool host_changing;
	int host_width, host_height;
	uint32_t host_asked_ms;
	/* the last order with the place and size: when (monotonic ms), and the last frame before it */
	uint32_t geometry_sent_ms, geometry_frame;
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
	uint32_t pointer_window; /* under the client's pointer as it last moved; NO_WINDOW: none */
	uint32_t next_popup_id;
	/*
	 * The client said its host has no EWMH window manager (see
	 * rdp_rail_session_options()): popups go without the tool-window style,
	 * which xfreerdp 2.11 marks with _NET_WM_STATE, an atom only such a window
	 * manager makes (BadAtom, the client dies, otherwise).
	 */
	bool host_without_window_manager;
	struct wl_listener shell_change_listener;
	struct wl_listener move_size_listener;
	struct idle_call
		sync; /* many changes in one dispatch (a commit per window) make one sync */
	struct wl_event_source *show_timer; /* see rdp_rail_show_soon() (rdp-rail-requests.c) */
	/* syncs again when a wait for the host runs out; NULL until the first wait */
	struct wl_event_source *host_size_timer;
	uint32_t host_wait_ms; /* the soonest such wait ends, in the sync under way; 0: none */
};

/* rdp-rail-orders.c */

/**
 * Whether the client may not have read the last order with @w's place and
 * size when it sent a request: no frame sent after that order has been
 * acknowledged yet, or it went out less than RDP_RAIL_ORDER_SETTLE_MS ago.
 */
bool rdp_rail_geometry_in_flight(const struct rdp_rail *rail, const struct rdp_rail_window *w);
/** UTF-8 to the UTF-16LE the orders carry, cut to a title's length; free() it. */
WCHAR *rdp_rail_utf16(const char *utf8, UINT16 *bytes);

void rdp_rail_send_desktop(struct rdp_rail *rail, uint32_t fields);

/** What the client was last told about the window @key names, or NULL. */
struct rdp_rail_window *rdp_rail_find_sent(struct rdp_rail *rail, const void *key);

/** For the idle call that makes one sync of many changes. */
void rdp_rail_handle_sync(void *data);

void rdp_rail_handle_shell_change(struct wl_listener *listener, void *data);

/* rdp-rail-requests.c */
/** Sets the channel's callbacks for what the client sends. */
void rdp_rail_requests_attach(RailServerContext *context);

#endif
