/*
 * The app's pointer image goes to the clients, which draw it themselves: the
 * output no longer carries it (the cursor layer is hidden while the server
 * runs), so it never smears into window pixels and follows the host's mouse
 * without a round trip. libweston's sprite (what the focused client set with
 * wl_pointer.set_cursor) is read when it changes and sent as a New pointer, or
 * as a Cached one when the client already holds the same image.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <freerdp/freerdp.h>
#include <freerdp/pointer.h>
#include <libweston/libweston.h>

#include "compositor-internal.h"
#include "rdp-internal.h"
#include "seat.h"

/* Without the Large Pointer capability a pointer is at most this wide and high ... */
#define RDP_POINTER_MAX_SIZE 96
/* ... and with it, this (MS-RDPBCGR 2.2.7.2.11) */
#define RDP_POINTER_LARGE_MAX_SIZE 384
/* MS-RDPBCGR 2.2.7.2.7 largePointerSupportFlags; FreeRDP keeps the name in a private header */
#define RDP_LARGE_POINTER_FLAG_384x384 0x00000002

enum rdp_cursor_kind {
	RDP_CURSOR_DEFAULT, /* the client's own arrow */
	RDP_CURSOR_HIDDEN,  /* the focused app unset its cursor */
	RDP_CURSOR_IMAGE,
};

struct rdp_pointer_watch {
	struct rdp_server *server;
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
	 * a focus change the clients get the pointer again, changed or not.
	 */
	bool resend;

	/* what the clients should show */
	enum rdp_cursor_kind kind;
	int width, height, hotspot_x, hotspot_y;
	uint32_t *pixels; /* premultiplied ARGB, top row first */
	uint64_t hash;    /* of size, hotspot and pixels: the cache key */
};

/* FNV-1a over the image and its hotspot: equal images share a cache slot. */
static uint64_t
rdp_pointer_hash(const uint32_t *pixels, int width, int height, int hotspot_x, int hotspot_y)
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

/* --- sending ------------------------------------------------------------------- */

static void
rdp_pointer_send_system(struct rdp_peer *peer, UINT32 type)
{
	rdpContext *context = peer->client->context;
	POINTER_SYSTEM_UPDATE update = {.type = type};

	context->update->pointer->PointerSystem(context, &update);
}

/* The slot holding @hash, or -1; with @victim, the least recently used slot. */
static int
rdp_pointer_cache_find(struct rdp_peer *peer, uint64_t hash, int size, int *victim)
{
	int found = -1, oldest = 0;

	for (int i = 0; i < size; i++) {
		struct rdp_pointer_cache_entry *entry = &peer->pointer_cache[i];

		if (entry->used && entry->hash == hash)
			found = i;
		if (!entry->used || (peer->pointer_cache[oldest].used &&
				     entry->last_used < peer->pointer_cache[oldest].last_used))
			oldest = i;
	}
	*victim = oldest;
	return found;
}

/* @value moved into [0, size): a hotspot must lie on the (possibly cut) image */
static int
rdp_pointer_within(int value, int size)
{
	return value < 0 ? 0 : value >= size ? size - 1 : value;
}

/* Whether @peer takes pointers up to RDP_POINTER_LARGE_MAX_SIZE (Large Pointer). */
static bool
rdp_pointer_peer_takes_large(struct rdp_peer *peer)
{
	return freerdp_settings_get_uint32(peer->client->context->settings,
					   FreeRDP_LargePointerFlag) &
	       RDP_LARGE_POINTER_FLAG_384x384;
}

/*
 * A 32 bpp New (or, above 96 pixels, Large) pointer: the XOR mask is the
 * image itself, bottom row first, in BGRA byte order; the AND mask is all
 * clear, so the alpha channel alone says what is transparent. A client
 * without Large Pointer gets the image's top-left 96x96.
 */
static bool
rdp_pointer_send_new(struct rdp_peer *peer, struct rdp_pointer_watch *watch, int slot)
{
	rdpContext *context = peer->client->context;
	int limit = rdp_pointer_peer_takes_large(peer) ? RDP_POINTER_LARGE_MAX_SIZE
						       : RDP_POINTER_MAX_SIZE;
	int width = watch->width < limit ? watch->width : limit;
	int height = watch->height < limit ? watch->height : limit;
	size_t and_stride = (size_t)((width + 15) / 16) * 2; /* rows padded to 16 bits */
	size_t xor_size = (size_t)width * (size_t)height * 4;
	size_t and_size = and_stride * (size_t)height;
	BYTE *xor_mask = malloc(xor_size);
	BYTE *and_mask = calloc(1, and_size);
	bool sent;

	if (!xor_mask || !and_mask) {
		free(xor_mask);
		free(and_mask);
		return false;
	}
	for (int y = 0; y < height; y++) {
		const uint32_t *src = watch->pixels + (size_t)(height - 1 - y) * watch->width;
		BYTE *dst = xor_mask + (size_t)y * width * 4;

		for (int x = 0; x < width; x++) {
			uint32_t argb = src[x];

			dst[4 * x + 0] = (BYTE)argb;
			dst[4 * x + 1] = (BYTE)(argb >> 8);
			dst[4 * x + 2] = (BYTE)(argb >> 16);
			dst[4 * x + 3] = (BYTE)(argb >> 24);
		}
	}
	if (width > RDP_POINTER_MAX_SIZE || height > RDP_POINTER_MAX_SIZE) {
		POINTER_LARGE_UPDATE update = {
			.xorBpp = 32,
			.cacheIndex = (UINT16)slot,
			.hotSpotX = (UINT16)watch->hotspot_x,
			.hotSpotY = (UINT16)watch->hotspot_y,
			.width = (UINT16)width,
			.height = (UINT16)height,
			.lengthAndMask = (UINT32)and_size,
			.lengthXorMask = (UINT32)xor_size,
			.xorMaskData = xor_mask,
			.andMaskData = and_mask,
		};

		sent = context->update->pointer->PointerLarge(context, &update);
	} else {
		POINTER_NEW_UPDATE update = {.xorBpp = 32};

		update.colorPtrAttr.cacheIndex = (UINT32)slot;
		update.colorPtrAttr.xPos =
			(UINT32)(watch->hotspot_x < width ? watch->hotspot_x : 0);
		update.colorPtrAttr.yPos =
			(UINT32)(watch->hotspot_y < height ? watch->hotspot_y : 0);
		update.colorPtrAttr.width = (UINT32)width;
		update.colorPtrAttr.height = (UINT32)height;
		update.colorPtrAttr.lengthXorMask = (UINT32)xor_size;
		update.colorPtrAttr.xorMaskData = xor_mask;
		update.colorPtrAttr.lengthAndMask = (UINT32)and_size;
		update.colorPtrAttr.andMaskData = and_mask;
		sent = context->update->pointer->PointerNew(context, &update);
	}
	free(xor_mask);
	free(and_mask);
	return sent;
}

static void
rdp_pointer_send_image(struct rdp_peer *peer, struct rdp_pointer_watch *watch)
{
	rdpContext *context = peer->client->context;
	UINT32 cache_size =
		freerdp_settings_get_uint32(context->settings, FreeRDP_PointerCacheSize);
	int size = cache_size < RDP_POINTER_CACHE_MAX ? (int)cache_size : RDP_POINTER_CACHE_MAX;
	int victim, slot;

	if (size == 0) {
		/* a client without a pointer cache cannot take a colour pointer */
		rdp_pointer_send_system(peer, SYSPTR_DEFAULT);
		return;
	}
	slot = rdp_pointer_cache_find(peer, watch->hash, size, &victim);
	if (slot >= 0) {
		POINTER_CACHED_UPDATE update = {.cacheIndex = (UINT32)slot};

		context->update->pointer->PointerCached(context, &update);
		peer->pointers_cached++;
	} else {
		slot = victim;
		if (!rdp_pointer_send_new(peer, watch, slot))
			return;
		peer->pointer_cache[slot].used = true;
		peer->pointer_cache[slot].hash = watch->hash;
		peer->pointers_new++;
	}
	peer->pointer_cache[slot].last_used = ++peer->pointer_clock;
}

static void
rdp_pointer_send(struct rdp_peer *peer, struct rdp_pointer_watch *watch)
{
	switch (watch->kind) {
	case RDP_CURSOR_IMAGE:
		rdp_pointer_send_image(peer, watch);
		break;
	case RDP_CURSOR_HIDDEN:
		rdp_pointer_send_system(peer, SYSPTR_NULL);
		break;
	case RDP_CURSOR_DEFAULT:
		rdp_pointer_send_system(peer, SYSPTR_DEFAULT);
		break;
	}
}

void
rdp_pointer_send_current(struct rdp_peer *peer)
{
	rdp_pointer_send(peer, peer->server->pointer);
}

/* --- watching the sprite ----------------------------------------------------------- */

static void rdp_pointer_schedule_check(struct rdp_pointer_watch *watch);

static void
rdp_pointer_unwatch_sprite(struct rdp_pointer_watch *watch)
{
	if (!watch->sprite_surface)
		return;
	wl_list_remove(&watch->sprite_commit_listener.link);
	wl_list_remove(&watch->sprite_destroy_listener.link);
	watch->sprite_surface = NULL;
}

static void
rdp_pointer_handle_sprite_commit(struct wl_listener *listener, void *data)
{
	struct rdp_pointer_watch *watch = wl_container_of(listener, watch, sprite_commit_listener);

	rdp_pointer_schedule_check(watch);
}

static void
rdp_pointer_handle_sprite_destroy(struct wl_listener *listener, void *data)
{
	struct rdp_pointer_watch *watch = wl_container_of(listener, watch, sprite_destroy_listener);

	rdp_pointer_unwatch_sprite(watch);
	rdp_pointer_schedule_check(watch);
}

static void
rdp_pointer_watch_sprite(struct rdp_pointer_watch *watch, struct weston_surface *surface)
{
	if (watch->sprite_surface == surface)
		return;
	rdp_pointer_unwatch_sprite(watch);
	if (!surface)
		return;
	watch->sprite_surface = surface;
	watch->sprite_commit_listener.notify = rdp_pointer_handle_sprite_commit;
	wl_signal_add(&surface->commit_signal, &watch->sprite_commit_listener);
	watch->sprite_destroy_listener.notify = rdp_pointer_handle_sprite_destroy;
	wl_signal_add(&surface->destroy_signal, &watch->sprite_destroy_listener);
}

static void
rdp_pointer_set_hidden_by(struct rdp_pointer_watch *watch, struct wl_client *client)
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
rdp_pointer_handle_hidden_by_destroy(struct wl_listener *listener, void *data)
{
	struct rdp_pointer_watch *watch =
		wl_container_of(listener, watch, hidden_by_destroy_listener);

	wl_list_remove(&watch->hidden_by_destroy_listener.link);
	watch->hidden_by = NULL;
	rdp_pointer_schedule_check(watch);
}

static struct wl_client *
rdp_pointer_focus_client(struct weston_pointer *pointer)
{
	struct weston_view *focus = pointer->focus;

	if (!focus || !focus->surface->resource)
		return NULL;
	return wl_resource_get_client(focus->surface->resource);
}

/*
 * Reads the sprite's image; false when it has none yet (no buffer committed).
 * An image larger than any pointer may be is cut to its top-left corner.
 */
static bool
rdp_pointer_read_sprite(struct weston_surface *surface, uint32_t **pixels, int *width, int *height)
{
	int w = 0, h = 0;
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
	*width = w < RDP_POINTER_LARGE_MAX_SIZE ? w : RDP_POINTER_LARGE_MAX_SIZE;
	*height = h < RDP_POINTER_LARGE_MAX_SIZE ? h : RDP_POINTER_LARGE_MAX_SIZE;
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
rdp_pointer_send_all(struct rdp_pointer_watch *watch)
{
	struct rdp_peer *peer;

	watch->resend = false;
	wl_list_for_each(peer, &watch->server->peers, link)
	{
		if (peer->activated)
			rdp_pointer_send(peer, watch);
	}
}

static void
rdp_pointer_update(struct rdp_pointer_watch *watch)
{
	struct weston_pointer *pointer = watch->pointer;
	struct weston_view *sprite = pointer ? pointer->sprite : NULL;
	enum rdp_cursor_kind kind = RDP_CURSOR_DEFAULT;
	uint32_t *pixels = NULL;
	int width = 0, height = 0, hotspot_x = 0, hotspot_y = 0;
	uint64_t hash = 0;

	rdp_pointer_watch_sprite(watch, sprite ? sprite->surface : NULL);
	if (sprite && rdp_pointer_read_sprite(sprite->surface, &pixels, &width, &height)) {
		kind = RDP_CURSOR_IMAGE;
		hotspot_x = rdp_pointer_within(pointer->hotspot_x, width);
		hotspot_y = rdp_pointer_within(pointer->hotspot_y, height);
		hash = rdp_pointer_hash(pixels, width, height, hotspot_x, hotspot_y);
		rdp_pointer_set_hidden_by(watch, NULL);
	} else if (pointer && !sprite) {
		struct wl_client *focus = rdp_pointer_focus_client(pointer);

		/* the image went away under the focused app: it hid the cursor */
		if (watch->kind == RDP_CURSOR_IMAGE && focus)
			rdp_pointer_set_hidden_by(watch, focus);
		if (watch->hidden_by && watch->hidden_by == focus)
			kind = RDP_CURSOR_HIDDEN;
		else
			rdp_pointer_set_hidden_by(watch, NULL);
	}
	if (kind == watch->kind && (kind != RDP_CURSOR_IMAGE || hash == watch->hash)) {
		free(pixels);
		if (watch->resend)
			rdp_pointer_send_all(watch);
		return;
	}
	free(watch->pixels);
	watch->pixels = pixels;
	watch->kind = kind;
	watch->width = width;
	watch->height = height;
	watch->hotspot_x = hotspot_x;
	watch->hotspot_y = hotspot_y;
	watch->hash = hash;
	rdp_pointer_send_all(watch);
}

static void
rdp_pointer_handle_check(void *data)
{
	rdp_pointer_update(data);
}

/*
 * libweston has no signal for a new sprite: look again after whatever may
 * change it (wl_pointer.set_cursor, a focus change, the sprite's commits and its
 * end), once libweston has handled it.
 */
static void
rdp_pointer_schedule_check(struct rdp_pointer_watch *watch)
{
	idle_call_schedule(&watch->check);
}

/* Sees every request before it is dispatched; picks out wl_pointer.set_cursor. */
static void
rdp_pointer_log_request(void *data, enum wl_protocol_logger_type type,
			const struct wl_protocol_logger_message *message)
{
	struct rdp_pointer_watch *watch = data;

	if (type == WL_PROTOCOL_LOGGER_REQUEST && message->message == watch->set_cursor)
		rdp_pointer_schedule_check(watch);
}

static void
rdp_pointer_handle_focus(struct wl_listener *listener, void *data)
{
	struct rdp_pointer_watch *watch = wl_container_of(listener, watch, focus_listener);

	watch->resend = true;
	rdp_pointer_schedule_check(watch);
}

static void
rdp_pointer_handle_pointer_destroy(struct wl_listener *listener, void *data)
{
	struct rdp_pointer_watch *watch =
		wl_container_of(listener, watch, pointer_destroy_listener);

	wl_list_remove(&watch->focus_listener.link);
	wl_list_remove(&watch->pointer_destroy_listener.link);
	rdp_pointer_unwatch_sprite(watch);
	watch->pointer = NULL;
}

struct rdp_pointer_watch *
rdp_pointer_watch_create(struct rdp_server *server)
{
	struct rdp_pointer_watch *watch = calloc(1, sizeof *watch);
	struct weston_seat *seat = pc_seat_get_weston_seat(server->compositor->seat);
	struct weston_compositor *compositor = server->compositor->compositor;

	if (!watch)
		return NULL;
	watch->server = server;
	watch->kind = RDP_CURSOR_DEFAULT;
	idle_call_init(&watch->check, server->loop, rdp_pointer_handle_check, watch);
	watch->hidden_by_destroy_listener.notify = rdp_pointer_handle_hidden_by_destroy;
	watch->pointer = weston_seat_get_pointer(seat);
	if (watch->pointer) {
		watch->focus_listener.notify = rdp_pointer_handle_focus;
		wl_signal_add(&watch->pointer->focus_signal, &watch->focus_listener);
		watch->pointer_destroy_listener.notify = rdp_pointer_handle_pointer_destroy;
		wl_signal_add(&watch->pointer->destroy_signal, &watch->pointer_destroy_listener);
	}
	for (int i = 0; i < wl_pointer_interface.method_count; i++) {
		if (strcmp(wl_pointer_interface.methods[i].name, "set_cursor") == 0)
			watch->set_cursor = &wl_pointer_interface.methods[i];
	}
	watch->set_cursor_logger = wl_display_add_protocol_logger(server->compositor->display,
								  rdp_pointer_log_request, watch);
	if (!watch->set_cursor_logger) {
		rdp_pointer_watch_destroy(watch);
		return NULL;
	}
	weston_layer_unset_position(&compositor->cursor_layer);
	return watch;
}

void
rdp_pointer_watch_destroy(struct rdp_pointer_watch *watch)
{
	if (!watch)
		return;
	if (watch->pointer)
		rdp_pointer_handle_pointer_destroy(&watch->pointer_destroy_listener, NULL);
	if (watch->set_cursor_logger)
		wl_protocol_logger_destroy(watch->set_cursor_logger);
	rdp_pointer_set_hidden_by(watch, NULL);
	idle_call_cancel(&watch->check);
	weston_layer_set_position(&watch->server->compositor->compositor->cursor_layer,
				  WESTON_LAYER_POSITION_CURSOR);
	free(watch->pixels);
	free(watch);
}

const char *
rdp_pointer_describe(struct rdp_server *server, char *buf, size_t size)
{
	struct rdp_pointer_watch *watch = server->pointer;

	if (watch->kind == RDP_CURSOR_DEFAULT)
		return "default";
	if (watch->kind == RDP_CURSOR_HIDDEN)
		return "hidden";
	snprintf(buf, size, "%dx%d+%d+%d", watch->width, watch->height, watch->hotspot_x,
		 watch->hotspot_y);
	return buf;
}
