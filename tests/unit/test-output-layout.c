#include <string.h>

#include "porthole-compositor.h"
#include "tap.h"

static struct output_monitor
monitor(int64_t x, int64_t y, int64_t width, int64_t height, bool primary)
{
	return (struct output_monitor){x, y, width, height, primary};
}

static bool
rect_is(const struct output_rect *r, int x, int y, int width, int height)
{
	return r->x == x && r->y == y && r->width == width && r->height == height;
}

int
main(void)
{
	struct tap t = {0};
	struct output_layout layout, same;
	struct output_monitor m[OUTPUT_LAYOUT_MAX + 1];
	char why[128] = "", text[256];
	int width, height;

	/* xfreerdp /multimon, the primary on the right: others sit at negative x */
	m[0] = monitor(-1024, 0, 1024, 768, false);
	m[1] = monitor(0, 100, 800, 600, true);
	TAP_CHECK(&t, output_layout_from_monitors(&layout, m, 2, why, sizeof why) == 0,
		  "a primary right of another is taken (%s)", why);
	TAP_CHECK(&t,
		  layout.n == 2 && rect_is(&layout.rects[0], 1024, 100, 800, 600) &&
			  rect_is(&layout.rects[1], 0, 0, 1024, 768),
		  "the primary first, the desktop's top-left at 0,0: %s",
		  output_layout_describe(&layout, text, sizeof text));
	output_layout_size(&layout, &width, &height);
	TAP_CHECK(&t, width == 1824 && height == 768, "the desktop spans %dx%d", width, height);
	same = layout;
	TAP_CHECK(&t, output_layout_equal(&layout, &same), "a layout equals its copy");
	same.rects[1].y = 1;
	TAP_CHECK(&t, !output_layout_equal(&layout, &same), "a moved monitor is a new layout");
	TAP_CHECK(&t,
		  strcmp(output_layout_describe(&layout, text, sizeof text),
			 "800x600+1024+100, 1024x768+0+0") == 0,
		  "described as \"%s\"", text);

	/* HiDPI: the primary's desktop scale is the layout's; nonsense is none */
	m[0].scale_percent = 100;
	m[1].scale_percent = 200;
	TAP_CHECK(&t,
		  output_layout_from_monitors(&layout, m, 2, why, sizeof why) == 0 &&
			  layout.scale_percent == 200 && !output_layout_equal(&layout, &same),
		  "the primary monitor's 200 %% is the layout's scale (%s), and a new layout",
		  output_layout_describe(&layout, text, sizeof text));
	TAP_CHECK(&t, strstr(text, " at 200 %") != NULL, "the scale is described: %s", text);
	m[1].scale_percent = 50;
	TAP_CHECK(&t,
		  output_layout_from_monitors(&layout, m, 2, why, sizeof why) == 0 &&
			  layout.scale_percent == 0,
		  "a 50 %% scale is no scale");
	m[1].mm_width = 600;
	m[1].mm_height = 340;
	m[0].mm_width = 5;
	m[0].mm_height = 300;
	TAP_CHECK(&t,
		  output_layout_from_monitors(&layout, m, 2, why, sizeof why) == 0 &&
			  layout.mm[0][0] == 600 && layout.mm[0][1] == 340 &&
			  layout.mm[1][0] == 0 && layout.mm[1][1] == 0,
		  "physical sizes follow their monitors; 5 mm wide is no size");
	m[0].mm_width = m[0].mm_height = m[1].mm_width = m[1].mm_height = 0;
	TAP_CHECK(&t,
		  output_scale_percent_valid(100) == 100 &&
			  output_scale_percent_valid(500) == 500 &&
			  output_scale_percent_valid(501) == 0 &&
			  output_scale_percent_valid((int64_t)1 << 40) == 0,
		  "desktop scales are 100..500 %%");

	/* no primary flag: the first is the first output */
	m[0] = monitor(0, 0, 640, 480, false);
	m[1] = monitor(0, 480, 640, 480, false);
	TAP_CHECK(&t,
		  output_layout_from_monitors(&layout, m, 2, why, sizeof why) == 0 &&
			  rect_is(&layout.rects[0], 0, 0, 640, 480) &&
			  rect_is(&layout.rects[1], 0, 480, 640, 480),
		  "stacked monitors without a primary keep their order");

	/* what a client must not get away with */
	m[1] = monitor(600, 0, 640, 480, false);
	TAP_CHECK(&t,
		  output_layout_from_monitors(&layout, m, 2, why, sizeof why) < 0 &&
			  strstr(why, "overlap") && layout.n == 0,
		  "overlapping monitors are refused (%s)", why);
	m[1] = monitor(640, 0, 0, 480, false);
	TAP_CHECK(&t, output_layout_from_monitors(&layout, m, 2, why, sizeof why) < 0,
		  "an empty monitor is refused (%s)", why);
	m[1] = monitor(640, 0, 4294967295LL, 480, false);
	TAP_CHECK(&t, output_layout_from_monitors(&layout, m, 2, why, sizeof why) < 0,
		  "a monitor wider than an output can be is refused (%s)", why);
	m[1] = monitor(-2000000000LL, 0, 640, 480, true);
	TAP_CHECK(&t, output_layout_from_monitors(&layout, m, 2, why, sizeof why) < 0,
		  "a monitor far out is refused (%s)", why);
	m[0] = monitor(0, 0, 16384, 480, true);
	m[1] = monitor(16384, 0, 640, 480, false);
	TAP_CHECK(&t, output_layout_from_monitors(&layout, m, 2, why, sizeof why) < 0,
		  "a desktop wider than the compositor's space is refused (%s)", why);
	for (int i = 0; i <= OUTPUT_LAYOUT_MAX; i++)
		m[i] = monitor(i * 200, 0, 200, 200, i == 0);
	TAP_CHECK(&t,
		  output_layout_from_monitors(&layout, m, OUTPUT_LAYOUT_MAX, why, sizeof why) == 0,
		  "%d monitors are taken", OUTPUT_LAYOUT_MAX);
	TAP_CHECK(&t,
		  output_layout_from_monitors(&layout, m, OUTPUT_LAYOUT_MAX + 1, why, sizeof why) <
			  0,
		  "%d are not (%s)", OUTPUT_LAYOUT_MAX + 1, why);
	TAP_CHECK(&t, output_layout_from_monitors(&layout, m, 0, why, sizeof why) < 0,
		  "nor none (%s)", why);
	return tap_finish(&t);
}
