/* Xwayland's stderr into the log: xkbcomp's keycode warning goes, the rest stays. */
#include "tap.h"
#include "xwayland-log.h"

static int
kept(struct xwayland_log_filter *filter, const char *const *lines)
{
	int n = 0;

	for (; *lines; lines++)
		n += xwayland_log_keep_line(filter, *lines);
	return n;
}

int
main(void)
{
	struct tap t = {0};
	struct xwayland_log_filter filter = {0};
	static const char *const keycode_warning[] = {
		"The XKEYBOARD keymap compiler (xkbcomp) reports:",
		"> Warning:          Unsupported maximum keycode 708, clipping.",
		">                   X11 cannot support keycodes above 255.",
		"Errors from xkbcomp are not fatal to the X server",
		NULL,
	};
	static const char *const other_warning[] = {
		"The XKEYBOARD keymap compiler (xkbcomp) reports:",
		"> Warning:          Unsupported maximum keycode 708, clipping.",
		"> Error:            Symbol \"foo\" is not defined",
		"Errors from xkbcomp are not fatal to the X server",
		NULL,
	};
	static const char *const plain[] = {"(EE) failed to open /dev/dri/card0", NULL};

	TAP_CHECK(&t, kept(&filter, keycode_warning) == 0,
		  "xkbcomp's report of the keycode warning alone is dropped");
	TAP_CHECK(&t, kept(&filter, other_warning) == 2,
		  "a report with news keeps the news and its last line");
	TAP_CHECK(&t, kept(&filter, plain) == 1, "other lines are kept");
	TAP_CHECK(&t, kept(&filter, keycode_warning) == 0, "and the next report is judged afresh");
	return tap_finish(&t);
}
