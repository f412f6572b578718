/*
 * The PulseAudio side of sound and microphone. The bridge is a client of the
 * system distro's PulseAudio: it records what apps play into the RDPSink null
 * sink (from its monitor) and hands it to every player (an RDP peer's rdpsnd);
 * while an app records from RDPSource it asks the newest microphone (a peer's
 * audin) to capture and plays what arrives into RDPSourceFeed, the null sink
 * RDPSource remaps. It reconnects by itself when PulseAudio restarts.
 *
 * Everything runs on the compositor thread.
 */
#ifndef PORTHOLE_AUDIO_BRIDGE_H
#define PORTHOLE_AUDIO_BRIDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libweston/weston-log.h>
#include <wayland-server-core.h>

/* What players get: interleaved signed 16-bit little-endian stereo. */
#define AUDIO_BRIDGE_RATE 48000
#define AUDIO_BRIDGE_CHANNELS 2
#define AUDIO_BRIDGE_FRAME_BYTES 4

#define AUDIO_SINK_NAME "RDPSink"
#define AUDIO_SOURCE_NAME "RDPSource"
#define AUDIO_SOURCE_FEED_NAME "RDPSourceFeed"

struct audio_bridge;

/* Something that plays what apps play; the sink's volume is already in the samples. */
struct audio_player {
	void (*play)(struct audio_player *player, const int16_t *frames, size_t n_frames);
	struct wl_list link; /* audio_bridge::players */
};

/* Something that can capture: asked to start while an app records, to stop after. */
struct audio_microphone {
	void (*capture)(struct audio_microphone *microphone, bool on);
	bool capturing;      /* kept by the bridge */
	struct wl_list link; /* audio_bridge::microphones, newest first */
};

/**
 * Connects to the PulseAudio at @server (libpulse's syntax, "unix:/path"),
 * now and again whenever it goes. NULL when out of memory.
 */
struct audio_bridge *audio_bridge_create(struct wl_event_loop *loop, const char *server,
					 struct weston_log_scope *scope);

void audio_bridge_destroy(struct audio_bridge *bridge);

void audio_bridge_add_player(struct audio_bridge *bridge, struct audio_player *player);

void audio_bridge_remove_player(struct audio_bridge *bridge, struct audio_player *player);

void audio_bridge_add_microphone(struct audio_bridge *bridge, struct audio_microphone *microphone);

/** Stops @microphone if it captures (another takes over) and forgets it. */
void audio_bridge_remove_microphone(struct audio_bridge *bridge,
				    struct audio_microphone *microphone);

/**
 * What @microphone captured: interleaved signed 16-bit little-endian samples
 * at @rate Hz, @channels channels. Dropped when nobody records any more.
 */
void audio_bridge_microphone_samples(struct audio_bridge *bridge,
				     struct audio_microphone *microphone, uint32_t rate,
				     uint8_t channels, const void *data, size_t bytes);

#endif
