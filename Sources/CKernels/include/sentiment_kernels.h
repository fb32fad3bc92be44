// Float32 numeric kernels for the GRU classifier.
// Row-major storage throughout; `ld*` arguments are row strides in elements.
#ifndef SENTIMENT_KERNELS_H
#define SENTIMENT_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// C[M×N] = alpha · op(A) · op(B) + beta · C, where op(X) is X or Xᵀ.
/// A is M×K (or K×M when transA), B is K×N (or N×K when transB). Single-threaded.
/// When beta == 0, C is not read (it may hold NaN).
void sk_sgemm(int transA, int transB, int32_t M, int32_t N, int32_t K, float alpha,
              const float *A, int32_t lda, const float *B, int32_t ldb, float beta,
              float *C, int32_t ldc);

/// y[i] = 1 / (1 + exp(-x[i])) for i < n; x and y may be the same buffer.
void sk_sigmoid(const float *x, float *y, int64_t n);

/// y[i] = tanh(x[i]) for i < n; x and y may be the same buffer.
void sk_tanh(const float *x, float *y, int64_t n);

#ifdef __cplusplus
}
#endif
#endif
