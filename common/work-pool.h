/*
 * Jobs of one batch run in parallel on a few helper threads and on the
 * caller, which returns once every job is done (a frame's boxes encoded on
 * every core, then sent in order by the one thread that owns the connection).
 */
#ifndef PORTHOLE_WORK_POOL_H
#define PORTHOLE_WORK_POOL_H

struct work_pool;

/** @job runs job @index as @worker (0..work_pool_workers()-1: one thread at a time each). */
typedef void (*work_pool_job_t)(int index, int worker, void *data);

/** A pool with @helpers threads beside the caller (0: the caller does everything); NULL on failure. */
struct work_pool *work_pool_create(int helpers);

/** Stops and joins the helpers. NULL-safe; never while a batch runs. */
void work_pool_destroy(struct work_pool *pool);

/** The threads a batch runs on: the helpers and the caller. */
int work_pool_workers(const struct work_pool *pool);

/** Runs jobs 0..@n-1 and returns when all are done. One batch at a time. */
void work_pool_run(struct work_pool *pool, int n, work_pool_job_t job, void *data);

/** Helpers worth having on this machine: one fewer than its cores, at most @max. */
int work_pool_helpers_for_machine(int max);

#endif
