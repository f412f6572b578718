/*
 * The audio bridge: one libpulse context on the compositor's loop, the tap on
 * RDPSink's monitor, the feed stream behind RDPSource, and the bookkeeping of
 * who plays and who captures.
 *
 * The tap records with PA_STREAM_DONT_INHIBIT_AUTO_SUSPEND: module-suspend-on-idle
 * suspends the sink while no app plays, and then neither PulseAudio nor the
 * bridge nor the wire does any work. A null sink applies its volume and mute in
 * software before its monitor, so what the tap hears already follows them.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libweston/libweston.h>
#include <pulse/context.h>
#include <pulse/error.h>
#include <pulse/introspect.h>
#include <pulse/stream.h>
#include <pulse/subscribe.h>

#include "audio-bridge.h"
#include "log.h"
#include "monotonic.h"
#include "pulse-loop.h"

#define AUDIO_RECONNECT_MS 200
/*
 * The system distro starts PulseAudio and the compositor side by side: while
 * PulseAudio comes up, the bridge tries again soon and says nothing.
 */
#define AUDIO_STARTUP_RETRY_MS 20
#define AUDIO_STARTUP_GRACE_MS 2000
#define AUDIO_TAP_FRAGMENT_US 10000 /* sets the sink's block size while something plays */
#define AUDIO_FEED_TARGET_US 160000 /* microphone samples buffered ahead of recorders */
#define AUDIO_FEED_PREBUF_US 80000

struct audio_bridge {
	struct weston_log_scope *scope;
	char *server;
	struct pulse_loop *pulse_loop;
	pa_context *context;
	bool ever_connected;
	int64_t created_ms;
	bool failure_logged;
	struct wl_event_source *reconnect_timer;

	pa_stream *tap;         /* RDPSink's monitor */
	struct wl_list players; /* audio_player::link */

	uint32_t source_index;      /* RDPSource, PA_INVALID_INDEX while unknown */
	int recorders;              /* source outputs on RDPSource */
	int counting;               /* recount: 0 idle, 1 under way, 2 under way and stale */
	struct wl_list microphones; /* audio_microphone::link, newest first */
	pa_stream *feed;            /* into RDPSourceFeed */
	pa_sample_spec feed_spec;
	uint64_t feed_dropped_bytes;
	unsigned feed_underflows; /* the microphone came late: recorders heard a gap */
	unsigned feed_overflows;
};

static void audio_bridge_connect(struct audio_bridge *bridge);

static void
audio_bridge_drop_operation(pa_operation *operation)
{
	if (operation)
		pa_operation_unref(operation);
}

/* ---- playback: the tap on RDPSink's monitor ---- */

static void
audio_tap_handle_read(pa_stream *stream, size_t nbytes, void *data)
{
	struct audio_bridge *bridge = data;
	struct audio_player *player, *tmp;
	const void *samples;
	size_t size;

	while (pa_stream_readable_size(stream) > 0) {
		if (pa_stream_peek(stream, &samples, &size) < 0 || size == 0)
			break;
		/* a hole (samples NULL) is a gap PulseAudio already lost: skipped */
		if (samples)
			wl_list_for_each_safe(player, tmp, &bridge->players, link)
				player->play(player, samples, size / AUDIO_BRIDGE_FRAME_BYTES);
		pa_stream_drop(stream);
	}
}

static void
audio_bridge_cork_tap(struct audio_bridge *bridge)
{
	if (!bridge->tap || pa_stream_get_state(bridge->tap) != PA_STREAM_READY)
		return;
	/* nobody to play to: no reason to keep the sink's monitor flowing */
	audio_bridge_drop_operation(
		pa_stream_cork(bridge->tap, wl_list_empty(&bridge->players), NULL, NULL));
}

static void
audio_tap_handle_state(pa_stream *stream, void *data)
{
	struct audio_bridge *bridge = data;

	switch (pa_stream_get_state(stream)) {
	case PA_STREAM_READY:
		log_scope(bridge->scope, "audio: tap on %s.monitor ready\n", AUDIO_SINK_NAME);
		/* players may have come or gone while it was being created */
		audio_bridge_cork_tap(bridge);
		break;
	case PA_STREAM_FAILED:
		weston_log("audio: cannot record %s.monitor (%s); is PulseAudio running with "
			   "Porthole's configuration (config/pulseaudio/porthole.pa)?\n",
			   AUDIO_SINK_NAME, pa_strerror(pa_context_errno(bridge->context)));
		break;
	default:
		break;
	}
}

static void
audio_bridge_open_tap(struct audio_bridge *bridge)
{
	const pa_sample_spec spec = {
		.format = PA_SAMPLE_S16LE,
		.rate = AUDIO_BRIDGE_RATE,
		.channels = AUDIO_BRIDGE_CHANNELS,
	};
	pa_buffer_attr attr = {
		.maxlength = (uint32_t)-1,
		.fragsize = (uint32_t)pa_usec_to_bytes(AUDIO_TAP_FRAGMENT_US, &spec),
	};
	pa_stream_flags_t flags = PA_STREAM_ADJUST_LATENCY | PA_STREAM_DONT_INHIBIT_AUTO_SUSPEND |
				  PA_STREAM_DONT_MOVE;

	if (wl_list_empty(&bridge->players))
		flags |= PA_STREAM_START_CORKED;
	bridge->tap = pa_stream_new(bridge->context, "RDP playback", &spec, NULL);
	if (!bridge->tap) {
		weston_log("audio: cannot create the playback tap: %s\n",
			   pa_strerror(pa_context_errno(bridge->context)));
		return;
	}
	pa_stream_set_state_callback(bridge->tap, audio_tap_handle_state, bridge);
	pa_stream_set_read_callback(bridge->tap, audio_tap_handle_read, bridge);
	if (pa_stream_connect_record(bridge->tap, AUDIO_SINK_NAME ".monitor", &attr, flags) < 0) {
		weston_log("audio: cannot record %s.monitor: %s\n", AUDIO_SINK_NAME,
			   pa_strerror(pa_context_errno(bridge->context)));
		pa_stream_unref(bridge->tap);
		bridge->tap = NULL;
	}
}

static void
audio_bridge_close_stream(pa_stream **stream)
{
	if (!*stream)
		return;
	pa_stream_set_state_callback(*stream, NULL, NULL);
	pa_stream_set_read_callback(*stream, NULL, NULL);
	if (pa_stream_get_state(*stream) == PA_STREAM_READY ||
	    pa_stream_get_state(*stream) == PA_STREAM_CREATING)
		pa_stream_disconnect(*stream);
	pa_stream_unref(*stream);
	*stream = NULL;
}

/* ---- microphone: who records from RDPSource, and the feed behind it ---- */

static void
audio_feed_handle_underflow(pa_stream *stream, void *data)
{
	struct audio_bridge *bridge = data;

	bridge->feed_underflows++;
}

static void
audio_feed_handle_overflow(pa_stream *stream, void *data)
{
	struct audio_bridge *bridge = data;

	bridge->feed_overflows++;
}

static void
audio_bridge_open_feed(struct audio_bridge *bridge, const pa_sample_spec *spec)
{
	pa_buffer_attr attr = {
		.maxlength = (uint32_t)-1,
		.tlength = (uint32_t)pa_usec_to_bytes(AUDIO_FEED_TARGET_US, spec),
		.prebuf = (uint32_t)pa_usec_to_bytes(AUDIO_FEED_PREBUF_US, spec),
		.minreq = (uint32_t)-1,
	};

	bridge->feed_spec = *spec;
	bridge->feed = pa_stream_new(bridge->context, "RDP microphone", spec, NULL);
	if (!bridge->feed)
		return;
	pa_stream_set_underflow_callback(bridge->feed, audio_feed_handle_underflow, bridge);
	pa_stream_set_overflow_callback(bridge->feed, audio_feed_handle_overflow, bridge);
	if (pa_stream_connect_playback(bridge->feed, AUDIO_SOURCE_FEED_NAME, &attr,
				       PA_STREAM_ADJUST_LATENCY | PA_STREAM_DONT_MOVE, NULL,
				       NULL) < 0) {
		weston_log("audio: cannot play into %s: %s\n", AUDIO_SOURCE_FEED_NAME,
			   pa_strerror(pa_context_errno(bridge->context)));
		pa_stream_unref(bridge->feed);
		bridge->feed = NULL;
		return;
	}
	log_scope(bridge->scope, "audio: feed opened: %" PRIu32 " Hz, %u channel(s)\n", spec->rate,
		  spec->channels);
}

static void
audio_bridge_update_capture(struct audio_bridge *bridge)
{
	bool wanted = bridge->recorders > 0 && bridge->context &&
		      pa_context_get_state(bridge->context) == PA_CONTEXT_READY;
	struct audio_microphone *microphone, *tmp;
	bool first = true;

	wl_list_for_each_safe(microphone, tmp, &bridge->microphones, link)
	{
		bool on = wanted && first;

		first = false;
		if (microphone->capturing == on)
			continue;
		microphone->capturing = on;
		microphone->capture(microphone, on);
	}
	/* Opened now, not at the first samples: the feed's latency is what sets the
	 * null sink's block size, and recorders would otherwise wait for a block of
	 * up to two seconds before anything arrives. */
	if (wanted && !bridge->feed && !wl_list_empty(&bridge->microphones)) {
		const pa_sample_spec spec = {
			.format = PA_SAMPLE_S16LE,
			.rate = AUDIO_BRIDGE_RATE,
			.channels = AUDIO_BRIDGE_CHANNELS,
		};
		audio_bridge_open_feed(bridge, &spec);
	}
	if (!wanted && bridge->feed) {
		log_scope(bridge->scope,
			  "audio: feed closed (%" PRIu64
			  " bytes dropped, %u underflows, %u overflows)\n",
			  bridge->feed_dropped_bytes, bridge->feed_underflows,
			  bridge->feed_overflows);
		audio_bridge_close_stream(&bridge->feed);
	}
}

static void audio_bridge_recount(struct audio_bridge *bridge);

static void
audio_bridge_handle_source_output(pa_context *context, const pa_source_output_info *info, int eol,
				  void *data)
{
	struct audio_bridge *bridge = data;

	if (!eol) {
		if (info->source == bridge->source_index)
			bridge->recorders++;
		return;
	}
	if (bridge->counting == 2) {
		bridge->counting = 0;
		audio_bridge_recount(bridge);
		return;
	}
	bridge->counting = 0;
	log_scope(bridge->scope, "audio: %d recorder(s) on %s\n", bridge->recorders,
		  AUDIO_SOURCE_NAME);
	audio_bridge_update_capture(bridge);
}

static void
audio_bridge_handle_source(pa_context *context, const pa_source_info *info, int eol, void *data)
{
	struct audio_bridge *bridge = data;

	if (info) {
		bridge->source_index = info->index;
		return;
	}
	if (!eol)
		return;
	if (bridge->source_index == PA_INVALID_INDEX) {
		weston_log("audio: PulseAudio has no source %s; the microphone stays off\n",
			   AUDIO_SOURCE_NAME);
		bridge->counting = 0;
		return;
	}
	bridge->recorders = 0;
	audio_bridge_drop_operation(pa_context_get_source_output_info_list(
		context, audio_bridge_handle_source_output, bridge));
}

/* Counts the source outputs on RDPSource afresh; events during a count redo it. */
static void
audio_bridge_recount(struct audio_bridge *bridge)
{
	if (bridge->counting) {
		bridge->counting = 2;
		return;
	}
	bridge->counting = 1;
	bridge->source_index = PA_INVALID_INDEX;
	audio_bridge_drop_operation(pa_context_get_source_info_by_name(
		bridge->context, AUDIO_SOURCE_NAME, audio_bridge_handle_source, bridge));
}

static void
audio_bridge_handle_event(pa_context *context, pa_subscription_event_type_t type, uint32_t index,
			  void *data)
{
	struct audio_bridge *bridge = data;
	pa_subscription_event_type_t kind = type & PA_SUBSCRIPTION_EVENT_TYPE_MASK;

	/* a stream moved between sources is a "change" */
	if (kind == PA_SUBSCRIPTION_EVENT_NEW || kind == PA_SUBSCRIPTION_EVENT_REMOVE ||
	    kind == PA_SUBSCRIPTION_EVENT_CHANGE)
		audio_bridge_recount(bridge);
}

void
audio_bridge_microphone_samples(struct audio_bridge *bridge, struct audio_microphone *microphone,
				uint32_t rate, uint8_t channels, const void *data, size_t bytes)
{
	const pa_sample_spec spec = {.format = PA_SAMPLE_S16LE, .rate = rate, .channels = channels};
	size_t writable, allowed;

	if (!microphone->capturing || !pa_sample_spec_valid(&spec))
		return;
	if (bridge->feed && !pa_sample_spec_equal(&spec, &bridge->feed_spec))
		audio_bridge_close_stream(&bridge->feed);
	if (!bridge->feed)
		audio_bridge_open_feed(bridge, &spec);
	if (!bridge->feed || pa_stream_get_state(bridge->feed) != PA_STREAM_READY) {
		bridge->feed_dropped_bytes += bytes;
		return;
	}
	/* Recorders drain at real time: clients send packets of tens of ms, and a
	 * queue beyond twice the target would only grow the microphone's delay. */
	writable = pa_stream_writable_size(bridge->feed);
	if (writable == (size_t)-1)
		return;
	/* what is queued now is the target less what the stream asks for */
	allowed = writable + pa_usec_to_bytes(AUDIO_FEED_TARGET_US, &spec);
	if (bytes > allowed) {
		bridge->feed_dropped_bytes += bytes - allowed;
		bytes = allowed - allowed % pa_frame_size(&spec);
	}
	if (bytes > 0)
		pa_stream_write(bridge->feed, data, bytes, NULL, 0, PA_SEEK_RELATIVE);
}

/* ---- the connection ---- */

static void
audio_bridge_forget_server(struct audio_bridge *bridge)
{
	audio_bridge_close_stream(&bridge->tap);
	audio_bridge_close_stream(&bridge->feed);
	if (bridge->context) {
		pa_context_set_state_callback(bridge->context, NULL, NULL);
		pa_context_set_subscribe_callback(bridge->context, NULL, NULL);
		pa_context_disconnect(bridge->context);
		pa_context_unref(bridge->context);
		bridge->context = NULL;
	}
	bridge->recorders = 0;
	bridge->counting = 0;
	bridge->source_index = PA_INVALID_INDEX;
}

static int
audio_bridge_handle_reconnect(void *data)
{
	audio_bridge_connect(data);
	return 0;
}

static void
audio_bridge_lost(struct audio_bridge *bridge)
{
	const char *why = bridge->context ? pa_strerror(pa_context_errno(bridge->context)) : "";
	bool starting = !bridge->ever_connected &&
			monotonic_ms() - bridge->created_ms < AUDIO_STARTUP_GRACE_MS;

	/* while PulseAudio is still coming up beside the compositor there is nothing to say */
	if (!starting && !bridge->failure_logged) {
		if (bridge->ever_connected)
			weston_log("audio: PulseAudio at %s went away (%s); reconnecting\n",
				   bridge->server, why);
		else
			weston_log(
				"audio: cannot reach PulseAudio at %s (%s); retrying every %d ms\n",
				bridge->server, why, AUDIO_RECONNECT_MS);
		bridge->failure_logged = true;
	}
	audio_bridge_forget_server(bridge);
	audio_bridge_update_capture(bridge);
	wl_event_source_timer_update(bridge->reconnect_timer,
				     starting ? AUDIO_STARTUP_RETRY_MS : AUDIO_RECONNECT_MS);
}

static void
audio_bridge_handle_context_state(pa_context *context, void *data)
{
	struct audio_bridge *bridge = data;

	switch (pa_context_get_state(context)) {
	case PA_CONTEXT_READY:
		weston_log("audio: connected to PulseAudio at %s (server %s)\n", bridge->server,
			   pa_context_get_server(context));
		bridge->ever_connected = true;
		bridge->failure_logged = false;
		pa_context_set_subscribe_callback(context, audio_bridge_handle_event, bridge);
		audio_bridge_drop_operation(pa_context_subscribe(
			context, PA_SUBSCRIPTION_MASK_SOURCE_OUTPUT | PA_SUBSCRIPTION_MASK_SOURCE,
			NULL, NULL));
		audio_bridge_open_tap(bridge);
		audio_bridge_recount(bridge);
		break;
	case PA_CONTEXT_FAILED:
	case PA_CONTEXT_TERMINATED:
		audio_bridge_lost(bridge);
		break;
	default:
		break;
	}
}

static void
audio_bridge_connect(struct audio_bridge *bridge)
{
	pa_proplist *props = pa_proplist_new();

	pa_proplist_sets(props, PA_PROP_APPLICATION_NAME, "porthole-compositor");
	pa_proplist_sets(props, PA_PROP_APPLICATION_ID, "org.porthole.Compositor");
	bridge->context = pa_context_new_with_proplist(pulse_loop_get_api(bridge->pulse_loop),
						       "porthole-compositor", props);
	pa_proplist_free(props);
	if (!bridge->context) {
		audio_bridge_lost(bridge);
		return;
	}
	pa_context_set_state_callback(bridge->context, audio_bridge_handle_context_state, bridge);
	if (pa_context_connect(bridge->context, bridge->server, PA_CONTEXT_NOAUTOSPAWN, NULL) < 0)
		audio_bridge_lost(bridge);
}

struct audio_bridge *
audio_bridge_create(struct wl_event_loop *loop, const char *server, struct weston_log_scope *scope)
{
	struct audio_bridge *bridge = calloc(1, sizeof *bridge);

	if (!bridge)
		return NULL;
	bridge->scope = scope;
	bridge->created_ms = monotonic_ms();
	bridge->source_index = PA_INVALID_INDEX;
	wl_list_init(&bridge->players);
	wl_list_init(&bridge->microphones);
	bridge->server = strdup(server);
	if (!bridge->server)
		goto err;
	bridge->pulse_loop = pulse_loop_create(loop);
	if (!bridge->pulse_loop)
		goto err;
	bridge->reconnect_timer =
		wl_event_loop_add_timer(loop, audio_bridge_handle_reconnect, bridge);
	if (!bridge->reconnect_timer)
		goto err;
	audio_bridge_connect(bridge);
	return bridge;

err:
	audio_bridge_destroy(bridge);
	return NULL;
}

void
audio_bridge_destroy(struct audio_bridge *bridge)
{
	if (!bridge)
		return;
	audio_bridge_forget_server(bridge);
	/* players and microphones belong to RDP peers, gone before the bridge */
	wl_list_remove(&bridge->players);
	wl_list_remove(&bridge->microphones);
	if (bridge->reconnect_timer)
		wl_event_source_remove(bridge->reconnect_timer);
	pulse_loop_destroy(bridge->pulse_loop);
	free(bridge->server);
	free(bridge);
}

void
audio_bridge_add_player(struct audio_bridge *bridge, struct audio_player *player)
{
	wl_list_insert(&bridge->players, &player->link);
	audio_bridge_cork_tap(bridge);
}

void
audio_bridge_remove_player(struct audio_bridge *bridge, struct audio_player *player)
{
	wl_list_remove(&player->link);
	wl_list_init(&player->link);
	audio_bridge_cork_tap(bridge);
}

void
audio_bridge_add_microphone(struct audio_bridge *bridge, struct audio_microphone *microphone)
{
	microphone->capturing = false;
	wl_list_insert(&bridge->microphones, &microphone->link);
	audio_bridge_update_capture(bridge);
}

void
audio_bridge_remove_microphone(struct audio_bridge *bridge, struct audio_microphone *microphone)
{
	if (microphone->capturing)
		microphone->capture(microphone, false);
	microphone->capturing = false;
	wl_list_remove(&microphone->link);
	wl_list_init(&microphone->link);
	audio_bridge_update_capture(bridge);
}
