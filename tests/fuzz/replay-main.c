/*
 * Runs a fuzz target without libFuzzer (any compiler, the plain and sanitizer
 * builds): each file given, then a fixed series of pseudo-random inputs. A
 * target that finds a fault aborts, and the test fails.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_RANDOM_INPUTS 20000
#define REPLAY_INPUT_MAX 512

static uint64_t
replay_next(uint64_t *state)
{
	/* xorshift64*: the same series on every run and machine */
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * 0x2545F4914F6CDD1DULL;
}

static int
replay_file(const char *path)
{
	static uint8_t data[1 << 16];
	FILE *file = fopen(path, "rb");
	size_t size;

	if (!file) {
		fprintf(stderr, "cannot read %s\n", path);
		return -1;
	}
	size = fread(data, 1, sizeof data, file);
	fclose(file);
	LLVMFuzzerTestOneInput(data, size);
	return 0;
}

int
main(int argc, char *argv[])
{
	uint8_t data[REPLAY_INPUT_MAX];
	uint64_t state = 0x9E3779B97F4A7C15ULL;

	for (int i = 1; i < argc; i++) {
		if (replay_file(argv[i]) < 0)
			return 1;
	}
	for (int n = 0; n < REPLAY_RANDOM_INPUTS; n++) {
		size_t size = replay_next(&state) % REPLAY_INPUT_MAX;

		for (size_t i = 0; i < size; i++)
			data[i] = (uint8_t)replay_next(&state);
		LLVMFuzzerTestOneInput(data, size);
	}
	printf("1..1\nok 1 - %d inputs and %d random ones\n", argc - 1, REPLAY_RANDOM_INPUTS);
	return 0;
}
