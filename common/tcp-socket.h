/*
 * Listening TCP sockets from "HOST:PORT" (HOST may be a bracketed IPv6
 * address): the launcher's RDP sockets in the host's network, and the
 * compositor's own when it runs on its own.
 */
#ifndef PORTHOLE_TCP_SOCKET_H
#define PORTHOLE_TCP_SOCKET_H

#include <stddef.h>

/**
 * Listens on the first address @host_port resolves to, close-on-exec.
 * Returns the fd, or -1 with the reason in @err: a malformed @host_port or an
 * unknown host (errno EINVAL), or the failing call's errno (EADDRINUSE: a
 * server has the port).
 */
int tcp_socket_listen(const char *host_port, char *err, size_t err_size);

#endif
