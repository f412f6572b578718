/* The client's layout id as xkb names, and characters as keys, on xkeyboard-config's keymaps. */
#include <linux/input-event-codes.h>
#include <stdlib.h>
#include <string.h>

#include <xkbcommon/xkbcommon.h>

#include "rdp-keymap.h"
#include "tap.h"

static struct xkb_keymap *
keymap_for(struct xkb_context *xkb, const struct rdp_keyboard_layout *layout)
{
	struct xkb_rule_names names = {
		.rules = "evdev",
		.model = "pc105",
		.layout = layout->xkb_layout,
		.variant = layout->xkb_variant,
	};

	return xkb_keymap_new_from_names(xkb, &names, XKB_KEYMAP_COMPILE_NO_FLAGS);
}

static bool
chord_is(const struct rdp_key_chord *chord, uint32_t key, int n_modifiers, uint32_t m0, uint32_t m1)
{
	return chord->key == key && chord->n_modifiers == n_modifiers &&
	       (n_modifiers < 1 || chord->modifiers[0] == m0) &&
	       (n_modifiers < 2 || chord->modifiers[1] == m1);
}

static void
test_layouts(struct tap *t, struct xkb_context *xkb)
{
	static const uint32_t required[] = {0x409, 0x809, 0x407, 0x40c, 0x40a,
					    0x410, 0x411, 0x412, 0x419};
	size_t n_layouts;
	const struct rdp_keyboard_layout *layouts = rdp_keyboard_layouts(&n_layouts);
	const struct rdp_keyboard_layout *l;
	size_t compiled = 0;

	for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
		TAP_CHECK(t, rdp_keyboard_layout_find(required[i]) != NULL,
			  "layout 0x%04x is in the table", required[i]);
	for (size_t i = 0; i < n_layouts; i++) {
		struct xkb_keymap *keymap;

		l = &layouts[i];
		keymap = keymap_for(xkb, l);
		if (keymap)
			compiled++;
		else
			printf("# %s (%s%s%s) does not compile\n", l->name, l->xkb_layout,
			       l->xkb_variant ? "/" : "", l->xkb_variant ? l->xkb_variant : "");
		xkb_keymap_unref(keymap);
	}
	TAP_CHECK(t, compiled == n_layouts,
		  "every layout in the table is a keymap xkeyboard-config builds (%zu of %zu)",
		  compiled, n_layouts);
	l = rdp_keyboard_layout_find(0xe0010411);
	TAP_CHECK(t, l && strcmp(l->xkb_layout, "jp") == 0, "Japanese IME 0xE0010411 is jp");
	l = rdp_keyboard_layout_find(0x00010409);
	TAP_CHECK(t, l && l->xkb_variant && strcmp(l->xkb_variant, "dvorak") == 0,
		  "US Dvorak is its own variant, not plain us");
	TAP_CHECK(t, rdp_keyboard_layout_find(0x1234) == NULL, "an unknown id finds nothing");

	l = rdp_keyboard_layout_for_locale(0x04070409);
	TAP_CHECK(t, l && l->id == 0x407, "locale 0x04070409 (German keys, US English) is German");
	l = rdp_keyboard_layout_for_locale(0x04070407);
	TAP_CHECK(t, l && l->id == 0x407, "locale 0x04070407 is German");
	l = rdp_keyboard_layout_for_locale(0xe0010411);
	TAP_CHECK(t, l && l->id == 0x411, "an input method's locale 0xE0010411 is its language's");
	l = rdp_keyboard_layout_for_locale(0xf0020409);
	TAP_CHECK(t, l && l->id == 0x409, "a registry-named layout 0xF0020409 is its language's");
	l = rdp_keyboard_layout_for_locale(0x00010409);
	TAP_CHECK(t, l && l->id == 0x00010409, "a plain layout id 0x00010409 is taken as it is");
	TAP_CHECK(t, rdp_keyboard_layout_for_locale(0x12341234) == NULL,
		  "an unknown locale finds nothing");
}

static void
test_chars(struct tap *t, struct xkb_context *xkb)
{
	struct xkb_keymap *us = keymap_for(xkb, rdp_keyboard_layout_find(0x409));
	struct xkb_keymap *de = keymap_for(xkb, rdp_keyboard_layout_find(0x407));
	struct xkb_keymap *ru = keymap_for(xkb, rdp_keyboard_layout_find(0x419));
	struct rdp_key_chord c;

	TAP_CHECK(t, rdp_keymap_find_char(us, 'a', &c) && chord_is(&c, KEY_A, 0, 0, 0),
		  "us: a is KEY_A");
	TAP_CHECK(t, rdp_keymap_find_char(us, 'A', &c) && chord_is(&c, KEY_A, 1, KEY_LEFTSHIFT, 0),
		  "us: A is Shift+KEY_A");

	TAP_CHECK(t, !rdp_keymap_find_char(us, 0x00e4, &c), "us: no key types a-umlaut");
	TAP_CHECK(t, rdp_keymap_find_char(de, 0x00e4, &c) && chord_is(&c, KEY_APOSTROPHE, 0, 0, 0),
		  "de: a-umlaut is the key right of L");
	TAP_CHECK(t, rdp_keymap_find_char(de, 'z', &c) && chord_is(&c, KEY_Y, 0, 0, 0),
		  "de: z is where us has Y");
	TAP_CHECK(t, rdp_keymap_find_char(de, '@', &c) && chord_is(&c, KEY_Q, 1, KEY_RIGHTALT, 0),
		  "de: @ is AltGr+Q");
	TAP_CHECK(t,
		  rdp_keymap_find_char(de, 0x20ac, &c) && chord_is(&c, KEY_E, 1, KEY_RIGHTALT, 0),
		  "de: the euro sign is AltGr+E");
	TAP_CHECK(t, rdp_keymap_find_char(ru, 0x0436, &c) && chord_is(&c, KEY_SEMICOLON, 0, 0, 0),
		  "ru: Cyrillic zhe is the key right of L");
	TAP_CHECK(t, !rdp_keymap_find_char(ru, 0x1f600, &c), "ru: no key types an emoji");
	xkb_keymap_unref(us);
	xkb_keymap_unref(de);
	xkb_keymap_unref(ru);
}

int
main(void)
{
	struct tap t = {0};
	struct xkb_context *xkb = xkb_context_new(XKB_CONTEXT_NO_FLAGS);

	TAP_CHECK(&t, xkb != NULL, "an xkb context");
	if (!xkb)
		return tap_finish(&t);
	test_layouts(&t, xkb);
	test_chars(&t, xkb);
	xkb_context_unref(xkb);
	return tap_finish(&t);
}
