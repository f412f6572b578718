/* Reading a fuzzer's bytes as numbers: past the end, zeros. */
#ifndef PORTHOLE_FUZZ_INPUT_H
#define PORTHOLE_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct fuzz_input {
	const uint8_t *data;
	size_t size, at;
};

static inline uint32_t
fuzz_take(struct fuzz_input *in, size_t bytes)
{
	uint32_t v = 0;

	for (size_t i = 0; i < bytes && i < 4; i++)
		v |= (uint32_t)(in->at < in->size ? in->data[in->at++] : 0) << (8 * i);
	return v;
}

static inline int
fuzz_left(const struct fuzz_input *in)
{
	return in->at < in->size;
}

#endif
