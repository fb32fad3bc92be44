import CKernels
import Embedding
import Testing

extension KernelTests {
    @Suite struct VectorHelpers {
        @Test(arguments: KernelPath.available)
        func addBiasRowsTouchesOnlyTheView(path: KernelPath) {
            path.run {
                var generator = SplitMix64(seed: 3)
                let (rows, cols, ld) = (5, 13, 17)
                let bias = generator.floats(cols)
                let original = generator.floats(rows * ld)
                var c = original
                sk_add_bias_rows(&c, Int32(rows), Int32(cols), Int32(ld), bias)
                for i in 0..<rows {
                    for j in 0..<ld {
                        let expected = j < cols ? original[i * ld + j] + bias[j] : original[i * ld + j]
                        #expect(c[i * ld + j] == expected, "C[\(i), \(j)]")
                    }
                }
            }
        }

        @Test(arguments: KernelPath.available)
        func axpyAddsScaledVector(path: KernelPath) {
            path.run {
                var generator = SplitMix64(seed: 4)
                for count in [0, 1, 7, 8, 9, 33, 1000] {
                    let x = generator.floats(count)
                    let original = generator.floats(count)
                    var y = original
                    sk_axpy(Int64(count), -1.5, x, &y)
                    for i in 0..<count {
                        #expect(abs(y[i] - (original[i] - 1.5 * x[i])) <= 1e-6, "y[\(i)] of \(count)")
                    }
                }
            }
        }

        @Test(arguments: KernelPath.available)
        func sumRowsAccumulatesColumnSums(path: KernelPath) {
            path.run {
                var generator = SplitMix64(seed: 5)
                let (rows, cols, ld) = (37, 21, 24)
                let a = generator.floats(rows * ld)
                let start = generator.floats(cols)
                var out = start
                sk_sum_rows(Int32(rows), Int32(cols), a, Int32(ld), &out)
                for j in 0..<cols {
                    let expected = (0..<rows).reduce(Double(start[j])) { $0 + Double(a[$1 * ld + j]) }
                    #expect(abs(Double(out[j]) - expected) <= 1e-5, "column \(j)")
                }
            }
        }
    }

    @Suite struct Dispatch {
        @Test func threadOverrideSwitchesAndRestores() {
            let hasAVX2 = sk_cpu_has_avx2_fma()
            #expect(hasAVX2 == 0 || hasAVX2 == 1)
            sk_set_thread_force_portable(1)
            #expect(sk_using_avx2() == 0)
            #expect(sk_cpu_has_avx2_fma() == hasAVX2, "forcing does not change what the CPU reports")
            sk_set_thread_force_portable(0)
            #expect(sk_using_avx2() == hasAVX2)
            sk_set_thread_force_portable(-1)
        }

        /// The process-wide switch, and a thread override taking precedence over it. The switch is set
        /// only for the few instructions between the checks.
        @Test func processWideSwitchYieldsToThreadOverride() {
            let hasAVX2 = sk_cpu_has_avx2_fma()
            sk_set_force_portable(1)
            let forced = sk_using_avx2()
            sk_set_thread_force_portable(0)
            let overridden = sk_using_avx2()
            sk_set_force_portable(0)
            sk_set_thread_force_portable(-1)
            #expect(forced == 0)
            #expect(overridden == hasAVX2)
            #expect(sk_using_avx2() == hasAVX2)
        }
    }
}
