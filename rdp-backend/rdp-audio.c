/*
 * Sound and microphone of one peer: rdpsnd (static channel, or AUDIO_PLAYBACK_DVC
 * when the client joined no static one) plays what the audio bridge taps from
 * RDPSink; audin (AUDIO_INPUT, dynamic) captures while an app records from
 * RDPSource. FreeRDP runs both channels on threads of their own; what they say
 * crosses to the compositor thread through the peer's task queue, and nothing
 * posted names a FreeRDP object: tasks find the peer's audio afresh.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <freerdp/codec/audio.h>
#include <freerdp/codec/dsp.h>
#include <freerdp/server/audin.h>
#include <freerdp/server/rdpsnd.h>
#include <winpr/wtsapi.h>

#include "audio-bridge.h"
#include "log.h"
#include "monotonic.h"
#include "rdp-client-checks.h"
#include "rdp-internal.h"

#define RDP_AUDIO_BLOCK_MS 20
/* Unconfirmed audio beyond this is a client that stopped playing: drop, do not queue. */
#define RDP_AUDIO_MAX_IN_FLIGHT_MS 400
#define RDP_AUDIO_AHEAD_MS 60   /* how far ahead of the client's clock sound is sent */
#define RDP_AUDIO_QUEUE_MS 3000 /* held back at most: a burst from a waking sink fits */
/* The tap delivers every 10 ms while RDPSink runs: a longer silence is a pause. */
#define RDP_AUDIO_PAUSE_MS 100
#define RDP_AUDIO_MIC_PACKET_MS 20
/* MS-RDPEA 2.2.2.1 wVersion from which clients take Wave2 PDUs (FreeRDP keeps it private) */
#define RDP_AUDIO_VERSION_WAVE2 0x08

struct rdp_audio {
	struct rdp_peer *peer;
	struct audio_bridge *bridge;

	RdpsndServerContext *rdpsnd;
	bool rdpsnd_dynamic;
	AUDIO_FORMAT source_format; /* the client's format: what rdpsnd is given */
	int format_index;
	uint32_t rate;
	bool flip_sign;
	int16_t *block; /* stereo frames, RDP_AUDIO_BLOCK_MS at the client's rate */
	size_t block_frames;
	int16_t *queue; /* ring of stereo frames waiting for their time */
	size_t queue_capacity;
	size_t queue_head;
	size_t queue_count;
	uint64_t stream_start_ms; /* when the client's play clock started */
	uint64_t stream_frames;   /* sent since then */
	uint64_t last_data_ms;
	struct wl_event_source *pump_timer;
	double resample_pos;
	int16_t resample_last[2];
	struct audio_player player;
	bool playing;          /* a format is chosen and the player is registered */
	bool send_failed;      /* logged once */
	uint64_t sent_ms[256]; /* by block number */
	uint8_t confirmed_block;
	uint64_t blocks_sent;
	uint64_t frames_dropped;
	uint32_t last_confirm_delay_ms;

	struct audio_microphone microphone;
	bool microphone_added;
	audin_server_context *audin; /* while capturing */
	bool mic_flip_sign;          /* audin's thread only */
	uint64_t mic_packets;
};

/* What the channel threads post. */
struct rdp_audio_activated {
	int format_index; /* -1: the client offers no format we can send */
	uint32_t rate;
	uint16_t channels;
	uint16_t client_version;
};

struct rdp_audio_confirm {
	uint8_t block;
};

struct rdp_audio_mic_open {
	int format_index;
	uint32_t rate;
	uint16_t channels;
};

struct rdp_audio_mic_samples {
	uint32_t rate;
	uint16_t channels;
	size_t bytes;
	uint8_t data[];
};

static AUDIO_FORMAT
rdp_audio_pcm_format(uint32_t rate, uint16_t channels)
{
	AUDIO_FORMAT f = {
		.wFormatTag = WAVE_FORMAT_PCM,
		.nChannels = channels,
		.nSamplesPerSec = rate,
		.nAvgBytesPerSec = rate * channels * 2,
		.nBlockAlign = channels * 2,
		.wBitsPerSample = 16,
	};
	return f;
}

/* ---- playback: rdpsnd ---- */

/*
 * FreeRDP 2 built with FFmpeg's DSP (as Debian's is) takes 16-bit PCM for
 * unsigned, both ways: encoded sound and decoded microphone samples come out
 * with the sign bit flipped, which is noise. Wave2 clients (version 8 and up)
 * get our PCM as it is (SendSamples2); for older ones and for the microphone
 * this asks the DSP once what it does, and flips beforehand or afterwards.
 */
static bool
rdp_audio_dsp_flips_sign(bool encoder, const AUDIO_FORMAT *format)
{
	static const int16_t probe[4] = {0x1234, -0x1234, 0x0100, -0x0100};
	FREERDP_DSP_CONTEXT *dsp = freerdp_dsp_context_new(encoder);
	wStream *out = Stream_New(NULL, 64);
	bool done, flips = false;

	if (!dsp || !out || !freerdp_dsp_context_reset(dsp, format))
		done = false;
	else if (encoder)
		done = freerdp_dsp_encode(dsp, format, (const BYTE *)probe, sizeof probe, out);
	else
		done = freerdp_dsp_decode(dsp, format, (const BYTE *)probe, sizeof probe, out);
	if (done && Stream_GetPosition(out) >= sizeof probe[0]) {
		int16_t first;

		memcpy(&first, Stream_Buffer(out), sizeof first);
		flips = first == (int16_t)(probe[0] ^ 0x8000);
	}
	if (out)
		Stream_Free(out, TRUE);
	if (dsp)
		freerdp_dsp_context_free(dsp);
	return flips;
}

static void
rdp_audio_flip_sign(int16_t *samples, size_t n)
{
	for (size_t i = 0; i < n; i++)
		samples[i] = (int16_t)(samples[i] ^ 0x8000);
}

static void
rdp_audio_send_block(struct rdp_audio *audio, size_t frames)
{
	RdpsndServerContext *rdpsnd = audio->rdpsnd;
	uint8_t in_flight = (uint8_t)(rdpsnd->block_no - audio->confirmed_block - 1);
	uint8_t block = rdpsnd->block_no;
	uint64_t now = monotonic_ms();
	UINT error;

	for (size_t i = 0; i < frames; i++) {
		size_t at = (audio->queue_head + i) % audio->queue_capacity;

		audio->block[2 * i] = audio->queue[2 * at];
		audio->block[2 * i + 1] = audio->queue[2 * at + 1];
	}
	audio->queue_head = (audio->queue_head + frames) % audio->queue_capacity;
	audio->queue_count -= frames;
	audio->stream_frames += frames;
	if ((unsigned)in_flight * RDP_AUDIO_BLOCK_MS > RDP_AUDIO_MAX_IN_FLIGHT_MS) {
		audio->frames_dropped += frames;
		return;
	}
	if (rdpsnd->clientVersion >= RDP_AUDIO_VERSION_WAVE2) {
		error = rdpsnd->SendSamples2(rdpsnd, (UINT16)audio->format_index, audio->block,
					     frames * AUDIO_BRIDGE_FRAME_BYTES, (UINT16)now,
					     (UINT32)now);
	} else {
		if (audio->flip_sign)
			rdp_audio_flip_sign(audio->block, frames * 2);
		error = rdpsnd->SendSamples(rdpsnd, audio->block, (int)frames, (UINT16)now);
	}
	if (error != CHANNEL_RC_OK) {
		if (!audio->send_failed)
			weston_log("rdp: sound to %s failed (error %u); dropping it until the "
				   "client reconnects\n",
				   audio->peer->client->hostname, error);
		audio->send_failed = true;
		audio->frames_dropped += frames;
		return;
	}
	for (uint8_t b = block; b != rdpsnd->block_no; b++) {
		audio->sent_ms[b] = now;
		audio->blocks_sent++;
	}
}

/*
 * Sends what is queued at the pace the client plays it, a little ahead. PulseAudio
 * hands over bursts (a sink waking from suspend renders up to two seconds at
 * once) and the client drops whatever arrives too far ahead of its clock.
 */
static void
rdp_audio_pump(struct rdp_audio *audio)
{
	uint64_t now = monotonic_ms();
	int64_t ahead_ms = (int64_t)(audio->stream_frames * 1000 / audio->rate) -
			   (int64_t)(now - audio->stream_start_ms);

	/*
	 * Behind the clock: the client ran dry or had nothing to play, or (most
	 * often, and harmless) the tap's latest samples came a millisecond late,
	 * since each block goes out as soon as it is whole. Its clock restarts now.
	 */
	if (ahead_ms < 0) {
		audio->stream_start_ms = now;
		audio->stream_frames = 0;
		ahead_ms = 0;
	}
	while (audio->queue_count >= audio->block_frames && ahead_ms < RDP_AUDIO_AHEAD_MS) {
		rdp_audio_send_block(audio, audio->block_frames);
		ahead_ms += RDP_AUDIO_BLOCK_MS;
	}
	/* the tail of a sound: no more is coming to fill the block */
	if (audio->queue_count > 0 && audio->queue_count < audio->block_frames &&
	    now - audio->last_data_ms >= 2 * RDP_AUDIO_BLOCK_MS && ahead_ms < RDP_AUDIO_AHEAD_MS)
		rdp_audio_send_block(audio, audio->queue_count);
	if (audio->queue_count > 0)
		wl_event_source_timer_update(audio->pump_timer, RDP_AUDIO_BLOCK_MS / 2);
}

static int
rdp_audio_handle_pump_timer(void *data)
{
	rdp_audio_pump(data);
	return 0;
}

static void
rdp_audio_push_frame(struct rdp_audio *audio, int16_t left, int16_t right)
{
	size_t at;

	if (audio->queue_count == audio->queue_capacity) {
		/* a client that cannot keep up loses the oldest sound, not the newest */
		audio->queue_head = (audio->queue_head + 1) % audio->queue_capacity;
		audio->queue_count--;
		audio->frames_dropped++;
	}
	at = (audio->queue_head + audio->queue_count) % audio->queue_capacity;
	audio->queue[2 * at] = left;
	audio->queue[2 * at + 1] = right;
	audio->queue_count++;
}

/* Stereo at the bridge's rate into blocks at the client's, linearly interpolated. */
static void
rdp_audio_handle_play(struct audio_player *player, const int16_t *frames, size_t n_frames)
{
	struct rdp_audio *audio = wl_container_of(player, audio, player);
	double step = (double)AUDIO_BRIDGE_RATE / audio->rate;
	uint64_t now = monotonic_ms();

	/* sound after a pause (RDPSink suspended): the server's part of the latency ends here */
	if (audio->last_data_ms == 0 || now - audio->last_data_ms >= RDP_AUDIO_PAUSE_MS)
		log_scope(audio->peer->server->scopes->audio,
			  "rdpsnd %s: sound starts, %zu frames from the tap\n",
			  audio->peer->client->hostname, n_frames);
	audio->last_data_ms = now;
	if (audio->rate == AUDIO_BRIDGE_RATE) {
		for (size_t i = 0; i < n_frames; i++)
			rdp_audio_push_frame(audio, frames[2 * i], frames[2 * i + 1]);
		rdp_audio_pump(audio);
		return;
	}
	/* position -1 is the last frame of the previous call */
	for (; audio->resample_pos < (double)n_frames - 1; audio->resample_pos += step) {
		double pos = audio->resample_pos;
		long i = (long)(pos + 1) - 1; /* floor, also for pos in [-1, 0) */
		double frac = pos - (double)i;
		const int16_t *a = i < 0 ? audio->resample_last : &frames[2 * i];
		const int16_t *b = &frames[2 * (i + 1)];

		rdp_audio_push_frame(audio, (int16_t)(a[0] + (b[0] - a[0]) * frac),
				     (int16_t)(a[1] + (b[1] - a[1]) * frac));
	}
	if (n_frames > 0) {
		audio->resample_pos -= (double)n_frames;
		memcpy(audio->resample_last, &frames[2 * (n_frames - 1)],
		       sizeof audio->resample_last);
	}
	rdp_audio_pump(audio);
}

static void
rdp_audio_run_activated(struct rdp_peer *peer, void *payload)
{
	const struct rdp_audio_activated *activated = payload;
	struct rdp_audio *audio = peer->audio;

	if (!audio || audio->playing)
		return;
	if (activated->format_index < 0) {
		weston_log("rdp: %s offers no PCM 16-bit sound format; no sound for it\n",
			   peer->client->hostname);
		return;
	}
	weston_log("rdp: sound to %s over %s rdpsnd: PCM %u Hz, %u channel(s), client "
		   "version %u\n",
		   peer->client->hostname, audio->rdpsnd_dynamic ? "dynamic" : "static",
		   activated->rate, activated->channels, activated->client_version);
	audio->format_index = activated->format_index;
	audio->rate = activated->rate;
	audio->block_frames = rdp_audio_frames(activated->rate, RDP_AUDIO_BLOCK_MS);
	audio->block = calloc(audio->block_frames, AUDIO_BRIDGE_FRAME_BYTES);
	audio->queue_capacity = rdp_audio_frames(activated->rate, RDP_AUDIO_QUEUE_MS);
	audio->queue = calloc(audio->queue_capacity, AUDIO_BRIDGE_FRAME_BYTES);
	audio->pump_timer =
		wl_event_loop_add_timer(peer->server->loop, rdp_audio_handle_pump_timer, audio);
	if (!audio->block || !audio->queue || !audio->pump_timer)
		return;
	audio->resample_pos = 0;
	if (activated->client_version < RDP_AUDIO_VERSION_WAVE2)
		audio->flip_sign = rdp_audio_dsp_flips_sign(true, &audio->source_format);
	audio->confirmed_block = (uint8_t)(audio->rdpsnd->block_no - 1);
	audio->playing = true;
	audio_bridge_add_player(audio->bridge, &audio->player);
}

/* rdpsnd's thread: the client's formats are in; choose one now, under its lock. */
static void
rdp_audio_handle_rdpsnd_activated(RdpsndServerContext *rdpsnd)
{
	struct rdp_audio *audio = rdpsnd->data;
	struct rdp_audio_activated activated = {
		.format_index = rdp_audio_pick_format(rdpsnd->client_formats,
						      rdpsnd->num_client_formats, true),
		.client_version = rdpsnd->clientVersion,
	};

	if (activated.format_index >= 0) {
		const AUDIO_FORMAT *f = &rdpsnd->client_formats[activated.format_index];

		activated.rate = f->nSamplesPerSec;
		activated.channels = f->nChannels;
		/* read by SelectFormat; the compositor thread reads it after the task */
		audio->source_format = *f;
		if (rdpsnd->SelectFormat(rdpsnd, (UINT16)activated.format_index) != CHANNEL_RC_OK)
			activated.format_index = -1;
	}
	rdp_peer_post(audio->peer, rdp_audio_run_activated, &activated, sizeof activated);
}

static void
rdp_audio_run_confirm(struct rdp_peer *peer, void *payload)
{
	const struct rdp_audio_confirm *confirm = payload;
	struct rdp_audio *audio = peer->audio;
	struct weston_log_scope *scope;

	if (!audio || !audio->playing)
		return;
	/* Each block is confirmed twice (arrival, then played): the later one wins. */
	audio->confirmed_block = confirm->block;
	audio->last_confirm_delay_ms = (uint32_t)(monotonic_ms() - audio->sent_ms[confirm->block]);
	scope = peer->server->scopes->audio;
	if (audio->blocks_sent % 250 == 0)
		log_scope(scope,
			  "rdpsnd %s: %llu blocks sent, %llu frames dropped, confirm after %u ms\n",
			  peer->client->hostname, (unsigned long long)audio->blocks_sent,
			  (unsigned long long)audio->frames_dropped, audio->last_confirm_delay_ms);
}

static UINT
rdp_audio_handle_rdpsnd_confirm(RdpsndServerContext *rdpsnd, BYTE block, UINT16 timestamp)
{
	struct rdp_audio *audio = rdpsnd->data;
	struct rdp_audio_confirm confirm = {.block = block};

	return rdp_peer_post(audio->peer, rdp_audio_run_confirm, &confirm, sizeof confirm)
		       ? CHANNEL_RC_OK
		       : CHANNEL_RC_NO_MEMORY;
}

static bool
rdp_audio_start_rdpsnd(struct rdp_audio *audio, bool dynamic)
{
	RdpsndServerContext *rdpsnd = rdpsnd_server_context_new(audio->peer->vcm);
	static const uint32_t rates[] = {AUDIO_BRIDGE_RATE, 44100};
	UINT error;

	if (!rdpsnd)
		return false;
	rdpsnd->data = audio;
	rdpsnd->use_dynamic_virtual_channel = dynamic;
	rdpsnd->server_formats = calloc(2, sizeof *rdpsnd->server_formats);
	if (!rdpsnd->server_formats) {
		rdpsnd_server_context_free(rdpsnd);
		return false;
	}
	for (size_t i = 0; i < 2; i++)
		rdpsnd->server_formats[i] = rdp_audio_pcm_format(rates[i], 2);
	rdpsnd->num_server_formats = 2;
	audio->source_format = rdp_audio_pcm_format(AUDIO_BRIDGE_RATE, AUDIO_BRIDGE_CHANNELS);
	rdpsnd->src_format = &audio->source_format;
	rdpsnd->latency = RDP_AUDIO_BLOCK_MS;
	rdpsnd->Activated = rdp_audio_handle_rdpsnd_activated;
	rdpsnd->ConfirmBlock = rdp_audio_handle_rdpsnd_confirm;
	/* its own thread: FreeRDP only closes the channel in Stop when it made one */
	error = rdpsnd->Initialize(rdpsnd, TRUE);
	if (error != CHANNEL_RC_OK) {
		rdpsnd_server_context_free(rdpsnd);
		return false;
	}
	audio->rdpsnd = rdpsnd;
	audio->rdpsnd_dynamic = dynamic;
	return true;
}

/* ---- microphone: audin ---- */

static void
rdp_audio_run_mic_open(struct rdp_peer *peer, void *payload)
{
	const struct rdp_audio_mic_open *open = payload;

	if (open->format_index < 0)
		weston_log("rdp: %s offers no PCM 16-bit microphone format\n",
			   peer->client->hostname);
	else
		weston_log("rdp: microphone of %s open: PCM %u Hz, %u channel(s)\n",
			   peer->client->hostname, open->rate, open->channels);
}

static UINT
rdp_audio_handle_audin_opening(audin_server_context *audin)
{
	struct rdp_audio *audio = audin->data;
	struct rdp_audio_mic_open open = {
		.format_index = rdp_audio_pick_format(audin->client_formats,
						      audin->num_client_formats, false),
	};
	UINT error = ERROR_INVALID_DATA;

	if (open.format_index >= 0) {
		const AUDIO_FORMAT *f = &audin->client_formats[open.format_index];

		open.rate = f->nSamplesPerSec;
		open.channels = f->nChannels;
		/* read on this thread only, by the samples handler below */
		audio->mic_flip_sign = rdp_audio_dsp_flips_sign(false, f);
		audin->frames_per_packet =
			(int)rdp_audio_frames(f->nSamplesPerSec, RDP_AUDIO_MIC_PACKET_MS);
		error = audin->SelectFormat(audin, (size_t)open.format_index);
		if (error != CHANNEL_RC_OK)
			open.format_index = -1;
	}
	rdp_peer_post(audio->peer, rdp_audio_run_mic_open, &open, sizeof open);
	return error;
}

static UINT
rdp_audio_handle_audin_open_result(audin_server_context *audin, UINT32 result)
{
	return CHANNEL_RC_OK;
}

static void
rdp_audio_run_mic_samples(struct rdp_peer *peer, void *payload)
{
	const struct rdp_audio_mic_samples *samples = payload;
	struct rdp_audio *audio = peer->audio;

	if (!audio || !audio->audin)
		return;
	audio->mic_packets++;
	if (audio->mic_packets % 50 == 1)
		log_scope(peer->server->scopes->audio, "audin %s: packet %llu, %zu bytes\n",
			  peer->client->hostname, (unsigned long long)audio->mic_packets,
			  samples->bytes);
	audio_bridge_microphone_samples(audio->bridge, &audio->microphone, samples->rate,
					(uint8_t)samples->channels, samples->data, samples->bytes);
}

static UINT
rdp_audio_handle_audin_samples(audin_server_context *audin, const AUDIO_FORMAT *format,
			       wStream *buf, size_t n_frames)
{
	struct rdp_audio *audio = audin->data;
	struct rdp_audio_mic_samples *samples;
	uint64_t bytes;
	bool posted;

	/* the format is the one the client chose of ours, but its numbers are its */
	if (!rdp_audio_format_usable(format) || n_frames > Stream_GetRemainingLength(buf))
		return ERROR_INVALID_DATA;
	bytes = (uint64_t)n_frames * format->nBlockAlign;
	if (bytes > Stream_GetRemainingLength(buf))
		return ERROR_INVALID_DATA;
	samples = malloc(sizeof *samples + bytes);
	if (!samples)
		return CHANNEL_RC_NO_MEMORY;
	samples->rate = format->nSamplesPerSec;
	samples->channels = format->nChannels;
	samples->bytes = bytes;
	memcpy(samples->data, Stream_Pointer(buf), bytes);
	if (audio->mic_flip_sign)
		rdp_audio_flip_sign((int16_t *)samples->data, bytes / 2);
	posted = rdp_peer_post(audio->peer, rdp_audio_run_mic_samples, samples,
			       sizeof *samples + bytes);
	free(samples);
	return posted ? CHANNEL_RC_OK : CHANNEL_RC_NO_MEMORY;
}

static void
rdp_audio_stop_capture(struct rdp_audio *audio)
{
	if (!audio->audin)
		return;
	/* joins audin's thread and closes the channel: the client stops its microphone */
	audin_server_context_free(audio->audin);
	audio->audin = NULL;
	weston_log("rdp: microphone of %s closed\n", audio->peer->client->hostname);
}

static bool
rdp_audio_start_capture(struct rdp_audio *audio)
{
	static const uint32_t rates[] = {AUDIO_BRIDGE_RATE, 44100};
	audin_server_context *audin = audin_server_context_new(audio->peer->vcm);

	if (!audin)
		return false;
	audin->data = audio;
	audin->server_formats = audio_formats_new(4);
	if (!audin->server_formats) {
		audin_server_context_free(audin);
		return false;
	}
	for (size_t i = 0; i < 4; i++)
		audin->server_formats[i] = rdp_audio_pcm_format(rates[i % 2], i < 2 ? 2 : 1);
	audin->num_server_formats = 4;
	audin->dst_format = &audin->server_formats[0];
	audin->Opening = rdp_audio_handle_audin_opening;
	audin->OpenResult = rdp_audio_handle_audin_open_result;
	audin->ReceiveSamples = rdp_audio_handle_audin_samples;
	if (!audin->Open(audin)) {
		weston_log("rdp: cannot open the microphone channel of %s\n",
			   audio->peer->client->hostname);
		audin_server_context_free(audin);
		return false;
	}
	audio->audin = audin;
	return true;
}

static void
rdp_audio_handle_capture(struct audio_microphone *microphone, bool on)
{
	struct rdp_audio *audio = wl_container_of(microphone, audio, microphone);

	if (on && !audio->audin)
		rdp_audio_start_capture(audio);
	else if (!on)
		rdp_audio_stop_capture(audio);
}

/* ---- the peer's audio ---- */

void
rdp_audio_start(struct rdp_peer *peer)
{
	struct audio_bridge *bridge = peer->server->audio;
	struct rdp_audio *audio;

	if (!bridge || peer->audio)
		return;
	audio = calloc(1, sizeof *audio);
	if (!audio)
		return;
	audio->peer = peer;
	audio->bridge = bridge;
	audio->player.play = rdp_audio_handle_play;
	wl_list_init(&audio->player.link);
	audio->microphone.capture = rdp_audio_handle_capture;
	wl_list_init(&audio->microphone.link);
	peer->audio = audio;
	if (WTSVirtualChannelManagerIsChannelJoined(peer->vcm, "rdpsnd") &&
	    !rdp_audio_start_rdpsnd(audio, false))
		weston_log("rdp: cannot open the sound channel of %s\n", peer->client->hostname);
}

void
rdp_audio_dynamic_ready(struct rdp_peer *peer)
{
	struct rdp_audio *audio = peer->audio;

	if (!audio)
		return;
	/* clients that joined no static rdpsnd may still offer the dynamic one */
	if (!audio->rdpsnd && !rdp_audio_start_rdpsnd(audio, true))
		log_scope(peer->server->scopes->audio, "no sound channel for %s\n",
			  peer->client->hostname);
	if (!audio->microphone_added) {
		audio->microphone_added = true;
		audio_bridge_add_microphone(audio->bridge, &audio->microphone);
	}
}

void
rdp_audio_destroy(struct rdp_audio *audio)
{
	if (!audio)
		return;
	if (audio->microphone_added)
		audio_bridge_remove_microphone(audio->bridge, &audio->microphone);
	rdp_audio_stop_capture(audio);
	if (audio->playing)
		audio_bridge_remove_player(audio->bridge, &audio->player);
	/* stops its thread and closes the channel */
	rdpsnd_server_context_free(audio->rdpsnd);
	if (audio->pump_timer)
		wl_event_source_remove(audio->pump_timer);
	free(audio->queue);
	free(audio->block);
	audio->peer->audio = NULL;
	free(audio);
}
