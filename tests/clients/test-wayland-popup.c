/* The test client's popups: a fixed one at startup, menus at the pointer on a click. */
#include <stdio.h>
#include <string.h>

#include "test-wayland-client.h"

static void
popup_configure(void *data, struct xdg_popup *popup, int32_t x, int32_t y, int32_t width,
		int32_t height)
{
	struct window *w = data;

	w->pending_w = width;
	w->pending_h = height;
	if (w->app->opts.menu_on_click) {
		/* where the compositor put it, relative to the parent's geometry */
		printf("popup %d %d %d %d\n", x, y, width, height);
		fflush(stdout);
	}
}

static void
popup_done(void *data, struct xdg_popup *popup)
{
}

static const struct xdg_popup_listener popup_listener = {popup_configure, popup_done};

/* A yellow 120x60 popup whose top-left is at (20, 20) of the parent's geometry. */
void
popup_create(struct app *app, struct window *parent)
{
	struct xdg_positioner *positioner = xdg_wm_base_create_positioner(app->wm_base);
	struct window *w = window_create(app, 120, 60, 0xffffe000);

	xdg_positioner_set_size(positioner, 120, 60);
	xdg_positioner_set_anchor_rect(positioner, 20, 20, 1, 1);
	xdg_positioner_set_anchor(positioner, XDG_POSITIONER_ANCHOR_TOP_LEFT);
	xdg_positioner_set_gravity(positioner, XDG_POSITIONER_GRAVITY_BOTTOM_RIGHT);
	w->popup = xdg_surface_get_popup(w->xdg_surface, parent->xdg_surface, positioner);
	xdg_popup_add_listener(w->popup, &popup_listener, w);
	xdg_positioner_destroy(positioner);
	wl_surface_commit(w->surface);
}

/*
 * A yellow 120x60 menu at the pointer (@x, @y of @parent), below and right of
 * it, with the adjustments --menu-on-click names, as GTK opens a context menu.
 */
void
popup_open_at(struct app *app, struct window *parent, int x, int y, uint32_t serial)
{
	struct xdg_positioner *positioner = xdg_wm_base_create_positioner(app->wm_base);
	struct window *w = window_create(app, 120, 60, 0xffffe000);

	xdg_positioner_set_size(positioner, 120, 60);
	xdg_positioner_set_anchor_rect(positioner, x, y, 1, 1);
	xdg_positioner_set_anchor(positioner, XDG_POSITIONER_ANCHOR_BOTTOM_RIGHT);
	xdg_positioner_set_gravity(positioner, XDG_POSITIONER_GRAVITY_BOTTOM_RIGHT);
	xdg_positioner_set_constraint_adjustment(positioner, app->opts.menu_adjust);
	w->popup = xdg_surface_get_popup(w->xdg_surface, parent->xdg_surface, positioner);
	xdg_popup_add_listener(w->popup, &popup_listener, w);
	xdg_popup_grab(w->popup, app->seat, serial);
	xdg_positioner_destroy(positioner);
	wl_surface_commit(w->surface);
}

/* "flip,slide,resize" (any of them, or none) as xdg_positioner constraint adjustments. */
int
parse_menu_adjust(const char *list, uint32_t *adjust)
{
	char copy[64];

	*adjust = 0;
	snprintf(copy, sizeof copy, "%s", list);
	for (char *save = NULL, *word = strtok_r(copy, ",", &save); word;
	     word = strtok_r(NULL, ",", &save)) {
		if (strcmp(word, "flip") == 0)
			*adjust |= XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_FLIP_X |
				   XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_FLIP_Y;
		else if (strcmp(word, "slide") == 0)
			*adjust |= XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_SLIDE_X |
				   XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_SLIDE_Y;
		else if (strcmp(word, "resize") == 0)
			*adjust |= XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_RESIZE_X |
				   XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_RESIZE_Y;
		else if (strcmp(word, "none") != 0)
			return -1;
	}
	return 0;
}
