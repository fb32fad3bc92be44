// Sigmoid and tanh: dispatch, and the portable versions. The portable ones use the same method as the
// AVX2 ones (see activations_avx2.c), written as branch-free scalar C that compilers vectorise for the
// target's own SIMD (SSE2, NEON); libm's tanhf is about ten times slower.
#include <string.h>

#include "sentiment_kernels.h"
#include "sk_internal.h"

static inline float float_from_bits(int32_t bits) {
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

static inline int32_t bits_from_float(float f) {
    int32_t bits;
    memcpy(&bits, &f, sizeof bits);
    return bits;
}

// exp(t) for t in [-88, 88] (any other input, NaN included, gives some finite or infinite value that the
// callers discard). Without a guaranteed FMA, n·ln2 is subtracted in two parts: ln2_hi has few enough
// bits that n·ln2_hi is exact for |n| ≤ 127.
static inline float exp_clamped(float t) {
    const float shifter = 12582912.0f;  // 1.5·2^23: adding it rounds to an integer in the low bits
    const float shifted = t * 1.44269504088896341f + shifter;
    const float n = shifted - shifter;
    const float r = (t - n * 0.693359375f) - n * -2.12194440e-4f;
    float p = 1.0f / 720;
    p = p * r + 1.0f / 120;
    p = p * r + 1.0f / 24;
    p = p * r + 1.0f / 6;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    // (n << 23) + (127 << 23), in unsigned arithmetic so that the shifter's bits shift out without
    // overflow.
    const uint32_t exponent = ((uint32_t)bits_from_float(shifted) << 23) + (127u << 23);
    return p * float_from_bits((int32_t)exponent);
}

static void sigmoid_portable(const float *x, float *y, int64_t n) {
    for (int64_t i = 0; i < n; i++) {
        const float v = x[i];
        float t = -v;
        t = t < -88.0f ? -88.0f : t;
        t = t > 88.0f ? 88.0f : t;
        const float s = 1.0f / (1.0f + exp_clamped(t));
        y[i] = v != v ? v : s;
    }
}

static void tanh_portable(const float *x, float *y, int64_t n) {
    for (int64_t i = 0; i < n; i++) {
        const float v = x[i];
        const float a = v < 0 ? -v : v;
        float t = a + a;
        t = t > 40.0f ? 40.0f : t;  // tanh rounds to 1 beyond |x| ≈ 9.01
        const float big = 1.0f - 2.0f / (exp_clamped(t) + 1.0f);
        const float a2 = a * a;
        float p = -1382.0f / 155925;
        p = p * a2 + 62.0f / 2835;
        p = p * a2 + -17.0f / 315;
        p = p * a2 + 2.0f / 15;
        p = p * a2 + -1.0f / 3;
        const float small = (p * a2) * a + a;
        const float magnitude = a < 0.25f ? small : big;
        // Copy the sign bit of v (so -0 stays -0); NaN passes through.
        const int32_t sign = bits_from_float(v) & (int32_t)0x80000000u;
        const float signed_result = float_from_bits(bits_from_float(magnitude) | sign);
        y[i] = v != v ? v : signed_result;
    }
}

void sk_sigmoid(const float *x, float *y, int64_t n) {
#if SK_HAVE_X86_AVX2
    if (sk_internal_use_avx512()) {
        sk_sigmoid_avx512(x, y, n);
        return;
    }
    if (sk_internal_use_avx2()) {
        sk_sigmoid_avx2(x, y, n);
        return;
    }
#endif
    sigmoid_portable(x, y, n);
}

void sk_tanh(const float *x, float *y, int64_t n) {
#if SK_HAVE_X86_AVX2
    if (sk_internal_use_avx512()) {
        sk_tanh_avx512(x, y, n);
        return;
    }
    if (sk_internal_use_avx2()) {
        sk_tanh_avx2(x, y, n);
        return;
    }
#endif
    tanh_portable(x, y, n);
}
