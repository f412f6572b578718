/*
 * Porthole's RDP server: FreeRDP 2.11's server library as the protocol engine,
 * peers on the compositor's event loop. Serves RemoteApp (each window its own
 * host window, rdp-rail.c) or desktop mode (the whole first output as one
 * screen), over TCP, unix, vsock or inherited sockets, always with TLS.
 */
#ifndef PORTHOLE_RDP_SERVER_H
#define PORTHOLE_RDP_SERVER_H

#include <stdbool.h>
#include <stddef.h>

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

/*
 * The listening sockets (rdp-transport.c): TCP, AF_UNIX (a path, mode 0600, a
 * live socket is never taken over), AF_VSOCK (as WSL's hvsocket, any CID), an
 * inherited fd, or the fds of systemd-style socket activation (LISTEN_FDS).
 * porthole-compositor opens them before it says it is ready, without the
 * server's libraries: a client that connects before the module is loaded
 * (below) waits in the listen queue.
 */
#define RDP_TRANSPORT_MAX_FDS 8

struct rdp_transport_sockets {
	int fds[RDP_TRANSPORT_MAX_FDS]; /* -1 once handed on */
	int count;
	bool reachable_remotely;                 /* some socket is TCP: credentials are required */
	char *unix_paths[RDP_TRANSPORT_MAX_FDS]; /* removed when the sockets are closed */
	int n_unix_paths;
};

/**
 * Opens the listening sockets of @list (comma-separated "tcp:HOST:PORT",
 * "unix:PATH", "vsock:PORT", "fd:N" or "listen-fds") into @out, which starts
 * empty. Returns 0, or -1 with the reason in @err; what was opened stays in
 * @out for rdp_transport_close().
 */
int rdp_transport_open(const char *list, struct rdp_transport_sockets *out, char *err,
		       size_t err_size);

/** Closes the sockets not handed on and removes the unix socket paths. */
void rdp_transport_close(struct rdp_transport_sockets *sockets);

/* Where the secrets come from, each a path or "fd:N" a privileged parent opened. */
struct rdp_secrets_sources {
	const char *user;
	const char *password_file; /* mode 0600, the password on its first line */
	const char *tls_cert;      /* both or neither: otherwise a self-signed pair */
	const char *tls_key;
	/* where the self-signed identity goes: <dir>/<name>.rdp.{crt,key,fingerprint} */
	const char *runtime_dir;
	const char *socket_name;
};

/* The secrets in memory (secret-file.h), each wiped when freed. */
struct rdp_secrets {
	char *password; /* NULL: no user */
	char *cert_pem; /* the TLS identity, PEM text */
	char *key_pem;
};

/**
 * Reads the secrets (a self-signed TLS identity is made when none is given),
 * the certificate's fingerprint logged and written beside it for clients to
 * pin. 0, or -1 with the reason logged.
 */
int rdp_secrets_load(struct rdp_secrets *secrets, const struct rdp_secrets_sources *from);

/** Wipes and frees what is left of them (what the server took is NULL). */
void rdp_secrets_release(struct rdp_secrets *secrets);

struct rdp_server_config {
	/* comma-separated: tcp:HOST:PORT, unix:PATH, vsock:PORT, fd:N, listen-fds */
	const char *listen;
	/* @listen's sockets, opened: the server takes each it serves */
	struct rdp_transport_sockets *sockets;
	const char *user; /* required when a listener is TCP; optional otherwise */
	/* what rdp_secrets_load() read: the server takes them */
	struct rdp_secrets *secrets;
	enum rdp_mode mode;
	enum rdp_codec codec;
	const char *rail_exec; /* comma-separated commands RemoteApp may start; NULL: none */
	int clipboard_max_mb;  /* a copy's limit either way, in MB; 0: no clipboard */
	const struct log_scopes *scopes;
	struct audio_bridge *audio; /* NULL: no sound */
};

/** Starts serving @config's sockets. NULL on failure, with the reason logged. */
struct rdp_server *rdp_server_create(struct pc_compositor *compositor,
				     const struct rdp_server_config *config);

void rdp_server_destroy(struct rdp_server *server);

/**
 * One JSON object per connected peer into @out: address, mode, codec, keyboard
 * layout, frames sent and held back for acknowledgements, bytes of pixels.
 */
void rdp_server_describe_peers(struct rdp_server *server, struct strbuf *out);

/*
 * The RDP server as a module (porthole-rdp.so): FreeRDP's libraries and
 * theirs (FFmpeg among them) take longer to load than the rest of the
 * compositor, so porthole-compositor opens the listening sockets, says it is
 * ready and serves Wayland clients while a thread loads the module.
 */
#define RDP_MODULE_FILE "porthole-rdp.so"
#define RDP_MODULE_SYMBOL "porthole_rdp_module"
/* raised whenever struct rdp_module or struct rdp_server_config changes */
#define RDP_MODULE_ABI 1

struct rdp_module {
	int abi;
	struct rdp_server *(*server_create)(struct pc_compositor *compositor,
					    const struct rdp_server_config *config);
	void (*server_destroy)(struct rdp_server *server);
	void (*server_describe_peers)(struct rdp_server *server, struct strbuf *out);
};

#endif
