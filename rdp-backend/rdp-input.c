/*
 * Input from the peer: RDP scancodes to evdev keys (rdp-scancode.c) in the
 * keymap of the client's layout, unicode characters as the keys that type
 * them, lock keys as the client has them, absolute pointer motion on the
 * client's desktop (all outputs), buttons 1-5 and wheels.
 */
#include <linux/input-event-codes.h>

#include <freerdp/input.h>
#include <freerdp/settings.h>

#include "log.h"
#include "porthole-compositor.h"
#include "rdp-internal.h"
#include "rdp-keymap.h"
#include "rdp-scancode.h"

static struct rdp_peer *
rdp_input_peer(rdpInput *input)
{
	return ((struct rdp_peer_context *)input->context)->peer;
}

/*
 * The client's coordinates are its desktop's pixels; libweston keeps the
 * pointer on an output. At a scale above 1 a pixel is a fraction of a global
 * unit, which surfaces drawn at that scale tell apart.
 */
static void
rdp_input_move(struct rdp_peer *peer, UINT16 x, UINT16 y)
{
	double scale = peer->scale > 0 ? peer->scale : 1;

	if (peer->rail)
		rdp_rail_pointer_at(peer->rail, peer->desktop.x + x, peer->desktop.y + y);
	pc_input_pointer_move(peer->server->compositor, (peer->desktop.x + x) / scale,
			      (peer->desktop.y + y) / scale);
}

static void
rdp_input_wheel(struct rdp_peer *peer, UINT16 flags, uint32_t axis)
{
	int value = flags & WheelRotationMask;

	/* A rotation is a 9-bit two's complement; 120 units make one notch. */
	if (flags & PTR_FLAGS_WHEEL_NEGATIVE)
		value -= 0x200;
	pc_input_pointer_axis(peer->server->compositor, axis, -value * 10.0 / 120.0,
			      value > 0 ? -1 : 1);
}

static BOOL
rdp_input_handle_mouse(rdpInput *input, UINT16 flags, UINT16 x, UINT16 y)
{
	struct rdp_peer *peer = rdp_input_peer(input);
	uint32_t button = 0;

	if (!peer->activated)
		return TRUE;
	if (flags & PTR_FLAGS_WHEEL) {
		rdp_input_wheel(peer, flags, WL_POINTER_AXIS_VERTICAL_SCROLL);
		return TRUE;
	}
	if (flags & PTR_FLAGS_HWHEEL) {
		rdp_input_wheel(peer, flags, WL_POINTER_AXIS_HORIZONTAL_SCROLL);
		return TRUE;
	}
	rdp_input_move(peer, x, y);
	if (flags & PTR_FLAGS_BUTTON1)
		button = BTN_LEFT;
	else if (flags & PTR_FLAGS_BUTTON2)
		button = BTN_RIGHT;
	else if (flags & PTR_FLAGS_BUTTON3)
		button = BTN_MIDDLE;
	if (button)
		pc_input_pointer_button(peer->server->compositor, button,
					(flags & PTR_FLAGS_DOWN) != 0);
	return TRUE;
}

static BOOL
rdp_input_handle_extended_mouse(rdpInput *input, UINT16 flags, UINT16 x, UINT16 y)
{
	struct rdp_peer *peer = rdp_input_peer(input);

	if (!peer->activated)
		return TRUE;
	rdp_input_move(peer, x, y);
	if (flags & (PTR_XFLAGS_BUTTON1 | PTR_XFLAGS_BUTTON2))
		pc_input_pointer_button(peer->server->compositor,
					(flags & PTR_XFLAGS_BUTTON1) ? BTN_SIDE : BTN_EXTRA,
					(flags & PTR_XFLAGS_DOWN) != 0);
	return TRUE;
}

static BOOL
rdp_input_handle_keyboard(rdpInput *input, UINT16 flags, UINT16 code)
{
	struct rdp_peer *peer = rdp_input_peer(input);
	uint32_t key;

	if (!peer->activated)
		return TRUE;
	key = rdp_scancode_to_evdev(&peer->scancodes, flags, code);
	if (key)
		pc_input_key(peer->server->compositor, key, !(flags & KBD_FLAGS_RELEASE));
	else if (!(flags & KBD_FLAGS_EXTENDED1))
		log_scope(peer->server->scopes->input, "scancode 0x%02x%s%s is no key; dropped\n",
			  code, (flags & KBD_FLAGS_EXTENDED) ? " (E0)" : "",
			  (flags & KBD_FLAGS_RELEASE) ? " released" : "");
	return TRUE;
}

/* Types one character: the key of the current keymap that makes it, with its modifiers. */
static void
rdp_input_type_char(struct rdp_peer *peer, uint32_t codepoint)
{
	struct pc_compositor *compositor = peer->server->compositor;
	struct xkb_keymap *keymap = pc_input_get_keymap(compositor);
	struct rdp_key_chord chord;

	if (!keymap || !rdp_keymap_find_char(keymap, codepoint, &chord)) {
		log_scope(peer->server->scopes->input,
			  "no key of the keymap types U+%04X; dropped\n", codepoint);
		return;
	}
	for (int i = 0; i < chord.n_modifiers; i++)
		pc_input_key(compositor, chord.modifiers[i], true);
	pc_input_key(compositor, chord.key, true);
	pc_input_key(compositor, chord.key, false);
	for (int i = chord.n_modifiers - 1; i >= 0; i--)
		pc_input_key(compositor, chord.modifiers[i], false);
}

static BOOL
rdp_input_handle_unicode(rdpInput *input, UINT16 flags, UINT16 code)
{
	struct rdp_peer *peer = rdp_input_peer(input);
	uint32_t codepoint = code;

	/* a press types the character whole; its release has nothing left to do */
	if (!peer->activated || (flags & KBD_FLAGS_RELEASE))
		return TRUE;
	/* UTF-16: a character beyond the BMP comes as two events */
	if (code >= 0xd800 && code < 0xdc00) {
		peer->unicode_high_surrogate = code;
		return TRUE;
	}
	if (code >= 0xdc00 && code < 0xe000) {
		if (!peer->unicode_high_surrogate)
			return TRUE;
		codepoint = 0x10000 + (((uint32_t)peer->unicode_high_surrogate - 0xd800) << 10) +
			    (code - 0xdc00);
	}
	peer->unicode_high_surrogate = 0;
	rdp_input_type_char(peer, codepoint);
	return TRUE;
}

/* The client's Caps Lock and Num Lock, sent when its window gains focus. */
static BOOL
rdp_input_handle_synchronize(rdpInput *input, UINT32 flags)
{
	struct rdp_peer *peer = rdp_input_peer(input);

	log_scope(peer->server->scopes->input, "lock keys of %s: Caps Lock %s, Num Lock %s\n",
		  peer->client->hostname, (flags & KBD_SYNC_CAPS_LOCK) ? "on" : "off",
		  (flags & KBD_SYNC_NUM_LOCK) ? "on" : "off");
	if (peer->activated)
		pc_input_set_locks(peer->server->compositor, flags & KBD_SYNC_CAPS_LOCK,
				   flags & KBD_SYNC_NUM_LOCK);
	return TRUE;
}

void
rdp_input_follow_layout(struct rdp_peer *peer, uint32_t id,
			const struct rdp_keyboard_layout *layout)
{
	const char *client = peer->client->hostname;

	if (!layout) {
		weston_log("rdp: %s's keyboard layout 0x%08x is not in Porthole's table; the "
			   "keymap stays; set [keyboard] keymap_layout to choose one\n",
			   client, id);
		return;
	}
	switch (pc_input_follow_layout(peer->server->compositor, layout->xkb_layout,
				       layout->xkb_variant)) {
	case PC_KEYMAP_CONFIGURED:
		weston_log("rdp: %s's keyboard layout 0x%08x left aside: the config sets "
			   "[keyboard] keymap_layout\n",
			   client, id);
		break;
	case PC_KEYMAP_FAILED:
		weston_log("rdp: the keymap for %s's layout %s (xkb %s) does not build; the keymap "
			   "stays\n",
			   client, layout->name, layout->xkb_layout);
		break;
	case PC_KEYMAP_UNCHANGED:
		log_scope(peer->server->scopes->input, "rdp: keyboard of %s: %s again\n", client,
			  layout->name);
		break;
	case PC_KEYMAP_CHANGED:
		weston_log("rdp: keyboard of %s: %s (0x%08x), xkb layout %s%s%s\n", client,
			   layout->name, id, layout->xkb_layout,
			   layout->xkb_variant ? " variant " : "",
			   layout->xkb_variant ? layout->xkb_variant : "");
		break;
	}
}

void
rdp_input_follow_client_layout(struct rdp_peer *peer)
{
	UINT32 id = freerdp_settings_get_uint32(peer->client->context->settings,
						FreeRDP_KeyboardLayout);

	rdp_input_follow_layout(peer, id, rdp_keyboard_layout_find(id));
}

void
rdp_input_init(struct rdp_peer *peer)
{
	rdpInput *input = peer->client->context->input;

	input->MouseEvent = rdp_input_handle_mouse;
	input->ExtendedMouseEvent = rdp_input_handle_extended_mouse;
	input->KeyboardEvent = rdp_input_handle_keyboard;
	input->SynchronizeEvent = rdp_input_handle_synchronize;
	input->UnicodeKeyboardEvent = rdp_input_handle_unicode;
}
