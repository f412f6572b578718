/*
 * Porthole's RDP server: FreeRDP 2.11's server library as the protocol engine,
 * peers on the compositor's event loop. Serves RemoteApp (each window its own
 * host window, rdp-rail.c) or desktop mode (the whole first output as one
 * screen), over TCP, unix, vsock or inherited sockets, always with TLS.
 */
#ifndef PORTHOLE_RDP_SERVER_H
#define PORTHOLE_RDP_SERVER_H

#include "options.h"

struct pc_context;
struct rdp_server;
struct strbuf;

struct rdp_server_config {
	/* comma-separated: tcp:HOST:PORT, unix:PATH, vsock:PORT, fd:N, listen-fds */
	const char *listen;
	const char *user;          /* required when a listener is TCP; optional otherwise */
	const char *password_file; /* mode 0600, the password on its first line */
	const char *tls_cert;      /* both or neither: otherwise a self-signed pair */
	const char *tls_key;
	enum pc_rdp_mode mode;
	enum pc_rdp_codec codec;
	const char *rail_exec; /* comma-separated commands RemoteApp may start; NULL: none */
};

/** Starts listening. NULL on failure, with the reason logged. */
struct rdp_server *rdp_server_create(struct pc_context *ctx,
				     const struct rdp_server_config *config);

void rdp_server_destroy(struct rdp_server *server);

/**
 * One JSON object per connected peer into @out: address, mode, codec, keyboard
 * layout, frames sent and held back for acknowledgements, bytes of pixels.
 */
void rdp_server_describe_peers(struct rdp_server *server, struct strbuf *out);

#endif
