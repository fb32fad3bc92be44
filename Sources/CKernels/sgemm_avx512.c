// AVX-512 GEMM with the AVX2 path's packing, blocking and arithmetic: one 16-float register holds a whole
// packed B sliver row (two ymm registers on AVX2), so a full tile is 6 rows × 2 slivers (12 zmm
// accumulators). Each element of C is still one FMA chain over k from zero, in order, then the AVX2
// store's scaling, and K is blocked the same way: the products are bitwise those of the AVX2 path, so
// models, scores and the bundled model's digest do not depend on which of the two a CPU runs. Only the
// width changes, which on CPUs with full-width AVX-512 units roughly doubles the FMAs per cycle.
// Compiled for AVX-512F by function attributes only, and called only after the run-time CPU check.
#include <pthread.h>

#include "sk_internal.h"

#if SK_HAVE_X86_AVX2
#include <immintrin.h>

#include "sk_gemm_driver.h"

#define SK_TARGET_AVX512 __attribute__((target("avx512f,avx2,fma")))
#define SK_INLINE_AVX512 SK_TARGET_AVX512 static inline __attribute__((always_inline))

enum { MR = 6, NR = 16 };
// Slivers a full tile spans, and those a bottom edge tile of one or two rows spans.
enum { WIDE_SLIVERS = 2, NARROW_SLIVERS_1ROW = 8, NARROW_SLIVERS_2ROWS = 4 };
enum { WIDE_COLS = WIDE_SLIVERS * NR, NARROW_COLS = NARROW_SLIVERS_1ROW * NR };

// The AVX2 store: scale by alpha, then add beta · C with one FMA; only the first n of 16 lanes written.
SK_INLINE_AVX512 void store_row(float *row, __m512 v, float alpha, float beta, int n) {
    v = _mm512_mul_ps(v, _mm512_set1_ps(alpha));
    const __mmask16 mask = n >= NR ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1u);
    if (beta != 0) v = _mm512_fmadd_ps(_mm512_set1_ps(beta), _mm512_maskz_loadu_ps(mask, row), v);
    _mm512_mask_storeu_ps(row, mask, v);
}

// `rows` rows (≤ MR) of A against `slivers` consecutive packed B slivers; both compile-time constants
// after inlining, so the accumulators stay in registers.
SK_INLINE_AVX512 void tile(int rows, int slivers, int64_t kc, const float *a, const float *b, float *c,
                           int64_t ldc, float alpha, float beta, int n) {
    __m512 acc[MR][NARROW_SLIVERS_1ROW];
    for (int r = 0; r < rows; r++) {
        for (int s = 0; s < slivers; s++) acc[r][s] = _mm512_setzero_ps();
    }
    const int64_t stride = kc * NR;  // from one packed B sliver to the next
    for (int64_t k = 0; k < kc; k++) {
        __m512 bv[NARROW_SLIVERS_1ROW];
        for (int s = 0; s < slivers; s++) bv[s] = _mm512_loadu_ps(b + s * stride);
        for (int r = 0; r < rows; r++) {
            const __m512 ar = _mm512_set1_ps(a[r]);
            for (int s = 0; s < slivers; s++) acc[r][s] = _mm512_fmadd_ps(ar, bv[s], acc[r][s]);
        }
        a += MR;
        b += NR;
    }
    for (int r = 0; r < rows; r++) {
        for (int s = 0; s < slivers; s++) {
            store_row(c + r * ldc + s * NR, acc[r][s], alpha, beta, n - s * NR);
        }
    }
}

#define SK_TILE_FN(rows, slivers)                                                                          \
    SK_TARGET_AVX512 __attribute__((noinline)) static void tile_##rows##x##slivers(                         \
        int64_t kc, const float *a, const float *b, float *c, int64_t ldc, float alpha, float beta, int n) { \
        tile(rows, slivers, kc, a, b, c, ldc, alpha, beta, n);                                              \
    }
SK_TILE_FN(1, 1)
SK_TILE_FN(1, 2)
SK_TILE_FN(1, 3)
SK_TILE_FN(1, 4)
SK_TILE_FN(1, 5)
SK_TILE_FN(1, 6)
SK_TILE_FN(1, 7)
SK_TILE_FN(1, 8)
SK_TILE_FN(2, 1)
SK_TILE_FN(2, 2)
SK_TILE_FN(2, 3)
SK_TILE_FN(2, 4)
SK_TILE_FN(3, 1)
SK_TILE_FN(3, 2)
SK_TILE_FN(4, 1)
SK_TILE_FN(4, 2)
SK_TILE_FN(5, 1)
SK_TILE_FN(5, 2)
SK_TILE_FN(6, 1)
SK_TILE_FN(6, 2)
#undef SK_TILE_FN

// Up to MR rows across up to WIDE_COLS columns (one or two slivers).
SK_TARGET_AVX512 static void kernel_avx512(int64_t kc, const float *a, const float *b, float *c, int64_t ldc,
                                           float alpha, float beta, int m, int n) {
    const int two = n > NR;
    switch (m) {
    case 6: two ? tile_6x2(kc, a, b, c, ldc, alpha, beta, n) : tile_6x1(kc, a, b, c, ldc, alpha, beta, n); break;
    case 5: two ? tile_5x2(kc, a, b, c, ldc, alpha, beta, n) : tile_5x1(kc, a, b, c, ldc, alpha, beta, n); break;
    case 4: two ? tile_4x2(kc, a, b, c, ldc, alpha, beta, n) : tile_4x1(kc, a, b, c, ldc, alpha, beta, n); break;
    case 3: two ? tile_3x2(kc, a, b, c, ldc, alpha, beta, n) : tile_3x1(kc, a, b, c, ldc, alpha, beta, n); break;
    case 2: two ? tile_2x2(kc, a, b, c, ldc, alpha, beta, n) : tile_2x1(kc, a, b, c, ldc, alpha, beta, n); break;
    default: two ? tile_1x2(kc, a, b, c, ldc, alpha, beta, n) : tile_1x1(kc, a, b, c, ldc, alpha, beta, n); break;
    }
}

// A bottom edge tile of m ≤ 2 rows across n ≤ NARROW_COLS columns: more slivers at once give it enough
// independent FMA chains (eight) to hide the FMA latency.
SK_TARGET_AVX512 static void narrow_kernel_avx512(int64_t kc, const float *a, const float *b, float *c,
                                                  int64_t ldc, float alpha, float beta, int m, int n) {
    const int64_t stride = kc * NR;
    if (m == 1) {
        switch ((n + NR - 1) / NR) {
        case 8: tile_1x8(kc, a, b, c, ldc, alpha, beta, n); break;
        case 7: tile_1x7(kc, a, b, c, ldc, alpha, beta, n); break;
        case 6: tile_1x6(kc, a, b, c, ldc, alpha, beta, n); break;
        case 5: tile_1x5(kc, a, b, c, ldc, alpha, beta, n); break;
        case 4: tile_1x4(kc, a, b, c, ldc, alpha, beta, n); break;
        case 3: tile_1x3(kc, a, b, c, ldc, alpha, beta, n); break;
        case 2: tile_1x2(kc, a, b, c, ldc, alpha, beta, n); break;
        default: tile_1x1(kc, a, b, c, ldc, alpha, beta, n); break;
        }
        return;
    }
    for (int j = 0; j < n; j += NARROW_SLIVERS_2ROWS * NR, b += NARROW_SLIVERS_2ROWS * stride) {
        const int columns = n - j;
        switch ((columns + NR - 1) / NR) {
        case 1: tile_2x1(kc, a, b, c + j, ldc, alpha, beta, columns); break;
        case 2: tile_2x2(kc, a, b, c + j, ldc, alpha, beta, columns); break;
        case 3: tile_2x3(kc, a, b, c + j, ldc, alpha, beta, columns); break;
        default: tile_2x4(kc, a, b, c + j, ldc, alpha, beta, columns); break;
        }
    }
}

_Static_assert(NARROW_COLS % WIDE_COLS == 0, "a narrow group holds whole wide tiles");
_Static_assert(NARROW_COLS % (NARROW_SLIVERS_2ROWS * NR) == 0, "two-row edge tiles split a group evenly");

static sk_gemm_impl avx512_impl;
static pthread_once_t avx512_impl_once = PTHREAD_ONCE_INIT;

// The AVX2 path's blocks and packing routines, so that K is cut and summed identically.
static void make_impl(void) {
    avx512_impl = *sk_gemm_avx2_impl();
    avx512_impl.kernel = kernel_avx512;
    avx512_impl.wide_cols = WIDE_COLS;
    avx512_impl.narrow_rows = 2;
    avx512_impl.narrow_cols = NARROW_COLS;
    avx512_impl.narrow_kernel = narrow_kernel_avx512;
}

static const sk_gemm_impl *impl(void) {
    (void)pthread_once(&avx512_impl_once, make_impl);
    return &avx512_impl;
}

void sk_sgemm_avx512(int transA, int transB, int32_t M, int32_t N, int32_t K, float alpha, const float *A,
                     int32_t lda, const float *B, int32_t ldb, float beta, float *C, int32_t ldc) {
    (void)sk_gemm_run(impl(), transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

#endif
