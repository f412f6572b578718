/*
 * An app's icon as its own distro names it: the freedesktop `.desktop` file
 * for its app id, that file's Icon=, found in the hicolor theme or pixmaps as a
 * PNG, scaled to APP_ICON_SIZE. Everything is read through the app process's
 * root (/proc/PID/root) and data directories (its XDG_DATA_HOME and
 * XDG_DATA_DIRS), so an app from a user distro gets that distro's icon.
 */
#ifndef PORTHOLE_APP_ICON_H
#define PORTHOLE_APP_ICON_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* struct app_icon and APP_ICON_SIZE: the RDP side sends the icons */
#include "porthole-compositor.h"

/**
 * The icon for @app_id: under @root ("" for this process's), the `.desktop` file
 * in the applications folder of the first of @data_dirs (NULL-terminated) that
 * has one. NULL when there is none, or no PNG for it, or it cannot be read;
 * free() it.
 */
struct app_icon *app_icon_find(const char *root, const char *const *data_dirs, const char *app_id);

/** The icon for @app_id as process @pid sees its files. NULL if none. */
struct app_icon *app_icon_find_for_process(pid_t pid, const char *app_id);

/**
 * The file name of process @pid's program ("gtk3-demo"), the key to its
 * `.desktop` file where it has no app id. -1 when it cannot be read.
 */
int app_icon_program_name(pid_t pid, char *name, size_t size);

#endif
