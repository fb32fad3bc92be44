import CKernels
import Dispatch
import Testing

/// A row-major matrix stored with a row stride `ld` that may exceed `cols` (a view into a wider one).
struct StridedMatrix {
    var rows: Int
    var cols: Int
    var ld: Int
    var storage: [Float]

    init(rows: Int, cols: Int, padding: Int = 0, fill: Float = 0) {
        self.rows = rows
        self.cols = cols
        ld = max(cols + padding, 1)
        storage = [Float](repeating: fill, count: max(rows * ld, 1))
    }

    init(rows: Int, cols: Int, padding: Int = 0, random generator: inout SeededGenerator) {
        self.init(rows: rows, cols: cols, padding: padding, fill: .nan)
        for i in 0..<rows {
            for j in 0..<cols { storage[i * ld + j] = generator.nextFloat() }
        }
    }

    subscript(i: Int, j: Int) -> Float {
        get { storage[i * ld + j] }
        set { storage[i * ld + j] = newValue }
    }
}

/// One GEMM problem: op(A) is M×K, op(B) is K×N, C is M×N.
struct GEMMCase: CustomTestStringConvertible {
    var m: Int
    var n: Int
    var k: Int
    var transA = false
    var transB = false
    var alpha: Float = 1
    var beta: Float = 0
    var padding = 0

    var testDescription: String {
        "\(m)x\(n)x\(k) \(transA ? "T" : "N")\(transB ? "T" : "N") alpha \(alpha) beta \(beta) pad \(padding)"
    }

    func makeOperands(seed: UInt64) -> (a: StridedMatrix, b: StridedMatrix, c: StridedMatrix) {
        var generator = SeededGenerator(seed: seed)
        let a =
            transA
            ? StridedMatrix(rows: k, cols: m, padding: padding, random: &generator)
            : StridedMatrix(rows: m, cols: k, padding: padding, random: &generator)
        let b =
            transB
            ? StridedMatrix(rows: n, cols: k, padding: padding + 1, random: &generator)
            : StridedMatrix(rows: k, cols: n, padding: padding + 1, random: &generator)
        var c = StridedMatrix(rows: m, cols: n, padding: padding + 2, fill: .nan)
        // beta == 0 must not read C, so its NaNs stay; otherwise C needs real values.
        if beta != 0 {
            for i in 0..<m {
                for j in 0..<n { c[i, j] = generator.nextFloat() }
            }
        }
        return (a, b, c)
    }

    /// Runs `gemm` on fresh operands and checks every element of C against a double-precision
    /// reference, and that C's padding columns were left alone.
    func check(
        seed: UInt64 = 1,
        sourceLocation: SourceLocation = #_sourceLocation,
        gemm: ((StridedMatrix, StridedMatrix, inout StridedMatrix) -> Void)? = nil
    ) {
        let (a, b, original) = makeOperands(seed: seed)
        var c = original
        (gemm ?? callSGEMM)(a, b, &c)
        var worst = 0.0
        var worstAt = (0, 0)
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                var magnitude = 0.0
                for p in 0..<k {
                    let x = Double(transA ? a[p, i] : a[i, p])
                    let y = Double(transB ? b[j, p] : b[p, j])
                    sum += x * y
                    magnitude += abs(x * y)
                }
                var expected = Double(alpha) * sum
                var scale = abs(Double(alpha)) * magnitude
                if beta != 0 {
                    expected += Double(beta) * Double(original[i, j])
                    scale += abs(Double(beta) * Double(original[i, j]))
                }
                let got = Double(c[i, j])
                // Float accumulation: error grows with the sum of |terms|, a few ulps per term.
                let error = got.isFinite ? abs(got - expected) / (scale * 4e-6 + 1e-30) : .infinity
                if error > worst {
                    worst = error
                    worstAt = (i, j)
                }
            }
        }
        #expect(
            worst <= 1, "\(testDescription): C[\(worstAt.0), \(worstAt.1)] off by \(worst)× the tolerance",
            sourceLocation: sourceLocation)
        for i in 0..<m {
            for j in n..<c.ld where !(c[i, j].isNaN && original[i, j].isNaN) {
                Issue.record(
                    "\(testDescription): padding C[\(i), \(j)] was written", sourceLocation: sourceLocation)
                return
            }
        }
    }

    func callSGEMM(_ a: StridedMatrix, _ b: StridedMatrix, _ c: inout StridedMatrix) {
        sk_sgemm(
            transA ? 1 : 0, transB ? 1 : 0, Int32(m), Int32(n), Int32(k), alpha, a.storage, Int32(a.ld),
            b.storage, Int32(b.ld), beta, &c.storage, Int32(c.ld))
    }
}

extension GEMMCase {
    /// Shapes around every blocking boundary of both paths: register tiles (6×16 and 4×8, with 1- to
    /// 5-row edge tiles; the AVX2 1- and 2-row edge tiles span up to six 16-column slivers, two rows three
    /// at a time), the K block (384 and 256, cut evenly), the M block (96 and 128) and the N panel (3072
    /// and 2048).
    static let shapes: [(m: Int, n: Int, k: Int)] = [
        (1, 1, 1), (1, 17, 3), (5, 1, 9), (7, 13, 1), (6, 16, 8), (4, 8, 5), (12, 32, 16), (13, 19, 31),
        (23, 37, 400), (150, 20, 10), (3, 3100, 2), (4, 5, 2000), (64, 48, 40), (8, 24, 37),
        (2, 100, 7), (1, 200, 9), (14, 390, 20), (97, 3100, 3),
    ]

    static let layouts = [(false, false), (false, true), (true, false), (true, true)]
}

extension KernelTests {
    @Suite struct SGEMM {
        @Test(arguments: KernelPath.available)
        func everyLayoutAndShapeMatchesReference(path: KernelPath) {
            path.run {
                for (transA, transB) in GEMMCase.layouts {
                    for shape in GEMMCase.shapes {
                        let problem = GEMMCase(
                            m: shape.m, n: shape.n, k: shape.k, transA: transA, transB: transB)
                        problem.check()
                    }
                }
            }
        }

        @Test(arguments: KernelPath.available)
        func alphaAndBetaAreApplied(path: KernelPath) {
            path.run {
                let scalings: [(alpha: Float, beta: Float)] = [
                    (1, 0), (1, 1), (-0.5, 1), (2.5, -0.75), (1, 0.5),
                ]
                for (transA, transB) in GEMMCase.layouts {
                    for scaling in scalings {
                        for shape in [(7, 21, 9), (13, 16, 400)] {
                            let problem = GEMMCase(
                                m: shape.0, n: shape.1, k: shape.2, transA: transA, transB: transB,
                                alpha: scaling.alpha, beta: scaling.beta)
                            problem.check()
                        }
                    }
                }
            }
        }

        @Test(arguments: KernelPath.available)
        func subMatrixViewsLeavePaddingAlone(path: KernelPath) {
            path.run {
                for (transA, transB) in GEMMCase.layouts {
                    for shape in [(1, 1, 1), (9, 23, 17), (20, 40, 390)] {
                        for beta: Float in [0, 1] {
                            let problem = GEMMCase(
                                m: shape.0, n: shape.1, k: shape.2, transA: transA, transB: transB,
                                beta: beta,
                                padding: 5)
                            problem.check()
                        }
                    }
                }
            }
        }

        @Test(arguments: KernelPath.available)
        func zeroInnerDimensionScalesC(path: KernelPath) {
            path.run {
                for beta: Float in [0, 1, -2] {
                    // With beta 0 the NaN-filled C must come out as zeros.
                    GEMMCase(m: 5, n: 19, k: 0, beta: beta, padding: 1).check()
                    GEMMCase(m: 5, n: 19, k: 0, transA: true, transB: true, beta: beta).check()
                }
                // alpha 0 must not read A or B (NaN there must not leak into C).
                var c: [Float] = [1, 2, 3, 4]
                let nanOperand = [Float](repeating: .nan, count: 4)
                sk_sgemm(0, 0, 2, 2, 2, 0, nanOperand, 2, nanOperand, 2, 3, &c, 2)
                #expect(c == [3, 6, 9, 12])
            }
        }

        /// A row of C is the same bits however many rows are computed with it: a sequence's score must
        /// not depend on the other sequences of its batch (`sentiment serve` batches requests together
        /// and promises `sentiment score`'s numbers). Every M up to 14 puts a row in tiles of 1 to 6 rows.
        @Test(arguments: KernelPath.available)
        func aRowOfCDoesNotDependOnTheRowsBesideIt(path: KernelPath) {
            path.run {
                for (transA, transB) in GEMMCase.layouts {
                    for k in [1, 2, 7, 64, 301] {
                        let tall = GEMMCase(m: 14, n: 37, k: k, transA: transA, transB: transB)
                        let (a, b, blank) = tall.makeOperands(seed: UInt64(k))
                        var whole = blank
                        tall.callSGEMM(a, b, &whole)
                        for m in 1...14 {
                            // The first m rows alone (a prefix of A: rows, or columns when transposed).
                            let prefix = GEMMCase(m: m, n: 37, k: k, transA: transA, transB: transB)
                            var part = blank
                            prefix.callSGEMM(a, b, &part)
                            for i in 0..<m {
                                for j in 0..<37 where part[i, j].bitPattern != whole[i, j].bitPattern {
                                    Issue.record(
                                        "\(prefix.testDescription): C[\(i), \(j)] = \(part[i, j]), with 14 rows \(whole[i, j])")
                                    return
                                }
                            }
                        }
                    }
                }
            }
        }

        @Test(arguments: KernelPath.available)
        func emptyOutputIsANoOp(path: KernelPath) {
            path.run {
                var c: [Float] = [7]
                let x: [Float] = [1]
                sk_sgemm(0, 0, 0, 1, 1, 1, x, 1, x, 1, 0, &c, 1)
                sk_sgemm(0, 0, 1, 0, 1, 1, x, 1, x, 1, 0, &c, 1)
                #expect(c == [7])
            }
        }
    }
}
