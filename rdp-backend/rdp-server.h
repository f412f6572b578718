/*
 * Porthole's RDP server: FreeRDP 2.11's server library as the protocol engine,
 * peers on the compositor's event loop. Serves RemoteApp (each window its own
 * host window, rdp-rail.c) or desktop mode (the whole first output as one
 * screen), over TCP, unix, vsock or inherited sockets, always with TLS.
 */
#ifndef PORTHOLE_RDP_SERVER_H
#define PORTHOLE_RDP_SERVER_H

#include <stdbool.h>

struct pc_compositor;
struct audio_bridge;
struct log_scopes;
struct rdp_server;
struct strbuf;

enum rdp_mode {
	RDP_MODE_AUTO, /* RemoteApp when the client asks for it, else desktop */
	RDP_MODE_RAIL,
	RDP_MODE_DESKTOP,
};

enum rdp_codec {
	RDP_CODEC_AUTO, /* graphics pipeline (planar) if offered, else RemoteFX, NSCodec, bitmaps */
	/* SurfaceBits */
	RDP_CODEC_REMOTEFX,
	RDP_CODEC_NSC,
	RDP_CODEC_RAW,
	RDP_CODEC_BITMAP, /* planar bitmap updates, which every client decodes */
	/* graphics pipeline (rdpgfx) */
	RDP_CODEC_PLANAR,
	RDP_CODEC_PROGRESSIVE,
	RDP_CODEC_UNCOMPRESSED,
	RDP_CODEC_AVC420,
};

/** The name --rdp-codec and the logs use ("planar", ...). */
const char *rdp_codec_name(enum rdp_codec codec);

/** 0 and the codec @name names, or -1. */
int rdp_codec_from_name(const char *name, enum rdp_codec *codec);

/** 0 and the mode @name names ("auto", "rail", "desktop"), or -1. */
int rdp_mode_from_name(const char *name, enum rdp_mode *mode);

struct rdp_server_config {
	/* comma-separated: tcp:HOST:PORT, unix:PATH, vsock:PORT, fd:N, listen-fds */
	const char *listen;
	const char *user;          /* required when a listener is TCP; optional otherwise */
	const char *password_file; /* mode 0600, the password on its first line */
	const char *tls_cert;      /* both or neither: otherwise a self-signed pair */
	const char *tls_key;
	enum rdp_mode mode;
	enum rdp_codec codec;
	const char *rail_exec; /* comma-separated commands RemoteApp may start; NULL: none */
	int clipboard_max_mb;  /* a copy's limit either way, in MB; 0: no clipboard */
	/* where the self-signed identity goes: <dir>/<name>.rdp.{crt,key,fingerprint} */
	const char *runtime_dir;
	const char *socket_name;
	const struct log_scopes *scopes;
	struct audio_bridge *audio; /* NULL: no sound */
};

/** Starts listening. NULL on failure, with the reason logged. */
struct rdp_server *rdp_server_create(struct pc_compositor *compositor,
				     const struct rdp_server_config *config);

void rdp_server_destroy(struct rdp_server *server);

/**
 * One JSON object per connected peer into @out: address, mode, codec, keyboard
 * layout, frames sent and held back for acknowledgements, bytes of pixels.
 */
void rdp_server_describe_peers(struct rdp_server *server, struct strbuf *out);

#endif
