/* A minimal TAP producer for the unit tests: one line per check, a plan at the end. */
#ifndef PORTHOLE_TAP_H
#define PORTHOLE_TAP_H

#include <stdio.h>

struct tap {
	int count;
	int failed;
};

/* @cond is evaluated once: a check may call what it checks */
#define TAP_CHECK(t, cond, ...)                                                      \
	do {                                                                         \
		int tap_passed_ = !!(cond);                                          \
		(t)->count++;                                                        \
		if (tap_passed_) {                                                   \
			printf("ok %d - ", (t)->count);                              \
		} else {                                                             \
			(t)->failed++;                                               \
			printf("not ok %d - ", (t)->count);                          \
		}                                                                    \
		printf(__VA_ARGS__);                                                 \
		printf("\n");                                                        \
		if (!tap_passed_)                                                    \
			printf("# failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
	} while (0)

static inline int
tap_finish(struct tap *t)
{
	printf("1..%d\n", t->count);
	return t->failed ? 1 : 0;
}

#endif
