/*
 * The compositor's one seat, "default", with a keyboard and a pointer. The
 * headless backend has no input devices: input arrives from the RDP peer, or
 * from the control socket in tests, through pc_input_*() (porthole-compositor.h).
 */
#ifndef PORTHOLE_SEAT_H
#define PORTHOLE_SEAT_H

#include <stdbool.h>
#include <stdint.h>

struct pc_compositor;
struct pc_seat;
struct weston_seat;

struct pc_seat *pc_seat_create(struct pc_compositor *comp);

void pc_seat_destroy(struct pc_seat *seat);

/** NULL for a NULL @seat (a compositor whose seat failed, or is going). */
struct weston_seat *pc_seat_get_weston_seat(struct pc_seat *seat);

#endif
