#include "work-pool.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

struct work_pool_helper {
	struct work_pool *pool;
	pthread_t thread;
	int worker;
};

struct work_pool {
	pthread_mutex_t lock;
	pthread_cond_t batch_ready; /* helpers wait here for a batch (or the end) */
	pthread_cond_t batch_done;  /* the caller waits here for the helpers to leave it */
	unsigned long batch;        /* counts batches, so a helper joins each one once */
	work_pool_job_t job;
	void *data;
	int n, next; /* the batch's jobs, and the first not yet taken */
	int busy;    /* helpers inside the current batch */
	bool stopping;
	int helpers;
	struct work_pool_helper *threads;
};

/* Takes and runs jobs of the current batch until none is left; called with the lock held. */
static void
work_pool_drain(struct work_pool *pool, int worker)
{
	while (pool->next < pool->n) {
		int index = pool->next++;
		work_pool_job_t job = pool->job;
		void *data = pool->data;

		pthread_mutex_unlock(&pool->lock);
		job(index, worker, data);
		pthread_mutex_lock(&pool->lock);
	}
}

static void *
work_pool_helper_main(void *arg)
{
	struct work_pool_helper *helper = arg;
	struct work_pool *pool = helper->pool;
	unsigned long seen = 0;

	pthread_mutex_lock(&pool->lock);
	for (;;) {
		while (!pool->stopping && pool->batch == seen)
			pthread_cond_wait(&pool->batch_ready, &pool->lock);
		if (pool->stopping)
			break;
		seen = pool->batch;
		pool->busy++;
		work_pool_drain(pool, helper->worker);
		if (--pool->busy == 0)
			pthread_cond_signal(&pool->batch_done);
	}
	pthread_mutex_unlock(&pool->lock);
	return NULL;
}

struct work_pool *
work_pool_create(int helpers)
{
	struct work_pool *pool = calloc(1, sizeof *pool);

	if (!pool)
		return NULL;
	if (helpers < 0)
		helpers = 0;
	pthread_mutex_init(&pool->lock, NULL);
	pthread_cond_init(&pool->batch_ready, NULL);
	pthread_cond_init(&pool->batch_done, NULL);
	pool->threads = calloc((size_t)(helpers > 0 ? helpers : 1), sizeof *pool->threads);
	if (!pool->threads) {
		work_pool_destroy(pool);
		return NULL;
	}
	for (int i = 0; i < helpers; i++) {
		pool->threads[i] = (struct work_pool_helper){.pool = pool, .worker = i + 1};
		if (pthread_create(&pool->threads[i].thread, NULL, work_pool_helper_main,
				   &pool->threads[i]) != 0)
			break;
		pool->helpers++;
	}
	return pool;
}

void
work_pool_destroy(struct work_pool *pool)
{
	if (!pool)
		return;
	pthread_mutex_lock(&pool->lock);
	pool->stopping = true;
	pthread_cond_broadcast(&pool->batch_ready);
	pthread_mutex_unlock(&pool->lock);
	for (int i = 0; i < pool->helpers; i++)
		pthread_join(pool->threads[i].thread, NULL);
	free(pool->threads);
	pthread_cond_destroy(&pool->batch_done);
	pthread_cond_destroy(&pool->batch_ready);
	pthread_mutex_destroy(&pool->lock);
	free(pool);
}

int
work_pool_workers(const struct work_pool *pool)
{
	return pool->helpers + 1;
}

void
work_pool_run(struct work_pool *pool, int n, work_pool_job_t job, void *data)
{
	pthread_mutex_lock(&pool->lock);
	pool->job = job;
	pool->data = data;
	pool->n = n;
	pool->next = 0;
	/* one job is the caller's alone: waking helpers would cost more than it saves */
	if (n > 1 && pool->helpers > 0) {
		pool->batch++;
		pthread_cond_broadcast(&pool->batch_ready);
	}
	work_pool_drain(pool, 0);
	/* every job is taken; those a helper took are done once it leaves */
	while (pool->busy > 0)
		pthread_cond_wait(&pool->batch_done, &pool->lock);
	pool->job = NULL;
	pool->data = NULL;
	pthread_mutex_unlock(&pool->lock);
}

int
work_pool_helpers_for_machine(int max)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int helpers = cores > 1 ? (int)cores - 1 : 0;

	return helpers < max ? helpers : max;
}
