/* Popups kept on their output by their positioner's constraint adjustments (popup-constraints.c). */
#ifndef PORTHOLE_POPUP_CONSTRAINTS_H
#define PORTHOLE_POPUP_CONSTRAINTS_H

struct weston_compositor;
struct popup_constraints;

struct popup_constraints *popup_constraints_create(struct weston_compositor *compositor);

/** NULL-safe. */
void popup_constraints_destroy(struct popup_constraints *pc);

#endif
