// Multi-threaded GEMM: C is cut into panels of whole register tiles (rows or columns, whichever
// leaves the least padding and the most even split) and each panel is an independent sk_sgemm call.
#include <stdatomic.h>

#include "sentiment_kernels.h"
#include "sk_internal.h"
#include "thread_pool.h"

// Below this many multiply-adds, waking threads costs more than it saves.
static const double min_parallel_madds = 128.0 * 128 * 64;
// Large products are cut into up to this many panels per thread, so that a thread slowed by other work on
// the machine hands its share to the others. A panel has at least task_madds multiply-adds and spans at
// least min_panel_extent rows (or columns): every panel packs the whole of the operand it does not cut,
// which must stay small next to the panel's arithmetic.
enum { MAX_PANELS_PER_THREAD = 4 };
static const double task_madds = 4.0e6;
static const int32_t min_panel_extent = 192;

typedef struct {
    int transA, transB;
    int32_t M, N, K;
    float alpha, beta;
    const float *A, *B;
    const float *packed_b;  // sk_sgemm_pack_b buffer used instead of B (rows are split then)
    float *C;
    int32_t lda, ldb, ldc;
    int split_rows;      // panels of rows (else of columns)
    int32_t panel_unit;  // panel boundaries are multiples of this
    int32_t units;       // panel units in the split dimension
    int parts;
    int force_portable;  // the caller's path, for the workers: 1 portable, 0 AVX2 where available
    atomic_int failed;   // a packed-B panel reported an error
} threaded_gemm_t;

static int32_t panel_start(const threaded_gemm_t *g, int part) {
    int32_t unit = (int32_t)((int64_t)g->units * part / g->parts);
    int32_t start = unit * g->panel_unit;
    int32_t extent = g->split_rows ? g->M : g->N;
    return start < extent ? start : extent;
}

static void run_panel_on_callers_path(const threaded_gemm_t *g, int part);

static void run_panel(void *context, int part) {
    const threaded_gemm_t *g = context;
    // Workers take the caller's path (which may be a per-thread override), so that panel boundaries
    // match the register tiles of the kernels that compute them.
    const int saved = sk_internal_thread_force_portable();
    sk_set_thread_force_portable(g->force_portable);
    run_panel_on_callers_path(g, part);
    sk_set_thread_force_portable(saved);
}

static void run_panel_on_callers_path(const threaded_gemm_t *g, int part) {
    const int32_t start = panel_start(g, part), end = panel_start(g, part + 1);
    if (end <= start) return;
    if (g->packed_b) {
        const float *a = g->transA ? g->A + start : g->A + (int64_t)start * g->lda;
        if (sk_sgemm_packed_b(g->transA, end - start, g->N, g->K, g->alpha, a, g->lda, g->packed_b, g->beta,
                              g->C + (int64_t)start * g->ldc, g->ldc) != 0) {
            atomic_store(&((threaded_gemm_t *)g)->failed, 1);
        }
    } else if (g->split_rows) {
        const float *a = g->transA ? g->A + start : g->A + (int64_t)start * g->lda;
        sk_sgemm(g->transA, g->transB, end - start, g->N, g->K, g->alpha, a, g->lda, g->B, g->ldb, g->beta,
                 g->C + (int64_t)start * g->ldc, g->ldc);
    } else {
        const float *b = g->transB ? g->B + (int64_t)start * g->ldb : g->B + start;
        sk_sgemm(g->transA, g->transB, g->M, end - start, g->K, g->alpha, g->A, g->lda, b, g->ldb, g->beta,
                 g->C + start, g->ldc);
    }
}

// Work of the largest panel, counting the padding of partial register tiles.
static double largest_panel_cost(int32_t extent, int32_t unit, int32_t other_padded, int parts) {
    // Judged for one panel per thread; finer cuts only spread the same work more evenly.
    int32_t units = (extent + unit - 1) / unit;
    int32_t per_part = (units + parts - 1) / parts;
    return (double)per_part * unit * other_padded;
}

static void run_split(threaded_gemm_t *g, int threads, double madds);

void sk_sgemm_threaded(int threads, int transA, int transB, int32_t M, int32_t N, int32_t K, float alpha,
                       const float *A, int32_t lda, const float *B, int32_t ldb, float beta, float *C,
                       int32_t ldc) {
    const double madds = (double)M * N * K;
    if (threads <= 1 || madds < min_parallel_madds || M <= 0 || N <= 0) {
        sk_sgemm(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
        return;
    }
    // Panel cuts fall on register-tile boundaries of the path in use: 6×16 (AVX2) or 4×8 (portable).
    const int use_avx2 = sk_internal_use_avx2();
    const int32_t row_unit = use_avx2 ? 6 : 4, col_unit = use_avx2 ? 16 : 8;
    const int32_t rows_padded = (M + row_unit - 1) / row_unit * row_unit;
    const int32_t cols_padded = (N + col_unit - 1) / col_unit * col_unit;
    const double by_rows = largest_panel_cost(M, row_unit, cols_padded, threads);
    const double by_cols = largest_panel_cost(N, col_unit, rows_padded, threads);

    threaded_gemm_t g = {
        .transA = transA, .transB = transB, .M = M, .N = N, .K = K, .alpha = alpha, .beta = beta,
        .A = A, .B = B, .C = C, .lda = lda, .ldb = ldb, .ldc = ldc, .force_portable = !use_avx2,
    };
    g.split_rows = by_rows <= by_cols;
    g.panel_unit = g.split_rows ? row_unit : col_unit;
    run_split(&g, threads, madds);
}

// Cuts the split dimension into panels and runs them on the pool.
static void run_split(threaded_gemm_t *g, int threads, double madds) {
    const int32_t extent = g->split_rows ? g->M : g->N;
    g->units = (extent + g->panel_unit - 1) / g->panel_unit;
    int per_thread = (int)(madds / (threads * task_madds));
    // Panels of a pre-packed B share it, so only the unpacked case needs wide panels.
    const int by_extent = g->packed_b ? MAX_PANELS_PER_THREAD : extent / (threads * min_panel_extent);
    if (by_extent < per_thread) per_thread = by_extent;
    per_thread = per_thread < 1 ? 1 : per_thread > MAX_PANELS_PER_THREAD ? MAX_PANELS_PER_THREAD : per_thread;
    g->parts = threads * per_thread < g->units ? threads * per_thread : g->units;
    atomic_init(&g->failed, 0);
    sk_pool_run(threads, g->parts, run_panel, g);
}

int sk_sgemm_packed_b_threaded(int threads, int transA, int32_t M, int32_t N, int32_t K, float alpha,
                               const float *A, int32_t lda, const float *packed, float beta, float *C,
                               int32_t ldc) {
    const double madds = (double)M * N * K;
    const int row_unit = sk_internal_packed_b_row_unit(packed, K, N);
    if (threads <= 1 || madds < min_parallel_madds || M <= 0 || N <= 0 || row_unit == 0) {
        return sk_sgemm_packed_b(transA, M, N, K, alpha, A, lda, packed, beta, C, ldc);
    }
    threaded_gemm_t g = {
        .transA = transA, .M = M, .N = N, .K = K, .alpha = alpha, .beta = beta,
        .A = A, .packed_b = packed, .C = C, .lda = lda, .ldc = ldc, .split_rows = 1, .panel_unit = row_unit,
        .force_portable = !sk_internal_use_avx2(),
    };
    run_split(&g, threads, madds);
    return atomic_load(&g.failed) ? -1 : 0;
}
