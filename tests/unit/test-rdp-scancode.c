/*
 * Every key of a 105-key keyboard (and the media keys) as an RDP client sends
 * it, checked against the key names of xkeyboard-config's evdev keycodes: an
 * account independent of the table under test.
 */
#include <freerdp/input.h>
#include <linux/input-event-codes.h>

#include <xkbcommon/xkbcommon.h>

#include "rdp-scancode.h"
#include "tap.h"

#define E0 KBD_FLAGS_EXTENDED

struct key {
	uint16_t flags;
	uint8_t code;
	const char *xkb_name;
};

static const struct key keyboard[] = {
	/* the main block, row by row */
	{0, 0x01, "ESC"},
	{0, 0x3b, "FK01"},
	{0, 0x3c, "FK02"},
	{0, 0x3d, "FK03"},
	{0, 0x3e, "FK04"},
	{0, 0x3f, "FK05"},
	{0, 0x40, "FK06"},
	{0, 0x41, "FK07"},
	{0, 0x42, "FK08"},
	{0, 0x43, "FK09"},
	{0, 0x44, "FK10"},
	{0, 0x57, "FK11"},
	{0, 0x58, "FK12"},
	{0, 0x29, "TLDE"},
	{0, 0x02, "AE01"},
	{0, 0x03, "AE02"},
	{0, 0x04, "AE03"},
	{0, 0x05, "AE04"},
	{0, 0x06, "AE05"},
	{0, 0x07, "AE06"},
	{0, 0x08, "AE07"},
	{0, 0x09, "AE08"},
	{0, 0x0a, "AE09"},
	{0, 0x0b, "AE10"},
	{0, 0x0c, "AE11"},
	{0, 0x0d, "AE12"},
	{0, 0x0e, "BKSP"},
	{0, 0x0f, "TAB"},
	{0, 0x10, "AD01"},
	{0, 0x11, "AD02"},
	{0, 0x12, "AD03"},
	{0, 0x13, "AD04"},
	{0, 0x14, "AD05"},
	{0, 0x15, "AD06"},
	{0, 0x16, "AD07"},
	{0, 0x17, "AD08"},
	{0, 0x18, "AD09"},
	{0, 0x19, "AD10"},
	{0, 0x1a, "AD11"},
	{0, 0x1b, "AD12"},
	{0, 0x1c, "RTRN"},
	{0, 0x3a, "CAPS"},
	{0, 0x1e, "AC01"},
	{0, 0x1f, "AC02"},
	{0, 0x20, "AC03"},
	{0, 0x21, "AC04"},
	{0, 0x22, "AC05"},
	{0, 0x23, "AC06"},
	{0, 0x24, "AC07"},
	{0, 0x25, "AC08"},
	{0, 0x26, "AC09"},
	{0, 0x27, "AC10"},
	{0, 0x28, "AC11"},
	{0, 0x2b, "BKSL"},
	{0, 0x2a, "LFSH"},
	{0, 0x56, "LSGT"},
	{0, 0x2c, "AB01"},
	{0, 0x2d, "AB02"},
	{0, 0x2e, "AB03"},
	{0, 0x2f, "AB04"},
	{0, 0x30, "AB05"},
	{0, 0x31, "AB06"},
	{0, 0x32, "AB07"},
	{0, 0x33, "AB08"},
	{0, 0x34, "AB09"},
	{0, 0x35, "AB10"},
	{0, 0x36, "RTSH"},
	{0, 0x1d, "LCTL"},
	{E0, 0x5b, "LWIN"},
	{0, 0x38, "LALT"},
	{0, 0x39, "SPCE"},
	{E0, 0x38, "RALT"},
	{E0, 0x5c, "RWIN"},
	{E0, 0x5d, "COMP"},
	{E0, 0x1d, "RCTL"},
	/* Print Screen, Scroll Lock, the navigation block and the arrows */
	{E0, 0x37, "PRSC"},
	{0, 0x46, "SCLK"},
	{E0, 0x52, "INS"},
	{E0, 0x47, "HOME"},
	{E0, 0x49, "PGUP"},
	{E0, 0x53, "DELE"},
	{E0, 0x4f, "END"},
	{E0, 0x51, "PGDN"},
	{E0, 0x48, "UP"},
	{E0, 0x4b, "LEFT"},
	{E0, 0x50, "DOWN"},
	{E0, 0x4d, "RGHT"},
	/* the keypad */
	{0, 0x45, "NMLK"},
	{E0, 0x35, "KPDV"},
	{0, 0x37, "KPMU"},
	{0, 0x4a, "KPSU"},
	{0, 0x47, "KP7"},
	{0, 0x48, "KP8"},
	{0, 0x49, "KP9"},
	{0, 0x4e, "KPAD"},
	{0, 0x4b, "KP4"},
	{0, 0x4c, "KP5"},
	{0, 0x4d, "KP6"},
	{0, 0x4f, "KP1"},
	{0, 0x50, "KP2"},
	{0, 0x51, "KP3"},
	{E0, 0x1c, "KPEN"},
	{0, 0x52, "KP0"},
	{0, 0x53, "KPDL"},
	/* Japanese, Brazilian and Korean keys, F13-F24, media keys */
	{0, 0x73, "AB11"},
	{0, 0x7d, "AE13"},
	{0, 0x79, "HENK"},
	{0, 0x7b, "MUHE"},
	{0, 0x70, "HKTG"},
	{0, 0x72, "HNGL"},
	{0, 0x71, "HJCV"},
	{0, 0x64, "FK13"},
	{0, 0x76, "FK24"},
	{E0, 0x20, "MUTE"},
	{E0, 0x2e, "VOL-"},
	{E0, 0x30, "VOL+"},
	{E0, 0x5e, "POWR"},
};

static void
test_keyboard(struct tap *t, struct xkb_keymap *keymap)
{
	for (size_t i = 0; i < sizeof keyboard / sizeof keyboard[0]; i++) {
		const struct key *k = &keyboard[i];
		struct rdp_scancode_state state = {0};
		xkb_keycode_t expected = xkb_keymap_key_by_name(keymap, k->xkb_name);
		uint32_t down = rdp_scancode_to_evdev(&state, k->flags | KBD_FLAGS_DOWN, k->code);
		uint32_t up = rdp_scancode_to_evdev(&state, k->flags | KBD_FLAGS_RELEASE, k->code);

		TAP_CHECK(t, expected != XKB_KEYCODE_INVALID && down + 8 == expected && up == down,
			  "scancode %s%02x is <%s> (evdev %u, got %u)", k->flags ? "e0 " : "",
			  k->code, k->xkb_name, expected - 8, down);
	}
}

static void
test_pause(struct tap *t)
{
	struct rdp_scancode_state state = {0};
	uint32_t keys[4];

	/* as mstsc and xfreerdp send it: E1 1D, 45 down, then both up */
	keys[0] = rdp_scancode_to_evdev(&state, KBD_FLAGS_EXTENDED1 | KBD_FLAGS_DOWN, 0x1d);
	keys[1] = rdp_scancode_to_evdev(&state, KBD_FLAGS_DOWN, 0x45);
	keys[2] = rdp_scancode_to_evdev(&state, KBD_FLAGS_EXTENDED1 | KBD_FLAGS_RELEASE, 0x1d);
	keys[3] = rdp_scancode_to_evdev(&state, KBD_FLAGS_RELEASE, 0x45);
	TAP_CHECK(t, !keys[0] && keys[1] == KEY_PAUSE && !keys[2] && keys[3] == KEY_PAUSE,
		  "Pause is E1 1D then 45 (got %u %u %u %u)", keys[0], keys[1], keys[2], keys[3]);
	TAP_CHECK(t, rdp_scancode_to_evdev(&state, KBD_FLAGS_DOWN, 0x45) == KEY_NUMLOCK,
		  "45 alone after a Pause is Num Lock");
	TAP_CHECK(t, rdp_scancode_to_evdev(&state, E0 | KBD_FLAGS_DOWN, 0x46) == KEY_PAUSE,
		  "Ctrl+Break (E0 46) is Pause");
}

static void
test_nonsense(struct tap *t)
{
	struct rdp_scancode_state state = {0};
	uint32_t any = 0;

	/* every code a hostile client may send: none above the byte, none out of the tables */
	for (uint32_t flags = 0; flags <= 0x3; flags++)
		for (uint32_t code = 0; code <= 0xffff; code++) {
			uint32_t key = rdp_scancode_to_evdev(&state, flags << 8, code);

			if (code > 0x7f && key)
				any++;
			if (key > KEY_MAX)
				any++;
		}
	TAP_CHECK(t, any == 0, "no scancode above 0x7f and no code beyond KEY_MAX (%u)", any);
	TAP_CHECK(t, rdp_scancode_to_evdev(&state, E0, 0x2a) == 0,
		  "E0 2A (a fake shift) is no key");
}

int
main(void)
{
	struct tap t = {0};
	struct xkb_context *xkb = xkb_context_new(XKB_CONTEXT_NO_FLAGS);
	struct xkb_rule_names names = {.rules = "evdev", .model = "pc105", .layout = "us"};
	struct xkb_keymap *keymap =
		xkb ? xkb_keymap_new_from_names(xkb, &names, XKB_KEYMAP_COMPILE_NO_FLAGS) : NULL;

	TAP_CHECK(&t, keymap != NULL, "the us keymap of xkeyboard-config builds");
	if (keymap)
		test_keyboard(&t, keymap);
	test_pause(&t);
	test_nonsense(&t);
	xkb_keymap_unref(keymap);
	xkb_context_unref(xkb);
	return tap_finish(&t);
}
