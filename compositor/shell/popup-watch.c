/*
 * Popups and X11 menus are shown by libweston-desktop, which never tells the
 * shell about them: the window list finds them in the layers when it is read.
 * It used to be read again only when one of the shell's own windows changed,
 * so a menu whose parent did not repaint as it opened (LibreOffice's
 * submenus: only the menu beside them redraws) reached the RDP client only at
 * the next unrelated commit, seconds later or never. So every surface is
 * watched: a commit or the end of one that is a desktop surface without a
 * shell window says the window list changed.
 */
#include <stdlib.h>

#include <libweston-desktop/libweston-desktop.h>
#include <libweston/libweston.h>

#include "popup-watch.h"

struct popup_watch {
	struct wl_listener create_surface_listener;
	struct wl_list surfaces; /* popup_watch_surface::link */
	void (*changed)(void *data);
	void *data;
};

struct popup_watch_surface {
	struct popup_watch *watch;
	struct wl_list link;
	struct weston_surface *surface;
	struct wl_listener commit_listener;
	struct wl_listener destroy_listener;
};

/* Shown by libweston-desktop, owned by no shell window. */
static bool
popup_watch_is_popup(struct weston_surface *surface)
{
	struct weston_desktop_surface *dsurface = weston_surface_get_desktop_surface(surface);

	return dsurface && !weston_desktop_surface_get_user_data(dsurface);
}

static void
popup_watch_surface_free(struct popup_watch_surface *watched)
{
	wl_list_remove(&watched->commit_listener.link);
	wl_list_remove(&watched->destroy_listener.link);
	wl_list_remove(&watched->link);
	free(watched);
}

static void
popup_watch_handle_commit(struct wl_listener *listener, void *data)
{
	struct popup_watch_surface *watched = wl_container_of(listener, watched, commit_listener);

	if (popup_watch_is_popup(watched->surface))
		watched->watch->changed(watched->watch->data);
}

static void
popup_watch_handle_surface_destroy(struct wl_listener *listener, void *data)
{
	struct popup_watch_surface *watched = wl_container_of(listener, watched, destroy_listener);
	struct popup_watch *watch = watched->watch;
	bool popup = popup_watch_is_popup(watched->surface);

	popup_watch_surface_free(watched);
	if (popup)
		watch->changed(watch->data);
}

static void
popup_watch_handle_create_surface(struct wl_listener *listener, void *data)
{
	struct popup_watch *watch = wl_container_of(listener, watch, create_surface_listener);
	struct weston_surface *surface = data;
	struct popup_watch_surface *watched = calloc(1, sizeof *watched);

	if (!watched)
		return; /* that surface's changes show at the next other change */
	watched->watch = watch;
	watched->surface = surface;
	watched->commit_listener.notify = popup_watch_handle_commit;
	wl_signal_add(&surface->commit_signal, &watched->commit_listener);
	watched->destroy_listener.notify = popup_watch_handle_surface_destroy;
	wl_signal_add(&surface->destroy_signal, &watched->destroy_listener);
	wl_list_insert(&watch->surfaces, &watched->link);
}

struct popup_watch *
popup_watch_create(struct weston_compositor *compositor, void (*changed)(void *data), void *data)
{
	struct popup_watch *watch = calloc(1, sizeof *watch);

	if (!watch)
		return NULL;
	watch->changed = changed;
	watch->data = data;
	wl_list_init(&watch->surfaces);
	watch->create_surface_listener.notify = popup_watch_handle_create_surface;
	wl_signal_add(&compositor->create_surface_signal, &watch->create_surface_listener);
	return watch;
}

void
popup_watch_destroy(struct popup_watch *watch)
{
	struct popup_watch_surface *watched, *tmp;

	if (!watch)
		return;
	wl_list_remove(&watch->create_surface_listener.link);
	wl_list_for_each_safe(watched, tmp, &watch->surfaces, link)
		popup_watch_surface_free(watched);
	free(watch);
}
