// Adam's zero-gradient update replayed over several steps, for the deferred dense embedding update.
//
// The results must be bitwise those of Swift's AdamStep.updateWithZeroGradient, so every operation is
// one IEEE float operation rounded on its own, in the Swift expression's order; contracting a multiply
// and an add into an FMA would change the rounding. This file is in C because Swift's
// Float.squareRoot() calls libm's sqrtf on Linux (errno), which keeps loops from being vectorised.
#include "sentiment_kernels.h"
#include "sk_internal.h"

#if SK_HAVE_X86_AVX2
#include <immintrin.h>
#endif

#pragma STDC FP_CONTRACT OFF
#ifdef __clang__
#pragma clang fp contract(off)
#endif

// One element, one step: the scalar form of the expressions below.
static inline void zero_gradient_step(float *p, float *m, float *v, float one_minus_beta1, float beta2,
                                      float epsilon, float step_size, float root) {
    float first = *m - one_minus_beta1 * *m;
    float second = beta2 * *v;
    *m = first;
    *v = second;
    *p = *p - step_size * first / (__builtin_sqrtf(second) / root + epsilon);
}

// Elements outside whole vectors, every step in order.
static void zero_gradient_tail(int64_t start, int64_t n, float *p, float *m, float *v, float one_minus_beta1,
                               float beta2, float epsilon, const float *step_sizes, const float *roots,
                               int64_t steps) {
    for (int64_t i = start; i < n; i++) {
        for (int64_t s = 0; s < steps; s++) {
            zero_gradient_step(p + i, m + i, v + i, one_minus_beta1, beta2, epsilon, step_sizes[s], roots[s]);
        }
    }
}

#if SK_HAVE_X86_AVX2
SK_TARGET_AVX2 static void zero_gradient_steps_avx2(int64_t n, float *p, float *m, float *v,
                                                    float one_minus_beta1, float beta2, float epsilon,
                                                    const float *step_sizes, const float *roots,
                                                    int64_t steps) {
    const __m256 c1 = _mm256_set1_ps(one_minus_beta1);
    const __m256 b2 = _mm256_set1_ps(beta2);
    const __m256 eps = _mm256_set1_ps(epsilon);
    int64_t i = 0;
    // Eight elements stay in registers through all the steps.
    for (; i + 8 <= n; i += 8) {
        __m256 pv = _mm256_loadu_ps(p + i);
        __m256 mv = _mm256_loadu_ps(m + i);
        __m256 vv = _mm256_loadu_ps(v + i);
        for (int64_t s = 0; s < steps; s++) {
            mv = _mm256_sub_ps(mv, _mm256_mul_ps(c1, mv));
            vv = _mm256_mul_ps(b2, vv);
            __m256 denominator =
                _mm256_add_ps(_mm256_div_ps(_mm256_sqrt_ps(vv), _mm256_set1_ps(roots[s])), eps);
            pv = _mm256_sub_ps(pv, _mm256_div_ps(_mm256_mul_ps(_mm256_set1_ps(step_sizes[s]), mv), denominator));
        }
        _mm256_storeu_ps(p + i, pv);
        _mm256_storeu_ps(m + i, mv);
        _mm256_storeu_ps(v + i, vv);
    }
    zero_gradient_tail(i, n, p, m, v, one_minus_beta1, beta2, epsilon, step_sizes, roots, steps);
}
#endif

// Portable path: generic 4-lane vectors (SSE2, NEON), element-wise square root where the compiler has
// one, else per lane.
typedef float sk_v4f __attribute__((vector_size(16)));

static inline sk_v4f sqrt_v4f(sk_v4f x) {
#ifdef __has_builtin
#if __has_builtin(__builtin_elementwise_sqrt)
#define SK_HAVE_ELEMENTWISE_SQRT 1
#endif
#endif
#ifdef SK_HAVE_ELEMENTWISE_SQRT
    return __builtin_elementwise_sqrt(x);
#else
    sk_v4f r;
    for (int lane = 0; lane < 4; lane++) r[lane] = __builtin_sqrtf(x[lane]);
    return r;
#endif
}

static void zero_gradient_steps_portable(int64_t n, float *p, float *m, float *v, float one_minus_beta1,
                                         float beta2, float epsilon, const float *step_sizes,
                                         const float *roots, int64_t steps) {
    int64_t i = 0;
    for (; i + 4 <= n; i += 4) {
        sk_v4f pv, mv, vv;
        __builtin_memcpy(&pv, p + i, sizeof pv);
        __builtin_memcpy(&mv, m + i, sizeof mv);
        __builtin_memcpy(&vv, v + i, sizeof vv);
        for (int64_t s = 0; s < steps; s++) {
            sk_v4f product = one_minus_beta1 * mv;
            mv = mv - product;
            vv = beta2 * vv;
            sk_v4f denominator = sqrt_v4f(vv) / roots[s];
            denominator = denominator + epsilon;
            sk_v4f numerator = step_sizes[s] * mv;
            pv = pv - numerator / denominator;
        }
        __builtin_memcpy(p + i, &pv, sizeof pv);
        __builtin_memcpy(m + i, &mv, sizeof mv);
        __builtin_memcpy(v + i, &vv, sizeof vv);
    }
    zero_gradient_tail(i, n, p, m, v, one_minus_beta1, beta2, epsilon, step_sizes, roots, steps);
}

void sk_adam_zero_gradient_steps(int64_t n, float *p, float *m, float *v, float one_minus_beta1, float beta2,
                                 float epsilon, const float *step_sizes, const float *roots, int64_t steps) {
    if (n <= 0 || steps <= 0) return;
#if SK_HAVE_X86_AVX2
    if (sk_internal_use_avx2()) {
        zero_gradient_steps_avx2(n, p, m, v, one_minus_beta1, beta2, epsilon, step_sizes, roots, steps);
        return;
    }
#endif
    zero_gradient_steps_portable(n, p, m, v, one_minus_beta1, beta2, epsilon, step_sizes, roots, steps);
}
