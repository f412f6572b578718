/*
 * What the graphics pipeline's channel reads of a client: the capability
 * sets and acknowledgements a real client sends come through as sent, several
 * PDUs to a message; a PDU that lies about its length or its count is refused
 * before anything of it reaches the listener.
 */
#include <string.h>

#include "rdp-gfx-channel.h"
#include "tap.h"

struct heard {
	RDPGFX_CAPSET sets[RDP_GFX_CHANNEL_MAX_CAPSETS];
	int caps_calls, count;
	int acks;
	uint32_t frame_id, queue_depth;
};

static void
on_caps(void *data, const RDPGFX_CAPSET *sets, uint16_t count)
{
	struct heard *heard = data;

	heard->caps_calls++;
	heard->count = count;
	memcpy(heard->sets, sets, count * sizeof *sets);
}

static void
on_ack(void *data, uint32_t frame_id, uint32_t queue_depth)
{
	struct heard *heard = data;

	heard->acks++;
	heard->frame_id = frame_id;
	heard->queue_depth = queue_depth;
}

static void
on_broken(void *data, const char *why)
{
}

static const struct rdp_gfx_channel_listener listener = {on_caps, on_ack, on_broken};

struct message {
	uint8_t bytes[4096];
	size_t size;
};

static void
put(struct message *m, uint32_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		m->bytes[m->size++] = (uint8_t)(v >> (8 * i));
}

/* A PDU header claiming @length bytes in all. */
static void
header(struct message *m, uint16_t cmd_id, uint32_t length)
{
	put(m, cmd_id, 2);
	put(m, 0, 2);
	put(m, length, 4);
}

static void
capset(struct message *m, uint32_t version, uint32_t length, uint32_t flags)
{
	put(m, version, 4);
	put(m, length, 4);
	for (uint32_t i = 0; i < length; i += 4)
		put(m, i == 0 ? flags : 0, 4);
}

static const char *
parse(const struct message *m, struct heard *heard, bool *offered)
{
	*heard = (struct heard){0};
	*offered = false;
	return rdp_gfx_channel_parse(m->bytes, m->size, &listener, heard, offered);
}

/* What xfreerdp sends, all of it read. */
static void
check_real_client(struct tap *tp)
{
	struct message m = {0};
	struct heard heard;
	bool offered;
	const char *why;

	/* what xfreerdp sends: caps, later an acknowledgement, a quality report, an offer */
	header(&m, RDPGFX_CMDID_CAPSADVERTISE, 8 + 2 + 12 + 12 + 24);
	put(&m, 3, 2);
	capset(&m, RDPGFX_CAPVERSION_8, 4, RDPGFX_CAPS_FLAG_THINCLIENT);
	capset(&m, RDPGFX_CAPVERSION_107, 4, RDPGFX_CAPS_FLAG_AVC_DISABLED);
	capset(&m, RDPGFX_CAPVERSION_101, 16, 0);
	header(&m, RDPGFX_CMDID_FRAMEACKNOWLEDGE, 20);
	put(&m, 2, 4);
	put(&m, 41, 4);
	put(&m, 40, 4);
	header(&m, RDPGFX_CMDID_QOEFRAMEACKNOWLEDGE, 18);
	put(&m, 41, 4);
	put(&m, 0, 4);
	put(&m, 0, 2);
	header(&m, RDPGFX_CMDID_CACHEIMPORTOFFER, 10);
	put(&m, 0, 2);
	why = parse(&m, &heard, &offered);
	TAP_CHECK(tp, why == NULL, "a real client's message is read (%s)", why ? why : "fine");
	TAP_CHECK(tp, heard.caps_calls == 1 && heard.count == 3, "three capability sets: %d",
		  heard.count);
	TAP_CHECK(tp,
		  heard.sets[0].version == RDPGFX_CAPVERSION_8 &&
			  heard.sets[0].flags == RDPGFX_CAPS_FLAG_THINCLIENT &&
			  heard.sets[1].version == RDPGFX_CAPVERSION_107 &&
			  heard.sets[1].flags == RDPGFX_CAPS_FLAG_AVC_DISABLED &&
			  heard.sets[2].length == 16,
		  "each with its version, flags and length");
	TAP_CHECK(tp, heard.acks == 1 && heard.frame_id == 41 && heard.queue_depth == 2,
		  "the acknowledgement: frame %u, queue depth %u", heard.frame_id,
		  heard.queue_depth);
	TAP_CHECK(tp, offered, "the cache import offer is noticed (to be answered)");
}

/* Counts and lengths that do not hold, refused before the listener hears of them. */
static void
check_lies(struct tap *tp)
{
	struct message m = {0};
	struct heard heard;
	bool offered;
	const char *why;

	header(&m, RDPGFX_CMDID_CAPSADVERTISE, 8 + 2 + 40 * 12 + 8 + 100);
	put(&m, 41, 2);
	for (int i = 0; i < 40; i++)
		capset(&m, RDPGFX_CAPVERSION_8 + (uint32_t)i, 4, 0);
	capset(&m, RDPGFX_CAPVERSION_10, 100, 0);
	why = parse(&m, &heard, &offered);
	TAP_CHECK(tp, !why && heard.count == RDP_GFX_CHANNEL_MAX_CAPSETS,
		  "41 sets: the first %d kept, the rest read past", RDP_GFX_CHANNEL_MAX_CAPSETS);

	m.size = 0;
	header(&m, RDPGFX_CMDID_CAPSADVERTISE, 8 + 2 + 12);
	put(&m, 65535, 2);
	capset(&m, RDPGFX_CAPVERSION_8, 4, 0);
	why = parse(&m, &heard, &offered);
	TAP_CHECK(tp, why && heard.caps_calls == 0, "65535 sets promised, one there: refused (%s)",
		  why ? why : "taken");

	m.size = 0;
	header(&m, RDPGFX_CMDID_CAPSADVERTISE, 8 + 2 + 12);
	put(&m, 1, 2);
	put(&m, RDPGFX_CAPVERSION_8, 4);
	put(&m, 0xfffffff0, 4);
	put(&m, 0, 4);
	why = parse(&m, &heard, &offered);
	TAP_CHECK(tp, why && heard.caps_calls == 0, "a set of 4 GB: refused (%s)",
		  why ? why : "taken");

	m.size = 0;
	header(&m, RDPGFX_CMDID_FRAMEACKNOWLEDGE, 0xffffffff);
	put(&m, 0, 4);
	put(&m, 1, 4);
	put(&m, 1, 4);
	why = parse(&m, &heard, &offered);
	TAP_CHECK(tp, why && heard.acks == 0, "a PDU longer than its message: refused (%s)",
		  why ? why : "taken");

	m.size = 0;
	header(&m, RDPGFX_CMDID_FRAMEACKNOWLEDGE, 4);
	why = parse(&m, &heard, &offered);
	TAP_CHECK(tp, why != NULL, "a PDU shorter than its header: refused (%s)",
		  why ? why : "taken");

	m.size = 0;
	header(&m, RDPGFX_CMDID_FRAMEACKNOWLEDGE, 16);
	put(&m, 0, 4);
	put(&m, 1, 4);
	why = parse(&m, &heard, &offered);
	TAP_CHECK(tp, why && heard.acks == 0, "an acknowledgement without all its fields: refused");

	m.size = 0;
	header(&m, 0x7777, 12);
	put(&m, 0, 4);
	header(&m, RDPGFX_CMDID_FRAMEACKNOWLEDGE, 20);
	put(&m, 0, 4);
	put(&m, 9, 4);
	put(&m, 9, 4);
	why = parse(&m, &heard, &offered);
	TAP_CHECK(tp, !why && heard.acks == 1 && heard.frame_id == 9,
		  "a PDU of a later version is passed over, the next one read");
}

int
main(void)
{
	struct tap t = {0};

	check_real_client(&t);
	check_lies(&t);
	return tap_finish(&t);
}
