import CKernels
import Testing

/// Row i of C must come out bit for bit the same whatever other rows share its product: the network's
/// products have one row per running sequence (or per distinct token), so a text's probability would
/// otherwise depend on the batch it was scored in and on the thread count.
struct RowIndependenceCase: CustomTestStringConvertible {
    var rows: Int
    var n: Int
    var k: Int
    var transA: Bool
    var transB: Bool
    var alpha: Float = 1
    var beta: Float = 0

    var testDescription: String {
        "\(rows) rows, N \(n), K \(k), \(transA ? "T" : "N")\(transB ? "T" : "N"), alpha \(alpha), beta \(beta)"
    }

    /// The sub-products that are checked: every row alone, and runs of `m` rows starting at the top, at
    /// the bottom and at an odd offset, for many `m` (every edge-tile height of both paths, and whole
    /// tiles, with and without an edge tile after them).
    var slices: [Range<Int>] {
        let heights = [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 17, 19, 20, 25, 31, 37, 39, 97, 98, 129, 130]
        var slices = (0..<rows).map { $0..<$0 + 1 }
        for m in heights where m <= rows {
            slices.append(0..<m)
            slices.append(rows - m..<rows)
            let start = min(3, rows - m)
            slices.append(start..<start + m)
        }
        return slices
    }

    /// Multiplies the whole product once, then every slice on its own, and records the first row that
    /// differs from the whole product's in any bit.
    func check(sourceLocation: SourceLocation = #_sourceLocation) {
        var generator = SeededGenerator(seed: UInt64(rows * 1_000_003 + n * 1009 + k))
        // op(A) is rows×K: stored rows×K, or K×rows when transposed. op(B) is K×N.
        let a = generator.floats(rows * k)
        let lda = transA ? rows : k
        let b = generator.floats(k * n)
        let ldb = transB ? k : n
        let initial = beta == 0 ? [Float](repeating: .nan, count: rows * n) : generator.floats(rows * n)
        let whole = multiply(a: a, lda: lda, b: b, ldb: ldb, c: initial, slice: 0..<rows)
        for slice in slices {
            let part = multiply(
                a: a, lda: lda, b: b, ldb: ldb, c: Array(initial[slice.lowerBound * n..<slice.upperBound * n]),
                slice: slice)
            for (offset, row) in slice.enumerated() {
                let expected = Array(whole[row * n..<(row + 1) * n])
                let got = Array(part[offset * n..<(offset + 1) * n])
                if !got.elementsEqualBitwise(expected) {
                    let column = got.indices.first { got[$0].bitPattern != expected[$0].bitPattern }!
                    Issue.record(
                        "\(testDescription): row \(row) computed among rows \(slice) differs from the same row among all \(rows) at column \(column): \(got[column]) vs \(expected[column])",
                        sourceLocation: sourceLocation)
                    return
                }
            }
        }
    }

    /// C[slice] = alpha · op(A)[slice] · op(B) + beta · C, through sk_sgemm on a sub-matrix view of A.
    private func multiply(a: [Float], lda: Int, b: [Float], ldb: Int, c: [Float], slice: Range<Int>) -> [Float] {
        var c = c
        // Row i of op(A) starts at A + i·lda when A is not transposed, at A + i when it is.
        let first = slice.lowerBound * (transA ? 1 : lda)
        a.withUnsafeBufferPointer { a in
            sk_sgemm(
                transA ? 1 : 0, transB ? 1 : 0, Int32(slice.count), Int32(n), Int32(k), alpha,
                a.baseAddress! + first, Int32(lda), b, Int32(ldb), beta, &c, Int32(n))
        }
        return c
    }
}

extension RowIndependenceCase {
    /// N and K around the register tiles (16 and 8 columns; several 16-column B slivers at once in the
    /// AVX2 edge tiles), the network's shapes (3H = 384 and 24, K = H = 128 and 8) and the K blocks
    /// (384 and 256: K = 385 and 520 take two and three blocks).
    static let shapes: [(n: Int, k: Int)] = [
        (1, 1), (7, 2), (16, 5), (24, 8), (40, 13), (97, 33), (130, 128), (384, 128), (50, 385), (33, 520),
    ]

    /// The scalings the network uses (a product written, a product added to a gradient) and a general one.
    static let scalings: [(alpha: Float, beta: Float)] = [(1, 0), (1, 1), (-0.5, 0.75)]

    static func all(rows: Int) -> [RowIndependenceCase] {
        var cases: [RowIndependenceCase] = []
        for shape in shapes {
            for (transA, transB) in GEMMCase.layouts {
                for scaling in scalings {
                    cases.append(
                        RowIndependenceCase(
                            rows: rows, n: shape.n, k: shape.k, transA: transA, transB: transB,
                            alpha: scaling.alpha, beta: scaling.beta))
                }
            }
        }
        return cases
    }
}

/// Runs `body` with the calling thread's GEMMs on their path for when scratch memory cannot be had.
private func withoutScratch<T>(_ body: () throws -> T) rethrows -> T {
    sk_set_thread_gemm_without_scratch(1)
    defer { sk_set_thread_gemm_without_scratch(0) }
    return try body()
}

extension KernelTests {
    @Suite struct SGEMMRowIndependence {
        @Test(
            "a row of C is bitwise the same in a product of any number of rows (1 to 40)",
            arguments: KernelPath.available)
        func rowsDoNotDependOnTheOtherRows(path: KernelPath) {
            path.run {
                for problem in RowIndependenceCase.all(rows: 40) { problem.check() }
            }
        }

        @Test("across the M blocks (96 and 128 rows) too", arguments: KernelPath.available)
        func rowsDoNotDependOnTheOtherRowsAcrossMBlocks(path: KernelPath) {
            path.run {
                for (transA, transB) in GEMMCase.layouts {
                    RowIndependenceCase(rows: 200, n: 40, k: 20, transA: transA, transB: transB, beta: 1).check()
                }
            }
        }

        @Test(
            "without scratch memory the product is bitwise the normal one, row by row",
            arguments: KernelPath.available)
        func fallbackWithoutScratchGivesTheSameBits(path: KernelPath) {
            path.run {
                for (transA, transB) in GEMMCase.layouts {
                    for (n, k) in [(24, 8), (130, 128), (50, 385)] {
                        let problem = GEMMCase(m: 13, n: n, k: k, transA: transA, transB: transB, beta: 1)
                        let (a, b, initial) = problem.makeOperands(seed: 7)
                        var normal = initial
                        problem.callSGEMM(a, b, &normal)
                        var fallback = initial
                        withoutScratch { problem.callSGEMM(a, b, &fallback) }
                        #expect(
                            fallback.storage.elementsEqualBitwise(normal.storage), "\(problem.testDescription)")
                        // And the fallback keeps rows independent of each other.
                        withoutScratch {
                            RowIndependenceCase(rows: 13, n: n, k: k, transA: transA, transB: transB).check()
                        }
                    }
                }
                // Still correct against the double-precision reference.
                withoutScratch { GEMMCase(m: 23, n: 37, k: 400, transA: true, beta: 1).check() }
            }
        }
    }
}
