// AVX-512 sigmoid and tanh: activations_avx2.c's functions sixteen lanes at a time, with the same IEEE
// operations in the same order in every lane (only the masks and the width differ), so they give the
// AVX2 path's bits exactly. See activations_avx2.c for the method and its error bounds.
#include "sk_internal.h"

#if SK_HAVE_X86_AVX2
#include <immintrin.h>

#define SK_TARGET_AVX512 __attribute__((target("avx512f,avx2,fma")))
#define SK_INLINE_AVX512 SK_TARGET_AVX512 static inline __attribute__((always_inline))

SK_INLINE_AVX512 __m512 exp_clamped(__m512 t) {
    const __m512 shifter = _mm512_set1_ps(12582912.0f);
    const __m512 shifted = _mm512_fmadd_ps(t, _mm512_set1_ps(1.44269504088896341f), shifter);
    const __m512 n = _mm512_sub_ps(shifted, shifter);
    const __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693147180559945309f), t);
    __m512 p = _mm512_set1_ps(1.0f / 720);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 120));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 24));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 6));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0.5f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
    const __m512i bits = _mm512_add_epi32(_mm512_slli_epi32(_mm512_castps_si512(shifted), 23),
                                          _mm512_set1_epi32(127 << 23));
    return _mm512_mul_ps(p, _mm512_castsi512_ps(bits));
}

SK_INLINE_AVX512 __m512 keep_nan(__m512 x, __m512 y) {
    return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q), y, x);
}

SK_INLINE_AVX512 __m512 sigmoid16(__m512 x) {
    // max/min return their second operand for NaN, as their AVX2 forms do.
    __m512 t = _mm512_sub_ps(_mm512_setzero_ps(), x);
    t = _mm512_min_ps(_mm512_max_ps(t, _mm512_set1_ps(-88.0f)), _mm512_set1_ps(88.0f));
    const __m512 one = _mm512_set1_ps(1.0f);
    const __m512 y = _mm512_div_ps(one, _mm512_add_ps(one, exp_clamped(t)));
    return keep_nan(x, y);
}

SK_INLINE_AVX512 __m512 tanh16(__m512 x) {
    // AVX-512F has the bitwise operations on integers only; they give the same bits.
    const __m512i sign = _mm512_set1_epi32((int)0x80000000u);
    const __m512i xi = _mm512_castps_si512(x);
    const __m512 ax = _mm512_castsi512_ps(_mm512_andnot_si512(sign, xi));
    const __m512 one = _mm512_set1_ps(1.0f);
    const __m512 t = _mm512_min_ps(_mm512_add_ps(ax, ax), _mm512_set1_ps(40.0f));
    const __m512 big = _mm512_sub_ps(one, _mm512_div_ps(_mm512_set1_ps(2.0f), _mm512_add_ps(exp_clamped(t), one)));
    const __m512 x2 = _mm512_mul_ps(ax, ax);
    __m512 p = _mm512_set1_ps(-1382.0f / 155925);
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(62.0f / 2835));
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(-17.0f / 315));
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(2.0f / 15));
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(-1.0f / 3));
    const __m512 small = _mm512_fmadd_ps(_mm512_mul_ps(p, x2), ax, ax);
    const __m512 y = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(ax, _mm512_set1_ps(0.25f), _CMP_LT_OQ), big, small);
    const __m512i signed_y = _mm512_or_si512(_mm512_castps_si512(y), _mm512_and_si512(xi, sign));
    return keep_nan(x, _mm512_castsi512_ps(signed_y));
}

SK_INLINE_AVX512 __mmask16 tail_mask(int64_t n) { return (__mmask16)((1u << n) - 1u); }

SK_TARGET_AVX512 void sk_sigmoid_avx512(const float *x, float *y, int64_t n) {
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, sigmoid16(_mm512_loadu_ps(x + i)));
    if (i < n) {
        const __mmask16 m = tail_mask(n - i);
        _mm512_mask_storeu_ps(y + i, m, sigmoid16(_mm512_maskz_loadu_ps(m, x + i)));
    }
}

SK_TARGET_AVX512 void sk_tanh_avx512(const float *x, float *y, int64_t n) {
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, tanh16(_mm512_loadu_ps(x + i)));
    if (i < n) {
        const __mmask16 m = tail_mask(n - i);
        _mm512_mask_storeu_ps(y + i, m, tanh16(_mm512_maskz_loadu_ps(m, x + i)));
    }
}

#endif
