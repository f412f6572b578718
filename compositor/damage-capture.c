#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libweston/libweston.h>

#include "idle-call.h"
#include "libweston-seat-abi.h"
#include "output.h"
#include "porthole-compositor.h"
#include "readback.h"

/* One of the outputs the capture spans. */
struct damage_capture_source {
	struct damage_capture *capture;
	struct weston_output *output;
	struct wl_listener frame_listener;
	struct wl_listener output_destroy_listener;
	bool resend_all; /* its next repaint hands on everything, changed or not */
};

struct damage_capture {
	struct damage_capture_source *sources;
	int n_sources;
	struct output_rect bounds; /* of the outputs, in global coordinates */
	int scale;                 /* the outputs': shadow pixels per global unit */
	struct wl_signal destroy_signal;
	uint32_t *shadow;  /* the bounds x scale: output pixels where an output is, black between */
	uint32_t *scratch; /* one rectangle as read_pixels packs it */
	damage_capture_func_t handler;
	void *handler_data;
	struct wl_display *display;
	pixman_region32_t changed; /* read back, not yet handed on */
	struct idle_call deliver;
	int width, height;
	struct damage_capture_stats stats;
};

static uint64_t
damage_capture_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * Reads one damage rectangle into the shadow copy and adds to @changed the rows
 * whose pixels really differ: libweston's frame damage also repeats the previous
 * frame's, and a peer should not be sent what it already has.
 */
static void
damage_capture_read_rect(struct damage_capture_source *source, const pixman_box32_t *box,
			 pixman_region32_t *changed)
{
	struct damage_capture *capture = source->capture;
	struct weston_output *output = source->output;
	int scale = capture->scale;
	/* damage is global; the output's framebuffer and the shadow are in pixels */
	int x = (box->x1 - output->x) * scale, y = (box->y1 - output->y) * scale;
	int w = (box->x2 - box->x1) * scale, h = (box->y2 - box->y1) * scale;
	/* where the rectangle lies in the shadow copy */
	int sx = (box->x1 - capture->bounds.x) * scale, sy = (box->y1 - capture->bounds.y) * scale;
	int first = -1, last = -1;

	if (readback_output(output, x, y, w, h, capture->scratch) < 0)
		return;
	for (int row = 0; row < h; row++) {
		const uint32_t *src = capture->scratch + (size_t)row * w;
		uint32_t *dst = capture->shadow + (size_t)(sy + row) * capture->width + sx;

		if (!source->resend_all && memcmp(dst, src, (size_t)w * 4) == 0)
			continue;
		memcpy(dst, src, (size_t)w * 4);
		if (first < 0)
			first = row;
		last = row;
	}
	capture->stats.rects++;
	capture->stats.pixels += (uint64_t)w * h;
	if (first >= 0)
		pixman_region32_union_rect(changed, changed, sx, sy + first, (unsigned)w,
					   (unsigned)(last - first + 1));
}

static void
damage_capture_handle_frame(struct wl_listener *listener, void *data)
{
	struct damage_capture_source *source = wl_container_of(listener, source, frame_listener);
	struct damage_capture *capture = source->capture;
	struct weston_output *output = source->output;
	pixman_region32_t *damage = data, clipped;
	pixman_box32_t *boxes;
	uint64_t start = damage_capture_now_ns();
	int n;

	if (!damage)
		return;
	pixman_region32_init_rect(&clipped, output->x, output->y, (unsigned)output->width,
				  (unsigned)output->height);
	pixman_region32_intersect(&clipped, &clipped, damage);
	boxes = pixman_region32_rectangles(&clipped, &n);
	for (int i = 0; i < n; i++)
		damage_capture_read_rect(source, &boxes[i], &capture->changed);
	if (n > 0) {
		capture->stats.frames++;
		capture->stats.readback_ns += damage_capture_now_ns() - start;
		source->resend_all = false;
	}
	if (pixman_region32_not_empty(&capture->changed))
		idle_call_schedule(&capture->deliver);
	pixman_region32_fini(&clipped);
}

/*
 * The frame signal comes in the middle of the repaint: before libweston
 * sends the apps their frame events and before the backend times the frame's
 * end. Handing the damage on there made a peer's encoding part of every
 * frame's time: the app drew its next frame only after it. From an idle
 * call, with the frame events flushed first, the app draws while the peer
 * encodes; damage from every output repainted at once goes on together.
 */
static void
damage_capture_deliver(void *data)
{
	struct damage_capture *capture = data;
	pixman_region32_t changed;

	wl_display_flush_clients(capture->display);
	pixman_region32_init(&changed);
	pixman_region32_copy(&changed, &capture->changed);
	pixman_region32_clear(&capture->changed);
	/* the handler may destroy the capture: nothing of it is touched after */
	if (capture->handler)
		capture->handler(capture->handler_data, &changed);
	pixman_region32_fini(&changed);
}

/* The layout the capture was made for is gone: its owner makes a new one. */
static void
damage_capture_handle_output_destroy(struct wl_listener *listener, void *data)
{
	struct damage_capture_source *source =
		wl_container_of(listener, source, output_destroy_listener);

	damage_capture_destroy(source->capture);
}

struct damage_capture *
damage_capture_create(struct weston_output *const *outputs, int n)
{
	struct damage_capture *capture;
	size_t size, largest = 0;

	if (n < 1 || n > OUTPUT_LAYOUT_MAX)
		return NULL;
	/* one shadow, one scale: the output manager gives every output the same */
	for (int i = 1; i < n; i++) {
		if (outputs[i]->current_scale != outputs[0]->current_scale)
			return NULL;
	}
	capture = calloc(1, sizeof *capture);
	if (!capture)
		return NULL;
	output_bounds(outputs, n, &capture->bounds);
	capture->scale = outputs[0]->current_scale > 0 ? outputs[0]->current_scale : 1;
	capture->width = capture->bounds.width * capture->scale;
	capture->height = capture->bounds.height * capture->scale;
	for (int i = 0; i < n; i++) {
		size_t pixels = (size_t)outputs[i]->current_mode->width *
				(size_t)outputs[i]->current_mode->height;

		if (pixels > largest)
			largest = pixels;
	}
	size = (size_t)capture->width * capture->height * 4;
	capture->shadow = calloc(1, size);
	capture->scratch = malloc(largest * 4);
	capture->sources = calloc((size_t)n, sizeof *capture->sources);
	if (!capture->shadow || !capture->scratch || !capture->sources) {
		free(capture->shadow);
		free(capture->scratch);
		free(capture->sources);
		free(capture);
		return NULL;
	}
	wl_signal_init(&capture->destroy_signal);
	capture->display = outputs[0]->compositor->wl_display;
	pixman_region32_init(&capture->changed);
	idle_call_init(&capture->deliver, wl_display_get_event_loop(capture->display),
		       damage_capture_deliver, capture);
	capture->n_sources = n;
	for (int i = 0; i < n; i++) {
		struct damage_capture_source *source = &capture->sources[i];

		source->capture = capture;
		source->output = outputs[i];
		source->frame_listener.notify = damage_capture_handle_frame;
		wl_signal_add(&outputs[i]->frame_signal, &source->frame_listener);
		source->output_destroy_listener.notify = damage_capture_handle_output_destroy;
		weston_output_add_destroy_listener(outputs[i], &source->output_destroy_listener);
	}
	damage_capture_resend_all(capture);
	return capture;
}

void
damage_capture_destroy(struct damage_capture *capture)
{
	if (!capture)
		return;
	wl_signal_emit(&capture->destroy_signal, capture);
	idle_call_cancel(&capture->deliver);
	pixman_region32_fini(&capture->changed);
	for (int i = 0; i < capture->n_sources; i++) {
		wl_list_remove(&capture->sources[i].frame_listener.link);
		wl_list_remove(&capture->sources[i].output_destroy_listener.link);
	}
	free(capture->sources);
	free(capture->shadow);
	free(capture->scratch);
	free(capture);
}

const uint32_t *
damage_capture_get_pixels(struct damage_capture *capture, int *width, int *height, int *stride)
{
	*width = capture->width;
	*height = capture->height;
	*stride = capture->width * 4;
	return capture->shadow;
}

void
damage_capture_get_stats(struct damage_capture *capture, struct damage_capture_stats *stats)
{
	*stats = capture->stats;
}

void
damage_capture_get_bounds(struct damage_capture *capture, struct output_rect *bounds)
{
	*bounds = (struct output_rect){
		capture->bounds.x * capture->scale,
		capture->bounds.y * capture->scale,
		capture->width,
		capture->height,
	};
}

int
damage_capture_get_scale(struct damage_capture *capture)
{
	return capture->scale;
}

void
damage_capture_resend_all(struct damage_capture *capture)
{
	for (int i = 0; i < capture->n_sources; i++) {
		capture->sources[i].resend_all = true;
		weston_output_damage(capture->sources[i].output);
		weston_output_schedule_repaint(capture->sources[i].output);
	}
}

void
damage_capture_set_handler(struct damage_capture *capture, damage_capture_func_t handler,
			   void *data)
{
	capture->handler = handler;
	capture->handler_data = data;
}

void
damage_capture_add_destroy_listener(struct damage_capture *capture, struct wl_listener *listener)
{
	wl_signal_add(&capture->destroy_signal, listener);
}
