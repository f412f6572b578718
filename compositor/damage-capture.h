/*
 * Reads back exactly what changed on a set of outputs after each repaint: the
 * damage libweston passes with frame_signal, through the renderer's
 * read_pixels, into one shadow copy of the rectangle around them (a client's
 * desktop: one monitor, or several side by side). The RDP side encodes from
 * that copy; the benchmarks time it through the control socket.
 */
#ifndef PORTHOLE_DAMAGE_CAPTURE_H
#define PORTHOLE_DAMAGE_CAPTURE_H

#include <stdint.h>

#include <wayland-server-core.h>

struct weston_output;
struct output_rect;
struct damage_capture;
struct strbuf;

struct damage_capture_stats {
	uint64_t frames;      /* repaints read back */
	uint64_t rects;       /* damage rectangles read */
	uint64_t pixels;      /* pixels read */
	uint64_t readback_ns; /* time in read_pixels and copies */
};

/**
 * Starts reading back the damage of @n outputs after every repaint. Dies with
 * any of them: a layout that changes needs a new capture.
 */
struct damage_capture *damage_capture_create(struct weston_output *const *outputs, int n);

void damage_capture_destroy(struct damage_capture *capture);

/** Where the shadow copy's top-left lies in global coordinates, and its size. */
void damage_capture_get_bounds(struct damage_capture *capture, struct output_rect *bounds);

/** The shadow copy (0xAARRGGBB, top row first) and its stride in bytes. */
const uint32_t *damage_capture_get_pixels(struct damage_capture *capture, int *width, int *height,
					  int *stride);

void damage_capture_get_stats(struct damage_capture *capture, struct damage_capture_stats *stats);

/**
 * Called after each repaint's damage is read back, with the region whose pixels
 * really changed, in the shadow copy's coordinates (pixman_region32_t *); the shadow
 * copy is up to date. Not called when nothing changed.
 */
typedef void (*damage_capture_func_t)(void *data, void *damage);

void damage_capture_set_handler(struct damage_capture *capture, damage_capture_func_t handler,
				void *data);

/** Reads the whole output at the next repaint and hands all of it on, changed or not. */
void damage_capture_resend_all(struct damage_capture *capture);

/** @listener is called once when the capture is destroyed (with its output, or by its owner). */
void damage_capture_add_destroy_listener(struct damage_capture *capture,
					 struct wl_listener *listener);

#endif
