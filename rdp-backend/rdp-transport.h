/*
 * Listening sockets for the RDP server other than TCP, which FreeRDP opens
 * itself: AF_UNIX (a path, mode 0600, a live socket is never taken over),
 * AF_VSOCK (as WSL's hvsocket, any CID), an inherited fd, or the fds of
 * systemd-style socket activation (LISTEN_FDS).
 */
#ifndef PORTHOLE_RDP_TRANSPORT_H
#define PORTHOLE_RDP_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>

#define RDP_TRANSPORT_MAX_FDS 8

struct rdp_transport_sockets {
	int fds[RDP_TRANSPORT_MAX_FDS];
	int count;
	bool reachable_remotely; /* some socket is TCP: credentials are required */
};

/**
 * Opens the listening sockets of @spec, one of "unix:PATH", "vsock:PORT",
 * "fd:N" or "listen-fds", and appends them to @out. Returns 0, or -1 with
 * the reason in @err. ("tcp:..." is not handled here.)
 */
int rdp_transport_open(const char *spec, struct rdp_transport_sockets *out, char *err,
		       size_t err_size);

#endif
