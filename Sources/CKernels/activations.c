// Sigmoid and tanh: dispatch, and the portable scalar versions (libm, exact to about an ulp).
#include <math.h>

#include "sentiment_kernels.h"
#include "sk_internal.h"

static void sigmoid_portable(const float *x, float *y, int64_t n) {
    for (int64_t i = 0; i < n; i++) y[i] = 1.0f / (1.0f + expf(-x[i]));
}

static void tanh_portable(const float *x, float *y, int64_t n) {
    for (int64_t i = 0; i < n; i++) y[i] = tanhf(x[i]);
}

void sk_sigmoid(const float *x, float *y, int64_t n) {
#if SK_HAVE_X86_AVX2
    if (sk_internal_use_avx2()) {
        sk_sigmoid_avx2(x, y, n);
        return;
    }
#endif
    sigmoid_portable(x, y, n);
}

void sk_tanh(const float *x, float *y, int64_t n) {
#if SK_HAVE_X86_AVX2
    if (sk_internal_use_avx2()) {
        sk_tanh_avx2(x, y, n);
        return;
    }
#endif
    tanh_portable(x, y, n);
}
