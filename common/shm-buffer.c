#include "shm-buffer.h"

#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include <wayland-client.h>

static void
shm_buffer_handle_release(void *data, struct wl_buffer *buffer)
{
	wl_buffer_destroy(buffer);
}

static const struct wl_buffer_listener shm_buffer_listener = {shm_buffer_handle_release};

struct wl_buffer *
shm_buffer_create_mapped(struct wl_shm *shm, int width, int height, bool with_alpha,
			 uint32_t **pixels)
{
	size_t stride = (size_t)width * 4, size = stride * (size_t)height;
	struct wl_shm_pool *pool;
	struct wl_buffer *buffer;
	void *map;
	int fd, saved;

	if (width <= 0 || height <= 0 || size > 0x7fffffff) {
		errno = EINVAL;
		return NULL;
	}
	fd = memfd_create("porthole-shm-buffer", MFD_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (ftruncate(fd, (off_t)size) < 0)
		goto err;
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		goto err;
	pool = wl_shm_create_pool(shm, fd, (int32_t)size);
	buffer = wl_shm_pool_create_buffer(pool, 0, width, height, (int32_t)stride,
					   with_alpha ? WL_SHM_FORMAT_ARGB8888
						      : WL_SHM_FORMAT_XRGB8888);
	wl_shm_pool_destroy(pool);
	close(fd);
	*pixels = map;
	return buffer;
err:
	saved = errno;
	close(fd);
	errno = saved;
	return NULL;
}

struct wl_buffer *
shm_buffer_create(struct wl_shm *shm, int width, int height, bool with_alpha,
		  shm_buffer_fill_func_t fill, void *data)
{
	uint32_t *pixels;
	struct wl_buffer *buffer =
		shm_buffer_create_mapped(shm, width, height, with_alpha, &pixels);

	if (!buffer)
		return NULL;
	fill(pixels, width, height, data);
	munmap(pixels, (size_t)width * 4 * (size_t)height);
	wl_buffer_add_listener(buffer, &shm_buffer_listener, NULL);
	return buffer;
}
