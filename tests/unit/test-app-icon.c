#include <png.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app-icon.h"
#include "tap.h"
#include "test-files.h"

static char root[256];

static void
make_dirs(const char *rel)
{
	char path[512], *p;

	snprintf(path, sizeof path, "%s/%s", root, rel);
	for (p = path + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	mkdir(path, 0755);
}

/* A @size square PNG in four quadrants: red, green / blue, transparent. */
static void
write_quadrant_png(const char *rel, int width, int height)
{
	char path[512];
	png_image image = {.version = PNG_IMAGE_VERSION, .format = PNG_FORMAT_BGRA};
	uint32_t *pixels = calloc((size_t)width * height, 4);

	for (int y = 0; y < height; y++)
		for (int x = 0; x < width; x++) {
			bool left = x < width / 2, top = y < height / 2;

			pixels[y * width + x] =
				top ? (left ? 0xFFFF0000u : 0xFF00FF00u) : (left ? 0xFF0000FFu : 0);
		}
	image.width = (png_uint_32)width;
	image.height = (png_uint_32)height;
	snprintf(path, sizeof path, "%s/%s", root, rel);
	png_image_write_to_file(&image, path, 0, pixels, width * 4, NULL);
	free(pixels);
}

static uint32_t
at(const struct app_icon *icon, int x, int y)
{
	return icon->pixels[y * APP_ICON_SIZE + x];
}

static bool
is_quadrant_icon(const struct app_icon *icon)
{
	return icon && at(icon, 4, 4) == 0xFFFF0000u && at(icon, 27, 4) == 0xFF00FF00u &&
	       at(icon, 4, 27) == 0xFF0000FFu && at(icon, 27, 27) >> 24 == 0;
}

int
main(void)
{
	struct tap t = {0};
	const char *dirs[] = {"/home/u/.local/share", "/usr/share", NULL};
	struct app_icon *icon, *again;
	char path[512];

	snprintf(root, sizeof root, "/tmp/porthole-icon-XXXXXX");
	if (!mkdtemp(root))
		return 1;
	make_dirs("usr/share/applications");
	make_dirs("usr/share/icons/hicolor/48x48/apps");
	make_dirs("usr/share/icons/hicolor/16x16/apps");
	make_dirs("usr/share/pixmaps");
	make_dirs("home/u/.local/share/applications");
	make_dirs("opt/icons");

	test_write_file(root, "usr/share/applications/org.example.Quad.desktop",
			"# comment\n[Desktop Entry]\nName=Quad\nIcon[de]=nothing\nIcon = quad \r\n"
			"[Desktop Action new]\nIcon=other\n");
	write_quadrant_png("usr/share/icons/hicolor/48x48/apps/quad.png", 48, 48);
	write_quadrant_png("usr/share/icons/hicolor/16x16/apps/quad.png", 16, 16);
	icon = app_icon_find(root, dirs, "org.example.Quad");
	TAP_CHECK(&t, is_quadrant_icon(icon),
		  "the .desktop file's Icon= is found in hicolor and scaled to 32x32");
	again = app_icon_find(root, dirs, "org.example.Quad");
	TAP_CHECK(&t, icon && again && icon->hash == again->hash && icon->hash != 0,
		  "the same icon hashes the same");
	free(again);

	/* the user's own data directory comes first */
	test_write_file(root, "home/u/.local/share/applications/org.example.Quad.desktop",
			"[Desktop Entry]\nIcon=/opt/icons/mine.png\n");
	write_quadrant_png("opt/icons/mine.png", 64, 40);
	again = app_icon_find(root, dirs, "org.example.Quad");
	TAP_CHECK(&t, again && icon && again->hash != icon->hash && at(again, 4, 4) == 0xFFFF0000u,
		  "an absolute Icon= path is read under the app's root, the user's file first");
	free(again);
	free(icon);

	test_write_file(root, "usr/share/applications/ext.desktop",
			"[Desktop Entry]\nIcon=quadpix.png\n");
	write_quadrant_png("usr/share/pixmaps/quadpix.png", 32, 32);
	icon = app_icon_find(root, dirs, "ext");
	TAP_CHECK(&t, is_quadrant_icon(icon), "Icon= with .png falls back to pixmaps");
	free(icon);

	TAP_CHECK(&t, !app_icon_find(root, dirs, "org.example.Missing"), "no .desktop file: none");
	TAP_CHECK(&t, !app_icon_find(root, dirs, "../applications/ext"),
		  "an app id with a path in it is refused");
	test_write_file(root, "usr/share/applications/noicon.desktop",
			"[Desktop Action x]\nIcon=quad\n");
	TAP_CHECK(&t, !app_icon_find(root, dirs, "noicon"), "Icon= outside [Desktop Entry]: none");
	test_write_file(root, "usr/share/applications/escape.desktop",
			"[Desktop Entry]\nIcon=../../quad\n");
	TAP_CHECK(&t, !app_icon_find(root, dirs, "escape"), "a relative icon path is refused");

	/* a FIFO must not block the compositor: only regular files are read */
	snprintf(path, sizeof path, "%s/usr/share/applications/fifo.desktop", root);
	mkfifo(path, 0644);
	TAP_CHECK(&t, !app_icon_find(root, dirs, "fifo"), "a FIFO .desktop file is skipped");
	test_write_file(root, "usr/share/applications/notpng.desktop",
			"[Desktop Entry]\nIcon=notpng\n");
	test_write_file(root, "usr/share/pixmaps/notpng.png", "this is no PNG");
	TAP_CHECK(&t, !app_icon_find(root, dirs, "notpng"), "a broken PNG gives no icon");
	test_write_file(root, "usr/share/applications/huge.desktop",
			"[Desktop Entry]\nIcon=huge\n");
	write_quadrant_png("usr/share/pixmaps/huge.png", 2000, 8);
	TAP_CHECK(&t, !app_icon_find(root, dirs, "huge"), "a PNG wider than 1024 is not decoded");

	TAP_CHECK(&t, !app_icon_find_for_process(getpid(), "org.example.Missing"),
		  "through /proc/PID/root: nothing for an app without a .desktop file");
	{
		char name[64] = "";

		TAP_CHECK(&t,
			  app_icon_program_name(getpid(), name, sizeof name) == 0 &&
				  strcmp(name, "test-app-icon") == 0,
			  "a process's program name is its file's (\"%s\")", name);
		TAP_CHECK(&t, app_icon_program_name(getpid(), name, 4) < 0,
			  "a name longer than the buffer is refused");
		TAP_CHECK(&t, app_icon_program_name(0, name, sizeof name) < 0, "no pid, no name");
	}

	snprintf(path, sizeof path, "rm -rf '%s'", root);
	if (system(path) != 0)
		printf("# could not remove %s\n", root);
	return tap_finish(&t);
}
