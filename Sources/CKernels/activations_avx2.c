// AVX2/FMA sigmoid and tanh, eight lanes at a time, built on one vector exp.
//
// exp(t) for t in [-88, 88]: t = n·ln2 + r with n = round(t / ln2) and |r| ≤ ln2/2, exp(r) by its
// degree-6 Taylor polynomial (truncation below 1.3e-7 relative), and 2^n built in the exponent field
// (n = -127 gives 0, within 1e-38 of the true value). n·ln2 is subtracted in one FMA with ln2 rounded to
// float: that adds |n|·1.5e-9 of relative error, below 2e-7 even at |n| = 127, where sigmoid and tanh are
// flat; both functions turn exp's relative error into at most half as much absolute error. The whole sweep
// of floats stays within 1.2e-7 of the true values (the tests demand 1e-6). Zen 1 runs 256-bit FMAs at one
// per cycle, which bounds these loops, so every FMA saved counts.
#include "sk_internal.h"

#if SK_HAVE_X86_AVX2
#include <immintrin.h>

#define SK_INLINE_AVX2 SK_TARGET_AVX2 static inline __attribute__((always_inline))

SK_INLINE_AVX2 __m256 exp_clamped(__m256 t) {
    // Adding 1.5·2^23 rounds t/ln2 to an integer held in the low mantissa bits (two's complement).
    const __m256 shifter = _mm256_set1_ps(12582912.0f);
    const __m256 shifted = _mm256_fmadd_ps(t, _mm256_set1_ps(1.44269504088896341f), shifter);
    const __m256 n = _mm256_sub_ps(shifted, shifter);
    const __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693147180559945309f), t);
    __m256 p = _mm256_set1_ps(1.0f / 720);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 120));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 24));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 6));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(0.5f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    // (n << 23) + (127 << 23): the exponent field of 2^n (the shifter's own bits shift out).
    const __m256i bits = _mm256_add_epi32(_mm256_slli_epi32(_mm256_castps_si256(shifted), 23),
                                          _mm256_set1_epi32(127 << 23));
    return _mm256_mul_ps(p, _mm256_castsi256_ps(bits));
}

// NaN lanes of x passed through unchanged (the clamps below would otherwise turn them into numbers).
SK_INLINE_AVX2 __m256 keep_nan(__m256 x, __m256 y) {
    return _mm256_blendv_ps(y, x, _mm256_cmp_ps(x, x, _CMP_UNORD_Q));
}

SK_INLINE_AVX2 __m256 sigmoid8(__m256 x) {
    // max/min return their second operand for NaN, so NaN becomes -88 here and is restored at the end.
    __m256 t = _mm256_sub_ps(_mm256_setzero_ps(), x);
    t = _mm256_min_ps(_mm256_max_ps(t, _mm256_set1_ps(-88.0f)), _mm256_set1_ps(88.0f));
    const __m256 one = _mm256_set1_ps(1.0f);
    const __m256 y = _mm256_div_ps(one, _mm256_add_ps(one, exp_clamped(t)));
    return keep_nan(x, y);
}

SK_INLINE_AVX2 __m256 tanh8(__m256 x) {
    const __m256 sign = _mm256_set1_ps(-0.0f);
    const __m256 ax = _mm256_andnot_ps(sign, x);
    // |x| ≥ 0.25: 1 - 2 / (exp(2|x|) + 1). tanh rounds to 1 in float beyond |x| ≈ 9.01; capping 2|x| at
    // 40 keeps exp finite and still gives exactly 1 there.
    const __m256 one = _mm256_set1_ps(1.0f);
    const __m256 t = _mm256_min_ps(_mm256_add_ps(ax, ax), _mm256_set1_ps(40.0f));
    const __m256 big = _mm256_sub_ps(one, _mm256_div_ps(_mm256_set1_ps(2.0f), _mm256_add_ps(exp_clamped(t), one)));
    // |x| < 0.25: odd Taylor series to x^11 (next term below 3e-11 relative), exact for tiny x.
    const __m256 x2 = _mm256_mul_ps(ax, ax);
    __m256 p = _mm256_set1_ps(-1382.0f / 155925);
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(62.0f / 2835));
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(-17.0f / 315));
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(2.0f / 15));
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(-1.0f / 3));
    const __m256 small = _mm256_fmadd_ps(_mm256_mul_ps(p, x2), ax, ax);
    const __m256 y = _mm256_blendv_ps(big, small, _mm256_cmp_ps(ax, _mm256_set1_ps(0.25f), _CMP_LT_OQ));
    return keep_nan(x, _mm256_or_ps(y, _mm256_and_ps(x, sign)));
}

SK_INLINE_AVX2 __m256i tail_mask(int64_t n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

SK_TARGET_AVX2 void sk_sigmoid_avx2(const float *x, float *y, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, sigmoid8(_mm256_loadu_ps(x + i)));
    if (i < n) {
        const __m256i m = tail_mask(n - i);
        _mm256_maskstore_ps(y + i, m, sigmoid8(_mm256_maskload_ps(x + i, m)));
    }
}

SK_TARGET_AVX2 void sk_tanh_avx2(const float *x, float *y, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, tanh8(_mm256_loadu_ps(x + i)));
    if (i < n) {
        const __m256i m = tail_mask(n - i);
        _mm256_maskstore_ps(y + i, m, tanh8(_mm256_maskload_ps(x + i, m)));
    }
}

#endif
