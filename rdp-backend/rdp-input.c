/*
 * Input from the peer: RDP scancodes to evdev keys (through WinPR's tables),
 * absolute pointer motion on the first output, buttons 1-5 and wheels.
 */
#include <linux/input-event-codes.h>

#include <freerdp/input.h>
#include <libweston/libweston.h>
#include <winpr/input.h>

#include "compositor-internal.h"
#include "libweston-seat-abi.h"
#include "output.h"
#include "rdp-internal.h"
#include "seat.h"

static struct rdp_peer *
rdp_input_peer(rdpInput *input)
{
	return ((struct rdp_peer_context *)input->context)->peer;
}

static void
rdp_input_move(struct rdp_peer *peer, UINT16 x, UINT16 y)
{
	struct weston_output *output = output_manager_get(peer->server->ctx->outputs, 0);

	if (output)
		pc_seat_pointer_move(peer->server->ctx->seat, output->x + x, output->y + y);
}

static void
rdp_input_wheel(struct rdp_peer *peer, UINT16 flags, uint32_t axis)
{
	struct weston_seat *seat = pc_seat_get_weston_seat(peer->server->ctx->seat);
	struct weston_pointer_axis_event event = {0};
	struct timespec now;
	int value = flags & WheelRotationMask;

	/* A rotation is a 9-bit two's complement; 120 units make one notch. */
	if (flags & PTR_FLAGS_WHEEL_NEGATIVE)
		value -= 0x200;
	clock_gettime(CLOCK_MONOTONIC, &now);
	event.axis = axis;
	event.value = -value * 10.0 / 120.0;
	event.has_discrete = true;
	event.discrete = value > 0 ? -1 : 1;
	notify_axis(seat, &now, &event);
	notify_pointer_frame(seat);
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
		pc_seat_pointer_button(peer->server->ctx->seat, button,
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
		pc_seat_pointer_button(peer->server->ctx->seat,
				       (flags & PTR_XFLAGS_BUTTON1) ? BTN_SIDE : BTN_EXTRA,
				       (flags & PTR_XFLAGS_DOWN) != 0);
	return TRUE;
}

static BOOL
rdp_input_handle_keyboard(rdpInput *input, UINT16 flags, UINT16 code)
{
	struct rdp_peer *peer = rdp_input_peer(input);
	DWORD scancode = code, vk, keycode;

	if (!peer->activated)
		return TRUE;
	if (flags & KBD_FLAGS_EXTENDED)
		scancode |= KBDEXT;
	vk = GetVirtualKeyCodeFromVirtualScanCode(scancode, 4);
	/* WinPR answers X keycodes: evdev + 8 */
	keycode = GetKeycodeFromVirtualKeyCode(vk, KEYCODE_TYPE_EVDEV);
	if (keycode < 8)
		return TRUE;
	pc_seat_key(peer->server->ctx->seat, keycode - 8, !(flags & KBD_FLAGS_RELEASE));
	return TRUE;
}

static BOOL
rdp_input_handle_synchronize(rdpInput *input, UINT32 flags)
{
	return TRUE;
}

void
rdp_input_init(struct rdp_peer *peer)
{
	rdpInput *input = peer->client->context->input;

	input->MouseEvent = rdp_input_handle_mouse;
	input->ExtendedMouseEvent = rdp_input_handle_extended_mouse;
	input->KeyboardEvent = rdp_input_handle_keyboard;
	input->SynchronizeEvent = rdp_input_handle_synchronize;
}
