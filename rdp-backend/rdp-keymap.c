#include "rdp-keymap.h"

#include <linux/input-event-codes.h>
#include <stddef.h>

#include <xkbcommon/xkbcommon-keysyms.h>
#include <xkbcommon/xkbcommon-names.h>

/* Windows keyboard layout ids (KLIDs) that clients send, and their xkb twins. */
static const struct rdp_keyboard_layout layouts[] = {
	{0x00000409, "US", "us", NULL},
	{0x00010409, "US Dvorak", "us", "dvorak"},
	{0x00020409, "US International", "us", "intl"},
	{0x00000809, "United Kingdom", "gb", NULL},
	{0x00001809, "Irish", "ie", NULL},
	{0x00000407, "German", "de", NULL},
	{0x00000c07, "German (Austria)", "at", NULL},
	{0x00000807, "Swiss German", "ch", NULL},
	{0x0000100c, "Swiss French", "ch", "fr"},
	{0x0000040c, "French", "fr", NULL},
	{0x0000080c, "Belgian French", "be", NULL},
	{0x00000813, "Belgian (Period)", "be", NULL},
	{0x00000c0c, "Canadian French (Legacy)", "ca", "fr-legacy"},
	{0x00001009, "Canadian French", "ca", NULL},
	{0x0000040a, "Spanish", "es", NULL},
	{0x00000c0a, "Spanish", "es", NULL},
	{0x0000080a, "Latin American", "latam", NULL},
	{0x00000410, "Italian", "it", NULL},
	{0x00000816, "Portuguese", "pt", NULL},
	{0x00000416, "Portuguese (Brazil ABNT)", "br", NULL},
	{0x00000413, "Dutch", "nl", NULL},
	{0x00000406, "Danish", "dk", NULL},
	{0x00000414, "Norwegian", "no", NULL},
	{0x0000041d, "Swedish", "se", NULL},
	{0x0000040b, "Finnish", "fi", NULL},
	{0x0000040f, "Icelandic", "is", NULL},
	{0x00000425, "Estonian", "ee", NULL},
	{0x00000426, "Latvian", "lv", NULL},
	{0x00000427, "Lithuanian", "lt", NULL},
	{0x00000415, "Polish (Programmers)", "pl", NULL},
	{0x00000405, "Czech", "cz", NULL},
	{0x0000041b, "Slovak", "sk", NULL},
	{0x0000040e, "Hungarian", "hu", NULL},
	{0x00000424, "Slovenian", "si", NULL},
	{0x0000041a, "Croatian", "hr", NULL},
	{0x00000418, "Romanian", "ro", NULL},
	{0x00000402, "Bulgarian", "bg", NULL},
	{0x00000419, "Russian", "ru", NULL},
	{0x00000422, "Ukrainian", "ua", NULL},
	{0x00000408, "Greek", "gr", NULL},
	{0x0000041f, "Turkish Q", "tr", NULL},
	{0x0001041f, "Turkish F", "tr", "f"},
	{0x0000040d, "Hebrew", "il", NULL},
	{0x00000401, "Arabic", "ara", NULL},
	{0x0000041e, "Thai", "th", NULL},
	{0x00000411, "Japanese", "jp", NULL},
	{0x00000412, "Korean", "kr", "kr104"},
	{0x00000804, "Chinese (Simplified)", "cn", NULL},
	{0x00000404, "Chinese (Traditional)", "tw", NULL},
};

const struct rdp_keyboard_layout *
rdp_keyboard_layouts(size_t *count)
{
	*count = sizeof layouts / sizeof layouts[0];
	return layouts;
}

const struct rdp_keyboard_layout *
rdp_keyboard_layout_find(uint32_t layout_id)
{
	for (size_t i = 0; i < sizeof layouts / sizeof layouts[0]; i++)
		if (layouts[i].id == layout_id)
			return &layouts[i];
	if (layout_id > 0xffff)
		return rdp_keyboard_layout_find(layout_id & 0xffff);
	return NULL;
}

const struct rdp_keyboard_layout *
rdp_keyboard_layout_for_locale(uint32_t hkl)
{
	const struct rdp_keyboard_layout *layout = rdp_keyboard_layout_find(hkl);
	uint32_t device = hkl >> 16;

	if (layout && layout->id == hkl)
		return layout;
	/* 0xExxx is an input method, 0xFxxx a layout only the client's registry can name */
	if (device != 0 && (device & 0xe000) != 0xe000) {
		layout = rdp_keyboard_layout_find(device);
		if (layout)
			return layout;
	}
	return rdp_keyboard_layout_find(hkl & 0xffff);
}

static bool
rdp_keymap_key_types(struct xkb_keymap *keymap, xkb_keycode_t kc, xkb_keysym_t keysym)
{
	const xkb_keysym_t *syms;

	return xkb_keymap_key_get_syms_by_level(keymap, kc, 0, 0, &syms) == 1 && syms[0] == keysym;
}

/*
 * A key whose plain level types @keysym, as an evdev code: @usual when it does
 * (keymaps also give modifiers to keys no keyboard has), else the first; 0 if none.
 */
static uint32_t
rdp_keymap_find_plain_key(struct xkb_keymap *keymap, xkb_keysym_t keysym, uint32_t usual)
{
	if (rdp_keymap_key_types(keymap, usual + 8, keysym))
		return usual;
	for (xkb_keycode_t kc = xkb_keymap_min_keycode(keymap);
	     kc <= xkb_keymap_max_keycode(keymap); kc++)
		if (kc >= 8 && rdp_keymap_key_types(keymap, kc, keysym))
			return kc - 8;
	return 0;
}

/*
 * The modifier keys that make up @mask, when it holds only Shift and the
 * level-three modifier; false for any other mask (Control, NumLock, ...).
 */
static bool
rdp_keymap_chord_modifiers(struct xkb_keymap *keymap, xkb_mod_mask_t mask,
			   struct rdp_key_chord *chord)
{
	xkb_mod_index_t shift = xkb_keymap_mod_get_index(keymap, XKB_MOD_NAME_SHIFT);
	xkb_mod_index_t level3 = xkb_keymap_mod_get_index(keymap, "Mod5");
	xkb_mod_mask_t shift_bit = shift == XKB_MOD_INVALID ? 0 : 1u << shift;
	xkb_mod_mask_t level3_bit = level3 == XKB_MOD_INVALID ? 0 : 1u << level3;
	uint32_t key;

	if (mask & ~(shift_bit | level3_bit))
		return false;
	chord->n_modifiers = 0;
	if (mask & shift_bit) {
		key = rdp_keymap_find_plain_key(keymap, XKB_KEY_Shift_L, KEY_LEFTSHIFT);
		if (!key)
			return false;
		chord->modifiers[chord->n_modifiers++] = key;
	}
	if (mask & level3_bit) {
		key = rdp_keymap_find_plain_key(keymap, XKB_KEY_ISO_Level3_Shift, KEY_RIGHTALT);
		if (!key)
			return false;
		chord->modifiers[chord->n_modifiers++] = key;
	}
	return true;
}

bool
rdp_keymap_find_char(struct xkb_keymap *keymap, uint32_t codepoint, struct rdp_key_chord *chord)
{
	xkb_keysym_t wanted = xkb_utf32_to_keysym(codepoint);

	if (wanted == XKB_KEY_NoSymbol)
		return false;
	/*
	 * Lower levels first: a plain key beats the same character behind Shift.
	 * Only keycodes X11 can carry (up to 255): Xwayland's apps never see the
	 * others, which keymaps fill with extra symbols (EuroSign at 443).
	 */
	for (xkb_level_index_t level = 0; level < 4; level++) {
		for (xkb_keycode_t kc = xkb_keymap_min_keycode(keymap);
		     kc <= xkb_keymap_max_keycode(keymap) && kc <= 255; kc++) {
			const xkb_keysym_t *syms;
			xkb_mod_mask_t masks[8];
			size_t n_masks;

			if (kc < 8 || level >= xkb_keymap_num_levels_for_key(keymap, kc, 0) ||
			    xkb_keymap_key_get_syms_by_level(keymap, kc, 0, level, &syms) != 1 ||
			    syms[0] != wanted)
				continue;
			n_masks = xkb_keymap_key_get_mods_for_level(keymap, kc, 0, level, masks, 8);
			for (size_t i = 0; i < n_masks; i++) {
				if (rdp_keymap_chord_modifiers(keymap, masks[i], chord)) {
					chord->key = kc - 8;
					return true;
				}
			}
		}
	}
	return false;
}
