#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app-icon.h"
#include "background.h"
#include "compositor-internal.h"
#include "log.h"
#include "shell-internal.h"
#include "strbuf.h"
#include "x11-classes.h"

/* --- lifetime --------------------------------------------------------------- */

static void
shell_window_handle_metadata(struct wl_listener *listener, void *data)
{
	struct shell_window *window = wl_container_of(listener, window, metadata_listener);

	shell_changed(window->shell);
}

struct shell_window *
shell_window_create(struct shell *shell, struct weston_desktop_surface *dsurface)
{
	struct shell_window *window = calloc(1, sizeof *window);

	if (!window)
		return NULL;
	window->view = weston_desktop_surface_create_view(dsurface);
	if (!window->view) {
		free(window);
		return NULL;
	}
	window->shell = shell;
	window->dsurface = dsurface;
	window->surface = weston_desktop_surface_get_surface(dsurface);
	window->id = ++shell->next_window_id;
	wl_signal_init(&window->destroy_signal);
	window->is_background = background_owns_client(
		shell->comp->background,
		weston_desktop_client_get_client(weston_desktop_surface_get_client(dsurface)));
	window->is_xwayland = shell->xwayland_surface_api &&
			      shell->xwayland_surface_api->is_xwayland_surface(window->surface);
	wl_list_insert(shell->windows.prev, &window->link);
	weston_desktop_surface_set_user_data(dsurface, window);
	window->metadata_listener.notify = shell_window_handle_metadata;
	weston_desktop_surface_add_metadata_listener(dsurface, &window->metadata_listener);
	return window;
}

void
shell_window_destroy(struct shell_window *window)
{
	struct shell *shell;
	struct shell_window *other;

	if (!window)
		return;
	shell = window->shell;
	wl_signal_emit(&window->destroy_signal, window);
	wl_list_remove(&window->metadata_listener.link);
	wl_list_for_each(other, &shell->windows, link)
	{
		if (other->parent == window)
			other->parent = NULL;
	}
	if (shell->focused == window)
		shell->focused = NULL;
	weston_desktop_surface_set_user_data(window->dsurface, NULL);
	weston_desktop_surface_unlink_view(window->view);
	weston_view_destroy(window->view);
	wl_list_remove(&window->link);
	free(window->icon);
	free(window->icon_key);
	x11_class_request_cancel(window->class_request);
	free(window->x11_class);
	free(window->class_title);
	free(window);
}

/* --- geometry --------------------------------------------------------------- */

struct weston_output *
shell_window_get_output(struct shell_window *window)
{
	struct weston_compositor *ec = window->shell->compositor;
	struct weston_geometry geom = weston_desktop_surface_get_geometry(window->dsurface);
	int cx = window->x + geom.width / 2;
	int cy = window->y + geom.height / 2;
	struct weston_output *output;

	if (window->parent && !window->mapped)
		return shell_window_get_output(window->parent);
	wl_list_for_each(output, &ec->output_list, link)
	{
		if (cx >= output->x && cx < output->x + output->width && cy >= output->y &&
		    cy < output->y + output->height)
			return output;
	}
	if (wl_list_empty(&ec->output_list))
		return NULL;
	return wl_container_of(ec->output_list.next, output, link);
}

void
shell_window_output_area(struct shell_window *window, struct placement_rect *area)
{
	struct weston_output *output = shell_window_get_output(window);

	if (!output) {
		*area = (struct placement_rect){0, 0, PC_DEFAULT_WIDTH, PC_DEFAULT_HEIGHT};
		return;
	}
	*area = (struct placement_rect){output->x, output->y, output->width, output->height};
}

/* Puts the view where the window geometry's top-left lands on (x, y). */
void
shell_window_set_position(struct shell_window *window, int x, int y)
{
	struct weston_geometry geom = weston_desktop_surface_get_geometry(window->dsurface);
	const struct weston_xwayland_surface_api *xapi = window->shell->xwayland_surface_api;
	float view_x = (float)(x - geom.x), view_y = (float)(y - geom.y);

	window->x = x;
	window->y = y;
	/* Called on every commit: a window that did not move must cost nothing,
	 * or each frame would damage the whole window instead of what changed. */
	if (window->view->geometry.x == view_x && window->view->geometry.y == view_y)
		return;
	weston_view_set_position(window->view, view_x, view_y);
	/* X11 clients place their menus from the root position they believe they have. */
	if (window->is_xwayland && xapi)
		xapi->send_position(window->surface, x - geom.x, y - geom.y);
	weston_compositor_schedule_repaint(window->shell->compositor);
}

/* --- mapping ---------------------------------------------------------------- */

static struct weston_layer *
shell_window_layer(struct shell_window *window)
{
	return window->fullscreen ? &window->shell->fullscreen_layer : &window->shell->normal_layer;
}

/*
 * libweston 10's window manager calls every decorated X11 window positioned,
 * at the client's place inside its frame, which is where the window geometry
 * starts (32,32 with the shadow margin), whatever the app asked for (xterm
 * -geometry +300+200 included). Such a "request" is none: the window cascades,
 * or is centred on its parent, like any other. An app that does ask for exactly
 * that point is placed by us instead, which costs it nothing.
 */
static bool
shell_window_has_real_requested_position(const struct shell_window *window,
					 const struct weston_geometry *geom)
{
	if (!window->has_requested_position)
		return false;
	return !window->is_xwayland || window->requested_x != geom->x ||
	       window->requested_y != geom->y;
}

static void
shell_window_place_new(struct shell_window *window, const struct weston_geometry *geom)
{
	struct shell *shell = window->shell;
	struct placement_rect area;
	int x, y;

	shell_window_output_area(window, &area);
	if (window->maximized || window->fullscreen) {
		x = area.x;
		y = area.y;
	} else if (shell_window_has_real_requested_position(window, geom)) {
		x = window->requested_x;
		y = window->requested_y;
	} else if (window->parent && window->parent->mapped) {
		struct weston_geometry pg =
			weston_desktop_surface_get_geometry(window->parent->dsurface);
		struct placement_rect parent = {window->parent->x, window->parent->y, pg.width,
						pg.height};

		placement_center_on_parent(&parent, &area, geom->width, geom->height, &x, &y);
	} else {
		placement_cascade_next(&shell->cascade, &area, geom->width, geom->height, &x, &y);
	}
	shell_window_set_position(window, x, y);
}

static void
shell_window_map(struct shell_window *window, const struct weston_geometry *geom)
{
	struct shell *shell = window->shell;

	shell_window_place_new(window, geom);
	weston_layer_entry_insert(&shell_window_layer(window)->view_list,
				  &window->view->layer_link);
	weston_desktop_surface_propagate_layer(window->dsurface);
	weston_view_update_transform(window->view);
	/* libweston 10 leaves marking a shell surface mapped to the shell. */
	window->surface->is_mapped = true;
	window->view->is_mapped = true;
	window->mapped = true;
	log_scope(shell->comp->scopes->rail, "map window %u \"%s\" at %d,%d %dx%d\n", window->id,
		  weston_desktop_surface_get_title(window->dsurface) ?: "", window->x, window->y,
		  geom->width, geom->height);
	shell_activate(shell, window);
}

/*
 * libweston 10 skips drawing what lies under regions a client declares opaque,
 * but not under a buffer that simply has no alpha channel, which is just as
 * opaque. Declaring it on the client's behalf lets the renderer skip the
 * background and windows beneath (with GL, a full-screen window cost a third
 * more without it). The declaration goes into the pending state, as the
 * client's own would, so it stays stable across commits and adds no damage.
 */
#define RAIL_OPAQUE_EVERYWHERE (1 << 28)

static bool
shell_window_buffer_has_no_alpha(struct weston_surface *surface)
{
	struct weston_buffer *buffer = surface->buffer_ref.buffer;
	struct wl_shm_buffer *shm =
		buffer && buffer->resource ? wl_shm_buffer_get(buffer->resource) : NULL;

	if (!shm)
		return false;
	switch (wl_shm_buffer_get_format(shm)) {
	case WL_SHM_FORMAT_XRGB8888:
	case WL_SHM_FORMAT_XBGR8888:
	case WL_SHM_FORMAT_RGB565:
		return true;
	default:
		return false;
	}
}

static void
shell_window_update_opaque(struct shell_window *window)
{
	pixman_region32_t *declared = &window->surface->pending.opaque;
	pixman_box32_t *extents = pixman_region32_extents(declared);
	bool no_alpha = shell_window_buffer_has_no_alpha(window->surface);

	if (window->opaque_from_format &&
	    (extents->x2 != RAIL_OPAQUE_EVERYWHERE || extents->y2 != RAIL_OPAQUE_EVERYWHERE)) {
		window->opaque_from_format = false; /* the client declared its own */
		return;
	}
	if (window->opaque_from_format && !no_alpha) {
		/* now with alpha: withdraw at once, or what is beneath would go undrawn */
		pixman_region32_clear(declared);
		pixman_region32_clear(&window->surface->opaque);
		weston_view_geometry_dirty(window->view);
		window->opaque_from_format = false;
	} else if (!window->opaque_from_format && no_alpha &&
		   !pixman_region32_not_empty(declared)) {
		/* libweston clips this to the surface's size at every commit */
		pixman_region32_fini(declared);
		pixman_region32_init_rect(declared, 0, 0, RAIL_OPAQUE_EVERYWHERE,
					  RAIL_OPAQUE_EVERYWHERE);
		window->opaque_from_format = true;
	}
}

/* The background client's surface covers all outputs, under every window. */
static void
shell_window_committed_background(struct shell_window *window)
{
	struct placement_rect box;

	shell_desktop_box(window->shell, &box);
	if (!window->mapped) {
		if (window->surface->width <= 0)
			return;
		weston_layer_entry_insert(&window->shell->background_layer.view_list,
					  &window->view->layer_link);
		window->surface->is_mapped = true;
		window->view->is_mapped = true;
		window->mapped = true;
		weston_desktop_surface_set_size(window->dsurface, box.width, box.height);
	}
	shell_window_set_position(window, box.x, box.y);
}

void
shell_window_committed(struct shell_window *window)
{
	struct weston_geometry geom = weston_desktop_surface_get_geometry(window->dsurface);
	struct placement_rect area;
	int x = window->x, y = window->y;

	shell_window_update_opaque(window);
	if (window->is_background) {
		shell_window_committed_background(window);
		return;
	}
	if (!window->mapped) {
		if (window->surface->width <= 0 || window->surface->height <= 0)
			return;
		shell_window_map(window, &geom);
	} else {
		if (window->maximized || window->fullscreen) {
			shell_window_output_area(window, &area);
			x = area.x;
			y = area.y;
		} else if (window->resize_edges) {
			if (window->resize_edges & WESTON_DESKTOP_SURFACE_EDGE_LEFT)
				x = window->resize_right - geom.width;
			if (window->resize_edges & WESTON_DESKTOP_SURFACE_EDGE_TOP)
				y = window->resize_bottom - geom.height;
			if (window->resize_ending) {
				window->resize_edges = 0;
				window->resize_ending = false;
			}
		}
		/* The geometry offset can change on any commit (CSD shadows), so always re-place. */
		shell_window_set_position(window, x, y);
	}
	window->last_width = geom.width;
	window->last_height = geom.height;
}

/* --- state ------------------------------------------------------------------ */

static void
shell_window_save_geometry(struct shell_window *window)
{
	struct weston_geometry geom = weston_desktop_surface_get_geometry(window->dsurface);

	if (window->maximized || window->fullscreen)
		return;
	window->saved = (struct placement_rect){window->x, window->y, geom.width, geom.height};
	window->has_saved = true;
}

static void
shell_window_restore_geometry(struct shell_window *window)
{
	if (!window->has_saved) {
		weston_desktop_surface_set_size(window->dsurface, 0, 0);
		return;
	}
	weston_desktop_surface_set_size(window->dsurface, window->saved.width,
					window->saved.height);
	if (window->mapped)
		shell_window_set_position(window, window->saved.x, window->saved.y);
}

void
shell_window_set_maximized(struct shell_window *window, bool maximized)
{
	struct placement_rect area;

	if (window->maximized == maximized)
		return;
	if (maximized) {
		shell_window_save_geometry(window);
		window->maximized = true;
		shell_window_output_area(window, &area);
		weston_desktop_surface_set_maximized(window->dsurface, true);
		weston_desktop_surface_set_size(window->dsurface, area.width, area.height);
	} else {
		window->maximized = false;
		weston_desktop_surface_set_maximized(window->dsurface, false);
		if (!window->fullscreen)
			shell_window_restore_geometry(window);
	}
}

void
shell_window_set_fullscreen(struct shell_window *window, bool fullscreen)
{
	struct placement_rect area;

	if (window->fullscreen == fullscreen)
		return;
	shell_window_save_geometry(window);
	if (window->mapped)
		weston_layer_entry_remove(&window->view->layer_link);
	window->fullscreen = fullscreen;
	weston_desktop_surface_set_fullscreen(window->dsurface, fullscreen);
	if (fullscreen) {
		shell_window_output_area(window, &area);
		weston_desktop_surface_set_size(window->dsurface, area.width, area.height);
	} else if (window->maximized) {
		shell_window_output_area(window, &area);
		weston_desktop_surface_set_size(window->dsurface, area.width, area.height);
	} else {
		shell_window_restore_geometry(window);
	}
	if (window->mapped && !window->minimized) {
		weston_layer_entry_insert(&shell_window_layer(window)->view_list,
					  &window->view->layer_link);
		weston_desktop_surface_propagate_layer(window->dsurface);
		weston_view_geometry_dirty(window->view);
		weston_compositor_schedule_repaint(window->shell->compositor);
	}
}

void
shell_window_minimize(struct shell_window *window)
{
	if (window->minimized || !window->mapped)
		return;
	weston_view_damage_below(window->view);
	weston_layer_entry_remove(&window->view->layer_link);
	weston_desktop_surface_propagate_layer(window->dsurface);
	weston_view_geometry_dirty(window->view);
	window->minimized = true;
	if (window->shell->focused == window)
		shell_focus_next(window->shell, window);
	weston_compositor_schedule_repaint(window->shell->compositor);
	shell_changed(window->shell);
}

/* --- queries and commands ---------------------------------------------------- */

static void
shell_window_handle_class(void *data, const char *class)
{
	struct shell_window *window = data;

	window->class_request = NULL;
	if (!class || (window->x11_class && strcmp(window->x11_class, class) == 0))
		return;
	free(window->x11_class);
	window->x11_class = strdup(class);
	log_scope(window->shell->comp->scopes->rail, "window %u: X11 class \"%s\"\n", window->id,
		  class);
	shell_changed(window->shell);
}

/*
 * An X11 window's class, NULL until Xwayland has answered. The window is
 * found by its pid and title, so a change of either asks again.
 */
static const char *
shell_window_x11_class(struct shell_window *window)
{
	struct x11_classes *classes = window->shell->x11_classes;
	pid_t pid = weston_desktop_surface_get_pid(window->dsurface);
	const char *title = weston_desktop_surface_get_title(window->dsurface);

	if (!window->is_xwayland || !classes)
		return NULL;
	if (window->class_asked && pid == window->class_pid &&
	    strcmp(title ? title : "", window->class_title ? window->class_title : "") == 0)
		return window->x11_class;
	x11_class_request_cancel(window->class_request);
	free(window->class_title);
	window->class_title = title ? strdup(title) : NULL;
	window->class_pid = pid;
	window->class_asked = true;
	window->class_request =
		x11_classes_ask(classes, pid, title, shell_window_handle_class, window);
	return window->x11_class;
}

const char *
shell_window_get_app_id(struct shell_window *window)
{
	const char *app_id = weston_desktop_surface_get_app_id(window->dsurface);

	return app_id && app_id[0] ? app_id : shell_window_x11_class(window);
}

struct weston_surface *
shell_window_get_content(struct shell_window *window, int *x, int *y, int *width, int *height)
{
	struct weston_geometry geom = weston_desktop_surface_get_geometry(window->dsurface);

	*x = geom.x;
	*y = geom.y;
	*width = geom.width;
	*height = geom.height;
	return window->surface;
}

struct weston_output *
shell_window_get_frame(struct shell_window *window, int *x, int *y, int *width, int *height)
{
	struct weston_geometry geom = weston_desktop_surface_get_geometry(window->dsurface);

	*x = window->x;
	*y = window->y;
	*width = geom.width;
	*height = geom.height;
	return shell_window_get_output(window);
}

/* --- what the control socket and the RDP host do to a window ------------------------ */

void
shell_window_activate(struct shell_window *window)
{
	shell_activate(window->shell, window);
}

void
shell_window_restore(struct shell_window *window)
{
	shell_window_set_fullscreen(window, false);
	shell_window_set_maximized(window, false);
	shell_activate(window->shell, window);
}

void
shell_window_close(struct shell_window *window)
{
	weston_desktop_surface_close(window->dsurface);
}

int
shell_window_move(struct shell_window *window, int x, int y, char *err, size_t err_size)
{
	if (window->maximized || window->fullscreen) {
		snprintf(err, err_size, "window %u is %s; restore it first", window->id,
			 shell_window_state_name(window));
		return -1;
	}
	shell_window_set_position(window, x, y);
	return 0;
}

int
shell_window_resize(struct shell_window *window, int width, int height, char *err, size_t err_size)
{
	if (width < 1 || height < 1 || width > PC_MAX_OUTPUT_SIZE || height > PC_MAX_OUTPUT_SIZE) {
		snprintf(err, err_size, "size %dx%d out of range", width, height);
		return -1;
	}
	weston_desktop_surface_set_size(window->dsurface, width, height);
	return 0;
}
