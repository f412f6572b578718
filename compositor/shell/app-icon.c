/*
 * App icons from the app's own distro: .desktop file, Icon=, hicolor PNG.
 * Every file is read with limits and only if it is a regular file: an app
 * names these paths, and a FIFO or a huge file must not stall the compositor.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <png.h>
#include <pixman.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app-icon.h"

#define APP_ICON_DESKTOP_MAX (64 * 1024)
#define APP_ICON_PNG_MAX (4 * 1024 * 1024)
#define APP_ICON_ENVIRON_MAX (256 * 1024)
#define APP_ICON_SIDE_MAX 1024 /* pixels: larger PNGs are not decoded */
#define APP_ICON_DATA_DIRS_MAX 16

/* hicolor sizes, best first: the exact one, then larger (scaled down), then smaller */
static const int app_icon_theme_sizes[] = {32, 48, 64, 96, 128, 256, 512, 24, 22, 16};

/*
 * The whole of a regular file of at most @max bytes, NUL-terminated (for text);
 * NULL otherwise. /proc files say size 0, so the size is what read() gives.
 */
static char *
app_icon_read_file(const char *path, size_t max, size_t *len)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	struct stat st;
	char *buf = NULL;
	size_t used = 0;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > max)
		goto fail;
	buf = malloc(max + 1);
	if (!buf)
		goto fail;
	for (;;) {
		ssize_t n = read(fd, buf + used, max + 1 - used);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		if (n == 0)
			break;
		used += (size_t)n;
		if (used > max)
			goto fail; /* grew past the limit while being read */
	}
	close(fd);
	buf[used] = '\0';
	*len = used;
	return buf;
fail:
	free(buf);
	close(fd);
	return NULL;
}

/* A file or icon name an app may give: no path parts, not empty, not hidden. */
static bool
app_icon_plain_name(const char *name)
{
	size_t len = strlen(name);

	return len > 0 && len < NAME_MAX - 16 && name[0] != '.' && !strchr(name, '/');
}

/* Icon= of the [Desktop Entry] group (the unlocalized one), copied into @out. */
static bool
app_icon_desktop_entry_icon(const char *text, char *out, size_t size)
{
	bool in_entry = false;

	for (const char *line = text; *line;) {
		const char *end = strchr(line, '\n');
		const char *next = end ? end + 1 : line + strlen(line);
		size_t len = end ? (size_t)(end - line) : strlen(line);

		if (len > 0 && line[len - 1] == '\r')
			len--;
		if (len > 0 && line[0] == '[')
			in_entry = len == strlen("[Desktop Entry]") &&
				   strncmp(line, "[Desktop Entry]", len) == 0;
		else if (in_entry && len > 5 && strncmp(line, "Icon", 4) == 0) {
			const char *v = line + 4;
			const char *stop = line + len;

			while (v < stop && (*v == ' ' || *v == '\t'))
				v++;
			if (v < stop && *v == '=') {
				v++;
				while (v < stop && (*v == ' ' || *v == '\t'))
					v++;
				while (stop > v && (stop[-1] == ' ' || stop[-1] == '\t'))
					stop--;
				if (stop > v && (size_t)(stop - v) < size) {
					memcpy(out, v, (size_t)(stop - v));
					out[stop - v] = '\0';
					return true;
				}
				return false;
			}
		}
		line = next;
	}
	return false;
}

/* Scales a decoded PNG (BGRA bytes, straight alpha) into @icon with a box filter. */
static bool
app_icon_scale(struct app_icon *icon, uint32_t *argb, int width, int height)
{
	pixman_image_t *src, *dst;
	pixman_transform_t transform;
	pixman_fixed_t *params;
	int n_params;
	bool ok = false;

	if (width == APP_ICON_SIZE && height == APP_ICON_SIZE) {
		/* the right size already: any filter would only blur it */
		memcpy(icon->pixels, argb, sizeof icon->pixels);
		return true;
	}
	/* pixman works on premultiplied alpha */
	for (size_t i = 0; i < (size_t)width * (size_t)height; i++) {
		uint32_t p = argb[i], a = p >> 24;

		argb[i] = (a << 24) | ((((p >> 16) & 0xff) * a / 255) << 16) |
			  ((((p >> 8) & 0xff) * a / 255) << 8) | ((p & 0xff) * a / 255);
	}
	src = pixman_image_create_bits(PIXMAN_a8r8g8b8, width, height, argb, width * 4);
	dst = pixman_image_create_bits(PIXMAN_a8r8g8b8, APP_ICON_SIZE, APP_ICON_SIZE, icon->pixels,
				       APP_ICON_SIZE * 4);
	if (!src || !dst)
		goto out;
	pixman_transform_init_scale(&transform,
				    pixman_double_to_fixed((double)width / APP_ICON_SIZE),
				    pixman_double_to_fixed((double)height / APP_ICON_SIZE));
	pixman_image_set_transform(src, &transform);
	params = pixman_filter_create_separable_convolution(
		&n_params, pixman_double_to_fixed((double)width / APP_ICON_SIZE),
		pixman_double_to_fixed((double)height / APP_ICON_SIZE), PIXMAN_KERNEL_BOX,
		PIXMAN_KERNEL_BOX, PIXMAN_KERNEL_BOX, PIXMAN_KERNEL_BOX, 4, 4);
	if (!params)
		goto out;
	pixman_image_set_filter(src, PIXMAN_FILTER_SEPARABLE_CONVOLUTION, params, n_params);
	free(params);
	pixman_image_composite32(PIXMAN_OP_SRC, src, NULL, dst, 0, 0, 0, 0, 0, 0, APP_ICON_SIZE,
				 APP_ICON_SIZE);
	for (int i = 0; i < APP_ICON_SIZE * APP_ICON_SIZE; i++) {
		uint32_t p = icon->pixels[i], a = p >> 24;

		if (a == 0) {
			icon->pixels[i] = 0;
			continue;
		}
		icon->pixels[i] = (a << 24) | ((((p >> 16) & 0xff) * 255 / a) << 16) |
				  ((((p >> 8) & 0xff) * 255 / a) << 8) | ((p & 0xff) * 255 / a);
	}
	ok = true;
out:
	if (src)
		pixman_image_unref(src);
	if (dst)
		pixman_image_unref(dst);
	return ok;
}

static struct app_icon *
app_icon_load_png(const char *path)
{
	png_image image = {.version = PNG_IMAGE_VERSION};
	size_t len;
	char *data = app_icon_read_file(path, APP_ICON_PNG_MAX, &len);
	uint32_t *argb = NULL;
	struct app_icon *icon = NULL;
	uint64_t hash = 1469598103934665603ull;

	if (!data)
		return NULL;
	if (!png_image_begin_read_from_memory(&image, data, len))
		goto out;
	if (image.width == 0 || image.height == 0 || image.width > APP_ICON_SIDE_MAX ||
	    image.height > APP_ICON_SIDE_MAX)
		goto out;
	/* bytes B, G, R, A: 0xAARRGGBB words on little-endian machines */
	image.format = PNG_FORMAT_BGRA;
	argb = malloc((size_t)image.width * image.height * 4);
	icon = calloc(1, sizeof *icon);
	if (!argb || !icon ||
	    !png_image_finish_read(&image, NULL, argb, (png_int_32)image.width * 4, NULL) ||
	    !app_icon_scale(icon, argb, (int)image.width, (int)image.height)) {
		free(icon);
		icon = NULL;
		goto out;
	}
	for (int i = 0; i < APP_ICON_SIZE * APP_ICON_SIZE; i++)
		hash = (hash ^ icon->pixels[i]) * 1099511628211ull;
	icon->hash = hash ? hash : 1;
out:
	png_image_free(&image);
	free(argb);
	free(data);
	return icon;
}

static struct app_icon *
app_icon_from_theme(const char *root, const char *const *data_dirs, const char *name)
{
	char path[PATH_MAX];
	struct app_icon *icon;

	for (size_t s = 0; s < sizeof app_icon_theme_sizes / sizeof app_icon_theme_sizes[0]; s++) {
		for (const char *const *dir = data_dirs; *dir; dir++) {
			int size = app_icon_theme_sizes[s];

			if (snprintf(path, sizeof path, "%s%s/icons/hicolor/%dx%d/apps/%s.png",
				     root, *dir, size, size, name) >= (int)sizeof path)
				continue;
			if ((icon = app_icon_load_png(path)))
				return icon;
		}
	}
	if (snprintf(path, sizeof path, "%s/usr/share/pixmaps/%s.png", root, name) >=
	    (int)sizeof path)
		return NULL;
	return app_icon_load_png(path);
}

struct app_icon *
app_icon_find(const char *root, const char *const *data_dirs, const char *app_id)
{
	char path[PATH_MAX], name[NAME_MAX];
	char *text = NULL;
	size_t len, name_len;

	if (!app_id || !app_icon_plain_name(app_id))
		return NULL;
	for (const char *const *dir = data_dirs; *dir && !text; dir++) {
		if (snprintf(path, sizeof path, "%s%s/applications/%s.desktop", root, *dir,
			     app_id) < (int)sizeof path)
			text = app_icon_read_file(path, APP_ICON_DESKTOP_MAX, &len);
	}
	if (!text)
		return NULL;
	if (!app_icon_desktop_entry_icon(text, name, sizeof name)) {
		free(text);
		return NULL;
	}
	free(text);
	if (name[0] == '/') {
		if (snprintf(path, sizeof path, "%s%s", root, name) >= (int)sizeof path)
			return NULL;
		return app_icon_load_png(path);
	}
	/* some files name the icon with its extension, which the theme lookup adds */
	name_len = strlen(name);
	if (name_len > 4 && strcmp(name + name_len - 4, ".png") == 0)
		name[name_len - 4] = '\0';
	if (!app_icon_plain_name(name))
		return NULL;
	return app_icon_from_theme(root, data_dirs, name);
}

/* The value of @key in a NUL-separated environment block, or NULL. */
static const char *
app_icon_getenv(const char *block, size_t len, const char *key)
{
	size_t key_len = strlen(key);

	for (const char *p = block; p < block + len; p += strlen(p) + 1) {
		if (strncmp(p, key, key_len) == 0 && p[key_len] == '=')
			return p + key_len + 1;
	}
	return NULL;
}

struct app_icon *
app_icon_find_for_process(pid_t pid, const char *app_id)
{
	char root[64], path[64], home_data[PATH_MAX];
	const char *dirs[APP_ICON_DATA_DIRS_MAX + 1];
	const char *data_home, *data_dirs, *home;
	char *env_block, *dirs_copy = NULL, *save = NULL;
	struct app_icon *icon;
	size_t len = 0;
	int n = 0;

	if (pid <= 0 || !app_id)
		return NULL;
	snprintf(root, sizeof root, "/proc/%d/root", (int)pid);
	snprintf(path, sizeof path, "/proc/%d/environ", (int)pid);
	env_block = app_icon_read_file(path, APP_ICON_ENVIRON_MAX, &len);
	data_home = env_block ? app_icon_getenv(env_block, len, "XDG_DATA_HOME") : NULL;
	home = env_block ? app_icon_getenv(env_block, len, "HOME") : NULL;
	data_dirs = env_block ? app_icon_getenv(env_block, len, "XDG_DATA_DIRS") : NULL;
	if (data_home && data_home[0] == '/')
		dirs[n++] = data_home;
	else if (home && home[0] == '/' &&
		 snprintf(home_data, sizeof home_data, "%s/.local/share", home) <
			 (int)sizeof home_data)
		dirs[n++] = home_data;
	dirs_copy = strdup(data_dirs && data_dirs[0] ? data_dirs : "/usr/local/share:/usr/share");
	if (!dirs_copy) {
		free(env_block);
		return NULL;
	}
	for (char *dir = strtok_r(dirs_copy, ":", &save); dir && n < APP_ICON_DATA_DIRS_MAX;
	     dir = strtok_r(NULL, ":", &save)) {
		if (dir[0] == '/')
			dirs[n++] = dir;
	}
	dirs[n] = NULL;
	icon = app_icon_find(root, dirs, app_id);
	free(dirs_copy);
	free(env_block);
	return icon;
}

int
app_icon_program_name(pid_t pid, char *name, size_t size)
{
	static const char deleted[] = " (deleted)";
	char link[64], target[PATH_MAX];
	const char *base;
	ssize_t n;
	size_t len;

	if (pid <= 0)
		return -1;
	snprintf(link, sizeof link, "/proc/%d/exe", (int)pid);
	n = readlink(link, target, sizeof target - 1);
	if (n <= 0)
		return -1;
	target[n] = '\0';
	/* a program replaced on disk since it started (an upgrade) reads so */
	len = (size_t)n;
	if (len > sizeof deleted - 1 && strcmp(target + len - (sizeof deleted - 1), deleted) == 0)
		target[len - (sizeof deleted - 1)] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (!base[0] || strlen(base) >= size)
		return -1;
	memcpy(name, base, strlen(base) + 1);
	return 0;
}
