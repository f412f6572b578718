/*
 * The compositor's one seat, "default", with a keyboard and a pointer. The
 * headless backend has no input devices: input arrives from the RDP peer, or
 * from the control socket in tests, through the functions below.
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

struct weston_seat *pc_seat_get_weston_seat(struct pc_seat *seat);

/** Moves the pointer to global compositor coordinates (@x, @y). */
void pc_seat_pointer_move(struct pc_seat *seat, double x, double y);

/** Presses or releases evdev button @button (BTN_LEFT = 0x110, ...). */
void pc_seat_pointer_button(struct pc_seat *seat, uint32_t button, bool pressed);

/** Presses or releases evdev key @key (KEY_A = 30, ...). */
void pc_seat_key(struct pc_seat *seat, uint32_t key, bool pressed);

#endif
