/*
 * A workaround for libweston 10's Xwayland window manager (the only reader of
 * X11 properties in this process): utility windows.
 *
 * libweston 10 maps an X11 window whose _NET_WM_WINDOW_TYPE is UTILITY as it
 * maps tooltips and menus: with a transient-for, as a transient placed at its
 * parent's offset, which libweston-desktop lists nowhere, never focuses and
 * lets nobody move; without one, unmanaged. GIMP's toolbox and docks and the
 * palettes of other apps are such windows, and their users move them, type
 * into them and look for them in the window list.
 *
 * The window manager reads the type with xcb_get_property_reply(), which this
 * executable defines ahead of libxcb's (as xcb-disconnect.c does for
 * xcb_disconnect()): a list of atoms whose first is UTILITY reads as NORMAL,
 * so the window is mapped as a toplevel, with its transient-for as its parent.
 * The only other list of atoms the window manager reads, WM_PROTOCOLS, never
 * holds a window type.
 */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include <xcb/xcb.h>

typedef xcb_get_property_reply_t *(*xcb_get_property_reply_fn)(xcb_connection_t *,
							       xcb_get_property_cookie_t,
							       xcb_generic_error_t **);

static xcb_atom_t
xcb_window_types_atom(xcb_connection_t *connection, xcb_intern_atom_cookie_t cookie)
{
	xcb_intern_atom_reply_t *reply = xcb_intern_atom_reply(connection, cookie, NULL);
	xcb_atom_t atom = reply ? reply->atom : XCB_ATOM_NONE;

	free(reply);
	return atom;
}

__attribute__((visibility("default"))) xcb_get_property_reply_t *
xcb_get_property_reply(xcb_connection_t *connection, xcb_get_property_cookie_t cookie,
		       xcb_generic_error_t **error)
{
	static const char utility_name[] = "_NET_WM_WINDOW_TYPE_UTILITY",
			  normal_name[] = "_NET_WM_WINDOW_TYPE_NORMAL";
	xcb_get_property_reply_fn libxcb =
		(xcb_get_property_reply_fn)dlsym(RTLD_NEXT, "xcb_get_property_reply");
	xcb_intern_atom_cookie_t utility_cookie, normal_cookie;
	xcb_get_property_reply_t *reply;
	xcb_atom_t *atoms, utility, normal;

	if (!libxcb)
		return NULL;
	reply = libxcb(connection, cookie, error);
	if (!reply || reply->type != XCB_ATOM_ATOM || reply->format != 32 || reply->value_len < 1)
		return reply;
	/* both asked at once: one round trip; only_if_exists, as the window used them */
	utility_cookie = xcb_intern_atom(connection, 1, sizeof utility_name - 1, utility_name);
	normal_cookie = xcb_intern_atom(connection, 1, sizeof normal_name - 1, normal_name);
	utility = xcb_window_types_atom(connection, utility_cookie);
	normal = xcb_window_types_atom(connection, normal_cookie);
	atoms = xcb_get_property_value(reply);
	if (utility != XCB_ATOM_NONE && normal != XCB_ATOM_NONE && atoms[0] == utility)
		atoms[0] = normal;
	return reply;
}
