// Float32 numeric kernels for the GRU classifier.
// Row-major storage throughout; `ld*` arguments are row strides in elements.
//
// Every entry point picks its implementation at run time: an AVX2/FMA path where the CPU has it (with
// AVX-512 GEMMs and activations where it has that too, bitwise equal to the AVX2 ones), a portable C
// path everywhere else (or when forced, see sk_set_force_portable). All functions are safe
// to call from several threads at once. The GEMMs keep their packing buffers per calling thread, reused
// from call to call and freed when the thread exits (under 5 MiB per thread at most).
#ifndef SENTIMENT_KERNELS_H
#define SENTIMENT_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// MARK: - Matrix products

/// C[M×N] = alpha · op(A) · op(B) + beta · C, where op(X) is X (flag 0) or Xᵀ (flag non-zero).
/// op(A) is M×K: A is stored M×K (row stride lda ≥ K), or K×M when transA (lda ≥ M).
/// op(B) is K×N: B is stored K×N (ldb ≥ N), or N×K when transB (ldb ≥ K). ldc ≥ N.
/// When beta == 0, C is not read (it may hold NaN). K == 0 gives C = beta · C.
/// Row i of C is a function of row i of op(A), op(B), alpha, beta and row i of C alone, bit for bit: it
/// does not depend on M or on the other rows (on one path; the AVX2 and portable paths round differently,
/// the AVX-512 path rounds as the AVX2 one).
/// Single-threaded: callers parallelise across batch shards with their own threads.
void sk_sgemm(int transA, int transB, int32_t M, int32_t N, int32_t K, float alpha,
              const float *A, int32_t lda, const float *B, int32_t ldb, float beta,
              float *C, int32_t ldc);

// MARK: - Activations

/// y[i] = 1 / (1 + exp(-x[i])) for i < n; x and y may be the same buffer.
/// Absolute error ≤ 1e-6 over all floats; ±inf give 1 and 0; NaN gives NaN.
void sk_sigmoid(const float *x, float *y, int64_t n);

/// y[i] = tanh(x[i]) for i < n; x and y may be the same buffer.
/// Absolute error ≤ 1e-6 over all floats; ±inf give ±1; NaN gives NaN.
void sk_tanh(const float *x, float *y, int64_t n);

// MARK: - Vector helpers

/// C[i][j] += bias[j] for i < M, j < N (row stride ldc): adds a bias row to every row of C.
/// bias must not overlap C.
void sk_add_bias_rows(float *C, int32_t M, int32_t N, int32_t ldc, const float *bias);

/// y[i] += alpha · x[i] for i < n. x and y must not overlap unless equal.
void sk_axpy(int64_t n, float alpha, const float *x, float *y);

/// out[j] += Σ_i A[i][j] for i < M, j < N (row stride lda): column sums accumulated into out, as
/// for the gradient of a bias added to every row. out must not overlap A.
void sk_sum_rows(int32_t M, int32_t N, const float *A, int32_t lda, float *out);

// MARK: - Optimiser

/// One Adam update of n parameters p and their moments m, v with the gradient g·scale (g unscaled when
/// scale is 1): m ← m + (1−β1)·(g − m), v ← β2·v + ((1−β2)·g)·g, p ← p − (stepSize·m) / (√v / root + ε).
/// Every operation is rounded to float on its own, in that order, so the results are bitwise those of
/// Swift's AdamStep.update on either path. p, g, m and v must not overlap.
void sk_adam_update(int64_t n, float *p, const float *g, float gradient_scale, float *m, float *v,
                    float one_minus_beta1, float beta2, float one_minus_beta2, float epsilon, float step_size,
                    float root);

/// Replays `steps` Adam updates with a zero gradient on n parameters p and their moments m, v: for
/// k = 0 ..< steps in order, m ← m − (1−β1)·m, v ← β2·v, p ← p − (stepSizes[k]·m) / (√v / roots[k] + ε).
/// Every operation is rounded to float on its own (never fused), so the results are bitwise those of
/// `steps` calls of Swift's AdamStep.updateWithZeroGradient with those coefficients, on either path.
/// p, m and v must not overlap.
void sk_adam_zero_gradient_steps(int64_t n, float *p, float *m, float *v, float one_minus_beta1, float beta2,
                                 float epsilon, const float *step_sizes, const float *roots, int64_t steps);

// MARK: - Embedding pre-training

/// One update of skip-gram with negative sampling (word2vec's SGNS) for the vector `input` (n floats)
/// against `count` output vectors: outputs[0] is the observed context word (label 1), the others are
/// negative samples (label 0). In order for k < count: g = rate · (label_k − σ(input · outputs[k])),
/// gradient += g · outputs[k], outputs[k] += g · input; then input += gradient. `gradient` is scratch
/// space of n floats. outputs may repeat a row; no output row may overlap input or gradient.
void sk_skipgram_update(int32_t n, float *input, float *const *outputs, int32_t count, float rate,
                        float *gradient);

// MARK: - Dispatch control

/// 1 when the CPU (and OS) support AVX2 and FMA, else 0. Independent of any forcing.
int sk_cpu_has_avx2_fma(void);

/// Non-zero forces the portable path in every kernel from now on; zero restores the automatic choice.
/// The environment variable SENTIMENT_KERNELS=portable, read at first use, sets the same default.
/// A process-wide switch, meant for benchmarks and comparisons; threads with their own override (below)
/// ignore it.
void sk_set_force_portable(int force);

/// Per-thread override for tests: 1 forces the portable path on the calling thread, 0 takes the AVX2
/// path where the CPU has it whatever the process-wide switch says, -1 (the initial state) follows the
/// process-wide switch. Threaded entry points carry the caller's choice to their worker threads.
void sk_set_thread_force_portable(int force);

/// Per-thread switch for tests: non-zero makes the GEMMs called from this thread run as they do when
/// their scratch memory cannot be allocated (one register tile at a time on small stack buffers), zero
/// (the initial state) restores the normal blocking. The results are the same bit for bit either way.
void sk_set_thread_gemm_without_scratch(int without);

/// 1 when kernels called from this thread take the AVX2/FMA path, 0 when they take the portable one.
int sk_using_avx2(void);

/// 1 when the CPU (and OS) support AVX-512F as well as AVX2 and FMA, else 0.
int sk_cpu_has_avx512(void);

/// Non-zero stops the GEMMs and activations at the AVX2 path even where the CPU has AVX-512; zero
/// restores the automatic choice. The environment variable SENTIMENT_KERNELS=avx2, read at first use,
/// sets the same default. The AVX-512 paths give bitwise the AVX2 ones' results, so this changes speed
/// only: it is meant for benchmarks. Threads with their own override (below) ignore it.
void sk_set_avx512_off(int off);

/// Per-thread override for tests: 1 stops this thread's GEMMs and activations at AVX2, 0 takes AVX-512
/// where the CPU has it whatever the process-wide switch says, -1 (the initial state) follows the
/// process-wide switch. The AVX-512 path runs only where the AVX2 path would (see
/// sk_set_thread_force_portable).
void sk_set_thread_avx512_off(int off);

/// 1 when GEMMs and activations called from this thread take the AVX-512 path, else 0.
int sk_using_avx512(void);

#ifdef __cplusplus
}
#endif
#endif
