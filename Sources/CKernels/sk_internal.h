// Internal declarations shared by the kernel source files (not part of the public API).
#ifndef SK_INTERNAL_H
#define SK_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

// Defining SK_PORTABLE_ONLY builds the kernels as on a non-x86 target (used to check that build).
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__)) && !defined(SK_PORTABLE_ONLY)
#define SK_HAVE_X86_AVX2 1
#define SK_TARGET_AVX2 __attribute__((target("avx2,fma")))
#else
#define SK_HAVE_X86_AVX2 0
#endif

/// Non-zero when the AVX2/FMA paths should run on the calling thread (CPU support and not forced portable
/// for this thread or, without a thread override, for the process).
int sk_internal_use_avx2(void);

/// Non-zero when the GEMMs and activations should take the AVX-512 path on the calling thread: the AVX2 path is in use,
/// the CPU (and OS) support AVX-512F, and AVX-512 is not turned off for the thread or the process.
int sk_internal_use_avx512(void);

/// Per-thread scratch buffer `slot` (0 or 1) of at least `bytes` bytes, 64-byte aligned, grown on demand
/// and freed when the thread exits. Returns NULL only when memory is exhausted.
float *sk_internal_scratch(int slot, size_t bytes);

#if SK_HAVE_X86_AVX2
void sk_sgemm_avx2(int transA, int transB, int32_t M, int32_t N, int32_t K, float alpha,
                   const float *A, int32_t lda, const float *B, int32_t ldb, float beta, float *C,
                   int32_t ldc);
void sk_sgemm_avx512(int transA, int transB, int32_t M, int32_t N, int32_t K, float alpha,
                     const float *A, int32_t lda, const float *B, int32_t ldb, float beta, float *C,
                     int32_t ldc);
void sk_sigmoid_avx2(const float *x, float *y, int64_t n);
void sk_tanh_avx2(const float *x, float *y, int64_t n);
void sk_sigmoid_avx512(const float *x, float *y, int64_t n);
void sk_tanh_avx512(const float *x, float *y, int64_t n);
void sk_add_bias_rows_avx2(float *C, int32_t M, int32_t N, int32_t ldc, const float *bias);
void sk_axpy_avx2(int64_t n, float alpha, const float *x, float *y);
void sk_sum_rows_avx2(int32_t M, int32_t N, const float *A, int32_t lda, float *out);
#endif

void sk_sgemm_portable(int transA, int transB, int32_t M, int32_t N, int32_t K, float alpha,
                       const float *A, int32_t lda, const float *B, int32_t ldb, float beta, float *C,
                       int32_t ldc);

/// C = beta · C over an M×N block (beta == 0 writes zeros without reading C).
void sk_internal_scale_c(int32_t M, int32_t N, float beta, float *C, int32_t ldc);

#endif
