/*
 * Interactive move and resize, started by a client's xdg_toplevel.move/resize
 * (or the X11 equivalent) while a button is held over its window.
 */
#include <stdlib.h>

#include "shell-internal.h"

/* The move/size events hand libweston-desktop's edges on as they are. */
_Static_assert((int)SHELL_EDGE_TOP == (int)WESTON_DESKTOP_SURFACE_EDGE_TOP &&
		       (int)SHELL_EDGE_BOTTOM == (int)WESTON_DESKTOP_SURFACE_EDGE_BOTTOM &&
		       (int)SHELL_EDGE_LEFT == (int)WESTON_DESKTOP_SURFACE_EDGE_LEFT &&
		       (int)SHELL_EDGE_RIGHT == (int)WESTON_DESKTOP_SURFACE_EDGE_RIGHT,
	       "shell edges are libweston-desktop's");

struct shell_grab {
	struct weston_pointer_grab grab;
	struct shell_window *window;
	struct wl_listener window_destroy_listener;
	bool is_resize;
	bool taken; /* done elsewhere (shell_move_size_event::taken): the grab only waits */
	/* move: window position minus pointer position at the start */
	double dx, dy;
	/* resize */
	uint32_t edges;
	double start_x, start_y;
	int start_width, start_height;
};

/*
 * Tells remote clients (RAIL local move/size) that the grab began or ended;
 * whether one of them took it over.
 */
static bool
shell_grab_announce(struct shell_grab *grab, bool start, double pointer_x, double pointer_y)
{
	struct shell_window *window = grab->window;
	struct weston_geometry geom = weston_desktop_surface_get_geometry(window->dsurface);
	struct weston_size min = weston_desktop_surface_get_min_size(window->dsurface);
	struct weston_size max = weston_desktop_surface_get_max_size(window->dsurface);
	struct shell_move_size_event event = {
		.key = window->dsurface,
		.start = start,
		.edges = grab->is_resize ? grab->edges : 0,
		.pointer_x = (int)pointer_x,
		.pointer_y = (int)pointer_y,
		.x = window->x,
		.y = window->y,
		.width = geom.width,
		.height = geom.height,
		.min_width = min.width,
		.min_height = min.height,
		.max_width = max.width,
		.max_height = max.height,
	};

	wl_signal_emit(&window->shell->move_size_signal, &event);
	return event.taken;
}

static void
shell_grab_end(struct shell_grab *grab)
{
	struct shell_window *window = grab->window;

	if (window && grab->is_resize) {
		weston_desktop_surface_set_resizing(window->dsurface, false);
		window->resize_ending = true;
	}
	if (window)
		shell_grab_announce(grab, false, 0, 0);
	wl_list_remove(&grab->window_destroy_listener.link);
	weston_pointer_end_grab(grab->grab.pointer);
	free(grab);
}

static void
shell_grab_handle_window_destroy(struct wl_listener *listener, void *data)
{
	struct shell_grab *grab = wl_container_of(listener, grab, window_destroy_listener);

	grab->window = NULL;
	shell_grab_end(grab);
}

static void
shell_grab_focus(struct weston_pointer_grab *base)
{
}

static void
shell_grab_move_to(struct shell_grab *grab, double px, double py)
{
	struct shell_window *window = grab->window;
	int width, height, min_w, min_h, max_w, max_h;
	struct weston_size min, max;
	double dx = px - grab->start_x, dy = py - grab->start_y;

	/* the host's window manager moves the window; the pointer here follows its own way */
	if (grab->taken)
		return;
	if (!grab->is_resize) {
		shell_window_set_position(window, (int)(px + grab->dx), (int)(py + grab->dy));
		return;
	}
	width = grab->start_width;
	height = grab->start_height;
	if (grab->edges & WESTON_DESKTOP_SURFACE_EDGE_LEFT)
		width -= (int)dx;
	else if (grab->edges & WESTON_DESKTOP_SURFACE_EDGE_RIGHT)
		width += (int)dx;
	if (grab->edges & WESTON_DESKTOP_SURFACE_EDGE_TOP)
		height -= (int)dy;
	else if (grab->edges & WESTON_DESKTOP_SURFACE_EDGE_BOTTOM)
		height += (int)dy;

	min = weston_desktop_surface_get_min_size(window->dsurface);
	max = weston_desktop_surface_get_max_size(window->dsurface);
	min_w = min.width > 0 ? min.width : 1;
	min_h = min.height > 0 ? min.height : 1;
	max_w = max.width > 0 ? max.width : 0x7fff;
	max_h = max.height > 0 ? max.height : 0x7fff;
	width = width < min_w ? min_w : width > max_w ? max_w : width;
	height = height < min_h ? min_h : height > max_h ? max_h : height;
	weston_desktop_surface_set_size(window->dsurface, width, height);
}

static void
shell_grab_motion(struct weston_pointer_grab *base, const struct timespec *time,
		  struct weston_pointer_motion_event *event)
{
	struct shell_grab *grab = wl_container_of(base, grab, grab);
	struct weston_pointer *pointer = base->pointer;

	weston_pointer_move(pointer, event);
	shell_grab_move_to(grab, wl_fixed_to_double(pointer->x), wl_fixed_to_double(pointer->y));
}

static void
shell_grab_button(struct weston_pointer_grab *base, const struct timespec *time, uint32_t button,
		  uint32_t state)
{
	struct shell_grab *grab = wl_container_of(base, grab, grab);

	if (base->pointer->button_count == 0 && state == WL_POINTER_BUTTON_STATE_RELEASED)
		shell_grab_end(grab);
}

static void
shell_grab_axis(struct weston_pointer_grab *base, const struct timespec *time,
		struct weston_pointer_axis_event *event)
{
}

static void
shell_grab_axis_source(struct weston_pointer_grab *base, uint32_t source)
{
}

static void
shell_grab_frame(struct weston_pointer_grab *base)
{
}

static void
shell_grab_cancel(struct weston_pointer_grab *base)
{
	struct shell_grab *grab = wl_container_of(base, grab, grab);

	shell_grab_end(grab);
}

static const struct weston_pointer_grab_interface shell_grab_interface = {
	shell_grab_focus,       shell_grab_motion, shell_grab_button, shell_grab_axis,
	shell_grab_axis_source, shell_grab_frame,  shell_grab_cancel,
};

/*
 * xdg-shell lets a client start a grab only in answer to a button press it got:
 * the serial must be the pointer's latest grab serial and the button still down.
 */
static struct weston_pointer *
shell_grab_check(struct shell_window *window, struct weston_seat *seat, uint32_t serial)
{
	struct weston_pointer *pointer = weston_seat_get_pointer(seat);

	if (!pointer || pointer->button_count == 0 || pointer->grab_serial != serial ||
	    pointer->grab != &pointer->default_grab || !pointer->focus ||
	    weston_surface_get_main_surface(pointer->focus->surface) != window->surface)
		return NULL;
	return pointer;
}

static struct shell_grab *
shell_grab_create(struct shell_window *window)
{
	struct shell_grab *grab = calloc(1, sizeof *grab);

	if (!grab)
		return NULL;
	grab->grab.interface = &shell_grab_interface;
	grab->window = window;
	grab->window_destroy_listener.notify = shell_grab_handle_window_destroy;
	wl_signal_add(&window->destroy_signal, &grab->window_destroy_listener);
	return grab;
}

void
shell_grab_start_move(struct shell_window *window, struct weston_seat *seat, uint32_t serial)
{
	struct weston_pointer *pointer = shell_grab_check(window, seat, serial);
	struct shell_grab *grab;

	if (!pointer || !(grab = shell_grab_create(window)))
		return;
	grab->dx = window->x - wl_fixed_to_double(pointer->grab_x);
	grab->dy = window->y - wl_fixed_to_double(pointer->grab_y);
	weston_pointer_start_grab(pointer, &grab->grab);
	grab->taken = shell_grab_announce(grab, true, wl_fixed_to_double(pointer->grab_x),
					  wl_fixed_to_double(pointer->grab_y));
}

static void
shell_grab_resize(struct shell_window *window, struct weston_pointer *pointer, uint32_t edges)
{
	struct weston_geometry geom = weston_desktop_surface_get_geometry(window->dsurface);
	struct shell_grab *grab;

	if (edges == 0 || edges > 15 || !(grab = shell_grab_create(window)))
		return;
	grab->is_resize = true;
	grab->edges = edges;
	grab->start_x = wl_fixed_to_double(pointer->grab_x);
	grab->start_y = wl_fixed_to_double(pointer->grab_y);
	grab->start_width = geom.width;
	grab->start_height = geom.height;
	window->resize_edges = edges;
	window->resize_ending = false;
	window->resize_right = window->x + geom.width;
	window->resize_bottom = window->y + geom.height;
	weston_desktop_surface_set_resizing(window->dsurface, true);
	weston_pointer_start_grab(pointer, &grab->grab);
	grab->taken = shell_grab_announce(grab, true, grab->start_x, grab->start_y);
}

void
shell_grab_start_resize(struct shell_window *window, struct weston_seat *seat, uint32_t serial,
			uint32_t edges)
{
	struct weston_pointer *pointer = shell_grab_check(window, seat, serial);

	if (pointer)
		shell_grab_resize(window, pointer, edges);
}

/* how far inside a window's visible edge a press resizes it */
#define SHELL_EDGE_BAND 6

bool
shell_grab_edge_press(struct shell_window *window, struct weston_pointer *pointer)
{
	struct weston_geometry geom = weston_desktop_surface_get_geometry(window->dsurface);
	struct weston_size min = weston_desktop_surface_get_min_size(window->dsurface);
	struct weston_size max = weston_desktop_surface_get_max_size(window->dsurface);
	double px = wl_fixed_to_double(pointer->grab_x), py = wl_fixed_to_double(pointer->grab_y);
	uint32_t edges = 0;

	/*
	 * Only windows that draw a margin of their own (shadows) around what they
	 * show: their resize handles lie there, which a RemoteApp host window,
	 * cut to the window geometry, never shows.
	 */
	if (geom.x <= 0 && geom.y <= 0 && geom.width >= window->surface->width &&
	    geom.height >= window->surface->height)
		return false;
	if (window->maximized || window->fullscreen || pointer->button_count != 1 ||
	    (min.width > 0 && min.width == max.width && min.height == max.height))
		return false;
	if (px < window->x + SHELL_EDGE_BAND)
		edges |= SHELL_EDGE_LEFT;
	else if (px >= window->x + geom.width - SHELL_EDGE_BAND)
		edges |= SHELL_EDGE_RIGHT;
	if (py < window->y + SHELL_EDGE_BAND)
		edges |= SHELL_EDGE_TOP;
	else if (py >= window->y + geom.height - SHELL_EDGE_BAND)
		edges |= SHELL_EDGE_BOTTOM;
	if (!edges)
		return false;
	/* the grab takes the press: the app never sees it */
	shell_grab_resize(window, pointer, edges);
	return true;
}
