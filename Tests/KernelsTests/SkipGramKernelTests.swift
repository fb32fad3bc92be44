import CKernels
import Embedding
import Foundation
import Testing

extension KernelTests {
    @Suite struct SkipGramUpdate {
        /// The documented update in double precision.
        static func reference(input: inout [Double], outputs: inout [[Double]], rate: Double) {
            var gradient = [Double](repeating: 0, count: input.count)
            for k in outputs.indices {
                let score = zip(input, outputs[k]).reduce(0) { $0 + $1.0 * $1.1 }
                let g = rate * ((k == 0 ? 1 : 0) - 1 / (1 + exp(-score)))
                for i in input.indices {
                    gradient[i] += g * outputs[k][i]
                    outputs[k][i] += g * input[i]
                }
            }
            for i in input.indices { input[i] += gradient[i] }
        }

        @Test(arguments: KernelPath.available)
        func matchesTheDocumentedUpdate(path: KernelPath) {
            path.run {
                var generator = SplitMix64(seed: 5)
                for n in [1, 3, 8, 15, 16, 17, 33, 128] {
                    for count in [1, 2, 6] {
                        // Large enough values that σ is far from ½, so a wrong label or sign shows.
                        var input = (0..<n).map { _ in generator.nextFloat() * 2 - 1 }
                        var table = (0..<count * n).map { _ in generator.nextFloat() * 2 - 1 }
                        var expectedInput = input.map(Double.init)
                        var expectedOutputs = (0..<count).map { k in
                            table[k * n..<(k + 1) * n].map(Double.init)
                        }
                        Self.reference(input: &expectedInput, outputs: &expectedOutputs, rate: 0.5)
                        var gradient = [Float](repeating: .nan, count: n)
                        table.withUnsafeMutableBufferPointer { table in
                            let rows: [UnsafeMutablePointer<Float>?] = (0..<count).map {
                                table.baseAddress! + $0 * n
                            }
                            sk_skipgram_update(Int32(n), &input, rows, Int32(count), 0.5, &gradient)
                        }
                        for i in 0..<n {
                            #expect(
                                abs(Double(input[i]) - expectedInput[i]) < 1e-5,
                                "input, n \(n), \(count) rows")
                        }
                        for k in 0..<count {
                            for i in 0..<n {
                                #expect(
                                    abs(Double(table[k * n + i]) - expectedOutputs[k][i]) < 1e-5,
                                    "output \(k), n \(n), \(count) rows")
                            }
                        }
                    }
                }
            }
        }

        @Test(arguments: KernelPath.available)
        func aRepeatedRowIsUpdatedTwiceInOrder(path: KernelPath) {
            path.run {
                let n = 12
                var input = (0..<n).map { Float($0) / 10 - 0.5 }
                var table = (0..<2 * n).map { Float($0 % 5) / 4 - 0.3 }
                // Row 0 is the positive; row 1 is drawn twice as a negative, so the second draw must see
                // the first draw's update.
                var expectedInput = input.map(Double.init)
                var expectedRows = [table[0..<n].map(Double.init), table[n..<2 * n].map(Double.init)]
                var gradient = [Double](repeating: 0, count: n)
                for (k, row) in [0, 1, 1].enumerated() {
                    let score = zip(expectedInput, expectedRows[row]).reduce(0) { $0 + $1.0 * $1.1 }
                    let g = 0.25 * ((k == 0 ? 1 : 0) - 1 / (1 + exp(-score)))
                    for i in 0..<n {
                        gradient[i] += g * expectedRows[row][i]
                        expectedRows[row][i] += g * expectedInput[i]
                    }
                }
                for i in 0..<n { expectedInput[i] += gradient[i] }
                var scratch = [Float](repeating: 0, count: n)
                table.withUnsafeMutableBufferPointer { table in
                    let base = table.baseAddress!
                    let rows: [UnsafeMutablePointer<Float>?] = [base, base + n, base + n]
                    sk_skipgram_update(Int32(n), &input, rows, 3, 0.25, &scratch)
                }
                for i in 0..<n {
                    #expect(abs(Double(input[i]) - expectedInput[i]) < 1e-5)
                    #expect(abs(Double(table[i]) - expectedRows[0][i]) < 1e-5)
                    #expect(abs(Double(table[n + i]) - expectedRows[1][i]) < 1e-5)
                }
            }
        }
    }
}
