/*
 * The app's pointer image goes to the clients, which draw it themselves (the
 * compositor's pointer watch keeps it off the outputs): as a New pointer, or as
 * a Cached one when the client already holds the same image.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <freerdp/freerdp.h>
#include <freerdp/pointer.h>
#include "porthole-compositor.h"
#include "rdp-internal.h"

/* Without the Large Pointer capability a pointer is at most this wide and high ... */
#define RDP_POINTER_MAX_SIZE 96
/* ... and with it, this (MS-RDPBCGR 2.2.7.2.11), which is as large as the compositor makes them */
#define RDP_POINTER_LARGE_MAX_SIZE PC_POINTER_MAX_SIZE
/* MS-RDPBCGR 2.2.7.2.7 largePointerSupportFlags; FreeRDP keeps the name in a private header */
#define RDP_LARGE_POINTER_FLAG_384x384 0x00000002

struct rdp_pointer_watch {
	struct rdp_server *server;
	struct pc_pointer_watch *watch;
	struct wl_listener change_listener;
};

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
rdp_pointer_send_new(struct rdp_peer *peer, const struct pc_pointer_image *image, int slot)
{
	rdpContext *context = peer->client->context;
	int limit = rdp_pointer_peer_takes_large(peer) ? RDP_POINTER_LARGE_MAX_SIZE
						       : RDP_POINTER_MAX_SIZE;
	int width = image->width < limit ? image->width : limit;
	int height = image->height < limit ? image->height : limit;
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
		const uint32_t *src = image->pixels + (size_t)(height - 1 - y) * image->width;
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
			.hotSpotX = (UINT16)image->hotspot_x,
			.hotSpotY = (UINT16)image->hotspot_y,
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
			(UINT32)(image->hotspot_x < width ? image->hotspot_x : 0);
		update.colorPtrAttr.yPos =
			(UINT32)(image->hotspot_y < height ? image->hotspot_y : 0);
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
rdp_pointer_send_image(struct rdp_peer *peer, const struct pc_pointer_image *image)
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
	slot = rdp_pointer_cache_find(peer, image->hash, size, &victim);
	if (slot >= 0) {
		POINTER_CACHED_UPDATE update = {.cacheIndex = (UINT32)slot};

		context->update->pointer->PointerCached(context, &update);
		peer->pointers_cached++;
	} else {
		slot = victim;
		if (!rdp_pointer_send_new(peer, image, slot))
			return;
		peer->pointer_cache[slot].used = true;
		peer->pointer_cache[slot].hash = image->hash;
		peer->pointers_new++;
	}
	peer->pointer_cache[slot].last_used = ++peer->pointer_clock;
}

static void
rdp_pointer_send(struct rdp_peer *peer, const struct pc_pointer_image *image)
{
	switch (image->kind) {
	case PC_POINTER_IMAGE:
		rdp_pointer_send_image(peer, image);
		break;
	case PC_POINTER_HIDDEN:
		rdp_pointer_send_system(peer, SYSPTR_NULL);
		break;
	case PC_POINTER_DEFAULT:
		rdp_pointer_send_system(peer, SYSPTR_DEFAULT);
		break;
	}
}

void
rdp_pointer_send_current(struct rdp_peer *peer)
{
	rdp_pointer_send(peer, pc_pointer_watch_get_image(peer->server->pointer->watch));
}

/* --- following the compositor's pointer ---------------------------------------------- */

static void
rdp_pointer_handle_change(struct wl_listener *listener, void *data)
{
	struct rdp_pointer_watch *watch = wl_container_of(listener, watch, change_listener);
	const struct pc_pointer_image *image = data;
	struct rdp_peer *peer;

	wl_list_for_each(peer, &watch->server->peers, link)
	{
		if (peer->activated)
			rdp_pointer_send(peer, image);
	}
}

struct rdp_pointer_watch *
rdp_pointer_watch_create(struct rdp_server *server)
{
	struct rdp_pointer_watch *watch = calloc(1, sizeof *watch);

	if (!watch)
		return NULL;
	watch->server = server;
	watch->watch = pc_pointer_watch_create(server->compositor);
	if (!watch->watch) {
		free(watch);
		return NULL;
	}
	watch->change_listener.notify = rdp_pointer_handle_change;
	pc_pointer_watch_add_listener(watch->watch, &watch->change_listener);
	return watch;
}

void
rdp_pointer_watch_destroy(struct rdp_pointer_watch *watch)
{
	if (!watch)
		return;
	wl_list_remove(&watch->change_listener.link);
	pc_pointer_watch_destroy(watch->watch);
	free(watch);
}

const char *
rdp_pointer_describe(struct rdp_server *server, char *buf, size_t size)
{
	const struct pc_pointer_image *image = pc_pointer_watch_get_image(server->pointer->watch);

	if (image->kind == PC_POINTER_DEFAULT)
		return "default";
	if (image->kind == PC_POINTER_HIDDEN)
		return "hidden";
	snprintf(buf, size, "%dx%d+%d+%d", image->width, image->height, image->hotspot_x,
		 image->hotspot_y);
	return buf;
}
