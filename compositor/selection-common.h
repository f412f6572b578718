/*
 * What the seat's three selection protocols share: the clipboard kept for
 * remote clients (clipboard.c), the primary selection (primary-selection.c)
 * and data-control (data-control.c).
 */
#ifndef PORTHOLE_SELECTION_COMMON_H
#define PORTHOLE_SELECTION_COMMON_H

#include <stdbool.h>

#include <wayland-server-core.h>

/** Appends a copy of @type to @types (char *). False when out of memory. */
bool selection_add_type(struct wl_array *types, const char *type);

/** Frees @types' copies and the array. */
void selection_release_types(struct wl_array *types);

/** A destructor request: the resource goes. */
void selection_destroy_resource(struct wl_client *client, struct wl_resource *resource);

/*
 * When a global goes, its clients' resources on @resources (linked by their
 * resource links) stay until the clients do: they are unlinked and forget it
 * (user data NULL).
 */
void selection_forget_resources(struct wl_list *resources);

#endif
