/*
 * The shared directory every distro sees as /mnt/wslg: the runtime dir with the
 * Wayland socket, the X11 socket dir, the PulseAudio socket, logs, versions.txt
 * and the environment apps need for the GPU.
 */
#ifndef PORTHOLE_SHARED_TREE_H
#define PORTHOLE_SHARED_TREE_H

#include "spawn.h"

/**
 * Creates <dir>/runtime-dir (the service user's, 0700, as WSLg's) and
 * <dir>/.X11-unix (1777); the directory itself becomes the service user's so
 * PulseAudio can make its socket there. Returns 0 or -1 (logged).
 */
int shared_tree_prepare(const char *dir, const struct sv_identity *id);

/** Creates @path as a private directory (0700) of the service user. */
int shared_tree_mkdir_owned(const char *path, const struct sv_identity *id);

/** Opens <dir>/stderr.log for appending and makes it stdout and stderr. */
int shared_tree_redirect_stderr(const char *dir);

/** Creates <dir>/NAME empty, owned by the service user (a service's log). */
int shared_tree_create_file(const char *dir, const char *name, const struct sv_identity *id,
			    mode_t mode);

/** Writes <dir>/versions.txt: every component's version. */
int shared_tree_write_versions(const char *dir);

/** Writes <dir>/NAME with @text (world-readable), replacing it atomically. */
int shared_tree_write_text(const char *dir, const char *name, const char *text);

#endif
