/*
 * The graphics pipeline's bulk compression against the decoder xfreerdp
 * uses (FreeRDP's own, one history for the whole channel): every packet must
 * come back byte for byte, across segments, across packets, past the point
 * where the encoder's buffer slides and past the client's 2.5 MB history; and
 * data that repeats must shrink.
 */
#include <stdlib.h>
#include <string.h>

#include <freerdp/codec/zgfx.h>

#include "rdp-zgfx.h"
#include "tap.h"

struct channel {
	struct rdp_zgfx *encoder;
	ZGFX_CONTEXT *decoder;
	size_t raw, packed;
};

/*
 * Sends @data, @doubtful spans of it, through both ends; whether it came back
 * whole.
 */
static bool
through_spans(struct channel *channel, const uint8_t *data, size_t size, bool compress,
	      const struct rdp_zgfx_span *doubtful, size_t n_doubtful)
{
	const uint8_t *packet;
	size_t packet_size;
	BYTE *back = NULL;
	UINT32 back_size = 0;
	bool same;

	if (rdp_zgfx_pack(channel->encoder, data, size, compress, doubtful, n_doubtful, &packet,
			  &packet_size) != 0)
		return false;
	if (zgfx_decompress(channel->decoder, packet, (UINT32)packet_size, &back, &back_size, 0) <
	    0)
		return false;
	same = back_size == size && (size == 0 || memcmp(back, data, size) == 0);
	free(back);
	channel->raw += size;
	channel->packed += packet_size;
	return same;
}

static bool
through_doubting(struct channel *channel, const uint8_t *data, size_t size,
		 const struct rdp_zgfx_span *doubtful, size_t n_doubtful)
{
	return through_spans(channel, data, size, true, doubtful, n_doubtful);
}

static bool
through(struct channel *channel, const uint8_t *data, size_t size, bool compress)
{
	return through_spans(channel, data, size, compress, NULL, 0);
}

static void
channel_open(struct channel *channel)
{
	*channel = (struct channel){
		.encoder = rdp_zgfx_create(),
		.decoder = zgfx_context_new(FALSE),
	};
}

static void
channel_close(struct channel *channel)
{
	rdp_zgfx_destroy(channel->encoder);
	zgfx_context_free(channel->decoder);
}

static uint32_t
next_random(uint32_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 17;
	*state ^= *state << 5;
	return *state;
}

/* Rows of "glyphs": a few dozen byte patterns in random order, as planar text gives. */
static void
fill_text(uint8_t *data, size_t size, uint32_t *state)
{
	static const char *glyphs[] = {"\x11\x80\x7f\x01", "\x22\x40\x3e\x00\x00",
				       "\x13\xff\x02",     "\x31\x10\x10\x10\x66",
				       "\x05\x3a\x3b\x3c", "\x44\x0c\x38\x39\xfe\xfd"};
	size_t at = 0;

	while (at < size) {
		const char *glyph = glyphs[next_random(state) % 6];
		size_t n = strlen(glyph);

		for (size_t i = 0; i < n && at < size; i++)
			data[at++] = (uint8_t)glyph[i];
		if (next_random(state) % 5 == 0 && at < size)
			data[at++] = (uint8_t)next_random(state);
	}
}

/*
 * Doubtful spans (what planar could not pack) inside a packet: text, then
 * 150 KB of fresh noise doubted (longer than a segment), text, a short
 * doubted span that is not worth its own segment, text again.
 */
static void
check_doubtful_spans(struct tap *t, struct channel *channel, uint8_t *data, uint32_t *state)
{
	size_t text = 20000, noisy = 150000, size = 3 * text + noisy + 500;
	struct rdp_zgfx_span spans[] = {
		{text, text + noisy},
		{2 * text + noisy, 2 * text + noisy + 500},
	};

	fill_text(data, text, state);
	for (size_t i = 0; i < noisy; i++)
		data[text + i] = (uint8_t)next_random(state);
	fill_text(data + text + noisy, text, state);
	for (size_t i = 0; i < 500; i++)
		data[2 * text + noisy + i] = (uint8_t)next_random(state);
	fill_text(data + 2 * text + noisy + 500, text, state);
	channel->raw = channel->packed = 0;
	TAP_CHECK(t, through_doubting(channel, data, size, spans, 2),
		  "text around doubted noise, cut at the spans' edges");
	TAP_CHECK(t, channel->packed < noisy + 500 + 3 * text / 2,
		  "the text still shrinks, the noise goes raw: %zu to %zu bytes", size,
		  channel->packed);
	channel->raw = channel->packed = 0;
	TAP_CHECK(t, through_doubting(channel, data, size, spans, 2) && channel->packed * 50 < size,
		  "the same packet again (a frame repeated) still shrinks: %zu to %zu bytes", size,
		  channel->packed);
	for (size_t i = 0; i < 70000; i++)
		data[i] = (uint8_t)next_random(state);
	spans[0] = (struct rdp_zgfx_span){0, 70000};
	channel->raw = channel->packed = 0;
	TAP_CHECK(t,
		  through_doubting(channel, data, 70000, spans, 1) &&
			  channel->packed <= 70000 + 7 + 2 * 5,
		  "a packet doubted whole goes raw: %zu bytes", channel->packed);
	spans[0] = (struct rdp_zgfx_span){65535 - 10, 65535 + 10};
	spans[1] = (struct rdp_zgfx_span){65535 + 2000, 67000};
	fill_text(data, 67000, state);
	TAP_CHECK(t, through_doubting(channel, data, 67000, spans, 2),
		  "a short span across a segment's end, a long one to the packet's end");
}

int
main(void)
{
	struct tap t = {0};
	struct channel channel;
	uint32_t state = 2463534242u;
	size_t big = 300000;
	uint8_t *data = malloc(big), *noise = malloc(big);
	bool all_same = true;

	channel_open(&channel);
	TAP_CHECK(&t, channel.encoder && channel.decoder, "both ends set up");

	TAP_CHECK(&t, through(&channel, (const uint8_t *)"a", 1, true), "one byte");
	TAP_CHECK(&t,
		  through(&channel, (const uint8_t *)"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
			  42, true),
		  "a run (a match overlapping itself)");
	for (int i = 0; i < 256; i++)
		data[i] = (uint8_t)i;
	TAP_CHECK(&t, through(&channel, data, 256, true), "every byte value as a literal");
	TAP_CHECK(&t, through(&channel, data, 256, true), "the same again, from the history");

	fill_text(data, big, &state);
	channel.raw = channel.packed = 0;
	TAP_CHECK(&t, through(&channel, data, big, true), "%zu bytes of text rows in %zu segments",
		  big, (big + 65534) / 65535);
	TAP_CHECK(&t, channel.packed * 2 < channel.raw, "text rows shrink: %zu to %zu bytes",
		  channel.raw, channel.packed);
	channel.raw = channel.packed = 0;
	TAP_CHECK(&t, through(&channel, data, big, true), "the same packet again");
	TAP_CHECK(&t, channel.packed * 50 < channel.raw,
		  "a packet the client already holds costs little: %zu to %zu bytes", channel.raw,
		  channel.packed);

	for (size_t i = 0; i < big; i++)
		noise[i] = (uint8_t)next_random(&state);
	channel.raw = channel.packed = 0;
	TAP_CHECK(&t, through(&channel, noise, big, true), "noise, tried");
	TAP_CHECK(&t, channel.packed <= channel.raw + 7 + 5 * 5,
		  "noise goes raw: %zu bytes for %zu", channel.packed, channel.raw);
	TAP_CHECK(&t, through(&channel, noise, big, false), "noise, not tried");
	channel.raw = channel.packed = 0;
	TAP_CHECK(&t, through(&channel, noise, 70000, true), "what went raw is history too");
	TAP_CHECK(&t, channel.packed * 50 < channel.raw,
		  "so its repeat is a match: %zu to %zu bytes", channel.raw, channel.packed);
	/* fresh noise (not in the history), then text, in one segment */
	for (size_t i = 0; i < 2048; i++)
		data[i] = (uint8_t)next_random(&state);
	fill_text(data + 2048, 30000, &state);
	channel.raw = channel.packed = 0;
	TAP_CHECK(&t, through(&channel, data, 32048, true), "noise ahead of text");
	TAP_CHECK(&t, channel.packed * 2 < channel.raw,
		  "does not stop the text's coding: %zu to %zu bytes", channel.raw, channel.packed);
	for (size_t i = 0; i < 65535; i++)
		data[i] = (uint8_t)next_random(&state);
	channel.raw = channel.packed = 0;
	TAP_CHECK(&t, through(&channel, data, 65535, true) && channel.packed == 65535 + 2,
		  "a segment of fresh noise goes raw whole, behind two bytes");

	check_doubtful_spans(&t, &channel, data, &state);

	/* 40 packets of fresh text, 12 MB: the buffer slides, the client's history wraps */
	for (int i = 0; i < 40 && all_same; i++) {
		fill_text(data, big, &state);
		all_same = through(&channel, data, big, i % 7 != 3);
		if (all_same && i % 5 == 0)
			all_same = through(&channel, noise + (size_t)i * 1000, 5000, true);
	}
	TAP_CHECK(&t, all_same, "12 MB in 48 packets, past the history's end");
	fill_text(data, 1000, &state);
	TAP_CHECK(&t, through(&channel, data, 1000, true), "and a small packet after");
	{
		const uint8_t *packet;
		size_t packet_size;

		TAP_CHECK(&t,
			  rdp_zgfx_pack(channel.encoder, data, 0, true, NULL, 0, &packet,
					&packet_size) < 0,
			  "an empty packet is refused (the decoder takes none)");
	}

	channel_close(&channel);
	free(data);
	free(noise);
	return tap_finish(&t);
}
