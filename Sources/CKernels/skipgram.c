// The inner update of skip-gram with negative sampling (word2vec's SGNS), used to pre-train the
// embedding on the training texts. It runs hundreds of millions of times per pre-training, on short
// vectors (the embedding width), so the dot products and row updates are vectorised by hand: Swift would
// not vectorise the float reductions without reassociation.
#include "sentiment_kernels.h"
#include "sk_internal.h"

#if SK_HAVE_X86_AVX2
#include <immintrin.h>
#endif

// σ(x) = 1 / (1 + e^−x): exact enough for a training signal and saturating cleanly at ±inf.
static inline float logistic(float x) { return 1.0f / (1.0f + __builtin_expf(-x)); }

// The update of sk_skipgram_update, compiled once per path with that path's dot and axpy.
#define SKIPGRAM_UPDATE_BODY(dot, axpy)                                                  \
    for (int32_t i = 0; i < n; i++) gradient[i] = 0;                                     \
    for (int32_t k = 0; k < count; k++) {                                                \
        float *output = outputs[k];                                                      \
        float g = rate * ((k == 0 ? 1.0f : 0.0f) - logistic(dot(n, input, output)));     \
        axpy(n, g, output, gradient);                                                    \
        axpy(n, g, input, output);                                                       \
    }                                                                                    \
    axpy(n, 1.0f, gradient, input);

#if SK_HAVE_X86_AVX2
SK_TARGET_AVX2 static inline float dot_avx2(int32_t n, const float *a, const float *b) {
    __m256 sum0 = _mm256_setzero_ps(), sum1 = _mm256_setzero_ps();
    int32_t i = 0;
    for (; i + 16 <= n; i += 16) {
        sum0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), sum0);
        sum1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), sum1);
    }
    for (; i + 8 <= n; i += 8) sum0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), sum0);
    __m256 sum = _mm256_add_ps(sum0, sum1);
    __m128 half = _mm_add_ps(_mm256_castps256_ps128(sum), _mm256_extractf128_ps(sum, 1));
    half = _mm_add_ps(half, _mm_movehl_ps(half, half));
    half = _mm_add_ss(half, _mm_movehdup_ps(half));
    float total = _mm_cvtss_f32(half);
    for (; i < n; i++) total += a[i] * b[i];
    return total;
}

// y += alpha · x
SK_TARGET_AVX2 static inline void axpy_avx2(int32_t n, float alpha, const float *x, float *y) {
    __m256 a = _mm256_set1_ps(alpha);
    int32_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_fmadd_ps(a, _mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i)));
    for (; i < n; i++) y[i] += alpha * x[i];
}

// Rows up to which the fused form below is used.
#define SK_SKIPGRAM_MAX_FUSED_ROWS 16

// True when no output row appears twice among the first `count`.
static inline int rows_are_distinct(float *const *outputs, int32_t count) {
    for (int32_t k = 1; k < count; k++) {
        for (int32_t j = 0; j < k; j++) {
            if (outputs[j] == outputs[k]) return 0;
        }
    }
    return 1;
}

// When no row repeats, row k's dot product reads only the input (changed at the end) and row k (changed
// by nobody before it), so all dot products can come first; then the gradient, the rows and the input are
// updated eight columns at a time with that chunk of the gradient in a register, instead of each row's
// two passes reading and writing the whole gradient in memory. Every value is the same as in
// SKIPGRAM_UPDATE_BODY: the same fused multiply-adds on the same operands, in the same order per column.
SK_TARGET_AVX2 static void skipgram_update_fused_avx2(int32_t n, float *input, float *const *outputs, int32_t count,
                                                      float rate) {
    float g[SK_SKIPGRAM_MAX_FUSED_ROWS];
    for (int32_t k = 0; k < count; k++) g[k] = dot_avx2(n, input, outputs[k]);
    for (int32_t k = 0; k < count; k++) g[k] = rate * ((k == 0 ? 1.0f : 0.0f) - logistic(g[k]));
    const __m256 one = _mm256_set1_ps(1.0f);
    int32_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 in = _mm256_loadu_ps(input + i);
        __m256 gradient = _mm256_setzero_ps();
        for (int32_t k = 0; k < count; k++) {
            __m256 scale = _mm256_set1_ps(g[k]);
            __m256 row = _mm256_loadu_ps(outputs[k] + i);
            gradient = _mm256_fmadd_ps(scale, row, gradient);
            _mm256_storeu_ps(outputs[k] + i, _mm256_fmadd_ps(scale, in, row));
        }
        _mm256_storeu_ps(input + i, _mm256_fmadd_ps(one, gradient, in));
    }
    // The last columns as axpy_avx2's scalar tail computes them.
    for (; i < n; i++) {
        float gradient = 0;
        for (int32_t k = 0; k < count; k++) {
            gradient += g[k] * outputs[k][i];
            outputs[k][i] += g[k] * input[i];
        }
        input[i] += 1.0f * gradient;
    }
}

SK_TARGET_AVX2 static void skipgram_update_avx2(int32_t n, float *input, float *const *outputs, int32_t count,
                                                float rate, float *gradient) {
    if (count <= SK_SKIPGRAM_MAX_FUSED_ROWS && rows_are_distinct(outputs, count)) {
        skipgram_update_fused_avx2(n, input, outputs, count, rate);
        return;
    }
    SKIPGRAM_UPDATE_BODY(dot_avx2, axpy_avx2)
}
#endif

// Portable path: generic 4-lane vectors (SSE2 on x86-64, NEON on ARM).
typedef float sk_v4f __attribute__((vector_size(16)));

static inline float dot_portable(int32_t n, const float *a, const float *b) {
    sk_v4f sum = {0, 0, 0, 0};
    int32_t i = 0;
    for (; i + 4 <= n; i += 4) {
        sk_v4f x, y;
        __builtin_memcpy(&x, a + i, sizeof x);
        __builtin_memcpy(&y, b + i, sizeof y);
        sum += x * y;
    }
    float total = (sum[0] + sum[1]) + (sum[2] + sum[3]);
    for (; i < n; i++) total += a[i] * b[i];
    return total;
}

static inline void axpy_portable(int32_t n, float alpha, const float *x, float *y) {
    for (int32_t i = 0; i < n; i++) y[i] += alpha * x[i];
}

static void skipgram_update_portable(int32_t n, float *input, float *const *outputs, int32_t count, float rate,
                                     float *gradient) {
    SKIPGRAM_UPDATE_BODY(dot_portable, axpy_portable)
}

void sk_skipgram_update(int32_t n, float *input, float *const *outputs, int32_t count, float rate,
                        float *gradient) {
    if (n <= 0 || count <= 0) return;
    // The rows are scattered over tables larger than the caches: asking for all of them first lets
    // their loads overlap instead of queueing one row behind the other's arithmetic.
    for (int32_t k = 0; k < count; k++) {
        for (int32_t i = 0; i < n; i += 16) __builtin_prefetch(outputs[k] + i, 1, 3);
    }
#if SK_HAVE_X86_AVX2
    if (sk_internal_use_avx2()) {
        skipgram_update_avx2(n, input, outputs, count, rate, gradient);
        return;
    }
#endif
    skipgram_update_portable(n, input, outputs, count, rate, gradient);
}
