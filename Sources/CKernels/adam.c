// Adam's update of parameters with a gradient, and its zero-gradient update replayed over several steps
// for the deferred dense embedding update.
//
// The results must be bitwise those of the Swift expressions of AdamStep (updateWithZeroGradient, and
// the loop update had before it called sk_adam_update), so every operation is one IEEE float operation
// rounded on its own, in the Swift expression's order; contracting a multiply and an add into an FMA
// would change the rounding. This file is in C because Swift's
// Float.squareRoot() calls libm's sqrtf on Linux (errno), which keeps loops from being vectorised.
#include <string.h>

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

// One element with a gradient: the scalar form of sk_adam_update's vector expressions.
static inline void gradient_step(float *p, const float *g, float scale, float *m, float *v, float one_minus_beta1,
                                 float beta2, float one_minus_beta2, float epsilon, float step_size, float root) {
    float gradient = scale == 1.0f ? *g : *g * scale;
    float first = *m + one_minus_beta1 * (gradient - *m);
    float second = beta2 * *v + one_minus_beta2 * gradient * gradient;
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

#if SK_HAVE_X86_AVX2
SK_TARGET_AVX2 static void update_avx2(int64_t n, float *p, const float *g, float scale, float *m, float *v,
                                       float one_minus_beta1, float beta2, float one_minus_beta2, float epsilon,
                                       float step_size, float root) {
    const __m256 c1 = _mm256_set1_ps(one_minus_beta1), b2 = _mm256_set1_ps(beta2);
    const __m256 c2 = _mm256_set1_ps(one_minus_beta2), eps = _mm256_set1_ps(epsilon);
    const __m256 size = _mm256_set1_ps(step_size), r = _mm256_set1_ps(root), s = _mm256_set1_ps(scale);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 gradient = _mm256_loadu_ps(g + i);
        if (scale != 1.0f) gradient = _mm256_mul_ps(gradient, s);
        __m256 mv = _mm256_loadu_ps(m + i);
        mv = _mm256_add_ps(mv, _mm256_mul_ps(c1, _mm256_sub_ps(gradient, mv)));
        __m256 vv = _mm256_add_ps(_mm256_mul_ps(b2, _mm256_loadu_ps(v + i)),
                                  _mm256_mul_ps(_mm256_mul_ps(c2, gradient), gradient));
        __m256 denominator = _mm256_add_ps(_mm256_div_ps(_mm256_sqrt_ps(vv), r), eps);
        __m256 pv = _mm256_sub_ps(_mm256_loadu_ps(p + i), _mm256_div_ps(_mm256_mul_ps(size, mv), denominator));
        _mm256_storeu_ps(m + i, mv);
        _mm256_storeu_ps(v + i, vv);
        _mm256_storeu_ps(p + i, pv);
    }
    for (; i < n; i++) {
        gradient_step(p + i, g + i, scale, m + i, v + i, one_minus_beta1, beta2, one_minus_beta2, epsilon, step_size,
                      root);
    }
}
#endif

static void update_portable(int64_t n, float *p, const float *g, float scale, float *m, float *v,
                            float one_minus_beta1, float beta2, float one_minus_beta2, float epsilon, float step_size,
                            float root) {
    int64_t i = 0;
    for (; i + 4 <= n; i += 4) {
        sk_v4f gradient, mv, vv, pv;
        __builtin_memcpy(&gradient, g + i, sizeof gradient);
        __builtin_memcpy(&mv, m + i, sizeof mv);
        __builtin_memcpy(&vv, v + i, sizeof vv);
        __builtin_memcpy(&pv, p + i, sizeof pv);
        if (scale != 1.0f) gradient = gradient * scale;
        sk_v4f difference = gradient - mv;
        sk_v4f change = one_minus_beta1 * difference;
        mv = mv + change;
        sk_v4f decayed = beta2 * vv;
        sk_v4f scaled = one_minus_beta2 * gradient;
        sk_v4f square = scaled * gradient;
        vv = decayed + square;
        sk_v4f denominator = sqrt_v4f(vv) / root;
        denominator = denominator + epsilon;
        sk_v4f numerator = step_size * mv;
        pv = pv - numerator / denominator;
        __builtin_memcpy(m + i, &mv, sizeof mv);
        __builtin_memcpy(v + i, &vv, sizeof vv);
        __builtin_memcpy(p + i, &pv, sizeof pv);
    }
    for (; i < n; i++) {
        gradient_step(p + i, g + i, scale, m + i, v + i, one_minus_beta1, beta2, one_minus_beta2, epsilon, step_size,
                      root);
    }
}

void sk_adam_update(int64_t n, float *p, const float *g, float gradient_scale, float *m, float *v,
                    float one_minus_beta1, float beta2, float one_minus_beta2, float epsilon, float step_size,
                    float root) {
    if (n <= 0) return;
#if SK_HAVE_X86_AVX2
    if (sk_internal_use_avx2()) {
        update_avx2(n, p, g, gradient_scale, m, v, one_minus_beta1, beta2, one_minus_beta2, epsilon, step_size, root);
        return;
    }
#endif
    update_portable(n, p, g, gradient_scale, m, v, one_minus_beta1, beta2, one_minus_beta2, epsilon, step_size, root);
}

// Whether every moment of a row is +0 (bit pattern 0): a row that has never had a gradient.
static int moments_all_positive_zero(int64_t n, const float *m, const float *v) {
    uint32_t any = 0;
    for (int64_t i = 0; i < n; i++) {
        uint32_t a, b;
        memcpy(&a, m + i, sizeof a);
        memcpy(&b, v + i, sizeof b);
        any |= a | b;
        if (any != 0) return 0;
    }
    return 1;
}

void sk_adam_zero_gradient_steps(int64_t n, float *p, float *m, float *v, float one_minus_beta1, float beta2,
                                 float epsilon, const float *step_sizes, const float *roots, int64_t steps) {
    if (n <= 0 || steps <= 0) return;
    // Moments of +0 stay +0 through zero-gradient steps (m − (1−β1)·m and β2·v), and p then moves by
    // (stepSize·0) / (√0 / root + ε) = +0, which leaves it as it is: the replay would change nothing, so it
    // is skipped. Most rows of an embedding that holds words the training texts never use are such rows.
    if (moments_all_positive_zero(n, m, v)) return;
#if SK_HAVE_X86_AVX2
    if (sk_internal_use_avx2()) {
        zero_gradient_steps_avx2(n, p, m, v, one_minus_beta1, beta2, epsilon, step_sizes, roots, steps);
        return;
    }
#endif
    zero_gradient_steps_portable(n, p, m, v, one_minus_beta1, beta2, epsilon, step_sizes, roots, steps);
}
