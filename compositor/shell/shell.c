#include <linux/input.h>
#include <stdlib.h>
#include <string.h>

#include "compositor-internal.h"
#include "log.h"
#include "popup-constraints.h"
#include "popup-watch.h"
#include "x11-classes.h"
#include "xwayland.h"
#include "shell-internal.h"
#include "seat.h"
#include "strbuf.h"

/* --- focus and stacking ------------------------------------------------------ */

struct weston_seat *
shell_get_seat(struct shell *shell)
{
	return pc_seat_get_weston_seat(shell->comp->seat);
}

static void
shell_raise_one(struct shell_window *window)
{
	struct weston_layer *layer = window->fullscreen ? &window->shell->fullscreen_layer
							: &window->shell->normal_layer;

	weston_layer_entry_remove(&window->view->layer_link);
	weston_layer_entry_insert(&layer->view_list, &window->view->layer_link);
	/* popups stack with their parent; libweston-desktop re-inserts them above it */
	weston_desktop_surface_propagate_layer(window->dsurface);
	weston_view_geometry_dirty(window->view);
	weston_view_damage_below(window->view);
}

/* Raises @window, then its transients above it, so a dialog never hides behind its parent. */
static void
shell_raise(struct shell *shell, struct shell_window *window)
{
	struct shell_window *child;

	shell_raise_one(window);
	wl_list_for_each(child, &shell->windows, link)
	{
		if (child->parent == window && child->mapped && !child->minimized)
			shell_raise(shell, child);
	}
	weston_compositor_schedule_repaint(shell->compositor);
}

void
shell_activate(struct shell *shell, struct shell_window *window)
{
	struct weston_seat *seat = shell_get_seat(shell);
	struct shell_window *previous = shell->focused;

	if (window->minimized) {
		window->minimized = false;
		weston_layer_entry_insert(window->fullscreen ? &shell->fullscreen_layer.view_list
							     : &shell->normal_layer.view_list,
					  &window->view->layer_link);
	}
	shell_raise(shell, window);
	if (previous && previous != window)
		weston_desktop_surface_set_activated(previous->dsurface, false);
	weston_desktop_surface_set_activated(window->dsurface, true);
	shell->focused = window;
	if (seat)
		weston_view_activate_input(window->view, seat, WESTON_ACTIVATE_FLAG_CONFIGURE);
	log_scope(shell->comp->scopes->rail, "focus window %u\n", window->id);
	shell_changed(shell);
}

void
shell_changed(struct shell *shell)
{
	wl_signal_emit(&shell->change_signal, shell);
}

struct wl_signal *
pc_windows_get_change_signal(struct pc_compositor *comp)
{
	return &comp->shell->change_signal;
}

struct wl_signal *
pc_windows_get_move_size_signal(struct pc_compositor *comp)
{
	return &comp->shell->move_size_signal;
}

void
shell_focus_next(struct shell *shell, struct shell_window *leaving)
{
	struct weston_layer *layers[] = {&shell->fullscreen_layer, &shell->normal_layer};
	struct weston_seat *seat = shell_get_seat(shell);
	struct weston_keyboard *keyboard = seat ? weston_seat_get_keyboard(seat) : NULL;
	struct weston_view *view;

	if (shell->focused == leaving) {
		if (leaving)
			weston_desktop_surface_set_activated(leaving->dsurface, false);
		shell->focused = NULL;
	}
	for (size_t i = 0; i < sizeof layers / sizeof layers[0]; i++) {
		wl_list_for_each(view, &layers[i]->view_list.link, layer_link.link)
		{
			struct weston_desktop_surface *ds =
				weston_surface_get_desktop_surface(view->surface);
			struct shell_window *window =
				ds ? weston_desktop_surface_get_user_data(ds) : NULL;

			if (window && window != leaving && window->mapped && !window->minimized) {
				shell_activate(shell, window);
				return;
			}
		}
	}
	if (keyboard)
		weston_keyboard_set_focus(keyboard, NULL);
	shell_changed(shell);
}

static struct shell_window *
shell_window_from_view(struct weston_view *view)
{
	struct weston_surface *main_surface;
	struct weston_desktop_surface *ds;

	if (!view)
		return NULL;
	main_surface = weston_surface_get_main_surface(view->surface);
	ds = weston_surface_get_desktop_surface(main_surface);
	return ds ? weston_desktop_surface_get_user_data(ds) : NULL;
}

/* Click to focus: any button pressed over a window activates it. */
static void
shell_handle_click(struct weston_pointer *pointer, const struct timespec *time, uint32_t button,
		   void *data)
{
	struct shell *shell = data;
	struct shell_window *window;

	if (pointer->grab != &pointer->default_grab) {
		log_scope(shell->comp->scopes->rail, "press of button %u taken by a grab\n",
			  button);
		return;
	}
	window = shell_window_from_view(pointer->focus);
	if (!window)
		log_scope(shell->comp->scopes->rail,
			  "press of button %u at %.0f,%.0f over no window\n", button,
			  wl_fixed_to_double(pointer->x), wl_fixed_to_double(pointer->y));
	if (window && window->mapped && window != shell->focused)
		shell_activate(shell, window);
	if (window && window->mapped && button == BTN_LEFT &&
	    shell->comp->config.shell_mode == PC_SHELL_RAIL)
		shell_grab_edge_press(window, pointer);
}

/* --- background -------------------------------------------------------------- */

/*
 * Nothing else paints the area no window covers, so a background fills the
 * bounding box of all outputs: black in RAIL mode (the client cuts windows out),
 * the configured colour in desktop mode.
 */
void
shell_desktop_box(struct shell *shell, struct placement_rect *box)
{
	struct weston_output *output;
	int x1 = 0, y1 = 0, x2 = 0, y2 = 0;
	bool any = false;

	wl_list_for_each(output, &shell->compositor->output_list, link)
	{
		if (!any || output->x < x1)
			x1 = output->x;
		if (!any || output->y < y1)
			y1 = output->y;
		if (!any || output->x + output->width > x2)
			x2 = output->x + output->width;
		if (!any || output->y + output->height > y2)
			y2 = output->y + output->height;
		any = true;
	}
	if (!any) {
		*box = (struct placement_rect){0, 0, PC_DEFAULT_WIDTH, PC_DEFAULT_HEIGHT};
		return;
	}
	*box = (struct placement_rect){x1, y1, x2 - x1, y2 - y1};
}

static void
shell_update_background(struct shell *shell)
{
	struct shell_window *window;
	struct placement_rect box;

	shell_desktop_box(shell, &box);
	wl_list_for_each(window, &shell->windows, link)
	{
		if (window->is_background && window->mapped) {
			weston_desktop_surface_set_size(window->dsurface, box.width, box.height);
			shell_window_set_position(window, box.x, box.y);
		}
	}
	if (!shell->background_surface)
		return;
	weston_surface_set_size(shell->background_surface, box.width, box.height);
	weston_view_set_position(shell->background_view, box.x, box.y);
	weston_view_geometry_dirty(shell->background_view);
	weston_surface_damage(shell->background_surface);
	weston_compositor_schedule_repaint(shell->compositor);
}

static int
shell_create_background(struct shell *shell)
{
	uint32_t color = shell->comp->config.shell_mode == PC_SHELL_DESKTOP
				 ? shell->comp->config.background_color
				 : 0xff000000;

	shell->background_surface = weston_surface_create(shell->compositor);
	if (!shell->background_surface)
		return -1;
	shell->background_view = weston_view_create(shell->background_surface);
	if (!shell->background_view) {
		weston_surface_destroy(shell->background_surface);
		shell->background_surface = NULL;
		return -1;
	}
	weston_surface_set_color(shell->background_surface, ((color >> 16) & 0xff) / 255.0f,
				 ((color >> 8) & 0xff) / 255.0f, (color & 0xff) / 255.0f, 1.0f);
	/* The background takes no input: clicks on it reach nothing. */
	pixman_region32_fini(&shell->background_surface->pending.input);
	pixman_region32_init(&shell->background_surface->pending.input);
	pixman_region32_fini(&shell->background_surface->input);
	pixman_region32_init(&shell->background_surface->input);
	weston_layer_entry_insert(&shell->background_layer.view_list,
				  &shell->background_view->layer_link);
	shell->background_surface->is_mapped = true;
	shell->background_view->is_mapped = true;
	shell_update_background(shell);
	return 0;
}

/* Outputs follow the host's monitors; maximized and fullscreen windows follow their output. */
static void
shell_refit_windows(struct shell *shell)
{
	struct shell_window *window;
	struct placement_rect area;

	wl_list_for_each(window, &shell->windows, link)
	{
		if (!window->mapped || !(window->maximized || window->fullscreen))
			continue;
		shell_window_output_area(window, &area);
		weston_desktop_surface_set_size(window->dsurface, area.width, area.height);
		shell_window_set_position(window, area.x, area.y);
	}
}

static bool
shell_rect_on_an_output(struct shell *shell, int x, int y, int width, int height)
{
	struct weston_output *output;

	wl_list_for_each(output, &shell->compositor->output_list, link)
	{
		if (x < output->x + output->width && output->x < x + width &&
		    y < output->y + output->height && output->y < y + height)
			return true;
	}
	return false;
}

/*
 * A window that no output shows any more (its monitor went, or shrank) comes
 * back onto the first output. In desktop mode the whole window must stay on its
 * output, as the user has no other way to reach a title bar beyond the edge.
 * Run once the outputs have settled: a resize destroys and re-creates an
 * output, and its windows must not jump meanwhile.
 */
static void
shell_rescue_windows(void *data)
{
	struct shell *shell = data;
	struct shell_window *window;
	struct weston_output *first;
	bool desktop = shell->comp->config.shell_mode == PC_SHELL_DESKTOP;

	if (wl_list_empty(&shell->compositor->output_list))
		return;
	first = wl_container_of(shell->compositor->output_list.next, first, link);
	wl_list_for_each(window, &shell->windows, link)
	{
		struct weston_geometry geom;
		struct placement_rect area = {first->x, first->y, first->width, first->height};
		int x = window->x, y = window->y;

		if (!window->mapped || window->is_background || window->parent)
			continue;
		geom = weston_desktop_surface_get_geometry(window->dsurface);
		if (desktop && !window->maximized && !window->fullscreen &&
		    shell_rect_on_an_output(shell, x, y, geom.width, geom.height)) {
			shell_window_output_area(window, &area);
			if (x >= area.x && y >= area.y && x + geom.width <= area.x + area.width &&
			    y + geom.height <= area.y + area.height)
				continue;
		} else if (shell_rect_on_an_output(shell, x, y, geom.width, geom.height)) {
			continue;
		}
		placement_constrain(&area, geom.width, geom.height, &x, &y);
		shell_window_set_position(window, x, y);
		shell_changed(shell);
	}
}

static void
shell_handle_output_changed(struct shell *shell)
{
	shell_update_background(shell);
	shell_refit_windows(shell);
	idle_call_schedule(&shell->rescue);
}

static void
shell_handle_output_created(struct wl_listener *listener, void *data)
{
	struct shell *shell = wl_container_of(listener, shell, output_created_listener);

	shell_handle_output_changed(shell);
}

static void
shell_handle_output_destroyed(struct wl_listener *listener, void *data)
{
	struct shell *shell = wl_container_of(listener, shell, output_destroyed_listener);

	shell_handle_output_changed(shell);
}

static void
shell_handle_output_resized(struct wl_listener *listener, void *data)
{
	struct shell *shell = wl_container_of(listener, shell, output_resized_listener);

	shell_handle_output_changed(shell);
}

static void
shell_handle_output_moved(struct wl_listener *listener, void *data)
{
	struct shell *shell = wl_container_of(listener, shell, output_moved_listener);

	shell_handle_output_changed(shell);
}

/* --- libweston-desktop callbacks --------------------------------------------- */

static void
shell_surface_added(struct weston_desktop_surface *dsurface, void *data)
{
	struct shell *shell = data;
	struct shell_window *window = shell_window_create(shell, dsurface);

	if (!window) {
		struct weston_desktop_client *dc = weston_desktop_surface_get_client(dsurface);
		wl_client_post_no_memory(weston_desktop_client_get_client(dc));
		return;
	}
	log_scope(shell->comp->scopes->rail, "new %s window %u\n",
		  window->is_xwayland ? "x11" : "wayland", window->id);
}

static void
shell_surface_removed(struct weston_desktop_surface *dsurface, void *data)
{
	struct shell *shell = data;
	struct shell_window *window = weston_desktop_surface_get_user_data(dsurface);

	if (!window)
		return;
	log_scope(shell->comp->scopes->rail, "remove window %u\n", window->id);
	if (window->mapped)
		weston_view_damage_below(window->view);
	if (shell->focused == window)
		shell_focus_next(shell, window);
	shell_window_destroy(window);
	weston_compositor_schedule_repaint(shell->compositor);
	shell_changed(shell);
}

static void
shell_committed(struct weston_desktop_surface *dsurface, int32_t sx, int32_t sy, void *data)
{
	struct shell_window *window = weston_desktop_surface_get_user_data(dsurface);

	if (window) {
		shell_window_committed(window);
		shell_changed(window->shell);
	}
}

static void
shell_set_parent(struct weston_desktop_surface *dsurface, struct weston_desktop_surface *parent,
		 void *data)
{
	struct shell_window *window = weston_desktop_surface_get_user_data(dsurface);

	if (!window)
		return;
	window->parent = parent ? weston_desktop_surface_get_user_data(parent) : NULL;
	shell_changed(window->shell);
}

static void
shell_move(struct weston_desktop_surface *dsurface, struct weston_seat *seat, uint32_t serial,
	   void *data)
{
	struct shell_window *window = weston_desktop_surface_get_user_data(dsurface);

	if (window && window->mapped && !window->maximized && !window->fullscreen)
		shell_grab_start_move(window, seat, serial);
}

static void
shell_resize(struct weston_desktop_surface *dsurface, struct weston_seat *seat, uint32_t serial,
	     enum weston_desktop_surface_edge edges, void *data)
{
	struct shell_window *window = weston_desktop_surface_get_user_data(dsurface);

	if (window && window->mapped && !window->maximized && !window->fullscreen)
		shell_grab_start_resize(window, seat, serial, edges);
}

static void
shell_fullscreen_requested(struct weston_desktop_surface *dsurface, bool fullscreen,
			   struct weston_output *output, void *data)
{
	struct shell_window *window = weston_desktop_surface_get_user_data(dsurface);

	if (window)
		shell_window_set_fullscreen(window, fullscreen);
}

static void
shell_maximized_requested(struct weston_desktop_surface *dsurface, bool maximized, void *data)
{
	struct shell_window *window = weston_desktop_surface_get_user_data(dsurface);

	if (window)
		shell_window_set_maximized(window, maximized);
}

static void
shell_minimized_requested(struct weston_desktop_surface *dsurface, void *data)
{
	struct shell_window *window = weston_desktop_surface_get_user_data(dsurface);

	if (window)
		shell_window_minimize(window);
}

static void
shell_set_xwayland_position(struct weston_desktop_surface *dsurface, int32_t x, int32_t y,
			    void *data)
{
	struct shell_window *window = weston_desktop_surface_get_user_data(dsurface);

	if (!window)
		return;
	window->has_requested_position = true;
	window->requested_x = x;
	window->requested_y = y;
}

static void
shell_ping_timeout(struct weston_desktop_client *client, void *data)
{
	/* An unresponsive app keeps its windows; the host shows them as they are. */
}

static void
shell_pong(struct weston_desktop_client *client, void *data)
{
}

static const struct weston_desktop_api shell_desktop_api = {
	.struct_size = sizeof(struct weston_desktop_api),
	.ping_timeout = shell_ping_timeout,
	.pong = shell_pong,
	.surface_added = shell_surface_added,
	.surface_removed = shell_surface_removed,
	.committed = shell_committed,
	.set_parent = shell_set_parent,
	.move = shell_move,
	.resize = shell_resize,
	.fullscreen_requested = shell_fullscreen_requested,
	.maximized_requested = shell_maximized_requested,
	.minimized_requested = shell_minimized_requested,
	.set_xwayland_position = shell_set_xwayland_position,
};

/* --- lifetime ---------------------------------------------------------------- */

static void
shell_handle_popup_change(void *data)
{
	shell_changed(data);
}

struct shell *
shell_create(struct pc_compositor *comp)
{
	static const uint32_t buttons[] = {BTN_LEFT, BTN_RIGHT, BTN_MIDDLE};
	struct shell *shell = calloc(1, sizeof *shell);
	struct weston_compositor *ec = comp->compositor;

	if (!shell)
		return NULL;
	shell->comp = comp;
	shell->compositor = ec;
	shell->cascade.step = comp->config.cascade_step;
	wl_list_init(&shell->windows);
	wl_signal_init(&shell->change_signal);
	wl_signal_init(&shell->move_size_signal);
	idle_call_init(&shell->rescue, wl_display_get_event_loop(ec->wl_display),
		       shell_rescue_windows, shell);
	shell->xwayland_surface_api = weston_xwayland_surface_get_api(ec);

	weston_layer_init(&shell->background_layer, ec);
	weston_layer_set_position(&shell->background_layer, WESTON_LAYER_POSITION_BACKGROUND);
	weston_layer_init(&shell->normal_layer, ec);
	weston_layer_set_position(&shell->normal_layer, WESTON_LAYER_POSITION_NORMAL);
	weston_layer_init(&shell->fullscreen_layer, ec);
	weston_layer_set_position(&shell->fullscreen_layer, WESTON_LAYER_POSITION_FULLSCREEN);

	/* libweston 10's GL renderer cannot draw solid colours: background.c covers GL. */
	if (comp->renderer != PC_RENDERER_GL && shell_create_background(shell) < 0)
		goto err_background;

	shell->desktop = weston_desktop_create(ec, &shell_desktop_api, shell);
	if (!shell->desktop)
		goto err_desktop;
	shell->popup_constraints = popup_constraints_create(ec);
	shell->popup_watch = popup_watch_create(ec, shell_handle_popup_change, shell);
	/* without it X11 windows have no app id, and their program names find their icons */
	if (comp->xwayland)
		shell->x11_classes = x11_classes_create(wl_display_get_event_loop(ec->wl_display),
							comp->xwayland);
	if (!shell->popup_constraints || !shell->popup_watch) {
		x11_classes_destroy(shell->x11_classes);
		popup_watch_destroy(shell->popup_watch);
		popup_constraints_destroy(shell->popup_constraints);
		weston_desktop_destroy(shell->desktop);
		goto err_desktop;
	}

	/*
	 * libweston runs a binding only under exactly its modifiers: a click to
	 * focus must work with any held (Shift+click to extend a selection there).
	 */
	for (size_t i = 0; i < sizeof buttons / sizeof buttons[0]; i++) {
		for (uint32_t mods = 0; mods < SHELL_MODIFIER_SETS; mods++)
			shell->click_bindings[i * SHELL_MODIFIER_SETS + mods] =
				weston_compositor_add_button_binding(ec, buttons[i], mods,
								     shell_handle_click, shell);
	}

	shell->output_created_listener.notify = shell_handle_output_created;
	wl_signal_add(&ec->output_created_signal, &shell->output_created_listener);
	shell->output_destroyed_listener.notify = shell_handle_output_destroyed;
	wl_signal_add(&ec->output_destroyed_signal, &shell->output_destroyed_listener);
	shell->output_resized_listener.notify = shell_handle_output_resized;
	wl_signal_add(&ec->output_resized_signal, &shell->output_resized_listener);
	shell->output_moved_listener.notify = shell_handle_output_moved;
	wl_signal_add(&ec->output_moved_signal, &shell->output_moved_listener);
	weston_log("shell: %s mode\n",
		   comp->config.shell_mode == PC_SHELL_DESKTOP ? "desktop" : "rail");
	return shell;

err_desktop:
	if (shell->background_view)
		weston_view_destroy(shell->background_view);
	if (shell->background_surface)
		weston_surface_destroy(shell->background_surface);
err_background:
	weston_layer_fini(&shell->fullscreen_layer);
	weston_layer_fini(&shell->normal_layer);
	weston_layer_fini(&shell->background_layer);
	free(shell);
	return NULL;
}

void
shell_destroy(struct shell *shell)
{
	struct shell_window *window, *tmp;

	if (!shell)
		return;
	wl_list_remove(&shell->output_created_listener.link);
	wl_list_remove(&shell->output_destroyed_listener.link);
	wl_list_remove(&shell->output_resized_listener.link);
	wl_list_remove(&shell->output_moved_listener.link);
	idle_call_cancel(&shell->rescue);
	for (size_t i = 0; i < sizeof shell->click_bindings / sizeof shell->click_bindings[0];
	     i++) {
		if (shell->click_bindings[i])
			weston_binding_destroy(shell->click_bindings[i]);
	}
	wl_list_for_each_safe(window, tmp, &shell->windows, link) shell_window_destroy(window);
	/* after the windows, whose questions it answers */
	x11_classes_destroy(shell->x11_classes);
	popup_watch_destroy(shell->popup_watch);
	popup_constraints_destroy(shell->popup_constraints);
	weston_desktop_destroy(shell->desktop);
	if (shell->background_view)
		weston_view_destroy(shell->background_view);
	if (shell->background_surface)
		weston_surface_destroy(shell->background_surface);
	weston_layer_fini(&shell->fullscreen_layer);
	weston_layer_fini(&shell->normal_layer);
	weston_layer_fini(&shell->background_layer);
	free(shell);
}
