// A small persistent pool of worker threads that run the tasks of one job at a time alongside the
// calling thread.
#ifndef SK_THREAD_POOL_H
#define SK_THREAD_POOL_H

typedef void (*sk_task_fn)(void *context, int task);

/// Runs fn(context, t) for every t < tasks, using the calling thread and up to `threads - 1` pool workers,
/// and returns when all are done. When the pool is busy with another caller's job (or a worker cannot be
/// started) the tasks run on fewer threads, at worst all on the calling thread: it never waits for
/// another job, so it cannot deadlock.
void sk_pool_run(int threads, int tasks, sk_task_fn fn, void *context);

#endif
