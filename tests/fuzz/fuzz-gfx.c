/*
 * The graphics pipeline's client PDUs (Caps Advertise, Frame Acknowledge), as
 * FreeRDP parsed them: the capability set chosen is one advertised, and an
 * acknowledgement only ever moves the client forward, never past what was sent.
 */
#include <stdlib.h>

#include "fuzz-input.h"
#include "rdp-client-checks.h"

#define CAPSETS_MAX 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = {data, size, 0};
	RDPGFX_CAPSET sets[CAPSETS_MAX];
	size_t n = fuzz_take(&in, 1) % (CAPSETS_MAX + 1);
	uint32_t sent = fuzz_take(&in, 4), acked = fuzz_take(&in, 4);
	const RDPGFX_CAPSET *picked;

	for (size_t i = 0; i < n; i++)
		sets[i] = (RDPGFX_CAPSET){.version = fuzz_take(&in, 4), .flags = fuzz_take(&in, 4)};
	for (int avc = 0; avc < 2; avc++) {
		picked = rdp_gfx_pick_capset(sets, n, avc);
		if ((n == 0) != (picked == NULL) ||
		    (picked && (picked < sets || picked >= sets + n)))
			abort();
	}
	/* the sender's view keeps acked <= sent; the client's ids are anything */
	if ((int32_t)(sent - acked) < 0)
		acked = sent;
	while (fuzz_left(&in)) {
		uint32_t id = fuzz_take(&in, 4);

		if (rdp_frame_ack_moves(sent, acked, id)) {
			if ((int32_t)(id - acked) <= 0 || (int32_t)(sent - id) < 0)
				abort();
			acked = id;
		}
	}
	return 0;
}
