/*
 * The shared directory every distro sees as /mnt/wslg: root's at its top, with
 * the runtime dir (the Wayland and PulseAudio sockets), the X11 socket dir,
 * PulseServer (a link into the runtime dir), logs and versions.txt.
 */
#ifndef PORTHOLE_SHARED_TREE_H
#define PORTHOLE_SHARED_TREE_H

#include "spawn.h"

/**
 * Makes @dir root's (0755) with <dir>/runtime-dir (the service user's, 0700, as
 * WSLg's), <dir>/.X11-unix (the service user's, 0755) and <dir>/PulseServer,
 * a link to the PulseAudio socket in the runtime dir. Returns 0 or -1 (logged).
 */
int shared_tree_prepare(const char *dir, const struct sv_identity *id);

/** Where PulseAudio listens, relative to the shared dir. */
const char *shared_tree_pulse_socket(void);

/** Creates @path as a private directory (0700) of the service user. */
int shared_tree_mkdir_owned(const char *path, const struct sv_identity *id);

/** Opens <dir>/stderr.log (root's) for appending and makes it stdout and stderr. */
int shared_tree_redirect_stderr(const char *dir);

/** Creates <dir>/NAME empty, owned by the service user (a service's log). */
int shared_tree_create_file(const char *dir, const char *name, const struct sv_identity *id,
			    mode_t mode);

/** Writes <dir>/versions.txt: every component's version. */
int shared_tree_write_versions(const char *dir);

/** Writes <dir>/NAME with @text (world-readable, root's), replacing it atomically. */
int shared_tree_write_text(const char *dir, const char *name, const char *text);

#endif
