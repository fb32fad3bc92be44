// AVX2/FMA GEMM: a 6×16 register tile (12 ymm accumulators, two B vectors, one broadcast of A), with
// packing that zero-pads partial slivers. Compiled for AVX2 by function attributes only, and called
// only after the run-time CPU check.
#include "sk_internal.h"

#if SK_HAVE_X86_AVX2
#include <immintrin.h>

#include "sk_gemm_driver.h"

enum { MR = 6, NR = 16 };

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
// bottom edge do only the work they need instead of multiplying zero padding. Even k and odd k are summed
// in two passes and added at the end, the order `narrow_tile` needs for its latency: every element of C is
// then summed in the same order whatever the number of rows in its tile, so a row of C does not depend on
// the rows beside it (a sequence's score does not depend on the other sequences of its batch). The two
// passes touch disjoint lines of the packed B sliver (one line per k).
SK_INLINE_AVX2 void tile_pass(int rows, int64_t first, int64_t kc, const float *a, const float *b,
                              __m256 sums[2 * MR]) {
    __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
    __m256 c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
    a += first * MR;
    b += first * NR;
    for (int64_t k = first; k < kc; k += 2) {
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
        a += 2 * MR;
        b += 2 * NR;
    }
    sums[0] = c00, sums[1] = c01, sums[2] = c10, sums[3] = c11, sums[4] = c20, sums[5] = c21;
    sums[6] = c30, sums[7] = c31, sums[8] = c40, sums[9] = c41, sums[10] = c50, sums[11] = c51;
}

SK_INLINE_AVX2 void tile(int rows, int64_t kc, const float *a, const float *b, float *c, int64_t ldc,
                         float alpha, float beta, int n) {
    __m256 even[2 * MR], odd[2 * MR];
    tile_pass(rows, 0, kc, a, b, even);
    tile_pass(rows, 1, kc, a, b, odd);
    for (int r = 0; r < rows; r++) {
        store_row(c + r * ldc, _mm256_add_ps(even[2 * r], odd[2 * r]),
                  _mm256_add_ps(even[2 * r + 1], odd[2 * r + 1]), alpha, beta, n);
    }
}

// One or two rows give only two or four accumulators, fewer than the FMA latency (5 cycles on Zen 1)
// needs to keep a pipe busy: even and odd k then go to separate accumulators, added at the end. Which
// variant runs depends only on the tile's rows, which threaded and pre-packed products share with the
// plain one, so results stay bitwise identical across entry points; and `tile` sums in this same order.
SK_INLINE_AVX2 void narrow_tile(int rows, int64_t kc, const float *a, const float *b, float *c,
                                int64_t ldc, float alpha, float beta, int n) {
    __m256 e00 = _mm256_setzero_ps(), e01 = e00, e10 = e00, e11 = e00;
    __m256 o00 = e00, o01 = e00, o10 = e00, o11 = e00;
    int64_t k = 0;
    for (; k + 2 <= kc; k += 2) {
        const __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
        const __m256 b2 = _mm256_loadu_ps(b + NR), b3 = _mm256_loadu_ps(b + NR + 8);
        __m256 ai = _mm256_broadcast_ss(a), aj = _mm256_broadcast_ss(a + MR);
        e00 = _mm256_fmadd_ps(ai, b0, e00);
        e01 = _mm256_fmadd_ps(ai, b1, e01);
        o00 = _mm256_fmadd_ps(aj, b2, o00);
        o01 = _mm256_fmadd_ps(aj, b3, o01);
        if (rows > 1) {
            ai = _mm256_broadcast_ss(a + 1);
            aj = _mm256_broadcast_ss(a + MR + 1);
            e10 = _mm256_fmadd_ps(ai, b0, e10);
            e11 = _mm256_fmadd_ps(ai, b1, e11);
            o10 = _mm256_fmadd_ps(aj, b2, o10);
            o11 = _mm256_fmadd_ps(aj, b3, o11);
        }
        a += 2 * MR;
        b += 2 * NR;
    }
    if (k < kc) {
        const __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
        __m256 ai = _mm256_broadcast_ss(a);
        e00 = _mm256_fmadd_ps(ai, b0, e00);
        e01 = _mm256_fmadd_ps(ai, b1, e01);
        if (rows > 1) {
            ai = _mm256_broadcast_ss(a + 1);
            e10 = _mm256_fmadd_ps(ai, b0, e10);
            e11 = _mm256_fmadd_ps(ai, b1, e11);
        }
    }
    store_row(c, _mm256_add_ps(e00, o00), _mm256_add_ps(e01, o01), alpha, beta, n);
    if (rows > 1) store_row(c + ldc, _mm256_add_ps(e10, o10), _mm256_add_ps(e11, o11), alpha, beta, n);
}

#define SK_TILE_FN(rows, body)                                                                  \
    SK_TARGET_AVX2 static void tile_##rows(int64_t kc, const float *a, const float *b, float *c, \
                                           int64_t ldc, float alpha, float beta, int n) {       \
        body(rows, kc, a, b, c, ldc, alpha, beta, n);                                           \
    }
SK_TILE_FN(1, narrow_tile)
SK_TILE_FN(2, narrow_tile)
SK_TILE_FN(3, tile)
SK_TILE_FN(4, tile)
SK_TILE_FN(5, tile)
SK_TILE_FN(6, tile)
#undef SK_TILE_FN

SK_TARGET_AVX2 static void kernel_avx2(int64_t kc, const float *a, const float *b, float *c, int64_t ldc,
                                       float alpha, float beta, int m, int n) {
    switch (m) {
    case 6: tile_6(kc, a, b, c, ldc, alpha, beta, n); break;
    case 5: tile_5(kc, a, b, c, ldc, alpha, beta, n); break;
    case 4: tile_4(kc, a, b, c, ldc, alpha, beta, n); break;
    case 3: tile_3(kc, a, b, c, ldc, alpha, beta, n); break;
    case 2: tile_2(kc, a, b, c, ldc, alpha, beta, n); break;
    default: tile_1(kc, a, b, c, ldc, alpha, beta, n); break;
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
static const sk_gemm_impl avx2_impl = {
    .mr = MR,
    .nr = NR,
    .mc = 96,
    .kc = 384,
    .nc = 3072,
    .kernel = kernel_avx2,
    .pack_a = pack_a_avx2,
    .pack_b = pack_b_avx2,
};

void sk_sgemm_avx2(int transA, int transB, int32_t M, int32_t N, int32_t K, float alpha, const float *A,
                   int32_t lda, const float *B, int32_t ldb, float beta, float *C, int32_t ldc) {
    (void)sk_gemm_run(&avx2_impl, transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

const sk_gemm_impl *sk_gemm_avx2_impl(void) { return &avx2_impl; }

#endif
