import CKernels
import Embedding
import Testing

extension KernelTests {
    /// The AVX-512 GEMMs and activations promise bitwise the AVX2 ones' results (same packing, K blocks
    /// and FMA order; the same operations per lane), so that a model's weights and scores do not depend
    /// on which of the two a CPU runs.
    @Suite(.enabled(if: sk_cpu_has_avx512() != 0, "this CPU has no AVX-512: nothing to compare with AVX2"))
    struct SGEMMAVX512 {
        /// Rows around the 6-row tile and the 1- and 2-row edge tiles, columns around the 16-column
        /// sliver, the 32-column wide tile and the 128-column edge group, K around its 384 block.
        static let rows = [1, 2, 3, 5, 6, 7, 8, 13, 32, 97]
        static let columns = [1, 15, 16, 17, 32, 33, 100, 128, 129, 384, 3100]
        static let depths = [1, 5, 128, 384, 385, 800]

        @Test(arguments: GEMMCase.layouts.indices)
        func givesTheAVX2PathsBitsForEveryShape(layout: Int) {
            let (transA, transB) = GEMMCase.layouts[layout]
            var differing: [String] = []
            var seed: UInt64 = 1
            for m in Self.rows {
                for n in Self.columns {
                    for k in Self.depths where m * n * k <= 4_000_000 {
                        for beta: Float in [0, 0.5] {
                            let problem = GEMMCase(
                                m: m, n: n, k: k, transA: transA, transB: transB, alpha: 0.75, beta: beta,
                                padding: 3)
                            seed += 1
                            let (a, b, original) = problem.makeOperands(seed: seed)
                            var wide = original
                            var narrow = original
                            KernelPath.avx512.run { problem.callSGEMM(a, b, &wide) }
                            KernelPath.avx2.run { problem.callSGEMM(a, b, &narrow) }
                            if !wide.storage.elementsEqualBitwise(narrow.storage) {
                                differing.append(problem.testDescription)
                            }
                        }
                    }
                }
            }
            #expect(differing.isEmpty, "AVX-512 and AVX2 differ on \(differing.count) shapes: \(differing.prefix(5))")
        }

        /// The AVX-512 activations promise the AVX2 ones' bits too, on every float of the sweep (NaN, the
        /// infinities and every tail length included).
        @Test(arguments: Activation.allCases)
        func activationsGiveTheAVX2PathsBits(activation: Activation) {
            let inputs = KernelTests.Activations.sweep + [.nan, -.nan, .infinity, -.infinity, 0, -0.0]
            for length in [inputs.count, 1, 15, 17, 31] {
                let x = Array(inputs.prefix(length))
                let wide = KernelPath.avx512.run { activation(x) }
                let narrow = KernelPath.avx2.run { activation(x) }
                #expect(wide.elementsEqualBitwise(narrow), "\(activation), \(length) values")
            }
        }

        @Test func theProcessWideSwitchStopsAtAVX2() {
            sk_set_avx512_off(1)
            let off = sk_using_avx512()
            sk_set_thread_avx512_off(0)
            let overridden = sk_using_avx512()
            sk_set_thread_avx512_off(-1)
            sk_set_avx512_off(0)
            #expect(off == 0)
            #expect(overridden == 1)
            #expect(sk_using_avx512() == 1)
        }
    }
}
