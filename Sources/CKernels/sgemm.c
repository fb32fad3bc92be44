// GEMM entry point, the blocked driver, and the portable (plain C, auto-vectorised) path.
#include <stddef.h>
#include <string.h>

#include "sentiment_kernels.h"
#include "sk_gemm_driver.h"
#include "sk_internal.h"

void sk_sgemm(int transA, int transB, int32_t M, int32_t N, int32_t K, float alpha, const float *A,
              int32_t lda, const float *B, int32_t ldb, float beta, float *C, int32_t ldc) {
#if SK_HAVE_X86_AVX2
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

// Unblocked product for when scratch memory cannot be had: slow but correct.
static void gemm_unpacked(int transA, int transB, int32_t M, int32_t N, int32_t K, float alpha,
                          const float *A, int32_t lda, const float *B, int32_t ldb, float beta, float *C,
                          int32_t ldc) {
    for (int32_t i = 0; i < M; i++) {
        for (int32_t j = 0; j < N; j++) {
            float acc = 0;
            for (int32_t k = 0; k < K; k++) {
                float a = transA ? A[(int64_t)k * lda + i] : A[(int64_t)i * lda + k];
                float b = transB ? B[(int64_t)j * ldb + k] : B[(int64_t)k * ldb + j];
                acc += a * b;
            }
            float *c = &C[(int64_t)i * ldc + j];
            *c = alpha * acc + (beta == 0 ? 0 : beta * *c);
        }
    }
}

static int round_up(int x, int m) { return (x + m - 1) / m * m; }

// The K blocking: K is cut into k_block_count equal blocks (sizes differ by at most one).
static int k_block_count(const sk_gemm_impl *impl, int32_t K) { return (K + impl->kc - 1) / impl->kc; }

static int32_t k_block_start(int32_t K, int k_blocks, int index) {
    return (int32_t)((int64_t)K * index / k_blocks);
}

int sk_gemm_run(const sk_gemm_impl *impl, int transA, int transB, int32_t M, int32_t N, int32_t K,
                 float alpha, const float *A, int32_t lda, const float *B, int32_t ldb, float beta,
                 float *C, int32_t ldc) {
    if (M <= 0 || N <= 0) return 0;
    if (K <= 0 || alpha == 0) {
        sk_internal_scale_c(M, N, beta, C, ldc);
        return 0;
    }
    const int mr = impl->mr, nr = impl->nr;
    // K is cut into equal blocks of at most impl->kc, so the summation order depends on K alone: a product
    // split by rows of C (as the network's shards split a batch) sums each element in the same order.
    const int k_blocks = k_block_count(impl, K);
    const int kc_max = (K + k_blocks - 1) / k_blocks;
    const int mc_max = M < impl->mc ? round_up(M, mr) : impl->mc;
    const int nc_max = N < impl->nc ? round_up(N, nr) : impl->nc;

    float *a_pack = sk_internal_scratch(0, (size_t)mc_max * kc_max * sizeof(float));
    float *b_pack = sk_internal_scratch(1, (size_t)nc_max * kc_max * sizeof(float));
    if (a_pack == NULL || b_pack == NULL) {
        gemm_unpacked(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
        return 0;
    }

    for (int32_t jc = 0; jc < N; jc += impl->nc) {
        const int nc = N - jc < impl->nc ? N - jc : impl->nc;
        for (int kb_index = 0; kb_index < k_blocks; kb_index++) {
            // Block sizes differ by at most one, so every block is at most kc_max.
            const int32_t k0 = k_block_start(K, k_blocks, kb_index);
            const int kc = k_block_start(K, k_blocks, kb_index + 1) - k0;
            const float *b_src = transB ? B + (int64_t)jc * ldb + k0 : B + (int64_t)k0 * ldb + jc;
            impl->pack_b(transB, b_src, ldb, kc, nc, b_pack);
            const float beta_block = kb_index == 0 ? beta : 1.0f;
            for (int32_t ic = 0; ic < M; ic += impl->mc) {
                const int mc = M - ic < impl->mc ? M - ic : impl->mc;
                const float *a_src = transA ? A + (int64_t)k0 * lda + ic : A + (int64_t)ic * lda + k0;
                impl->pack_a(transA, a_src, lda, mc, kc, a_pack);
                for (int jr = 0; jr < nc; jr += nr) {
                    const int n = nc - jr < nr ? nc - jr : nr;
                    const float *b_sliver = b_pack + (int64_t)jr * kc;
                    for (int ir = 0; ir < mc; ir += mr) {
                        const int m = mc - ir < mr ? mc - ir : mr;
                        float *c_tile = C + (int64_t)(ic + ir) * ldc + jc + jr;
                        impl->kernel(kc, a_pack + (int64_t)ir * kc, b_sliver, c_tile, ldc, alpha,
                                     beta_block, m, n);
                    }
                }
            }
        }
    }
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

static const sk_gemm_impl portable_impl = {
    .mr = PORTABLE_MR,
    .nr = PORTABLE_NR,
    .mc = 128,
    .kc = 256,
    .nc = 2048,
    .kernel = kernel_portable,
    .pack_a = pack_a_portable,
    .pack_b = pack_b_portable,
};

void sk_sgemm_portable(int transA, int transB, int32_t M, int32_t N, int32_t K, float alpha,
                       const float *A, int32_t lda, const float *B, int32_t ldb, float beta, float *C,
                       int32_t ldc) {
    (void)sk_gemm_run(&portable_impl, transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

const sk_gemm_impl *sk_gemm_portable_impl(void) { return &portable_impl; }
