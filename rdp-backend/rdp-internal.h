/* What the rdp-backend files share: the server, its peers and FreeRDP's context. */
#ifndef PORTHOLE_RDP_INTERNAL_H
#define PORTHOLE_RDP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <freerdp/codec/nsc.h>
#include <freerdp/freerdp.h>
#include <freerdp/listener.h>
#include <freerdp/peer.h>
#include <freerdp/server/disp.h>
#include <pixman.h>
#include <wayland-server-core.h>

#include "idle-call.h"
#include "porthole-compositor.h"
#include "rdp-busy-tiles.h"
#include "rdp-moves.h"
#include "rdp-scrolls.h"
#include "work-pool.h"
#include "rdp-scancode.h"
#include "rdp-server.h"

#define RDP_MAX_EVENT_FDS 32

/* The client's pixels to global coordinates at @scale, rounding down also below 0. */
static inline int
rdp_to_global(int pixels, int scale)
{
	return pixels >= 0 ? pixels / scale : -((-pixels + scale - 1) / scale);
}
/* MS-RDPERP 2.2.1.1.2 wndSupportLevel; FreeRDP keeps the names in a private header */
#define RDP_WINDOW_LEVEL_SUPPORTED_EX 0x00000002
#define RDP_POINTER_CACHE_MAX 32 /* slots used of the client's pointer cache */
/* MS-RDPBCGR 2.2.7.1.10: the largest virtual channel chunk a server may announce */
#define RDP_CHANNEL_CHUNK_MAX 16256

struct pc_compositor;
struct log_scopes;
struct audio_bridge;
struct damage_capture;
struct rdp_peer;
struct rdp_rail;
struct rdp_remotefx;
struct rdp_audio;
struct rdp_clipboard;
struct rdp_pointer_watch;
struct rdp_gfx;
struct rdp_bitmaps;
struct rdp_cells;
struct rdp_auth;
struct rdp_task_queue;
struct rdp_login;
struct rdp_logins;

/* threads that encode beside the compositor's own (one fewer than the cores) */
#define RDP_ENCODE_HELPERS_MAX 3

/* Runs on the compositor's thread with a copy of what a channel thread posted. */
typedef void (*rdp_task_func_t)(struct rdp_peer *peer, void *payload);

struct rdp_server {
	struct pc_compositor *compositor;
	struct wl_event_loop *loop;
	const struct log_scopes *scopes;
	struct audio_bridge *audio; /* NULL: no sound */
	freerdp_listener *listener;
	struct wl_event_source *listener_events[RDP_MAX_EVENT_FDS];
	int n_listener_events;
	struct rdp_auth *auth;     /* who may log in */
	struct rdp_logins *logins; /* clients on their way in, each on its thread */
	enum rdp_mode mode;
	enum rdp_codec codec;         /* what --rdp-codec asks for */
	char **rail_exec;             /* NULL-terminated; NULL: RemoteApp starts nothing */
	uint64_t clipboard_max_bytes; /* a copy's limit either way; 0: no clipboard */
	char *cert_pem;               /* the TLS identity, PEM text */
	char *key_pem;
	struct wl_list peers; /* rdp_peer::link */
	struct rdp_pointer_watch *pointer;
	struct work_pool *encode_pool; /* every peer's frames are encoded on it, in turn */
};

/* A pointer image the client holds, by the key rdp-pointer.c gives it. */
struct rdp_pointer_cache_entry {
	bool used;
	uint64_t hash;
	uint32_t last_used;
};

/* FreeRDP allocates this as the peer's context; it points back to our peer. */
struct rdp_peer_context {
	rdpContext _p;
	struct rdp_peer *peer;
};

struct rdp_peer {
	struct rdp_server *server;
	struct wl_list link; /* rdp_server::peers, from the first activation */
	freerdp_peer *client;
	struct rdp_login *login; /* while the login thread has the peer; NULL after */
	/* ends that thread and forgets the login, the peer staying (rdp-login.c's) */
	void (*end_login)(struct rdp_login *login);
	bool set_up; /* graphics and channels made (rdp_peer_set_up()) */
	struct wl_event_source *events[RDP_MAX_EVENT_FDS];
	int n_events;
	bool activated;
	bool output_suppressed;
	/* RemoteApp: no output before the exec answer (rdp_rail_show_soon()) */
	bool graphics_held;
	uint16_t unicode_high_surrogate; /* first half of a character beyond the BMP */
	struct rdp_scancode_state scancodes;
	struct output_layout layout; /* the client's monitors, as the outputs took them */

	/* virtual channels (rdp-channels.c) */
	HANDLE vcm;
	struct wl_event_source *vcm_event;
	struct idle_call activation_check; /* the first channel check after activation */
	struct rdp_task_queue *tasks;
	struct rdp_rail *rail;           /* NULL in desktop mode */
	struct rdp_audio *audio;         /* NULL without an audio bridge */
	struct rdp_clipboard *clipboard; /* NULL without a cliprdr channel */
	uint64_t clipboard_max_bytes;    /* set before any channel starts; 0: no clipboard */
	DispServerContext *disp;         /* display control, desktop mode only; NULL without */
	bool dynamic_channels_ready;

	/* graphics */
	void (*before_frame)(struct rdp_peer *peer);
	struct damage_capture *capture;
	/* what the client sees as its desktop, in its pixels (the capture's bounds) */
	struct output_rect desktop;
	int scale; /* the client's pixels per global unit (the outputs' scale) */
	struct wl_listener capture_destroy_listener;
	struct idle_call capture_restart; /* follows the outputs once a change has settled */
	enum rdp_codec codec;             /* chosen at activation: never AUTO */
	struct rdp_gfx *gfx;              /* the graphics pipeline, when the codec is one of its */
	uint32_t gfx_generation;          /* pipelines made for this peer so far */
	NSC_CONTEXT *nsc;
	struct rdp_remotefx
		*remotefx; /* SurfaceBits RemoteFX, made at the first frame for the output's size */
	wStream *encode_stream;
	pixman_region32_t pending_damage;  /* changed since the last frame sent */
	uint32_t frame_id;                 /* of the last frame sent */
	uint32_t frame_acked;              /* the last the client acknowledged */
	struct wl_event_source *ack_timer; /* runs while frames wait for acknowledgement */
	int ack_stalls;                    /* times the client acknowledged nothing in time */
	bool acks_ignored;                 /* it stalled too often: frames go unpaced */
	uint64_t bytes_sent;
	/* boxes of one colour sent as fills (SolidFill, OpaqueRect), and their pixels */
	uint64_t solid_fills, filled_pixels;
	uint64_t stripes_untried; /* sent uncompressed without trying planar (pipeline) */
	/* busy parts sent lossy (rdp-busy-tiles.h), and their lossless refreshes */
	struct rdp_busy_tiles busy;
	struct wl_event_source *refresh_timer;
	uint64_t lossy_frames, lossy_bytes, lossless_refreshes;
	struct rdp_moves *moves;     /* moved windows sent as copies (rdp-moves.h) */
	struct rdp_scrolls *scrolls; /* scrolled areas sent as copies (rdp-scrolls.h) */
	struct rdp_bitmaps *bitmaps; /* planar bitmap updates (rdp-bitmaps.c) */
	struct rdp_cells *cells;     /* repeated text cells sent as copies (rdp-cells.h) */
	uint64_t copies, copied_pixels;
	uint64_t cell_copies; /* of them, copies of repeated cells */
	uint64_t frames_sent;
	uint64_t frames_held; /* repaints folded into a later frame while the client was behind */

	/* pointer (rdp-pointer.c) */
	struct rdp_pointer_cache_entry pointer_cache[RDP_POINTER_CACHE_MAX];
	uint32_t pointer_clock; /* orders the cache slots' last use */
	uint64_t pointers_new, pointers_cached;
};

/* rdp-auth.c */
/**
 * The credentials a client must give (both NULL: none, for local
 * transports); takes *@password (secret_read()'s), leaving NULL there.
 */
struct rdp_auth *rdp_auth_create(const char *user, char **password);

void rdp_auth_destroy(struct rdp_auth *auth);

/** The user name clients must give; NULL when no credentials are asked. */
const char *rdp_auth_user(const struct rdp_auth *auth);

/**
 * Whether @user and @password are right (always, without credentials). Any
 * thread. A wrong pair counts against @address, the client's; @delay_ms is
 * how long to wait before that client is told.
 */
bool rdp_auth_check(struct rdp_auth *auth, const char *address, const char *user,
		    const char *password, int *delay_ms);

/**
 * The user name @who gives (UTF-16 from Network Level Authentication) in
 * UTF-8, to be freed; NULL when it is no one's (empty, over 256 characters,
 * a NUL inside, not Unicode). Any thread.
 */
char *rdp_auth_user_name(const SEC_WINNT_AUTH_IDENTITY *who);

/**
 * Network Level Authentication: the NTLMv2 hash of the password for @who, the
 * user and domain a client named, in @hash; @user is @who's name as
 * rdp_auth_user_name() gave it. False when it is not the user who may log
 * in. Any thread.
 */
bool rdp_auth_ntlm_v2_hash(const struct rdp_auth *auth, const char *user,
			   const SEC_WINNT_AUTH_IDENTITY *who, BYTE hash[16]);

/** Counts a wrong login from @address; returns how long to wait before its client is told. */
int rdp_auth_refuse(struct rdp_auth *auth, const char *address);

/* rdp-nla.c */
/** A login thread's check of the client's answer in Network Level Authentication. */
struct rdp_nla_check {
	/*
	 * The NTLMv2 hash (NTOWFv2) of the password for the user and domain the
	 * client named; false for a user who may not log in.
	 */
	bool (*hash)(struct rdp_nla_check *check, const SEC_WINNT_AUTH_IDENTITY *who,
		     BYTE ntlm_v2_hash[16]);
	/** The client's answer was checked; called before the client is told. */
	void (*verdict)(struct rdp_nla_check *check, bool accepted);
};

/** Binds @check to the calling thread, for FreeRDP's NLA on it (NULL unbinds). */
void rdp_nla_check_bind(struct rdp_nla_check *check);

/* rdp-login.c */
struct rdp_logins *rdp_logins_create(struct rdp_server *server);

/** Ends every client still logging in (their threads, their peers). NULL-safe. */
void rdp_logins_destroy(struct rdp_logins *logins);

/**
 * A new client: its login thread takes it from here. False when it was not
 * taken; the listener then closes and frees @client.
 */
bool rdp_login_start(struct rdp_server *server, freerdp_peer *client);

/* rdp-peer.c */
/** On the login thread: FreeRDP's context and settings for a new peer (the login sets
 * its own Activate and licensing callbacks). */
bool rdp_peer_prepare(struct rdp_peer *peer);

/** On the event loop: activates the peer, making its graphics and channels the first time. */
bool rdp_peer_activate(struct rdp_peer *peer);

/** On the event loop, once the login thread ended: the peer's input, sockets and later
 * activations are the event loop's. */
bool rdp_peer_go_live(struct rdp_peer *peer);

void rdp_peer_destroy(struct rdp_peer *peer);

/* rdp-graphics.c */
/** @before_frame (may be NULL) runs before each frame's pixels go: RemoteApp windows first. */
int rdp_graphics_init(struct rdp_peer *peer, void (*before_frame)(struct rdp_peer *peer));

void rdp_graphics_release(struct rdp_peer *peer);

/** At activation: the codec, from what the client offers and --rdp-codec. */
void rdp_graphics_choose_codec(struct rdp_peer *peer);

/** The client has shown the frame @frame_id (SurfaceBits or graphics pipeline). */
void rdp_graphics_frame_acknowledged(struct rdp_peer *peer, uint32_t frame_id);

/** How many frames may be unacknowledged before the client counts as behind; 0: any. */
uint32_t rdp_graphics_frames_in_flight_max(struct rdp_peer *peer);

/** Starts sending the desktop (all outputs): everything once, then each repaint's damage. */
void rdp_graphics_start(struct rdp_peer *peer);

/* rdp-surface-frames.c */

/**
 * Moved and scrolled areas may go as copies to a client without the pipeline:
 * it draws ScrBlt orders, and its codec is lossless.
 */
bool rdp_surface_takes_copies(struct rdp_peer *peer);

/**
 * One frame of @damage of the desktop @pixels between frame markers: @copies
 * (at most RDP_MOVES_MAX_COPIES, in order) as ScrBlt orders, boxes of one
 * colour as OpaqueRect orders (they leave @damage), the rest as SurfaceBits
 * or bitmap updates in the peer's codec.
 */
void rdp_surface_send_frame(struct rdp_peer *peer, uint32_t frame_id, const uint32_t *pixels,
			    int width, int height, int stride, pixman_region32_t *damage,
			    const struct rdp_copy *copies, int n_copies);

/** What sending frames left with FreeRDP goes, before the peer's context. */
void rdp_surface_release(struct rdp_peer *peer);

/* rdp-gfx.c */
bool rdp_gfx_codec_is_pipeline(enum rdp_codec codec);

/* What the graphics pipeline tells its owner, rdp-graphics.c. */
struct rdp_gfx_listener {
	/* capabilities confirmed: frames may go */
	void (*ready)(struct rdp_peer *peer);
	/* the pipeline is not coming, or is gone (@why): the owner frees it */
	void (*failed)(struct rdp_peer *peer, const char *why);
	/* the client has shown frame @frame_id */
	void (*acknowledged)(struct rdp_peer *peer, uint32_t frame_id);
};

/**
 * A pipeline for the peer's codec, to become peer->gfx: it opens its channel
 * at rdp_gfx_dynamic_ready(), and fails unless the client advertises
 * capabilities in time. @generation tells its tasks from an earlier pipeline's.
 */
struct rdp_gfx *rdp_gfx_create(struct rdp_peer *peer, const struct rdp_gfx_listener *listener,
			       uint32_t generation);

/** Dynamic channels are ready: opens peer->gfx's channel, if there is a pipeline. */
void rdp_gfx_dynamic_ready(struct rdp_peer *peer);

/** Stops the channel and its thread; the peer's tasks may still be queued. */
void rdp_gfx_destroy(struct rdp_gfx *gfx);

/** Capabilities are confirmed: frames go through the pipeline. */
bool rdp_gfx_ready(struct rdp_peer *peer);

/** Nothing is lossy on the client any more: the video surface and its encoder go, until needed. */
void rdp_gfx_lossy_settled(struct rdp_peer *peer);

/** Moved windows may go as copies: the pipeline is up and sends planar or uncompressed boxes. */
bool rdp_gfx_takes_copies(struct rdp_peer *peer);

/** Busy parts of frames may go lossy (the pipeline has video; see rdp_gfx_send_frame()). */
bool rdp_gfx_takes_lossy(struct rdp_peer *peer);

/** Steps coarser than usual that busy parts go in now (RemoteFX's rate control); 0 otherwise. */
int rdp_gfx_lossy_coarser(struct rdp_peer *peer);

/** Bytes of pipeline PDUs, and what they took on the channel packed; 0 without a pipeline. */
void rdp_gfx_counts(struct rdp_peer *peer, uint64_t *pdu_bytes, uint64_t *packed_bytes);

/** The pipeline is being set up: nothing may be drawn yet. */
bool rdp_gfx_holds_graphics(struct rdp_peer *peer);

uint32_t rdp_gfx_frames_in_flight_max(struct rdp_peer *peer);

/**
 * A new surface the size of the desktop, over @n monitors (relative to its
 * top-left): at the start, and when the outputs change.
 */
int rdp_gfx_reset_surface(struct rdp_peer *peer, const struct output_rect *monitors, int n,
			  int width, int height);

/**
 * One frame between StartFrame and EndFrame: first @n_copies @copies of what
 * the client shows, then the damaged parts of @pixels (the whole desktop);
 * @lossy (a part of @damage, or NULL) may go lossy.
 */
int rdp_gfx_send_frame(struct rdp_peer *peer, uint32_t frame_id, const uint32_t *pixels, int width,
		       int height, int stride, pixman_region32_t *damage, pixman_region32_t *lossy,
		       const struct rdp_copy *copies, int n_copies);

/* rdp-bitmaps.c */
struct rdp_bitmaps *rdp_bitmaps_create(void);

/** NULL-safe. */
void rdp_bitmaps_destroy(struct rdp_bitmaps *bitmaps);

/**
 * Inside a frame: @damage of the @width x @height desktop @pixels as planar
 * bitmap updates; what they could not carry goes into @raw (initialised by
 * the caller) for raw SurfaceBits.
 */
void rdp_bitmaps_send(struct rdp_bitmaps *bitmaps, struct rdp_peer *peer, const uint32_t *pixels,
		      int width, int height, int stride, pixman_region32_t *damage,
		      pixman_region32_t *raw);

/* rdp-channels.c */
/** The channel manager and the task queue; 0 or -1. */
int rdp_channels_init(struct rdp_peer *peer);

/** Readable when the channel manager has work: rdp_channels_check() then. */
int rdp_channels_get_fd(struct rdp_peer *peer);

/** Sends what channels queued (from any thread) and runs the DVC set-up; false: they failed. */
bool rdp_channels_check(struct rdp_peer *peer);

/** Stops the queue and the channel manager; channel users are stopped before. */
void rdp_channels_release(struct rdp_peer *peer);

/* rdp-tasks.c */
/** The queue from FreeRDP's channel threads to the compositor's thread. NULL on failure. */
struct rdp_task_queue *rdp_task_queue_create(struct rdp_peer *peer);

/** Drops what is still queued; the threads that post must be gone. NULL-safe. */
void rdp_task_queue_destroy(struct rdp_task_queue *queue);

/**
 * From any thread: has @run called on the compositor's thread with a copy of the
 * @size bytes at @payload. False when out of memory.
 */
bool rdp_peer_post(struct rdp_peer *peer, rdp_task_func_t run, const void *payload, size_t size);

/* rdp-rail.c */
/** Starts RemoteApp for an activated peer that asked for it. */
int rdp_rail_start(struct rdp_peer *peer);

/** Stops the RAIL channel and its thread; the peer's tasks may still name it. */
void rdp_rail_destroy(struct rdp_rail *rail);

/** Brings the client's window list up to date, now. */
void rdp_rail_sync(struct rdp_rail *rail);

/** The client's pointer moved to @x, @y of its own pixels (not the desktop's). */
void rdp_rail_pointer_at(struct rdp_rail *rail, int x, int y);

/** After activation: the dynamic channel set-up may have finished; tells who waits. */
void rdp_channels_poll_dynamic(struct rdp_peer *peer);

/* rdp-layout.c */
/** Makes the outputs @layout and remembers it as the peer's. */
int rdp_layout_apply(struct rdp_peer *peer, const struct output_layout *layout);

/** At activation: the outputs take the client's monitors (or its desktop size). */
void rdp_layout_follow_client(struct rdp_peer *peer);

/* rdp-disp.c */
/** Dynamic channels are ready: in desktop mode, follows the client's window size. */
void rdp_disp_dynamic_ready(struct rdp_peer *peer);

/* rdp-clipboard.c */
/** Shares the clipboard with an activated peer whose client joined cliprdr. */
void rdp_clipboard_start(struct rdp_peer *peer);

/** Stops the channel and its thread; apps waiting for the host's data read its end. */
void rdp_clipboard_destroy(struct rdp_clipboard *clipboard);

/** "clipboard": what went each way (null without the channel), for `porthole peers`. */
void rdp_clipboard_describe(const struct rdp_clipboard *clipboard, struct strbuf *out);

/* rdp-audio.c */
/** Opens sound (static rdpsnd) for an activated peer when the compositor has audio. */
void rdp_audio_start(struct rdp_peer *peer);

/** Dynamic channels are ready: sound over AUDIO_PLAYBACK_DVC if not yet open, microphone. */
void rdp_audio_dynamic_ready(struct rdp_peer *peer);

/** Stops both channels and their threads; the peer's tasks may still be queued. */
void rdp_audio_destroy(struct rdp_audio *audio);

/* rdp-pointer.c */
/** Sends the app's pointer image to the peers; hides it from the output meanwhile. */
struct rdp_pointer_watch *rdp_pointer_watch_create(struct rdp_server *server);

void rdp_pointer_watch_destroy(struct rdp_pointer_watch *watch);

/** At activation: the peer gets the pointer the apps show now. */
void rdp_pointer_send_current(struct rdp_peer *peer);

/** "default", "hidden" or the image's WxH+hotspot, for `porthole peers`. */
const char *rdp_pointer_describe(struct rdp_server *server, char *buf, size_t size);

/* rdp-input.c */
void rdp_input_init(struct rdp_peer *peer);

/** At activation: the seat's keymap becomes the client's layout, unless the config names one. */
void rdp_input_follow_client_layout(struct rdp_peer *peer);

struct rdp_keyboard_layout;

/** The seat's keymap becomes @layout (NULL: one the table lacks), the client's layout @id. */
void rdp_input_follow_layout(struct rdp_peer *peer, uint32_t id,
			     const struct rdp_keyboard_layout *layout);

#endif
