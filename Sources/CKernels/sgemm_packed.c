// Pre-packed B: a constant right-hand operand (a weight matrix used at every time step) is packed once
// and reused, so per-step products skip the packing that otherwise costs 5–10% at 32–64 rows.
#include <string.h>

#include "sentiment_kernels.h"
#include "sk_gemm_driver.h"
#include "sk_internal.h"

// Header at the start of a packed buffer, padded to 16 floats (64 bytes).
typedef struct {
    int32_t magic;
    int32_t nr;  // register-tile width of the path that packed it, which identifies that path
    int32_t K, N;
} packed_header_t;

enum { HEADER_FLOATS = 16, WIDEST_NR = 16 };
static const int32_t packed_magic = 0x534B5042;  // "SKPB"

int64_t sk_sgemm_packed_b_size(int32_t K, int32_t N) {
    if (K < 0) K = 0;
    if (N < 0) N = 0;
    return HEADER_FLOATS + (int64_t)K * ((N + WIDEST_NR - 1) / WIDEST_NR * WIDEST_NR);
}

static const sk_gemm_impl *current_impl(void) {
#if SK_HAVE_X86_AVX2
    if (sk_internal_use_avx2()) return sk_gemm_avx2_impl();
#endif
    return sk_gemm_portable_impl();
}

void sk_sgemm_pack_b(int transB, int32_t K, int32_t N, const float *B, int32_t ldb, float *packed) {
    const sk_gemm_impl *impl = current_impl();
    packed_header_t header = {.magic = packed_magic, .nr = impl->nr, .K = K < 0 ? 0 : K, .N = N < 0 ? 0 : N};
    memset(packed, 0, HEADER_FLOATS * sizeof(float));
    memcpy(packed, &header, sizeof header);
    if (K > 0 && N > 0) sk_gemm_pack_b_all(impl, transB, K, N, B, ldb, packed + HEADER_FLOATS);
}

// The implementation that packed `packed` for a K×N op(B), or NULL when the buffer does not match.
static const sk_gemm_impl *impl_for(const float *packed, int32_t K, int32_t N) {
    packed_header_t header;
    memcpy(&header, packed, sizeof header);
    if (header.magic != packed_magic || header.K != (K < 0 ? 0 : K) || header.N != (N < 0 ? 0 : N)) return NULL;
#if SK_HAVE_X86_AVX2
    if (header.nr == sk_gemm_avx2_impl()->nr && sk_cpu_has_avx2_fma()) return sk_gemm_avx2_impl();
#endif
    if (header.nr == sk_gemm_portable_impl()->nr) return sk_gemm_portable_impl();
    return NULL;
}

int sk_sgemm_packed_b(int transA, int32_t M, int32_t N, int32_t K, float alpha, const float *A, int32_t lda,
                      const float *packed, float beta, float *C, int32_t ldc) {
    const sk_gemm_impl *impl = impl_for(packed, K, N);
    if (impl == NULL) return -1;
    return sk_gemm_run(impl, transA, 0, M, N, K, alpha, A, lda, NULL, 0, beta, C, ldc, packed + HEADER_FLOATS);
}

int sk_internal_packed_b_row_unit(const float *packed, int32_t K, int32_t N) {
    const sk_gemm_impl *impl = impl_for(packed, K, N);
    return impl ? impl->mr : 0;
}
