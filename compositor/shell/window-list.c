/*
 * What the outside sees of the windows: `porthole windows` (text and JSON),
 * lookups by id, and each window's and popup's description for a remote
 * client's window list (RemoteApp), icon included.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app-icon.h"
#include "compositor-internal.h"
#include "shell-internal.h"
#include "strbuf.h"

const char *
shell_window_state_name(const struct shell_window *window)
{
	if (window->minimized)
		return "minimized";
	if (window->fullscreen)
		return "fullscreen";
	if (window->maximized)
		return "maximized";
	return "normal";
}

static void
shell_window_describe(struct shell_window *window, struct strbuf *out, bool json)
{
	struct weston_geometry geom = weston_desktop_surface_get_geometry(window->dsurface);
	const char *title = weston_desktop_surface_get_title(window->dsurface);
	const char *app_id = shell_window_get_app_id(window);
	bool focused = window->shell->focused == window;
	const char *kind = window->is_xwayland ? "x11" : "wayland";

	if (json) {
		strbuf_appendf(out, "{\"id\":%u,\"app_id\":", window->id);
		strbuf_append_json_string(out, app_id ? app_id : "");
		strbuf_append(out, ",\"title\":", 9);
		strbuf_append_json_string(out, title ? title : "");
		strbuf_appendf(out,
			       ",\"x\":%d,\"y\":%d,\"width\":%d,\"height\":%d,\"state\":\"%s\","
			       "\"focused\":%s,\"kind\":\"%s\",\"pid\":%d,\"parent\":",
			       window->x, window->y, geom.width, geom.height,
			       shell_window_state_name(window), focused ? "true" : "false", kind,
			       (int)weston_desktop_surface_get_pid(window->dsurface));
		if (window->parent)
			strbuf_appendf(out, "%u}\n", window->parent->id);
		else
			strbuf_append(out, "null}\n", 6);
		return;
	}
	strbuf_appendf(out, "id=%u app_id=", window->id);
	strbuf_append_json_string(out, app_id ? app_id : "");
	strbuf_appendf(out, " x=%d y=%d width=%d height=%d state=%s focused=%s kind=%s title=",
		       window->x, window->y, geom.width, geom.height,
		       shell_window_state_name(window), focused ? "yes" : "no", kind);
	strbuf_append_json_string(out, title ? title : "");
	strbuf_append(out, "\n", 1);
}

void
pc_windows_describe(struct pc_compositor *comp, struct strbuf *out, bool json)
{
	struct shell_window *window;

	wl_list_for_each(window, &comp->shell->windows, link)
	{
		if (window->mapped && !window->is_background)
			shell_window_describe(window, out, json);
	}
}

struct shell_window *
pc_window_find(struct pc_compositor *comp, uint32_t id)
{
	struct shell_window *window;

	wl_list_for_each(window, &comp->shell->windows, link)
	{
		if (window->id == id && window->mapped && !window->is_background)
			return window;
	}
	return NULL;
}

static enum shell_window_show
shell_window_show_state(const struct shell_window *window)
{
	if (window->minimized)
		return SHELL_WINDOW_MINIMIZED;
	if (window->fullscreen)
		return SHELL_WINDOW_FULLSCREEN;
	if (window->maximized)
		return SHELL_WINDOW_MAXIMIZED;
	return SHELL_WINDOW_NORMAL;
}

/* The icon of the first of @names (@n of them, empty ones skipped) that has one. */
static struct app_icon *
shell_window_icon_of(pid_t pid, const char *const *names, int n, const char **found)
{
	for (int i = 0; i < n; i++) {
		struct app_icon *icon =
			names[i] && names[i][0] ? app_icon_find_for_process(pid, names[i]) : NULL;

		if (icon) {
			*found = names[i];
			return icon;
		}
	}
	return NULL;
}

/*
 * The icon of the window's app, looked up again only when its app id (and for
 * X11, its pid) changes; NULL while there is none (no app id, no .desktop
 * file, no PNG).
 */
static const struct app_icon *
shell_window_icon(struct shell_window *window)
{
	const char *app_id = shell_window_get_app_id(window), *found = NULL;
	pid_t pid = weston_desktop_surface_get_pid(window->dsurface);
	char key[320], lower[256] = "", program[256] = "";
	const char *names[3] = {app_id, NULL, NULL};

	snprintf(key, sizeof key, "%s %d", app_id ? app_id : "",
		 window->is_xwayland ? (int)pid : 0);
	if (window->icon_key && strcmp(window->icon_key, key) == 0)
		return window->icon;
	free(window->icon);
	free(window->icon_key);
	window->icon_key = strdup(key);
	/*
	 * An X11 class is often the .desktop file's name capitalised
	 * ("Gtk3-demo"), or names none; the program's name is the next best key.
	 * The pid is Xwayland's own until the window manager has read
	 * _NET_WM_PID.
	 */
	if (window->is_xwayland) {
		for (size_t i = 0; app_id && app_id[i] && i + 1 < sizeof lower; i++)
			lower[i] =
				(char)(app_id[i] >= 'A' && app_id[i] <= 'Z' ? app_id[i] - 'A' + 'a'
									    : app_id[i]);
		/* a class already in lower case is not looked up twice */
		names[1] = app_id && strcmp(lower, app_id) != 0 ? lower : NULL;
		if (app_icon_program_name(pid, program, sizeof program) == 0)
			names[2] = program;
	}
	window->icon = shell_window_icon_of(pid, names, 3, &found);
	log_scope(window->shell->comp->scopes->rail, "window %u: %s icon for app id \"%s\"\n",
		  window->id, window->icon ? "an" : "no", found ? found : key);
	return window->icon;
}

static void
shell_window_fill_info(struct shell_window *window, struct shell_window_info *info)
{
	struct weston_geometry geom = weston_desktop_surface_get_geometry(window->dsurface);
	const char *title = weston_desktop_surface_get_title(window->dsurface);

	*info = (struct shell_window_info){
		.key = window->dsurface,
		.id = window->id,
		.owner_key = window->parent ? window->parent->dsurface : NULL,
		.x = window->x,
		.y = window->y,
		.width = geom.width,
		.height = geom.height,
		.title = title ? title : "",
		.show = shell_window_show_state(window),
		.focused = window->shell->focused == window,
		.icon = shell_window_icon(window),
	};
}

/*
 * A popup (xdg_popup) or an X11 override-redirect window: libweston-desktop owns
 * its view, which is in a layer but not in our window list. Popups hang off their
 * parent's view; X11 menus belong to whatever window has focus.
 */
static bool
shell_fill_popup_info(struct shell *shell, struct weston_view *view,
		      struct weston_desktop_surface *dsurface, struct shell_window_info *info)
{
	struct weston_geometry geom = weston_desktop_surface_get_geometry(dsurface);
	struct weston_view *parent = view->geometry.parent;
	struct weston_desktop_surface *owner = NULL;
	float x, y;

	/* libweston 10 never marks popup views mapped: being in a layer is what counts */
	if (view->surface->width <= 0 || view->surface->height <= 0)
		return false;
	if (geom.width <= 0 || geom.height <= 0)
		geom = (struct weston_geometry){0, 0, view->surface->width, view->surface->height};
	weston_view_to_global_float(view, (float)geom.x, (float)geom.y, &x, &y);
	if (parent)
		owner = weston_surface_get_desktop_surface(parent->surface);
	else if (shell->focused)
		owner = shell->focused->dsurface;
	*info = (struct shell_window_info){
		.key = dsurface,
		.owner_key = owner,
		.x = (int)x,
		.y = (int)y,
		.width = geom.width,
		.height = geom.height,
		.title = "",
		.show = SHELL_WINDOW_NORMAL,
		.popup = true,
	};
	return true;
}

void
pc_windows_for_each(struct pc_compositor *comp, shell_window_info_func_t func, void *data)
{
	struct shell *shell = comp->shell;
	struct weston_layer *layer;
	struct weston_view *view;
	struct shell_window *window;
	struct shell_window_info info;

	/* layer_list runs from the top layer down */
	wl_list_for_each(layer, &shell->compositor->layer_list, link)
	{
		if (layer == &shell->background_layer ||
		    layer->position >= WESTON_LAYER_POSITION_CURSOR)
			continue;
		wl_list_for_each(view, &layer->view_list.link, layer_link.link)
		{
			struct weston_desktop_surface *ds =
				weston_surface_get_desktop_surface(view->surface);

			if (!ds)
				continue; /* cursors, drag icons, the solid background */
			window = weston_desktop_surface_get_user_data(ds);
			if (window) {
				if (!window->mapped || window->is_background || window->minimized)
					continue;
				shell_window_fill_info(window, &info);
			} else if (!shell_fill_popup_info(shell, view, ds, &info)) {
				continue;
			}
			func(data, &info);
		}
	}
	wl_list_for_each(window, &shell->windows, link)
	{
		if (window->mapped && window->minimized && !window->is_background) {
			shell_window_fill_info(window, &info);
			func(data, &info);
		}
	}
}
