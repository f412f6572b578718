#include "rdp-scancode.h"

#include <linux/input-event-codes.h>

#include <freerdp/input.h>

/*
 * Scancodes without a prefix from 0x01 (Esc) to 0x58 (F12) equal their evdev
 * codes; these are the ones above, from the keyboards clients have: F13-F24,
 * the Japanese and Brazilian keys (keyboard types 7 and 4 agree on them) and
 * Korean Hanja/Hangul.
 */
static const uint16_t plain_high[0x80] = {
	[0x54] = KEY_SYSRQ, /* Alt+Print Screen */
	[0x59] = KEY_KPEQUAL,
	[0x64] = KEY_F13,
	[0x65] = KEY_F14,
	[0x66] = KEY_F15,
	[0x67] = KEY_F16,
	[0x68] = KEY_F17,
	[0x69] = KEY_F18,
	[0x6a] = KEY_F19,
	[0x6b] = KEY_F20,
	[0x6c] = KEY_F21,
	[0x6d] = KEY_F22,
	[0x6e] = KEY_F23,
	[0x70] = KEY_KATAKANAHIRAGANA,
	[0x71] = KEY_HANJA,
	[0x72] = KEY_HANGEUL,
	[0x73] = KEY_RO,
	[0x76] = KEY_F24,
	[0x79] = KEY_HENKAN,
	[0x7b] = KEY_MUHENKAN,
	[0x7d] = KEY_YEN,
	[0x7e] = KEY_KPJPCOMMA,
};

/* E0 keys. E0 2A and E0 36 (the fake shifts some keyboards wrap around keys) map to none. */
static const uint16_t extended[0x80] = {
	[0x10] = KEY_PREVIOUSSONG, [0x19] = KEY_NEXTSONG,  [0x1c] = KEY_KPENTER,
	[0x1d] = KEY_RIGHTCTRL,    [0x20] = KEY_MUTE,      [0x21] = KEY_CALC,
	[0x22] = KEY_PLAYPAUSE,    [0x24] = KEY_STOPCD,    [0x2e] = KEY_VOLUMEDOWN,
	[0x30] = KEY_VOLUMEUP,     [0x32] = KEY_HOMEPAGE,  [0x35] = KEY_KPSLASH,
	[0x37] = KEY_SYSRQ,    /* Print Screen */
	[0x38] = KEY_RIGHTALT, /* AltGr on layouts that have it */
	[0x46] = KEY_PAUSE,    /* Ctrl+Break */
	[0x47] = KEY_HOME,         [0x48] = KEY_UP,        [0x49] = KEY_PAGEUP,
	[0x4b] = KEY_LEFT,         [0x4d] = KEY_RIGHT,     [0x4f] = KEY_END,
	[0x50] = KEY_DOWN,         [0x51] = KEY_PAGEDOWN,  [0x52] = KEY_INSERT,
	[0x53] = KEY_DELETE,       [0x5b] = KEY_LEFTMETA,  [0x5c] = KEY_RIGHTMETA,
	[0x5d] = KEY_COMPOSE, /* the menu key */
	[0x5e] = KEY_POWER,        [0x5f] = KEY_SLEEP,     [0x63] = KEY_WAKEUP,
	[0x65] = KEY_SEARCH,       [0x66] = KEY_BOOKMARKS, [0x67] = KEY_REFRESH,
	[0x68] = KEY_STOP,         [0x69] = KEY_FORWARD,   [0x6a] = KEY_BACK,
	[0x6b] = KEY_COMPUTER,     [0x6c] = KEY_MAIL,      [0x6d] = KEY_MEDIA,
};

uint32_t
rdp_scancode_to_evdev(struct rdp_scancode_state *state, uint16_t flags, uint16_t code)
{
	/* the byte is all there is; a client may not set bits above it */
	uint8_t byte = code & 0xff;

	if (code > 0xff)
		return 0;
	if (flags & KBD_FLAGS_EXTENDED1) {
		/* Pause: E1 1D, then 45 (Num Lock's scancode), for the press and the release */
		state->pause_prefix = byte == 0x1d;
		return 0;
	}
	if (state->pause_prefix) {
		state->pause_prefix = false;
		if (byte == 0x45 && !(flags & KBD_FLAGS_EXTENDED))
			return KEY_PAUSE;
	}
	if (byte >= 0x80)
		return 0; /* the release bit of a scancode: clients use KBD_FLAGS_RELEASE */
	if (flags & KBD_FLAGS_EXTENDED)
		return extended[byte];
	if (byte >= 0x01 && byte <= 0x58 && byte != 0x54 && byte != 0x55)
		return byte;
	return plain_high[byte];
}
