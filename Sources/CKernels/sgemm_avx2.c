// AVX2/FMA GEMM: a 6×16 register tile (12 ymm accumulators, two B vectors, one broadcast of A), with
// packing that zero-pads partial slivers; bottom edge tiles of one or two rows span several B slivers
// instead (narrow_slivers). Every tile gives each element of C the same arithmetic (one FMA chain over k,
// then the same scaling), so a row's result never depends on the other rows of the product: scores are
// batch-independent. Compiled for AVX2 by function attributes only, and called only after the run-time
// CPU check.
#include "sk_internal.h"

#if SK_HAVE_X86_AVX2
#include <immintrin.h>

#include "sk_gemm_driver.h"

enum { MR = 6, NR = 16 };
// B slivers an edge tile of one or two rows runs at once (see narrow_slivers).
enum { NARROW_SLIVERS_1ROW = 6, NARROW_SLIVERS_2ROWS = 3, NARROW_COLS = NARROW_SLIVERS_1ROW * NR };

#define SK_INLINE_AVX2 SK_TARGET_AVX2 static inline __attribute__((always_inline))

// Lanes below `n` set, for masked loads and stores of a partial row of 8.
SK_INLINE_AVX2 __m256i lane_mask(int n) {
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), lanes);
}

SK_INLINE_AVX2 void store_row(float *row, __m256 v0, __m256 v1, float alpha, float beta, int n) {
    const __m256 va = _mm256_set1_ps(alpha);
    v0 = _mm256_mul_ps(v0, va);
    v1 = _mm256_mul_ps(v1, va);
    if (n == NR) {
        if (beta != 0) {
            const __m256 vb = _mm256_set1_ps(beta);
            v0 = _mm256_fmadd_ps(vb, _mm256_loadu_ps(row), v0);
            v1 = _mm256_fmadd_ps(vb, _mm256_loadu_ps(row + 8), v1);
        }
        _mm256_storeu_ps(row, v0);
        _mm256_storeu_ps(row + 8, v1);
    } else {
        const __m256i m0 = lane_mask(n), m1 = lane_mask(n - 8);
        if (beta != 0) {
            const __m256 vb = _mm256_set1_ps(beta);
            v0 = _mm256_fmadd_ps(vb, _mm256_maskload_ps(row, m0), v0);
            v1 = _mm256_fmadd_ps(vb, _mm256_maskload_ps(row + 8, m1), v1);
        }
        _mm256_maskstore_ps(row, m0, v0);
        _mm256_maskstore_ps(row + 8, m1, v1);
    }
}

// The tile body for `rows` (a compile-time constant after inlining) valid rows: partial tiles at the
// bottom edge do only the work they need instead of multiplying zero padding.
SK_INLINE_AVX2 void tile(int rows, int64_t kc, const float *a, const float *b, float *c, int64_t ldc,
                         float alpha, float beta, int n) {
    __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
    __m256 c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
    for (int64_t k = 0; k < kc; k++) {
        const __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
        __m256 ai;
#define SK_ROW(r)                                   \
    if (rows > r) {                                 \
        ai = _mm256_broadcast_ss(a + r);            \
        c##r##0 = _mm256_fmadd_ps(ai, b0, c##r##0); \
        c##r##1 = _mm256_fmadd_ps(ai, b1, c##r##1); \
    }
        SK_ROW(0) SK_ROW(1) SK_ROW(2) SK_ROW(3) SK_ROW(4) SK_ROW(5)
#undef SK_ROW
        a += MR;
        b += NR;
    }
    store_row(c, c00, c01, alpha, beta, n);
    if (rows > 1) store_row(c + ldc, c10, c11, alpha, beta, n);
    if (rows > 2) store_row(c + 2 * ldc, c20, c21, alpha, beta, n);
    if (rows > 3) store_row(c + 3 * ldc, c30, c31, alpha, beta, n);
    if (rows > 4) store_row(c + 4 * ldc, c40, c41, alpha, beta, n);
    if (rows > 5) store_row(c + 5 * ldc, c50, c51, alpha, beta, n);
}

#define SK_TILE_FN(rows)                                                                          \
    SK_TARGET_AVX2 static void tile_##rows(int64_t kc, const float *a, const float *b, float *c,   \
                                           int64_t ldc, float alpha, float beta, int n) {         \
        tile(rows, kc, a, b, c, ldc, alpha, beta, n);                                             \
    }
SK_TILE_FN(3)
SK_TILE_FN(4)
SK_TILE_FN(5)
SK_TILE_FN(6)
#undef SK_TILE_FN

// Bottom edge tiles of one or two rows: twelve independent FMA chains, as in the 6-row tile, come from
// several B slivers at once (six slivers for one row, three for two) instead of from more rows. Each
// element is still one FMA chain over k from zero, in order, then store_row: exactly what `tile` does to
// it. So a row's result does not depend on whether it falls in a full tile or an edge tile, i.e. on how
// many rows the product has: a text scored alone, in a file, in another batch or on another number of
// threads (the GRU's products have one row per running sequence) gets the same bits. Splitting k into
// even and odd chains (added at the end) would hide the FMA latency too but round differently from the
// 6-row tile, which broke that.
SK_INLINE_AVX2 void narrow_slivers(int rows, int slivers, int64_t kc, const float *a, const float *b,
                                   float *c, int64_t ldc, float alpha, float beta, int n) {
    __m256 acc[2][NARROW_SLIVERS_1ROW][2];
    for (int r = 0; r < rows; r++) {
        for (int s = 0; s < slivers; s++) acc[r][s][0] = acc[r][s][1] = _mm256_setzero_ps();
    }
    const int64_t stride = kc * NR;  // from one packed B sliver to the next
    for (int64_t k = 0; k < kc; k++) {
        // Two rows × three slivers take all 16 registers: 12 accumulators, the two broadcasts of A and
        // one B vector at a time, each used by both rows as soon as it is loaded.
        const __m256 a0 = _mm256_broadcast_ss(a), a1 = rows > 1 ? _mm256_broadcast_ss(a + 1) : a0;
        for (int s = 0; s < slivers; s++) {
            for (int half = 0; half < 2; half++) {
                const __m256 bv = _mm256_loadu_ps(b + s * stride + 8 * half);
                acc[0][s][half] = _mm256_fmadd_ps(a0, bv, acc[0][s][half]);
                if (rows > 1) acc[1][s][half] = _mm256_fmadd_ps(a1, bv, acc[1][s][half]);
            }
        }
        a += MR;
        b += NR;
    }
    for (int r = 0; r < rows; r++) {
        for (int s = 0; s < slivers; s++) {
            const int columns = n - s * NR < NR ? n - s * NR : NR;
            store_row(c + r * ldc + s * NR, acc[r][s][0], acc[r][s][1], alpha, beta, columns);
        }
    }
}

#define SK_NARROW_FN(rows, slivers)                                                                   \
    SK_TARGET_AVX2 __attribute__((noinline)) static void narrow_##rows##x##slivers(int64_t kc, const float *a, const float *b,  \
                                                          float *c, int64_t ldc, float alpha, float beta, \
                                                          int n) {                                     \
        narrow_slivers(rows, slivers, kc, a, b, c, ldc, alpha, beta, n);                              \
    }
SK_NARROW_FN(1, 1)
SK_NARROW_FN(1, 2)
SK_NARROW_FN(1, 3)
SK_NARROW_FN(1, 4)
SK_NARROW_FN(1, 5)
SK_NARROW_FN(1, 6)
SK_NARROW_FN(2, 1)
SK_NARROW_FN(2, 2)
SK_NARROW_FN(2, 3)
#undef SK_NARROW_FN

// An edge tile of m ≤ 2 rows across n ≤ NARROW_COLS columns (consecutive packed B slivers).
SK_TARGET_AVX2 static void narrow_kernel_avx2(int64_t kc, const float *a, const float *b, float *c,
                                              int64_t ldc, float alpha, float beta, int m, int n) {
    const int64_t stride = kc * NR;
    if (m == 1) {
        switch ((n + NR - 1) / NR) {
        case 6: narrow_1x6(kc, a, b, c, ldc, alpha, beta, n); break;
        case 5: narrow_1x5(kc, a, b, c, ldc, alpha, beta, n); break;
        case 4: narrow_1x4(kc, a, b, c, ldc, alpha, beta, n); break;
        case 3: narrow_1x3(kc, a, b, c, ldc, alpha, beta, n); break;
        case 2: narrow_1x2(kc, a, b, c, ldc, alpha, beta, n); break;
        default: narrow_1x1(kc, a, b, c, ldc, alpha, beta, n); break;
        }
        return;
    }
    for (int j = 0; j < n; j += NARROW_SLIVERS_2ROWS * NR, b += NARROW_SLIVERS_2ROWS * stride) {
        const int columns = n - j;
        switch ((columns + NR - 1) / NR) {
        case 1: narrow_2x1(kc, a, b, c + j, ldc, alpha, beta, columns); break;
        case 2: narrow_2x2(kc, a, b, c + j, ldc, alpha, beta, columns); break;
        default: narrow_2x3(kc, a, b, c + j, ldc, alpha, beta, columns); break;
        }
    }
}

SK_TARGET_AVX2 static void kernel_avx2(int64_t kc, const float *a, const float *b, float *c, int64_t ldc,
                                       float alpha, float beta, int m, int n) {
    switch (m) {
    case 6: tile_6(kc, a, b, c, ldc, alpha, beta, n); break;
    case 5: tile_5(kc, a, b, c, ldc, alpha, beta, n); break;
    case 4: tile_4(kc, a, b, c, ldc, alpha, beta, n); break;
    case 3: tile_3(kc, a, b, c, ldc, alpha, beta, n); break;
    default: narrow_kernel_avx2(kc, a, b, c, ldc, alpha, beta, m, n); break;
    }
}

// MARK: - Packing

SK_TARGET_AVX2 static void pack_a_avx2(int trans, const float *a, int64_t lda, int mc, int kc,
                                       float *dst) {
    for (int i0 = 0; i0 < mc; i0 += MR) {
        const int rows = mc - i0 < MR ? mc - i0 : MR;
        if (trans) {
            // Column k of the sliver is contiguous in memory.
            const float *src = a + i0;
            if (rows == MR) {
                for (int k = 0; k < kc; k++, src += lda, dst += MR) {
                    for (int r = 0; r < MR; r++) dst[r] = src[r];
                }
            } else {
                for (int k = 0; k < kc; k++, src += lda, dst += MR) {
                    for (int r = 0; r < MR; r++) dst[r] = r < rows ? src[r] : 0.0f;
                }
            }
        } else {
            const float *src[MR];
            for (int r = 0; r < MR; r++) src[r] = a + (int64_t)(i0 + (r < rows ? r : 0)) * lda;
            if (rows == MR) {
                for (int k = 0; k < kc; k++, dst += MR) {
                    for (int r = 0; r < MR; r++) dst[r] = src[r][k];
                }
            } else {
                for (int k = 0; k < kc; k++, dst += MR) {
                    for (int r = 0; r < MR; r++) dst[r] = r < rows ? src[r][k] : 0.0f;
                }
            }
        }
    }
}

// Transposes an 8×8 block held in eight registers.
SK_INLINE_AVX2 void transpose8(__m256 *r) {
    __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
    __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
    __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
    __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
    __m256 s0 = _mm256_shuffle_ps(t0, t2, 0x44), s1 = _mm256_shuffle_ps(t0, t2, 0xEE);
    __m256 s2 = _mm256_shuffle_ps(t1, t3, 0x44), s3 = _mm256_shuffle_ps(t1, t3, 0xEE);
    __m256 s4 = _mm256_shuffle_ps(t4, t6, 0x44), s5 = _mm256_shuffle_ps(t4, t6, 0xEE);
    __m256 s6 = _mm256_shuffle_ps(t5, t7, 0x44), s7 = _mm256_shuffle_ps(t5, t7, 0xEE);
    r[0] = _mm256_permute2f128_ps(s0, s4, 0x20);
    r[1] = _mm256_permute2f128_ps(s1, s5, 0x20);
    r[2] = _mm256_permute2f128_ps(s2, s6, 0x20);
    r[3] = _mm256_permute2f128_ps(s3, s7, 0x20);
    r[4] = _mm256_permute2f128_ps(s0, s4, 0x31);
    r[5] = _mm256_permute2f128_ps(s1, s5, 0x31);
    r[6] = _mm256_permute2f128_ps(s2, s6, 0x31);
    r[7] = _mm256_permute2f128_ps(s3, s7, 0x31);
}

SK_TARGET_AVX2 static void pack_b_avx2(int trans, const float *b, int64_t ldb, int kc, int nc,
                                       float *dst) {
    for (int j0 = 0; j0 < nc; j0 += NR) {
        const int cols = nc - j0 < NR ? nc - j0 : NR;
        if (!trans) {
            const float *src = b + j0;
            if (cols == NR) {
                for (int k = 0; k < kc; k++, src += ldb, dst += NR) {
                    _mm256_storeu_ps(dst, _mm256_loadu_ps(src));
                    _mm256_storeu_ps(dst + 8, _mm256_loadu_ps(src + 8));
                }
            } else {
                const __m256i m0 = lane_mask(cols), m1 = lane_mask(cols - 8);
                for (int k = 0; k < kc; k++, src += ldb, dst += NR) {
                    _mm256_storeu_ps(dst, _mm256_maskload_ps(src, m0));
                    _mm256_storeu_ps(dst + 8, _mm256_maskload_ps(src + 8, m1));
                }
            }
        } else if (cols == NR) {
            // Row j of the stored matrix is column j of op(B): transpose 8×8 blocks.
            const float *src = b + (int64_t)j0 * ldb;
            int k = 0;
            for (; k + 8 <= kc; k += 8) {
                for (int half = 0; half < 2; half++) {
                    __m256 r[8];
                    for (int c = 0; c < 8; c++) r[c] = _mm256_loadu_ps(src + (int64_t)(half * 8 + c) * ldb + k);
                    transpose8(r);
                    for (int kk = 0; kk < 8; kk++) _mm256_storeu_ps(dst + kk * NR + half * 8, r[kk]);
                }
                dst += 8 * NR;
            }
            for (; k < kc; k++, dst += NR) {
                for (int c = 0; c < NR; c++) dst[c] = src[(int64_t)c * ldb + k];
            }
        } else {
            const float *src = b + (int64_t)j0 * ldb;
            for (int k = 0; k < kc; k++, dst += NR) {
                for (int c = 0; c < NR; c++) dst[c] = c < cols ? src[(int64_t)c * ldb + k] : 0.0f;
            }
        }
    }
}

// Zen 1 (this project's machine: 32 KiB L1d, 512 KiB L2 per core, 8 MiB L3): a B sliver of 384×16 floats
// (24 KiB) stays in L1 next to a 6×384 A sliver, the 96×384 A block (144 KiB) in L2, and the B panel of
// up to 384×3072 floats in L3. KC = 384 also keeps K = 384 products (H × 3 gates) in one K block; measured
// against 144/256, 72/512 and 48/768 it was as fast or faster on every training shape.
enum { KC = 384 };
_Static_assert(MR <= SK_GEMM_MAX_MR && NR <= SK_GEMM_MAX_NR && KC <= SK_GEMM_MAX_KC,
               "the stack fallback's buffers must hold an AVX2 sliver");
_Static_assert(NARROW_COLS % (NARROW_SLIVERS_2ROWS * NR) == 0, "two-row edge tiles split a group evenly");

static const sk_gemm_impl avx2_impl = {
    .mr = MR,
    .nr = NR,
    .mc = 96,
    .kc = KC,
    .nc = 3072,
    .kernel = kernel_avx2,
    .narrow_rows = 2,
    .narrow_cols = NARROW_COLS,
    .narrow_kernel = narrow_kernel_avx2,
    .pack_a = pack_a_avx2,
    .pack_b = pack_b_avx2,
};

void sk_sgemm_avx2(int transA, int transB, int32_t M, int32_t N, int32_t K, float alpha, const float *A,
                   int32_t lda, const float *B, int32_t ldb, float beta, float *C, int32_t ldc) {
    (void)sk_gemm_run(&avx2_impl, transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

const sk_gemm_impl *sk_gemm_avx2_impl(void) { return &avx2_impl; }

#endif
