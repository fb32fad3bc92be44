// The blocked GEMM driver shared by the AVX-512, AVX2 and portable paths: only the register-tile size,
// the micro-kernels and the packing routines differ between them.
#ifndef SK_GEMM_DRIVER_H
#define SK_GEMM_DRIVER_H

#include <stdint.h>

#include "sk_internal.h"

/// Computes an mr×nr tile C = alpha · Apanel · Bpanel + beta · C over kc steps, writing only the first
/// m rows and n columns (m ≤ mr, n ≤ nr). beta == 0 means C is not read.
typedef void (*sk_microkernel_fn)(int64_t kc, const float *a, const float *b, float *c, int64_t ldc,
                                  float alpha, float beta, int m, int n);

/// Packs the mc×kc block of op(A) starting at `a` into mr-row slivers, zero-padding the last one.
typedef void (*sk_pack_a_fn)(int trans, const float *a, int64_t lda, int mc, int kc, float *dst);

/// Packs the kc×nc block of op(B) starting at `b` into nr-column slivers, zero-padding the last one.
typedef void (*sk_pack_b_fn)(int trans, const float *b, int64_t ldb, int kc, int nc, float *dst);

typedef struct {
    int mr, nr;      // register tile
    int mc, kc, nc;  // cache blocks: A block mc×kc stays in L2, B sliver kc×nr in L1, B panel kc×nc in L3
    sk_microkernel_fn kernel;
    // Columns `kernel` takes per call: consecutive B slivers of the packed panel (0 or nr: one sliver).
    int wide_cols;
    // Edge tiles of at most narrow_rows rows (0: none) go to narrow_kernel instead, which takes up to
    // narrow_cols columns (several B slivers, consecutive in the packed panel) per call. It must give
    // every element bitwise what `kernel` gives it: only the number of independent chains may differ.
    int narrow_rows, narrow_cols;
    sk_microkernel_fn narrow_kernel;
    sk_pack_a_fn pack_a;
    sk_pack_b_fn pack_b;
} sk_gemm_impl;

// Bounds on every implementation's register tile and K block: the fallback for when scratch memory
// cannot be had packs one sliver of each operand into stack buffers of this size.
enum { SK_GEMM_MAX_MR = 6, SK_GEMM_MAX_NR = 16, SK_GEMM_MAX_KC = 384 };

/// The blocked product. Every element of C is computed by the same operations in the same order
/// whatever M is and whichever row tile it falls in, so a row's result never depends on the other rows
/// of the product (the batch it was scored in). Returns 0 (when scratch memory cannot be had, the same
/// blocks run one sliver at a time on stack buffers, with the same results).
int sk_gemm_run(const sk_gemm_impl *impl, int transA, int transB, int32_t M, int32_t N, int32_t K,
                 float alpha, const float *A, int32_t lda, const float *B, int32_t ldb, float beta,
                 float *C, int32_t ldc);

const sk_gemm_impl *sk_gemm_portable_impl(void);
#if SK_HAVE_X86_AVX2
const sk_gemm_impl *sk_gemm_avx2_impl(void);
#endif

#endif
