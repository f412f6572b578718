/*
 * The work pool that encodes a frame's boxes on every core: every job runs
 * once, each worker index is one thread's at a time, and a batch is over when
 * run returns, over many batches back to back.
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "tap.h"
#include "work-pool.h"

#define JOBS 64

struct batch {
	atomic_int runs[JOBS];
	atomic_int inside[8]; /* threads inside a job as each worker */
	atomic_int clashes;
	atomic_int bad_worker;
	int workers;
};

static void
job(int index, int worker, void *data)
{
	struct batch *b = data;

	if (worker < 0 || worker >= b->workers) {
		atomic_fetch_add(&b->bad_worker, 1);
		return;
	}
	if (atomic_fetch_add(&b->inside[worker], 1) != 0)
		atomic_fetch_add(&b->clashes, 1);
	/* a little work, so that jobs overlap */
	for (volatile int spin = 0; spin < 2000; spin++)
		;
	atomic_fetch_add(&b->runs[index], 1);
	atomic_fetch_sub(&b->inside[worker], 1);
}

static int
check_batches(struct tap *t, int helpers, int batches)
{
	struct work_pool *pool = work_pool_create(helpers);
	int missing = 0, doubled = 0;
	struct batch *b = calloc(1, sizeof *b);

	TAP_CHECK(t, pool && b, "a pool with %d helpers", helpers);
	if (!pool || !b)
		return -1;
	b->workers = work_pool_workers(pool);
	TAP_CHECK(t, b->workers == helpers + 1, "%d workers", b->workers);
	for (int round = 0; round < batches; round++) {
		int n = round % 5 == 0 ? 1 : JOBS - round % 7;

		for (int i = 0; i < JOBS; i++)
			atomic_store(&b->runs[i], 0);
		work_pool_run(pool, n, job, b);
		/* what run returned after is done: nothing may still be running */
		for (int i = 0; i < JOBS; i++) {
			int runs = atomic_load(&b->runs[i]);

			missing += i < n && runs == 0;
			doubled += runs > 1 || (i >= n && runs > 0);
		}
	}
	TAP_CHECK(t, missing == 0 && doubled == 0,
		  "%d batches: every job ran once (%d missed, %d twice or beyond the batch)",
		  batches, missing, doubled);
	TAP_CHECK(t, atomic_load(&b->clashes) == 0 && atomic_load(&b->bad_worker) == 0,
		  "each worker index is one thread's at a time (%d clashes)",
		  atomic_load(&b->clashes));
	work_pool_run(pool, 0, job, b);
	TAP_CHECK(t, 1, "an empty batch returns");
	work_pool_destroy(pool);
	free(b);
	return 0;
}

int
main(void)
{
	struct tap t = {0};

	check_batches(&t, 0, 50);
	check_batches(&t, 1, 500);
	check_batches(&t, 3, 500);
	TAP_CHECK(&t,
		  work_pool_helpers_for_machine(3) >= 0 && work_pool_helpers_for_machine(3) <= 3,
		  "helpers for this machine: %d", work_pool_helpers_for_machine(3));
	TAP_CHECK(&t, work_pool_helpers_for_machine(0) == 0, "none when none are wanted");
	work_pool_destroy(NULL);
	return tap_finish(&t);
}
