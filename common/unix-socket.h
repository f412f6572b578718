/*
 * Listening AF_UNIX sockets for Porthole's servers (control socket, X11 socket,
 * RDP socket): a live socket at the path is never taken over, a stale one is
 * replaced, and the permission bits hold from the moment the path exists.
 */
#ifndef PORTHOLE_UNIX_SOCKET_H
#define PORTHOLE_UNIX_SOCKET_H

#include <stdbool.h>
#include <sys/types.h>

/** Whether a server accepts connections at @path. */
bool unix_socket_is_live(const char *path);

/**
 * Listens on @path with permission bits @mode; @type_flags are added to
 * SOCK_STREAM | SOCK_CLOEXEC (SOCK_NONBLOCK, say). Returns the fd, or -1 with
 * errno set: EADDRINUSE when a live server is there, ENAMETOOLONG for a path
 * that does not fit.
 */
int unix_socket_listen(const char *path, mode_t mode, int type_flags);

#endif
