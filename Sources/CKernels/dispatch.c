// Run-time choice between the AVX-512, AVX2/FMA and portable kernels, and per-thread scratch memory.
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "sentiment_kernels.h"
#include "sk_internal.h"

// -1: not decided yet; 0: automatic; 1: forced portable.
static atomic_int force_portable = -1;
// -1: not probed yet; else 0 or 1.
static atomic_int cpu_has_avx2_fma = -1;

int sk_cpu_has_avx2_fma(void) {
    int has = atomic_load_explicit(&cpu_has_avx2_fma, memory_order_relaxed);
    if (has < 0) {
#if SK_HAVE_X86_AVX2
        // The compiler runtime's probe also checks that the OS saves the YMM registers (XCR0).
        __builtin_cpu_init();
        has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
        has = 0;
#endif
        atomic_store_explicit(&cpu_has_avx2_fma, has, memory_order_relaxed);
    }
    return has;
}

// -1: not probed yet; else 0 or 1.
static atomic_int cpu_has_avx512 = -1;

int sk_cpu_has_avx512(void) {
    int has = atomic_load_explicit(&cpu_has_avx512, memory_order_relaxed);
    if (has < 0) {
#if SK_HAVE_X86_AVX2
        // As for AVX2, the probe also checks that the OS saves the ZMM and mask registers.
        __builtin_cpu_init();
        has = sk_cpu_has_avx2_fma() && __builtin_cpu_supports("avx512f");
#else
        has = 0;
#endif
        atomic_store_explicit(&cpu_has_avx512, has, memory_order_relaxed);
    }
    return has;
}

void sk_set_force_portable(int force) {
    atomic_store_explicit(&force_portable, force ? 1 : 0, memory_order_relaxed);
}

// A process-wide switch's value: `setting` once set (0 or 1), else the environment's default, whether
// SENTIMENT_KERNELS is `value`. Only the first reader installs that default; an explicit setter wins a
// race.
static int switch_value(atomic_int *setting, const char *value) {
    int current = atomic_load_explicit(setting, memory_order_relaxed);
    if (current < 0) {
        const char *env = getenv("SENTIMENT_KERNELS");
        int from_env = (env != NULL && strcmp(env, value) == 0) ? 1 : 0;
        int expected = -1;
        atomic_compare_exchange_strong(setting, &expected, from_env);
        current = atomic_load_explicit(setting, memory_order_relaxed);
    }
    return current;
}

static int forced_portable(void) { return switch_value(&force_portable, "portable"); }

// Per-thread override of the process-wide choice: -1 follows it, 0 takes the AVX2 path where the CPU
// has it, 1 forces the portable path.
static _Thread_local int thread_force_portable = -1;

void sk_set_thread_force_portable(int force) { thread_force_portable = force < 0 ? -1 : force ? 1 : 0; }

int sk_internal_use_avx2(void) {
    if (!sk_cpu_has_avx2_fma()) return 0;
    const int thread_force = thread_force_portable;
    return thread_force >= 0 ? !thread_force : !forced_portable();
}

int sk_using_avx2(void) { return sk_internal_use_avx2(); }

// -1: not decided yet; 0: AVX-512 where the CPU has it; 1: turned off (AVX2 at most).
static atomic_int avx512_off = -1;

void sk_set_avx512_off(int off) { atomic_store_explicit(&avx512_off, off ? 1 : 0, memory_order_relaxed); }

static int avx512_turned_off(void) { return switch_value(&avx512_off, "avx2"); }

// Per-thread override of the process-wide AVX-512 switch: -1 follows it, 0 takes AVX-512 where the CPU
// has it, 1 stops at AVX2.
static _Thread_local int thread_avx512_off = -1;

void sk_set_thread_avx512_off(int off) { thread_avx512_off = off < 0 ? -1 : off ? 1 : 0; }

int sk_internal_use_avx512(void) {
    if (!sk_internal_use_avx2() || !sk_cpu_has_avx512()) return 0;
    const int thread_off = thread_avx512_off;
    return thread_off >= 0 ? !thread_off : !avx512_turned_off();
}

int sk_using_avx512(void) { return sk_internal_use_avx512(); }

// MARK: - Per-thread scratch

typedef struct {
    void *buffer[2];
    size_t capacity[2];
} scratch_t;

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

static void scratch_free(void *p) {
    scratch_t *s = p;
    free(s->buffer[0]);
    free(s->buffer[1]);
    free(s);
}

static void scratch_key_init(void) { (void)pthread_key_create(&scratch_key, scratch_free); }

// Set by tests on their own thread to take the GEMMs' path for when scratch memory cannot be had.
static _Thread_local int thread_without_scratch = 0;

void sk_set_thread_gemm_without_scratch(int without) { thread_without_scratch = without != 0; }

float *sk_internal_scratch(int slot, size_t bytes) {
    if (thread_without_scratch) return NULL;
    pthread_once(&scratch_once, scratch_key_init);
    scratch_t *s = pthread_getspecific(scratch_key);
    if (s == NULL) {
        s = calloc(1, sizeof *s);
        if (s == NULL) return NULL;
        if (pthread_setspecific(scratch_key, s) != 0) {
            free(s);
            return NULL;
        }
    }
    if (s->capacity[slot] < bytes) {
        free(s->buffer[slot]);
        s->buffer[slot] = NULL;
        s->capacity[slot] = 0;
        size_t rounded = (bytes + 4095) & ~(size_t)4095;
        void *p = NULL;
        if (posix_memalign(&p, 64, rounded) != 0) return NULL;
        s->buffer[slot] = p;
        s->capacity[slot] = rounded;
    }
    return s->buffer[slot];
}
