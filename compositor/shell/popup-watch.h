/* Tells the shell when a popup or an X11 menu changes (popup-watch.c). */
#ifndef PORTHOLE_POPUP_WATCH_H
#define PORTHOLE_POPUP_WATCH_H

struct weston_compositor;
struct popup_watch;

/**
 * Calls @changed(@data) whenever a surface that libweston-desktop shows but
 * the shell does not own (an xdg_popup, an X11 override-redirect window)
 * commits or goes.
 */
struct popup_watch *popup_watch_create(struct weston_compositor *compositor,
				       void (*changed)(void *data), void *data);

/** NULL-safe. */
void popup_watch_destroy(struct popup_watch *watch);

#endif
