/*
 * Display control's Monitor Layout PDU, as FreeRDP parsed it: a layout that is
 * taken is one the outputs can be (in range, not overlapping), whatever the
 * client's numbers.
 */
#include <stdlib.h>

#include "fuzz-input.h"
#include "rdp-client-checks.h"

#define MONITORS_MAX 20 /* more than a layout may have */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = {data, size, 0};
	DISPLAY_CONTROL_MONITOR_LAYOUT monitors[MONITORS_MAX];
	DISPLAY_CONTROL_MONITOR_LAYOUT_PDU pdu = {.Monitors = monitors};
	struct output_layout layout;
	char why[128];

	pdu.NumMonitors = fuzz_take(&in, 1) % (MONITORS_MAX + 1);
	for (UINT32 i = 0; i < pdu.NumMonitors; i++) {
		monitors[i] = (DISPLAY_CONTROL_MONITOR_LAYOUT){
			.Flags = fuzz_take(&in, 1),
			.Left = (INT32)fuzz_take(&in, 4),
			.Top = (INT32)fuzz_take(&in, 4),
			.Width = fuzz_take(&in, 2) | (fuzz_take(&in, 1) & 1) << 16,
			.Height = fuzz_take(&in, 2) | (fuzz_take(&in, 1) & 1) << 16,
		};
	}
	if (rdp_disp_layout_from_pdu(&pdu, &layout, why, sizeof why) == 0 &&
	    output_layout_check(layout.rects, layout.n, why, sizeof why) < 0)
		abort();
	return 0;
}
