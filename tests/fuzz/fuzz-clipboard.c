/*
 * What a client sends as clipboard data, of every kind Porthole converts, and
 * what a Linux app sends the host: every conversion ends inside its buffer and
 * gives a plausible size.
 */
#include <stdlib.h>

#include "fuzz-input.h"
#include "rdp-clipboard-formats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t ids[] = {1, 7, 8, 13, 17, RDP_CLIP_ID_PNG, RDP_CLIP_ID_HTML};
	struct fuzz_input in = {data, size, 0};
	uint32_t pick = fuzz_take(&in, 1);
	const uint8_t *body = data + in.at;
	size_t body_size = size - in.at;
	enum rdp_clip_kind kind = (enum rdp_clip_kind)(pick % RDP_CLIP_KINDS);
	uint32_t id = ids[(pick >> 3) % (sizeof ids / sizeof ids[0])];
	size_t out_size = 0;
	uint8_t *out;

	out = rdp_clip_from_windows(kind, id, body, body_size, &out_size);
	/* UTF-16 to UTF-8 grows at most 3/2; the others at most by a header */
	if (out && out_size > body_size * 2 + 64)
		abort();
	free(out);
	out = rdp_clip_to_windows(kind, body, body_size, &out_size);
	if (out && out_size > body_size * 4 + 256)
		abort();
	free(out);
	out = rdp_clip_dib_to_png(body, body_size, &out_size);
	free(out);
	return 0;
}
