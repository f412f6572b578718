/*
 * A RemoteApp client's Window Move order, as FreeRDP parsed it: the size taken
 * from its edges is positive and no larger than 16-bit edges allow.
 */
#include <stdlib.h>

#include "fuzz-input.h"
#include "rdp-client-checks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = {data, size, 0};
	RAIL_WINDOW_MOVE_ORDER move = {
		.windowId = fuzz_take(&in, 4),
		.left = (INT16)fuzz_take(&in, 2),
		.top = (INT16)fuzz_take(&in, 2),
		.right = (INT16)fuzz_take(&in, 2),
		.bottom = (INT16)fuzz_take(&in, 2),
	};
	int width, height;

	if (rdp_rail_move_size(&move, &width, &height) &&
	    (width < 1 || height < 1 || width > 65535 || height > 65535))
		abort();
	return 0;
}
