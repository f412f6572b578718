/* The primary selection protocol for Wayland apps (primary-selection.c). */
#ifndef PORTHOLE_PRIMARY_SELECTION_H
#define PORTHOLE_PRIMARY_SELECTION_H

struct pc_compositor;
struct primary_selection;

/** Offers zwp_primary_selection_device_manager_v1 on the seat. NULL on failure. */
struct primary_selection *primary_selection_create(struct pc_compositor *comp);

/** Withdraws it; clients' objects stay, inert, until they go. NULL-safe. */
void primary_selection_destroy(struct primary_selection *selection);

#endif
