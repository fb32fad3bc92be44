// Small vector helpers for the GRU: simple loops, compiled twice (AVX2 and baseline) from one body.
#include "sentiment_kernels.h"
#include "sk_internal.h"

#define ADD_BIAS_ROWS_BODY                                              \
    for (int32_t i = 0; i < M; i++) {                                   \
        float *restrict row = C + (int64_t)i * ldc;                     \
        for (int32_t j = 0; j < N; j++) row[j] += bias[j];              \
    }
#define AXPY_BODY for (int64_t i = 0; i < n; i++) y[i] += alpha * x[i];
#define SUM_ROWS_BODY                                                   \
    for (int32_t i = 0; i < M; i++) {                                   \
        const float *restrict row = A + (int64_t)i * lda;               \
        for (int32_t j = 0; j < N; j++) out[j] += row[j];               \
    }

#if SK_HAVE_X86_AVX2
SK_TARGET_AVX2 void sk_add_bias_rows_avx2(float *C, int32_t M, int32_t N, int32_t ldc, const float *bias) {
    ADD_BIAS_ROWS_BODY
}
SK_TARGET_AVX2 void sk_axpy_avx2(int64_t n, float alpha, const float *x, float *y) { AXPY_BODY }
SK_TARGET_AVX2 void sk_sum_rows_avx2(int32_t M, int32_t N, const float *A, int32_t lda, float *out) {
    SUM_ROWS_BODY
}
#endif

void sk_add_bias_rows(float *C, int32_t M, int32_t N, int32_t ldc, const float *bias) {
#if SK_HAVE_X86_AVX2
    if (sk_internal_use_avx2()) {
        sk_add_bias_rows_avx2(C, M, N, ldc, bias);
        return;
    }
#endif
    ADD_BIAS_ROWS_BODY
}

void sk_axpy(int64_t n, float alpha, const float *x, float *y) {
#if SK_HAVE_X86_AVX2
    if (sk_internal_use_avx2()) {
        sk_axpy_avx2(n, alpha, x, y);
        return;
    }
#endif
    AXPY_BODY
}

void sk_sum_rows(int32_t M, int32_t N, const float *A, int32_t lda, float *out) {
#if SK_HAVE_X86_AVX2
    if (sk_internal_use_avx2()) {
        sk_sum_rows_avx2(M, N, A, lda, out);
        return;
    }
#endif
    SUM_ROWS_BODY
}
