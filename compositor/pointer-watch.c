/*
 * The pointer image, for clients that draw the pointer themselves: the outputs
 * no longer carry it (the cursor layer is hidden while a watch lives), so it
 * never smears into window pixels and follows the host's mouse without a round
 * trip. libweston's sprite (what the focused client set with
 * wl_pointer.set_cursor) is read when it may have changed, and the listeners
 * hear of it.
 */
#include <stdlib.h>
#include <string.h>

#include <libweston/libweston.h>
#include <pixman.h>

#include "compositor-internal.h"
#include "idle-call.h"
#include "seat.h"

struct pc_pointer_watch {
	struct pc_compositor *comp;
	struct weston_pointer *pointer;
	struct wl_protocol_logger *set_cursor_logger;
	const struct wl_message *set_cursor; /* in wl_pointer_interface */
	struct wl_listener focus_listener;
	struct wl_listener pointer_destroy_listener;
	/* the sprite's surface, watched for new buffers */
	struct weston_surface *sprite_surface;
	struct wl_listener sprite_commit_listener;
	struct wl_listener sprite_destroy_listener;
	/* the client that hid the cursor: hidden only while it has the focus */
	struct wl_client *hidden_by;
	struct wl_listener hidden_by_destroy_listener;
	struct idle_call check;
	/*
	 * xfreerdp sets a pointer on the RemoteApp window under the host's mouse
	 * (none before the mouse entered one), and each window keeps its own: after
	 * a focus change the listeners hear of the pointer again, changed or not.
	 */
	bool resend;
	struct wl_signal change_signal;

	struct pc_pointer_image image; /* its pixels are owned_pixels */
	uint32_t *owned_pixels;
};

/* FNV-1a over the image and its hotspot: equal images share a cache slot. */
static uint64_t
pc_pointer_hash(const uint32_t *pixels, int width, int height, int hotspot_x, int hotspot_y)
{
	const int header[4] = {width, height, hotspot_x, hotspot_y};
	const unsigned char *parts[2] = {(const unsigned char *)header,
					 (const unsigned char *)pixels};
	const size_t sizes[2] = {sizeof header, (size_t)width * (size_t)height * 4};
	uint64_t hash = 0xcbf29ce484222325u;

	for (int p = 0; p < 2; p++) {
		for (size_t i = 0; i < sizes[p]; i++) {
			hash ^= parts[p][i];
			hash *= 0x100000001b3u;
		}
	}
	return hash;
}

/* @value moved into [0, size): a hotspot must lie on the (possibly cut) image */
static int
pc_pointer_within(int value, int size)
{
	return value < 0 ? 0 : value >= size ? size - 1 : value;
}

static void
pc_pointer_schedule_check(struct pc_pointer_watch *watch)
{
	idle_call_schedule(&watch->check);
}

static void
pc_pointer_unwatch_sprite(struct pc_pointer_watch *watch)
{
	if (!watch->sprite_surface)
		return;
	wl_list_remove(&watch->sprite_commit_listener.link);
	wl_list_remove(&watch->sprite_destroy_listener.link);
	watch->sprite_surface = NULL;
}

static void
pc_pointer_handle_sprite_commit(struct wl_listener *listener, void *data)
{
	struct pc_pointer_watch *watch = wl_container_of(listener, watch, sprite_commit_listener);

	pc_pointer_schedule_check(watch);
}

static void
pc_pointer_handle_sprite_destroy(struct wl_listener *listener, void *data)
{
	struct pc_pointer_watch *watch = wl_container_of(listener, watch, sprite_destroy_listener);

	pc_pointer_unwatch_sprite(watch);
	pc_pointer_schedule_check(watch);
}

static void
pc_pointer_watch_sprite(struct pc_pointer_watch *watch, struct weston_surface *surface)
{
	if (watch->sprite_surface == surface)
		return;
	pc_pointer_unwatch_sprite(watch);
	if (!surface)
		return;
	watch->sprite_surface = surface;
	watch->sprite_commit_listener.notify = pc_pointer_handle_sprite_commit;
	wl_signal_add(&surface->commit_signal, &watch->sprite_commit_listener);
	watch->sprite_destroy_listener.notify = pc_pointer_handle_sprite_destroy;
	wl_signal_add(&surface->destroy_signal, &watch->sprite_destroy_listener);
}

static void
pc_pointer_set_hidden_by(struct pc_pointer_watch *watch, struct wl_client *client)
{
	if (watch->hidden_by == client)
		return;
	if (watch->hidden_by)
		wl_list_remove(&watch->hidden_by_destroy_listener.link);
	watch->hidden_by = client;
	if (client)
		wl_client_add_destroy_listener(client, &watch->hidden_by_destroy_listener);
}

static void
pc_pointer_handle_hidden_by_destroy(struct wl_listener *listener, void *data)
{
	struct pc_pointer_watch *watch =
		wl_container_of(listener, watch, hidden_by_destroy_listener);

	wl_list_remove(&watch->hidden_by_destroy_listener.link);
	watch->hidden_by = NULL;
	pc_pointer_schedule_check(watch);
}

static struct wl_client *
pc_pointer_focus_client(struct weston_pointer *pointer)
{
	struct weston_view *focus = pointer->focus;

	if (!focus || !focus->surface->resource)
		return NULL;
	return wl_resource_get_client(focus->surface->resource);
}

/*
 * @pixels (@w x @h, drawn for buffer scale @from) redrawn for the outputs'
 * scale @to, in place of the old; the host shows pointers pixel for pixel, so
 * an app's 24-pixel cursor is 48 at scale 2, as its windows are. False when
 * out of memory (@pixels is then untouched).
 */
static bool
pc_pointer_rescale(uint32_t **pixels, int *w, int *h, int from, int to)
{
	int64_t tw = (int64_t)*w * to / from, th = (int64_t)*h * to / from;
	pixman_image_t *src, *dst;
	pixman_transform_t transform;
	uint32_t *out;

	if (tw < 1 || th < 1 || tw > 4 * PC_POINTER_MAX_SIZE || th > 4 * PC_POINTER_MAX_SIZE)
		return false;
	out = calloc((size_t)(tw * th), 4);
	if (!out)
		return false;
	src = pixman_image_create_bits(PIXMAN_a8r8g8b8, *w, *h, *pixels, *w * 4);
	dst = pixman_image_create_bits(PIXMAN_a8r8g8b8, (int)tw, (int)th, out, (int)tw * 4);
	if (src && dst) {
		pixman_transform_init_scale(&transform, pixman_int_to_fixed(from) / to,
					    pixman_int_to_fixed(from) / to);
		pixman_image_set_transform(src, &transform);
		/* whole multiples stay sharp; anything else is smoothed */
		pixman_image_set_filter(
			src, to % from == 0 ? PIXMAN_FILTER_NEAREST : PIXMAN_FILTER_BILINEAR, NULL,
			0);
		pixman_image_composite32(PIXMAN_OP_SRC, src, NULL, dst, 0, 0, 0, 0, 0, 0, (int)tw,
					 (int)th);
	}
	if (src)
		pixman_image_unref(src);
	if (dst)
		pixman_image_unref(dst);
	if (!src || !dst) {
		free(out);
		return false;
	}
	free(*pixels);
	*pixels = out;
	*w = (int)tw;
	*h = (int)th;
	return true;
}

/*
 * Reads the sprite's image at the outputs' @scale; false when it has none yet
 * (no buffer committed). An image larger than any pointer may be is cut to
 * its top-left corner.
 */
static bool
pc_pointer_read_sprite(struct weston_surface *surface, int scale, uint32_t **pixels, int *width,
		       int *height)
{
	int w = 0, h = 0, buffer_scale = surface->buffer_viewport.buffer.scale;
	uint32_t *abgr;

	weston_surface_get_content_size(surface, &w, &h);
	if (w <= 0 || h <= 0)
		return false;
	abgr = malloc((size_t)w * (size_t)h * 4);
	if (!abgr)
		return false;
	if (weston_surface_copy_content(surface, abgr, (size_t)w * (size_t)h * 4, 0, 0, w, h) < 0) {
		free(abgr);
		return false;
	}
	if (buffer_scale >= 1 && buffer_scale != scale)
		pc_pointer_rescale(&abgr, &w, &h, buffer_scale, scale);
	*width = w < PC_POINTER_MAX_SIZE ? w : PC_POINTER_MAX_SIZE;
	*height = h < PC_POINTER_MAX_SIZE ? h : PC_POINTER_MAX_SIZE;
	*pixels = malloc((size_t)*width * (size_t)*height * 4);
	if (!*pixels) {
		free(abgr);
		return false;
	}
	/* libweston copies as PIXMAN_a8b8g8r8: swap red and blue */
	for (int y = 0; y < *height; y++) {
		for (int x = 0; x < *width; x++) {
			uint32_t p = abgr[(size_t)y * w + x];

			(*pixels)[(size_t)y * *width + x] =
				(p & 0xff00ff00u) | (p & 0xffu) << 16 | (p >> 16 & 0xffu);
		}
	}
	free(abgr);
	return true;
}

static void
pc_pointer_announce(struct pc_pointer_watch *watch)
{
	watch->resend = false;
	wl_signal_emit(&watch->change_signal, &watch->image);
}

static void
pc_pointer_update(void *data)
{
	struct pc_pointer_watch *watch = data;
	struct weston_pointer *pointer = watch->pointer;
	struct weston_view *sprite = pointer ? pointer->sprite : NULL;
	struct pc_pointer_image next = {.kind = PC_POINTER_DEFAULT};
	uint32_t *pixels = NULL;
	int scale = pc_outputs_get_scale(watch->comp);

	pc_pointer_watch_sprite(watch, sprite ? sprite->surface : NULL);
	if (sprite &&
	    pc_pointer_read_sprite(sprite->surface, scale, &pixels, &next.width, &next.height)) {
		next.kind = PC_POINTER_IMAGE;
		next.pixels = pixels;
		/* libweston keeps the hotspot in surface coordinates: global units */
		next.hotspot_x = pc_pointer_within(pointer->hotspot_x * scale, next.width);
		next.hotspot_y = pc_pointer_within(pointer->hotspot_y * scale, next.height);
		next.hash = pc_pointer_hash(pixels, next.width, next.height, next.hotspot_x,
					    next.hotspot_y);
		pc_pointer_set_hidden_by(watch, NULL);
	} else if (pointer && !sprite) {
		struct wl_client *focus = pc_pointer_focus_client(pointer);

		/* the image went away under the focused app: it hid the cursor */
		if (watch->image.kind == PC_POINTER_IMAGE && focus)
			pc_pointer_set_hidden_by(watch, focus);
		if (watch->hidden_by && watch->hidden_by == focus)
			next.kind = PC_POINTER_HIDDEN;
		else
			pc_pointer_set_hidden_by(watch, NULL);
	}
	if (next.kind == watch->image.kind &&
	    (next.kind != PC_POINTER_IMAGE || next.hash == watch->image.hash)) {
		free(pixels);
		if (watch->resend)
			pc_pointer_announce(watch);
		return;
	}
	free(watch->owned_pixels);
	watch->owned_pixels = pixels;
	watch->image = next;
	pc_pointer_announce(watch);
}

/* Sees every request before it is dispatched; picks out wl_pointer.set_cursor. */
static void
pc_pointer_log_request(void *data, enum wl_protocol_logger_type type,
		       const struct wl_protocol_logger_message *message)
{
	struct pc_pointer_watch *watch = data;

	/*
	 * libweston has no signal for a new sprite: look again after whatever may
	 * change it (wl_pointer.set_cursor, a focus change, the sprite's commits
	 * and its end), once libweston has handled it.
	 */
	if (type == WL_PROTOCOL_LOGGER_REQUEST && message->message == watch->set_cursor)
		pc_pointer_schedule_check(watch);
}

static void
pc_pointer_handle_focus(struct wl_listener *listener, void *data)
{
	struct pc_pointer_watch *watch = wl_container_of(listener, watch, focus_listener);

	watch->resend = true;
	pc_pointer_schedule_check(watch);
}

static void
pc_pointer_handle_pointer_destroy(struct wl_listener *listener, void *data)
{
	struct pc_pointer_watch *watch = wl_container_of(listener, watch, pointer_destroy_listener);

	wl_list_remove(&watch->focus_listener.link);
	wl_list_remove(&watch->pointer_destroy_listener.link);
	pc_pointer_unwatch_sprite(watch);
	watch->pointer = NULL;
}

struct pc_pointer_watch *
pc_pointer_watch_create(struct pc_compositor *comp)
{
	struct pc_pointer_watch *watch = calloc(1, sizeof *watch);
	struct weston_seat *seat = pc_seat_get_weston_seat(comp->seat);

	if (!watch)
		return NULL;
	watch->comp = comp;
	watch->image.kind = PC_POINTER_DEFAULT;
	wl_signal_init(&watch->change_signal);
	idle_call_init(&watch->check, pc_compositor_get_event_loop(comp), pc_pointer_update, watch);
	watch->hidden_by_destroy_listener.notify = pc_pointer_handle_hidden_by_destroy;
	watch->pointer = weston_seat_get_pointer(seat);
	if (watch->pointer) {
		watch->focus_listener.notify = pc_pointer_handle_focus;
		wl_signal_add(&watch->pointer->focus_signal, &watch->focus_listener);
		watch->pointer_destroy_listener.notify = pc_pointer_handle_pointer_destroy;
		wl_signal_add(&watch->pointer->destroy_signal, &watch->pointer_destroy_listener);
	}
	for (int i = 0; i < wl_pointer_interface.method_count; i++) {
		if (strcmp(wl_pointer_interface.methods[i].name, "set_cursor") == 0)
			watch->set_cursor = &wl_pointer_interface.methods[i];
	}
	watch->set_cursor_logger =
		wl_display_add_protocol_logger(comp->display, pc_pointer_log_request, watch);
	if (!watch->set_cursor_logger) {
		pc_pointer_watch_destroy(watch);
		return NULL;
	}
	weston_layer_unset_position(&comp->compositor->cursor_layer);
	return watch;
}

void
pc_pointer_watch_destroy(struct pc_pointer_watch *watch)
{
	if (!watch)
		return;
	if (watch->pointer)
		pc_pointer_handle_pointer_destroy(&watch->pointer_destroy_listener, NULL);
	if (watch->set_cursor_logger)
		wl_protocol_logger_destroy(watch->set_cursor_logger);
	pc_pointer_set_hidden_by(watch, NULL);
	idle_call_cancel(&watch->check);
	weston_layer_set_position(&watch->comp->compositor->cursor_layer,
				  WESTON_LAYER_POSITION_CURSOR);
	free(watch->owned_pixels);
	free(watch);
}

const struct pc_pointer_image *
pc_pointer_watch_get_image(struct pc_pointer_watch *watch)
{
	return &watch->image;
}

void
pc_pointer_watch_add_listener(struct pc_pointer_watch *watch, struct wl_listener *listener)
{
	wl_signal_add(&watch->change_signal, listener);
}
