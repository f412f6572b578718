/* wlroots' data-control protocol for clipboard tools (data-control.c). */
#ifndef PORTHOLE_DATA_CONTROL_H
#define PORTHOLE_DATA_CONTROL_H

struct pc_compositor;
struct data_control;

/** Offers zwlr_data_control_manager_v1 for the seat's clipboard. NULL on failure. */
struct data_control *data_control_create(struct pc_compositor *comp);

/** Withdraws it; clients' objects stay, inert, until they go. NULL-safe. */
void data_control_destroy(struct data_control *control);

#endif
