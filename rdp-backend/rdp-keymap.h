/*
 * What the client's keyboard means on this side: its layout id (a Windows
 * keyboard layout) as xkb names, and a character from a unicode keyboard event
 * as a key to press in the keymap in use.
 */
#ifndef PORTHOLE_RDP_KEYMAP_H
#define PORTHOLE_RDP_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xkbcommon/xkbcommon.h>

struct rdp_keyboard_layout {
	uint32_t id; /* Windows keyboard layout id, as the client's Core Data says it */
	const char *name;
	const char *xkb_layout;
	const char *xkb_variant; /* NULL: the layout's default */
};

/**
 * The layout for @layout_id, or NULL for one this table does not know. An id
 * with a variant or input-method prefix (0xE0010411, Japanese IME) that is not
 * listed falls back to its language (0x0411).
 */
const struct rdp_keyboard_layout *rdp_keyboard_layout_find(uint32_t layout_id);

/**
 * The layout of an input locale (HKL) as a client reports a switch: its high
 * word names the layout (0x04070409: German keys, US English), its low word
 * the language, which is all that is left for an input method (0xE0010411) or
 * a layout that only the client's registry names (0xF0020409). A plain layout
 * id (0x00010409) is taken as it is.
 */
const struct rdp_keyboard_layout *rdp_keyboard_layout_for_locale(uint32_t hkl);

/** The whole table, @count entries. */
const struct rdp_keyboard_layout *rdp_keyboard_layouts(size_t *count);

/* A key that types a character, and the modifier keys to hold while it is pressed. */
struct rdp_key_chord {
	uint32_t key; /* evdev codes */
	uint32_t modifiers[2];
	int n_modifiers;
};

/**
 * Finds a key of @keymap's first layout that types @codepoint, with no
 * modifier, Shift, AltGr (ISO_Level3_Shift), or both; the modifiers are keys
 * of the same keymap. False when none does.
 */
bool rdp_keymap_find_char(struct xkb_keymap *keymap, uint32_t codepoint,
			  struct rdp_key_chord *chord);

#endif
