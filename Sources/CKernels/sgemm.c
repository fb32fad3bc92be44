// GEMM entry point, the blocked driver, and the portable (plain C, auto-vectorised) path.
#include <stddef.h>
#include <string.h>

#include "sentiment_kernels.h"
#include "sk_gemm_driver.h"
#include "sk_internal.h"

void sk_sgemm(int transA, int transB, int32_t M, int32_t N, int32_t K, float alpha, const float *A,
              int32_t lda, const float *B, int32_t ldb, float beta, float *C, int32_t ldc) {
#if SK_HAVE_X86_AVX2
    if (sk_internal_use_avx512()) {
        sk_sgemm_avx512(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
        return;
    }
    if (sk_internal_use_avx2()) {
        sk_sgemm_avx2(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
        return;
    }
#endif
    sk_sgemm_portable(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

void sk_internal_scale_c(int32_t M, int32_t N, float beta, float *C, int32_t ldc) {
    for (int32_t i = 0; i < M; i++) {
        float *row = C + (int64_t)i * ldc;
        if (beta == 0) {
            for (int32_t j = 0; j < N; j++) row[j] = 0;
        } else if (beta != 1) {
            for (int32_t j = 0; j < N; j++) row[j] *= beta;
        }
    }
}

static int round_up(int x, int m) { return (x + m - 1) / m * m; }

// The K blocking: K is cut into k_block_count equal blocks (sizes differ by at most one).
static int k_block_count(const sk_gemm_impl *impl, int32_t K) { return (K + impl->kc - 1) / impl->kc; }

static int32_t k_block_start(int32_t K, int k_blocks, int index) {
    return (int32_t)((int64_t)K * index / k_blocks);
}

// The tiles of one packed mc×kc block of A against one packed kc×nc panel of B. Columns go in groups
// of the narrow kernel's width: for each group, the full tiles a wide kernel's columns at a time (those
// B slivers stay in L1 while the A slivers stream past), then a narrow bottom edge tile across the
// whole group at once.
static void run_tiles(const sk_gemm_impl *impl, int mc, int nc, int kc, const float *a_pack,
                      const float *b_pack, float *c, int64_t ldc, float alpha, float beta) {
    const int mr = impl->mr, nr = impl->nr;
    const int edge_rows = mc % mr;
    const int narrow = edge_rows != 0 && edge_rows <= impl->narrow_rows ? edge_rows : 0;
    const int wide_rows = mc - narrow;
    // The wide kernel's columns per call (several slivers at once); narrow_cols is a multiple of them.
    const int wide = impl->wide_cols > nr ? impl->wide_cols : nr;
    const int group = narrow ? impl->narrow_cols : wide;
    for (int jg = 0; jg < nc; jg += group) {
        const int group_n = nc - jg < group ? nc - jg : group;
        for (int jr = jg; jr < jg + group_n; jr += wide) {
            const int n = jg + group_n - jr < wide ? jg + group_n - jr : wide;
            const float *b_sliver = b_pack + (int64_t)jr * kc;
            for (int ir = 0; ir < wide_rows; ir += mr) {
                const int m = wide_rows - ir < mr ? wide_rows - ir : mr;
                impl->kernel(kc, a_pack + (int64_t)ir * kc, b_sliver, c + (int64_t)ir * ldc + jr, ldc, alpha,
                             beta, m, n);
            }
        }
        if (narrow) {
            impl->narrow_kernel(kc, a_pack + (int64_t)wide_rows * kc, b_pack + (int64_t)jg * kc,
                                c + (int64_t)wide_rows * ldc + jg, ldc, alpha, beta, narrow, group_n);
        }
    }
}

// The blocked loops with blocks of at most mc_block rows and nc_block columns; a_pack and b_pack hold
// mc_block×kc and kc×nc_block floats for the largest K block. The K blocks, and so each element's
// order of summation, depend on K alone.
static void run_blocks(const sk_gemm_impl *impl, int mc_block, int nc_block, int transA, int transB,
                       int32_t M, int32_t N, int32_t K, float alpha, const float *A, int32_t lda,
                       const float *B, int32_t ldb, float beta, float *C, int32_t ldc, float *a_pack,
                       float *b_pack) {
    const int k_blocks = k_block_count(impl, K);
    for (int32_t jc = 0; jc < N; jc += nc_block) {
        const int nc = N - jc < nc_block ? N - jc : nc_block;
        for (int kb_index = 0; kb_index < k_blocks; kb_index++) {
            // Block sizes differ by at most one, so no block exceeds the packing buffers.
            const int32_t k0 = k_block_start(K, k_blocks, kb_index);
            const int kc = k_block_start(K, k_blocks, kb_index + 1) - k0;
            const float *b_src = transB ? B + (int64_t)jc * ldb + k0 : B + (int64_t)k0 * ldb + jc;
            impl->pack_b(transB, b_src, ldb, kc, nc, b_pack);
            const float beta_block = kb_index == 0 ? beta : 1.0f;
            for (int32_t ic = 0; ic < M; ic += mc_block) {
                const int mc = M - ic < mc_block ? M - ic : mc_block;
                const float *a_src = transA ? A + (int64_t)k0 * lda + ic : A + (int64_t)ic * lda + k0;
                impl->pack_a(transA, a_src, lda, mc, kc, a_pack);
                run_tiles(impl, mc, nc, kc, a_pack, b_pack, C + (int64_t)ic * ldc + jc, ldc, alpha,
                          beta_block);
            }
        }
    }
}

// Without scratch memory: the same K blocks, one register tile of rows and one B sliver at a time, packed
// into stack buffers. The same kernels then do the same arithmetic, so the results are bitwise those of
// the normal path. Kept out of line so that the normal path's frame does not carry the buffers.
__attribute__((noinline)) static void run_on_stack(const sk_gemm_impl *impl, int transA, int transB,
                                                   int32_t M, int32_t N, int32_t K, float alpha, const float *A,
                                                   int32_t lda, const float *B, int32_t ldb, float beta,
                                                   float *C, int32_t ldc) {
    float a_pack[SK_GEMM_MAX_MR * SK_GEMM_MAX_KC];
    float b_pack[SK_GEMM_MAX_NR * SK_GEMM_MAX_KC];
    run_blocks(impl, impl->mr, impl->nr, transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, a_pack,
               b_pack);
}

int sk_gemm_run(const sk_gemm_impl *impl, int transA, int transB, int32_t M, int32_t N, int32_t K,
                 float alpha, const float *A, int32_t lda, const float *B, int32_t ldb, float beta,
                 float *C, int32_t ldc) {
    if (M <= 0 || N <= 0) return 0;
    if (K <= 0 || alpha == 0) {
        sk_internal_scale_c(M, N, beta, C, ldc);
        return 0;
    }
    // K is cut into equal blocks of at most impl->kc, so the summation order depends on K alone: a product
    // split by rows of C (as the network's shards split a batch) sums each element in the same order.
    const int k_blocks = k_block_count(impl, K);
    const int kc_max = (K + k_blocks - 1) / k_blocks;
    const int mc_max = M < impl->mc ? round_up(M, impl->mr) : impl->mc;
    const int nc_max = N < impl->nc ? round_up(N, impl->nr) : impl->nc;

    float *a_pack = sk_internal_scratch(0, (size_t)mc_max * kc_max * sizeof(float));
    float *b_pack = sk_internal_scratch(1, (size_t)nc_max * kc_max * sizeof(float));
    if (a_pack == NULL || b_pack == NULL) {
        run_on_stack(impl, transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
        return 0;
    }
    run_blocks(impl, impl->mc, impl->nc, transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, a_pack,
               b_pack);
    return 0;
}

// MARK: - Portable path

enum { PORTABLE_MR = 4, PORTABLE_NR = 8 };

static void pack_a_portable(int trans, const float *a, int64_t lda, int mc, int kc, float *dst) {
    for (int i0 = 0; i0 < mc; i0 += PORTABLE_MR) {
        const int rows = mc - i0 < PORTABLE_MR ? mc - i0 : PORTABLE_MR;
        for (int k = 0; k < kc; k++) {
            for (int r = 0; r < PORTABLE_MR; r++) {
                float v = 0;
                if (r < rows) v = trans ? a[(int64_t)k * lda + i0 + r] : a[(int64_t)(i0 + r) * lda + k];
                dst[r] = v;
            }
            dst += PORTABLE_MR;
        }
    }
}

static void pack_b_portable(int trans, const float *b, int64_t ldb, int kc, int nc, float *dst) {
    for (int j0 = 0; j0 < nc; j0 += PORTABLE_NR) {
        const int cols = nc - j0 < PORTABLE_NR ? nc - j0 : PORTABLE_NR;
        for (int k = 0; k < kc; k++) {
            for (int c = 0; c < PORTABLE_NR; c++) {
                float v = 0;
                if (c < cols) v = trans ? b[(int64_t)(j0 + c) * ldb + k] : b[(int64_t)k * ldb + j0 + c];
                dst[c] = v;
            }
            dst += PORTABLE_NR;
        }
    }
}

#if defined(__GNUC__)
// GCC and Clang vector extensions: eight 4-lane accumulators that any target with 128-bit SIMD (SSE2,
// NEON) keeps in registers; the compiler lowers them to scalars elsewhere. Plain loops over a local
// array get vectorised the wrong way round (across the tile's columns of acc) by the SLP vectoriser.
typedef float v4f __attribute__((vector_size(16)));

static inline v4f load4(const float *p) {
    v4f v;
    memcpy(&v, p, sizeof v);
    return v;
}

static void kernel_portable(int64_t kc, const float *restrict a, const float *restrict b,
                            float *restrict c, int64_t ldc, float alpha, float beta, int m, int n) {
    v4f acc[PORTABLE_MR][2] = {{{0}}};
    for (int64_t k = 0; k < kc; k++) {
        const v4f b0 = load4(b), b1 = load4(b + 4);
        for (int i = 0; i < PORTABLE_MR; i++) {
            const v4f ai = {a[i], a[i], a[i], a[i]};
            acc[i][0] += ai * b0;
            acc[i][1] += ai * b1;
        }
        a += PORTABLE_MR;
        b += PORTABLE_NR;
    }
    float tile[PORTABLE_MR][PORTABLE_NR];
    memcpy(tile, acc, sizeof tile);
#else
static void kernel_portable(int64_t kc, const float *restrict a, const float *restrict b,
                            float *restrict c, int64_t ldc, float alpha, float beta, int m, int n) {
    float tile[PORTABLE_MR][PORTABLE_NR] = {{0}};
    for (int64_t k = 0; k < kc; k++) {
        for (int i = 0; i < PORTABLE_MR; i++) {
            for (int j = 0; j < PORTABLE_NR; j++) tile[i][j] += a[i] * b[j];
        }
        a += PORTABLE_MR;
        b += PORTABLE_NR;
    }
#endif
    for (int i = 0; i < m; i++) {
        float *row = c + (int64_t)i * ldc;
        if (beta == 0) {
            for (int j = 0; j < n; j++) row[j] = alpha * tile[i][j];
        } else {
            for (int j = 0; j < n; j++) row[j] = alpha * tile[i][j] + beta * row[j];
        }
    }
}

enum { PORTABLE_KC = 256 };
_Static_assert(PORTABLE_MR <= SK_GEMM_MAX_MR && PORTABLE_NR <= SK_GEMM_MAX_NR && PORTABLE_KC <= SK_GEMM_MAX_KC,
               "the stack fallback's buffers must hold a portable sliver");

// Every tile, whatever its rows, runs the same 4-row kernel: each element's sum is one chain over k.
static const sk_gemm_impl portable_impl = {
    .mr = PORTABLE_MR,
    .nr = PORTABLE_NR,
    .mc = 128,
    .kc = PORTABLE_KC,
    .nc = 2048,
    .kernel = kernel_portable,
    .narrow_rows = 0,
    .pack_a = pack_a_portable,
    .pack_b = pack_b_portable,
};

void sk_sgemm_portable(int transA, int transB, int32_t M, int32_t N, int32_t K, float alpha,
                       const float *A, int32_t lda, const float *B, int32_t ldb, float beta, float *C,
                       int32_t ldc) {
    (void)sk_gemm_run(&portable_impl, transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

const sk_gemm_impl *sk_gemm_portable_impl(void) { return &portable_impl; }
