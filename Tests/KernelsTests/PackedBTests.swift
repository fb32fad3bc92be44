import CKernels
import Testing

extension GEMMCase {
    /// Packs op(B) once, then multiplies through the pre-packed entry point (threaded when threads > 1).
    func packed(threads: Int = 1) -> (StridedMatrix, StridedMatrix, inout StridedMatrix) -> Void {
        { a, b, c in
            var buffer = [Float](repeating: .nan, count: Int(sk_sgemm_packed_b_size(Int32(k), Int32(n))))
            sk_sgemm_pack_b(transB ? 1 : 0, Int32(k), Int32(n), b.storage, Int32(b.ld), &buffer)
            let status =
                threads == 1
                ? sk_sgemm_packed_b(
                    transA ? 1 : 0, Int32(m), Int32(n), Int32(k), alpha, a.storage, Int32(a.ld), buffer, beta,
                    &c.storage, Int32(c.ld))
                : sk_sgemm_packed_b_threaded(
                    Int32(threads), transA ? 1 : 0, Int32(m), Int32(n), Int32(k), alpha, a.storage,
                    Int32(a.ld),
                    buffer, beta, &c.storage, Int32(c.ld))
            #expect(status == 0, "\(testDescription): pre-packed product failed")
        }
    }
}

extension KernelTests {
    @Suite struct PackedB {
        static let problems: [GEMMCase] =
            GEMMCase.layouts.flatMap { transA, transB in
                GEMMCase.shapes.map { GEMMCase(m: $0.m, n: $0.n, k: $0.k, transA: transA, transB: transB) }
            } + [
                GEMMCase(m: 9, n: 23, k: 17, transB: true, alpha: -2, beta: 0.5, padding: 4),
                GEMMCase(m: 5, n: 19, k: 0, beta: 0),
            ]

        @Test(arguments: KernelPath.available)
        func matchesReferenceAndUnpackedBitForBit(path: KernelPath) {
            path.run {
                for (index, problem) in Self.problems.enumerated() {
                    problem.check(seed: UInt64(index), gemm: problem.packed())
                    let (a, b, original) = problem.makeOperands(seed: 42)
                    var unpacked = original
                    var packed = original
                    problem.callSGEMM(a, b, &unpacked)
                    problem.packed()(a, b, &packed)
                    #expect(
                        unpacked.storage.elementsEqualBitwise(packed.storage),
                        "\(problem.testDescription): pre-packed result differs from sk_sgemm")
                }
            }
        }

        @Test(arguments: KernelPath.available, [2, 3])
        func threadedMatchesSingleThreaded(path: KernelPath, threads: Int) {
            path.run {
                for problem in ThreadedSGEMM.problems {
                    let (a, b, original) = problem.makeOperands(seed: 8)
                    var single = original
                    var threaded = original
                    problem.callSGEMM(a, b, &single)
                    problem.packed(threads: threads)(a, b, &threaded)
                    #expect(
                        single.storage.elementsEqualBitwise(threaded.storage),
                        "\(problem.testDescription) with \(threads) threads differs from sk_sgemm")
                }
            }
        }

        /// A buffer packed on one path stays usable after the dispatch switches to the other.
        @Test func bufferPackedOnOnePathWorksAfterSwitching() {
            let problem = GEMMCase(m: 20, n: 40, k: 30, transB: true)
            let (a, b, original) = problem.makeOperands(seed: 3)
            for path in KernelPath.available {
                var buffer = [Float](repeating: 0, count: Int(sk_sgemm_packed_b_size(30, 40)))
                var expected = original
                path.run {
                    sk_sgemm_pack_b(1, 30, 40, b.storage, Int32(b.ld), &buffer)
                    problem.callSGEMM(a, b, &expected)
                }
                for other in KernelPath.available {
                    var c = original
                    let status = other.run {
                        sk_sgemm_packed_b(
                            0, 20, 40, 30, 1, a.storage, Int32(a.ld), buffer, 0, &c.storage, Int32(c.ld))
                    }
                    #expect(status == 0)
                    #expect(
                        c.storage.elementsEqualBitwise(expected.storage),
                        "packed on \(path), used on \(other)")
                }
            }
        }

        @Test func mismatchedBufferIsRejectedAndCUntouched() {
            var generator = SeededGenerator(seed: 1)
            let b = generator.floats(8 * 16)
            var buffer = [Float](repeating: 0, count: Int(sk_sgemm_packed_b_size(8, 16)))
            sk_sgemm_pack_b(0, 8, 16, b, 16, &buffer)
            let a = generator.floats(4 * 9)
            var c = [Float](repeating: 7, count: 4 * 16)
            #expect(sk_sgemm_packed_b(0, 4, 16, 9, 1, a, 9, buffer, 0, &c, 16) == -1, "wrong K")
            #expect(sk_sgemm_packed_b(0, 4, 15, 8, 1, a, 8, buffer, 0, &c, 16) == -1, "wrong N")
            let garbage = [Float](repeating: 1, count: buffer.count)
            #expect(sk_sgemm_packed_b(0, 4, 16, 8, 1, a, 8, garbage, 0, &c, 16) == -1, "never packed")
            #expect(c.allSatisfy { $0 == 7 })
        }
    }
}
