#ifndef PORTHOLE_RDP_SCANCODE_H
#define PORTHOLE_RDP_SCANCODE_H

#include <stdbool.h>
#include <stdint.h>

/*
 * RDP keyboard events carry PC set-1 scancodes (MS-RDPBCGR 2.2.8.1.1.3.1.1.1):
 * one byte, an E0 prefix as KBD_FLAGS_EXTENDED and an E1 prefix as
 * KBD_FLAGS_EXTENDED1. Linux's evdev codes were laid out after the same
 * scancodes, so the table is short; what differs are the E0 keys (arrows,
 * the navigation block, right Ctrl and AltGr, keypad Enter and /, the Windows
 * keys, media keys) and Pause, which clients send as E1 1D followed by 45.
 */
struct rdp_scancode_state {
	bool pause_prefix; /* an E1 1D came: the next 45 is Pause, not Num Lock */
};

/** The evdev code of a key event (flags as in KBD_FLAGS_*), 0 for none or a prefix. */
uint32_t rdp_scancode_to_evdev(struct rdp_scancode_state *state, uint16_t flags, uint16_t code);

#endif
