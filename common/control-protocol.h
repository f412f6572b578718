/*
 * The control socket between porthole-compositor and the `porthole` CLI.
 *
 * A client writes one request line, "<command> [args...]\n", and reads one reply:
 * "ok <length>\n" followed by exactly <length> bytes of payload, or
 * "error <message>\n". The connection then closes. Arguments are separated by
 * single spaces; a path or title never travels as an argument, so none need quoting.
 *
 * The socket lives next to the Wayland socket: <runtime-dir>/<wayland-name>.control,
 * mode 0600, so only the compositor's user can drive it.
 */
#ifndef PORTHOLE_CONTROL_PROTOCOL_H
#define PORTHOLE_CONTROL_PROTOCOL_H

#include <stddef.h>
#include <sys/types.h>

#include "strbuf.h"

#define CONTROL_SOCKET_SUFFIX ".control"
#define CONTROL_REQUEST_MAX 4096

/** Writes "<runtime_dir>/<wayland_name>.control" into @path. Returns -1 if it does not fit. */
int control_socket_path(char *path, size_t size, const char *runtime_dir, const char *wayland_name);

/** Writes all of @data, retrying on EINTR and short writes. Returns 0 or -1. */
int write_all(int fd, const void *data, size_t len);

#endif
