/* A minimal TAP producer for the unit tests: one line per check, a plan at the end. */
#ifndef PORTHOLE_TAP_H
#define PORTHOLE_TAP_H

#include <stdio.h>

struct tap {
	int count;
	int failed;
};

#define TAP_CHECK(t, cond, ...)                                                      \
	do {                                                                         \
		(t)->count++;                                                        \
		if (cond) {                                                          \
			printf("ok %d - ", (t)->count);                              \
		} else {                                                             \
			(t)->failed++;                                               \
			printf("not ok %d - ", (t)->count);                          \
		}                                                                    \
		printf(__VA_ARGS__);                                                 \
		printf("\n");                                                        \
		if (!(cond))                                                         \
			printf("# failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
	} while (0)

static inline int
tap_finish(struct tap *t)
{
	printf("1..%d\n", t->count);
	return t->failed ? 1 : 0;
}

#endif
