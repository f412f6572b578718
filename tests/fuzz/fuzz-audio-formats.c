/*
 * The sound formats an RDP client offers (rdpsnd and audin Client Formats),
 * as FreeRDP parsed them: whatever they hold, the format chosen is one the
 * bridge can play, and the sizes made from it are neither zero nor overflowed.
 */
#include <stdlib.h>

#include "fuzz-input.h"
#include "rdp-client-checks.h"

#define FORMATS_MAX 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = {data, size, 0};
	AUDIO_FORMAT formats[FORMATS_MAX];
	size_t n = 0;
	int picked;

	while (fuzz_left(&in) && n < FORMATS_MAX) {
		AUDIO_FORMAT *f = &formats[n++];

		*f = (AUDIO_FORMAT){
			.wFormatTag = (UINT16)fuzz_take(&in, 2),
			.nChannels = (UINT16)fuzz_take(&in, 2),
			.nSamplesPerSec = fuzz_take(&in, 4),
			.nAvgBytesPerSec = fuzz_take(&in, 4),
			.nBlockAlign = (UINT16)fuzz_take(&in, 2),
			.wBitsPerSample = (UINT16)fuzz_take(&in, 2),
		};
	}
	for (int stereo_only = 0; stereo_only < 2; stereo_only++) {
		picked = rdp_audio_pick_format(formats, n, stereo_only);
		if (picked < 0)
			continue;
		if ((size_t)picked >= n || !rdp_audio_format_usable(&formats[picked]) ||
		    (stereo_only && formats[picked].nChannels != 2))
			abort();
		/* what rdp-audio.c sizes from it: a block, a queue, a microphone packet */
		if (rdp_audio_frames(formats[picked].nSamplesPerSec, 20) == 0 ||
		    rdp_audio_frames(formats[picked].nSamplesPerSec, 500) > 96000)
			abort();
	}
	return 0;
}
