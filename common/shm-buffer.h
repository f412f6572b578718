/*
 * One-shot wl_shm buffers for Porthole's own Wayland clients (the background
 * client and the test clients): allocated, drawn by a callback, and destroyed
 * when the compositor releases them.
 */
#ifndef PORTHOLE_SHM_BUFFER_H
#define PORTHOLE_SHM_BUFFER_H

#include <stdint.h>

struct wl_shm;
struct wl_buffer;

/** Draws @width x @height XRGB8888 words, top row first, into @pixels. */
typedef void (*shm_buffer_fill_func_t)(uint32_t *pixels, int width, int height, void *data);

/** A new XRGB8888 buffer drawn by @fill. NULL on failure, with errno set. */
struct wl_buffer *shm_buffer_create(struct wl_shm *shm, int width, int height,
				    shm_buffer_fill_func_t fill, void *data);

#endif
