#include "sentiment_kernels.h"

// Portable reference GEMM (placeholder until the blocked AVX2/FMA kernel lands).
void sk_sgemm(int transA, int transB, int32_t M, int32_t N, int32_t K, float alpha,
              const float *A, int32_t lda, const float *B, int32_t ldb, float beta,
              float *C, int32_t ldc) {
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
