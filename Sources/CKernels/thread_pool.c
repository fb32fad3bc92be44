#include "thread_pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

enum { MAX_WORKERS = 63 };
// Workers poll this many times for a new job before sleeping: a burst of products (one per time step)
// then avoids a sleep-and-wake between them, while an idle pool costs nothing.
enum { SPIN_POLLS = 20000 };

typedef struct {
    sk_task_fn fn;
    void *context;
    int tasks;
    atomic_int next;       // next task index to claim
    atomic_int remaining;  // tasks not yet finished
} job_t;

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t job_posted = PTHREAD_COND_INITIALIZER;
static pthread_cond_t job_finished = PTHREAD_COND_INITIALIZER;
static int worker_count;        // guarded by pool_lock
static int busy;                // a caller owns the pool; guarded by pool_lock
static job_t *current_job;      // guarded by pool_lock
static int wanted_workers;      // workers that may join the current job; guarded by pool_lock
static int active_workers;      // workers inside the current job; guarded by pool_lock
static atomic_uint generation;  // bumped for every job posted

static void run_tasks(job_t *job) {
    for (;;) {
        int t = atomic_fetch_add_explicit(&job->next, 1, memory_order_relaxed);
        if (t >= job->tasks) return;
        job->fn(job->context, t);
        atomic_fetch_sub_explicit(&job->remaining, 1, memory_order_acq_rel);
    }
}

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static void *worker_main(void *arg) {
    (void)arg;
    unsigned seen = atomic_load_explicit(&generation, memory_order_acquire);
    for (;;) {
        for (int i = 0; i < SPIN_POLLS && atomic_load_explicit(&generation, memory_order_acquire) == seen; i++) {
            cpu_relax();
        }
        pthread_mutex_lock(&pool_lock);
        while (atomic_load_explicit(&generation, memory_order_relaxed) == seen) {
            pthread_cond_wait(&job_posted, &pool_lock);
        }
        seen = atomic_load_explicit(&generation, memory_order_relaxed);
        job_t *job = current_job;
        if (job == NULL || wanted_workers == 0) {
            pthread_mutex_unlock(&pool_lock);
            continue;
        }
        wanted_workers--;
        active_workers++;
        pthread_mutex_unlock(&pool_lock);

        run_tasks(job);

        pthread_mutex_lock(&pool_lock);
        active_workers--;
        if (active_workers == 0) pthread_cond_broadcast(&job_finished);
        pthread_mutex_unlock(&pool_lock);
    }
    return NULL;
}

// Called with pool_lock held.
static void ensure_workers(int count) {
    if (count > MAX_WORKERS) count = MAX_WORKERS;
    while (worker_count < count) {
        pthread_t thread;
        pthread_attr_t attr;
        if (pthread_attr_init(&attr) != 0) return;
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        int failed = pthread_create(&thread, &attr, worker_main, NULL);
        pthread_attr_destroy(&attr);
        if (failed) return;
        worker_count++;
    }
}

void sk_pool_run(int threads, int tasks, sk_task_fn fn, void *context) {
    job_t job = {.fn = fn, .context = context, .tasks = tasks};
    atomic_init(&job.next, 0);
    atomic_init(&job.remaining, tasks);
    if (threads <= 1 || tasks <= 1) {
        run_tasks(&job);
        return;
    }

    pthread_mutex_lock(&pool_lock);
    if (busy) {
        pthread_mutex_unlock(&pool_lock);
        run_tasks(&job);
        return;
    }
    busy = 1;
    ensure_workers(threads - 1);
    current_job = &job;
    wanted_workers = (threads - 1 < worker_count ? threads - 1 : worker_count);
    if (wanted_workers > tasks - 1) wanted_workers = tasks - 1;
    atomic_fetch_add_explicit(&generation, 1, memory_order_release);
    pthread_cond_broadcast(&job_posted);
    pthread_mutex_unlock(&pool_lock);

    run_tasks(&job);

    // Workers may still be running claimed tasks; the job lives on this stack, so wait until every
    // worker that joined has left it, and stop late ones from joining.
    for (int i = 0; i < SPIN_POLLS && atomic_load_explicit(&job.remaining, memory_order_acquire) > 0; i++) {
        cpu_relax();
    }
    pthread_mutex_lock(&pool_lock);
    wanted_workers = 0;
    current_job = NULL;
    while (active_workers > 0) pthread_cond_wait(&job_finished, &pool_lock);
    busy = 0;
    pthread_mutex_unlock(&pool_lock);
}
