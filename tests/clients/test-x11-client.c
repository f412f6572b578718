/*
 * An X11 client with deterministic pixels, for Porthole's tests: a window filled
 * with four coloured quadrants (or one colour), drawn with core requests so
 * nothing depends on fonts. --transient opens a second window transient for the
 * first; --utility makes it a utility window (_NET_WM_WINDOW_TYPE_UTILITY), as
 * GIMP's toolbox and docks are. Closes on WM_DELETE_WINDOW.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xcb/xcb.h>

static const uint32_t quadrant_colors[4] = {0xe01010, 0x10c010, 0x1040e0, 0xf0f0f0};

struct x11_window {
	xcb_window_t id;
	int width, height;
	uint32_t color;
};

static xcb_atom_t
intern(xcb_connection_t *c, const char *name)
{
	xcb_intern_atom_reply_t *r =
		xcb_intern_atom_reply(c, xcb_intern_atom(c, 0, strlen(name), name), NULL);
	xcb_atom_t atom = r ? r->atom : XCB_ATOM_NONE;

	free(r);
	return atom;
}

static void
draw(xcb_connection_t *c, xcb_gcontext_t gc, const struct x11_window *w)
{
	for (int q = 0; q < 4; q++) {
		int x0 = (q & 1) ? w->width / 2 : 0, y0 = (q & 2) ? w->height / 2 : 0;
		int x1 = (q & 1) ? w->width : w->width / 2,
		    y1 = (q & 2) ? w->height : w->height / 2;
		uint32_t pixel = w->color ? w->color : quadrant_colors[q];
		xcb_rectangle_t rect = {x0, y0, x1 - x0, y1 - y0};

		xcb_change_gc(c, gc, XCB_GC_FOREGROUND, &pixel);
		xcb_poly_fill_rectangle(c, w->id, gc, 1, &rect);
	}
	xcb_flush(c);
}

static void
create_window(xcb_connection_t *c, xcb_screen_t *screen, struct x11_window *w, const char *title,
	      const char *class, xcb_atom_t wm_protocols, xcb_atom_t wm_delete)
{
	uint32_t values[] = {screen->black_pixel,
			     XCB_EVENT_MASK_EXPOSURE | XCB_EVENT_MASK_STRUCTURE_NOTIFY};
	char class_prop[128];
	int len = snprintf(class_prop, sizeof class_prop, "%s%c%s", class, 0, class) + 1;

	w->id = xcb_generate_id(c);
	xcb_create_window(c, XCB_COPY_FROM_PARENT, w->id, screen->root, 0, 0, w->width, w->height,
			  0, XCB_WINDOW_CLASS_INPUT_OUTPUT, screen->root_visual,
			  XCB_CW_BACK_PIXEL | XCB_CW_EVENT_MASK, values);
	xcb_change_property(c, XCB_PROP_MODE_REPLACE, w->id, XCB_ATOM_WM_NAME, XCB_ATOM_STRING, 8,
			    strlen(title), title);
	xcb_change_property(c, XCB_PROP_MODE_REPLACE, w->id, XCB_ATOM_WM_CLASS, XCB_ATOM_STRING, 8,
			    len, class_prop);
	xcb_change_property(c, XCB_PROP_MODE_REPLACE, w->id, wm_protocols, XCB_ATOM_ATOM, 32, 1,
			    &wm_delete);
}

int
main(int argc, char *argv[])
{
	struct x11_window windows[2] = {{0, 200, 150, 0}, {0, 120, 90, 0x8040c0}};
	const char *title = "porthole x11 test", *class = "porthole-x11-test";
	bool transient = false, utility = false;
	int n_windows = 1, screen_num;
	xcb_connection_t *c;
	xcb_screen_t *screen;
	xcb_generic_event_t *ev;
	xcb_atom_t wm_protocols, wm_delete;
	xcb_gcontext_t gc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--width") == 0 && i + 1 < argc)
			windows[0].width = atoi(argv[++i]);
		else if (strcmp(argv[i], "--height") == 0 && i + 1 < argc)
			windows[0].height = atoi(argv[++i]);
		else if (strcmp(argv[i], "--title") == 0 && i + 1 < argc)
			title = argv[++i];
		else if (strcmp(argv[i], "--class") == 0 && i + 1 < argc)
			class = argv[++i];
		else if (strcmp(argv[i], "--color") == 0 && i + 1 < argc)
			windows[0].color = (uint32_t)strtoul(argv[++i], NULL, 16);
		else if (strcmp(argv[i], "--transient") == 0)
			transient = true;
		else if (strcmp(argv[i], "--utility") == 0)
			transient = utility = true;
		else {
			fprintf(stderr, "Usage: porthole-test-x11-client [--width N] [--height N] "
					"[--title T] [--class C] [--color RRGGBB] [--transient] "
					"[--utility]\n");
			return 2;
		}
	}
	c = xcb_connect(NULL, &screen_num);
	if (xcb_connection_has_error(c)) {
		fprintf(stderr, "cannot connect to the X server (DISPLAY=%s)\n",
			getenv("DISPLAY") ? getenv("DISPLAY") : "");
		return 1;
	}
	screen = xcb_setup_roots_iterator(xcb_get_setup(c)).data;
	for (int i = 0; i < screen_num; i++)
		screen++;
	wm_protocols = intern(c, "WM_PROTOCOLS");
	wm_delete = intern(c, "WM_DELETE_WINDOW");

	create_window(c, screen, &windows[0], title, class, wm_protocols, wm_delete);
	if (transient) {
		create_window(c, screen, &windows[1], "porthole x11 dialog", class, wm_protocols,
			      wm_delete);
		xcb_change_property(c, XCB_PROP_MODE_REPLACE, windows[1].id,
				    XCB_ATOM_WM_TRANSIENT_FOR, XCB_ATOM_WINDOW, 32, 1,
				    &windows[0].id);
		n_windows = 2;
	}
	if (utility) {
		xcb_atom_t type = intern(c, "_NET_WM_WINDOW_TYPE_UTILITY");

		xcb_change_property(c, XCB_PROP_MODE_REPLACE, windows[1].id,
				    intern(c, "_NET_WM_WINDOW_TYPE"), XCB_ATOM_ATOM, 32, 1, &type);
	}
	gc = xcb_generate_id(c);
	xcb_create_gc(c, gc, windows[0].id, 0, NULL);
	for (int i = 0; i < n_windows; i++)
		xcb_map_window(c, windows[i].id);
	xcb_flush(c);

	while ((ev = xcb_wait_for_event(c))) {
		uint8_t type = ev->response_type & 0x7f;

		if (type == XCB_EXPOSE || type == XCB_CONFIGURE_NOTIFY) {
			xcb_window_t id = type == XCB_EXPOSE
						  ? ((xcb_expose_event_t *)ev)->window
						  : ((xcb_configure_notify_event_t *)ev)->window;
			for (int i = 0; i < n_windows; i++) {
				if (windows[i].id != id)
					continue;
				if (type == XCB_CONFIGURE_NOTIFY) {
					xcb_configure_notify_event_t *cn = (void *)ev;
					windows[i].width = cn->width;
					windows[i].height = cn->height;
				}
				draw(c, gc, &windows[i]);
			}
		} else if (type == XCB_CLIENT_MESSAGE) {
			xcb_client_message_event_t *cm = (void *)ev;
			if (cm->type == wm_protocols && cm->data.data32[0] == wm_delete) {
				free(ev);
				break;
			}
		}
		free(ev);
	}
	xcb_disconnect(c);
	return 0;
}
