/*
 * The graphics pipeline's channel as a client writes to it: any message is
 * read within its bytes, a capability advertisement reaches the listener with
 * at most RDP_GFX_CHANNEL_MAX_CAPSETS sets of sane data lengths, and the
 * reading ends, whatever the PDUs' lengths and counts say. Each input is read
 * as it is, then with its first PDU's length made true, so that random bytes
 * reach the PDUs' fields too.
 */
#include <stdlib.h>
#include <string.h>

#include "rdp-gfx-channel.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
on_caps(void *data, const RDPGFX_CAPSET *sets, uint16_t count)
{
	if (count > RDP_GFX_CHANNEL_MAX_CAPSETS)
		abort();
	for (uint16_t i = 0; i < count; i++)
		if (sets[i].length > 64)
			abort();
	(*(int *)data)++;
}

static void
on_ack(void *data, uint32_t frame_id, uint32_t queue_depth)
{
	(*(int *)data)++;
}

static void
on_broken(void *data, const char *why)
{
	abort(); /* the parser reports, the channel breaks */
}

static const struct rdp_gfx_channel_listener listener = {
	.caps_advertised = on_caps,
	.frame_acknowledged = on_ack,
	.broken = on_broken,
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy;
	int calls = 0;
	bool offered = false;
	const char *why;

	why = rdp_gfx_channel_parse(data, size, &listener, &calls, &offered);
	/* a PDU's worth of calls at most: 8 bytes a header */
	if ((size_t)calls > size / 8 || (why && !*why))
		abort();
	if (size < 8)
		return 0;
	copy = malloc(size);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[4] = (uint8_t)size;
	copy[5] = (uint8_t)(size >> 8);
	copy[6] = (uint8_t)(size >> 16);
	copy[7] = (uint8_t)(size >> 24);
	calls = 0;
	rdp_gfx_channel_parse(copy, size, &listener, &calls, &offered);
	if (calls > 1)
		abort();
	free(copy);
	return 0;
}
