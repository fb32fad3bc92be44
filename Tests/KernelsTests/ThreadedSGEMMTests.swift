import CKernels
import Dispatch
import Testing

extension KernelTests {
    @Suite struct ThreadedSGEMM {
        /// Big enough to be split (the threshold is 128·128·64 multiply-adds), with shapes that split by
        /// rows, by columns, and unevenly.
        static let problems: [GEMMCase] = [
            GEMMCase(m: 70, n: 200, k: 80),
            GEMMCase(m: 250, n: 40, k: 120, transA: true, beta: 1),
            GEMMCase(m: 64, n: 384, k: 48, transB: true, alpha: 0.5, beta: -1, padding: 3),
            GEMMCase(m: 131, n: 67, k: 130, transA: true, transB: true),
        ]

        @Test(arguments: KernelPath.available, [1, 2, 3])
        func matchesReferenceAndSingleThreadedBitForBit(path: KernelPath, threads: Int) {
            path.run {
                for (index, problem) in Self.problems.enumerated() {
                    problem.check(seed: UInt64(index), gemm: problem.threaded(threads))
                    let (a, b, original) = problem.makeOperands(seed: 99)
                    var single = original
                    var threaded = original
                    problem.callSGEMM(a, b, &single)
                    problem.threaded(threads)(a, b, &threaded)
                    #expect(
                        single.storage.elementsEqualBitwise(threaded.storage),
                        "\(problem.testDescription) with \(threads) threads differs from sk_sgemm")
                }
            }
        }

        @Test func smallProductsAndManyThreadsStillCorrect() {
            GEMMCase(m: 3, n: 5, k: 7).check(gemm: GEMMCase(m: 3, n: 5, k: 7).threaded(8))
            let tall = GEMMCase(m: 12, n: 2000, k: 50, transB: true)
            tall.check(gemm: tall.threaded(64))
        }

        /// Several threads calling both entry points at once (the pool serves one caller at a time and
        /// the rest run alone): every result must equal the one computed in isolation.
        @Test func concurrentCallersGetTheirOwnResults() {
            let problems = (0..<6).map { index in
                GEMMCase(
                    m: 60 + 7 * index, n: 150 + 11 * index, k: 70 + 5 * index, transA: index % 2 == 1,
                    transB: index % 3 == 0)
            }
            let operands = problems.enumerated().map { $0.element.makeOperands(seed: UInt64($0.offset)) }
            let expected = zip(problems, operands).map { problem, ops in
                var c = ops.c
                problem.callSGEMM(ops.a, ops.b, &c)
                return c.storage
            }
            let results = ResultSlots(count: problems.count * 3)
            DispatchQueue.concurrentPerform(iterations: problems.count * 3) { job in
                let index = job % problems.count
                let problem = problems[index]
                var c = operands[index].c
                for _ in 0..<3 {
                    c = operands[index].c
                    if job / problems.count == 0 {
                        problem.callSGEMM(operands[index].a, operands[index].b, &c)
                    } else {
                        problem.threaded(job / problems.count + 1)(operands[index].a, operands[index].b, &c)
                    }
                }
                results.set(job, c.storage)
            }
            for job in 0..<problems.count * 3 {
                let got = results.get(job)
                #expect(
                    got.elementsEqualBitwise(expected[job % problems.count]),
                    "concurrent call \(job) (\(problems[job % problems.count].testDescription)) differs")
            }
        }
    }
}

/// Results written by concurrent jobs, one slot each.
final class ResultSlots: @unchecked Sendable {
    private var slots: [[Float]]
    private let lock = SerialLock()

    init(count: Int) { slots = Array(repeating: [], count: count) }

    func set(_ index: Int, _ value: [Float]) { lock.withLock { slots[index] = value } }
    func get(_ index: Int) -> [Float] { lock.withLock { slots[index] } }
}

/// Mutual exclusion through a serial queue (keeps the tests free of Foundation).
final class SerialLock: @unchecked Sendable {
    private let queue = DispatchQueue(label: "KernelsTests.ResultSlots")
    func withLock<T>(_ body: () -> T) -> T { queue.sync(execute: body) }
}

extension Array where Element == Float {
    /// Equality of bit patterns, so NaNs compare equal to identical NaNs.
    func elementsEqualBitwise(_ other: [Float]) -> Bool {
        count == other.count && zip(self, other).allSatisfy { $0.bitPattern == $1.bitPattern }
    }
}
