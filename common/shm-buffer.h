/*
 * wl_shm buffers for Porthole's own Wayland clients (the background client and
 * the test clients): one-shot ones, drawn by a callback and destroyed when the
 * compositor releases them, and kept ones, drawn by their owner at each frame.
 */
#ifndef PORTHOLE_SHM_BUFFER_H
#define PORTHOLE_SHM_BUFFER_H

#include <stdbool.h>
#include <stdint.h>

struct wl_shm;
struct wl_buffer;

/** Draws @width x @height XRGB8888 words, top row first, into @pixels. */
typedef void (*shm_buffer_fill_func_t)(uint32_t *pixels, int width, int height, void *data);

/**
 * A new buffer drawn by @fill: XRGB8888, or premultiplied ARGB8888 when
 * @with_alpha. NULL on failure, with errno set.
 */
struct wl_buffer *shm_buffer_create(struct wl_shm *shm, int width, int height, bool with_alpha,
				    shm_buffer_fill_func_t fill, void *data);

/**
 * A new buffer with its pixels mapped at *@pixels (width * 4 bytes a row) for
 * the caller to draw again and again, as apps do with the buffers they keep:
 * the caller listens for its release and unmaps and destroys it.
 */
struct wl_buffer *shm_buffer_create_mapped(struct wl_shm *shm, int width, int height,
					   bool with_alpha, uint32_t **pixels);

#endif
