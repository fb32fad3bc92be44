import Embedding
import GRUClassifier
import Testing

@Suite("Embedding table and sparse gradients")
struct EmbeddingTests {
    @Test("gather copies the rows of the ids in order")
    func gather() {
        let table = EmbeddingTable(vocabularySize: 4, dimension: 2, weights: [0, 1, 10, 11, 20, 21, 30, 31])
        let ids: [Int32] = [3, 0, 3]
        var out = [Float](repeating: -1, count: 6)
        ids.withUnsafeBufferPointer { ids in
            out.withUnsafeMutableBufferPointer { table.gather(ids: ids, into: $0.baseAddress!) }
        }
        #expect(out == [30, 31, 0, 1, 30, 31])
    }

    @Test("the accumulator sums repeated ids, and reset forgets everything")
    func accumulate() {
        let accumulator = SparseRowAccumulator(vocabularySize: 5, dimension: 2)
        let ids: [Int32] = [4, 1, 4]
        let rows: [Float] = [1, 2, 3, 4, 5, 6]
        ids.withUnsafeBufferPointer { ids in
            rows.withUnsafeBufferPointer { accumulator.add(ids: ids, rows: $0.baseAddress!, rowStride: 2) }
        }
        accumulator.add(SparseRowGradient(dimension: 2, rowIDs: [1, 2], rows: [10, 10, 1, 1]))
        #expect(accumulator.gradient.rowIDs == [4, 1, 2])
        #expect(accumulator.gradient.rows == [6, 8, 13, 14, 1, 1])
        #expect(accumulator.gradient.denseValues(vocabularySize: 5) == [0, 0, 13, 14, 1, 1, 0, 0, 6, 8])
        accumulator.reset()
        #expect(accumulator.gradient.isEmpty)
        accumulator.add(SparseRowGradient(dimension: 2, rowIDs: [4], rows: [1, 1]))
        #expect(accumulator.gradient.rowIDs == [4] && accumulator.gradient.rows == [1, 1])
    }

    @Test("SGD on rows moves only the rows of the gradient, by exactly lr·g")
    func rowSGD() {
        var table = EmbeddingTable(vocabularySize: 3, dimension: 2, weights: [1, 1, 1, 1, 1, 1])
        table.applySGD(SparseRowGradient(dimension: 2, rowIDs: [2], rows: [0.5, -0.25]), learningRate: 0.1)
        #expect(table.weights == [1, 1, 1, 1, 1 - 0.1 * 0.5, 1 - 0.1 * -0.25])
    }

    @Test(
        "deferred dense Adam on a table is bit for bit the eager whole-table walk",
        arguments: [1, 2])
    func deferredDenseAdamMatchesEagerWalk(threads: Int) {
        // 3,000 rows so the eager walk splits into two chunks; rows of 13 fill whole vectors of the replay
        // kernel (8 or 4 lanes) and leave a tail.
        let vocabulary = 3000
        let dimension = 13
        var generator = SplitMix64(seed: 5)
        let initial = (0..<vocabulary * dimension).map { _ in generator.nextStandardNormal() }
        var eagerTable = EmbeddingTable(vocabularySize: vocabulary, dimension: dimension, weights: initial)
        var deferredTable = eagerTable
        let eager = EmbeddingAdamState(
            vocabularySize: vocabulary, dimension: dimension, mode: .dense, defersUpdates: false)
        let deferred = EmbeddingAdamState(vocabularySize: vocabulary, dimension: dimension, mode: .dense)
        func rows(_ table: EmbeddingTable, _ ids: [Int32]) -> [UInt32] {
            ids.flatMap { table.row(Int($0)).map(\.bitPattern) }
        }
        /// Where the arrays first differ in any bit; nil when identical.
        func firstDifference(_ a: [Float], _ b: [Float]) -> Int? {
            a.count != b.count
                ? min(a.count, b.count) : a.indices.first { a[$0].bitPattern != b[$0].bitPattern }
        }
        for step in 1...150 {
            // Ids from a window that moves every 25 steps, plus a few from anywhere: most rows sit unused
            // for long stretches, then come back.
            let window = Int32(step / 25 * 40)
            var ids: [Int32] = []
            for _ in 0..<(1 + Int(generator.next() % 12)) {
                let id =
                    generator.next() % 4 == 0
                    ? Int32(generator.next() % UInt64(vocabulary)) : window + Int32(generator.next() % 60)
                if !ids.contains(id) { ids.append(id) }
            }
            // Some exactly zero gradient elements, as rows of padding or dropped tokens have.
            let values = (0..<ids.count * dimension).map { _ in
                generator.next() % 5 == 0 ? 0 : generator.nextUniform(-1, 1)
            }
            let gradient = SparseRowGradient(dimension: dimension, rowIDs: ids, rows: values)
            let adamStep = AdamStep(
                learningRate: step < 80 ? 0.01 : 0.003, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, step: step)
            let scale: Float = step % 3 == 0 ? 0.37 : 1
            eager.apply(gradient, to: &eagerTable, step: adamStep, gradientScale: scale, threads: threads)
            deferred.apply(
                gradient, to: &deferredTable, step: adamStep, gradientScale: scale, threads: threads)
            // The rows the step updated are current; the others lag.
            #expect(rows(deferredTable, ids) == rows(eagerTable, ids), "step \(step)")
            #expect(deferred.hasDeferredUpdates)
            if step % 17 == 0 {
                let probe = (0..<40).map { _ in Int32(generator.next() % UInt64(vocabulary)) }
                deferred.catchUp(rows: probe, in: &deferredTable, threads: threads)
                #expect(rows(deferredTable, probe) == rows(eagerTable, probe), "step \(step)")
            }
            if step % 60 == 0 {
                #expect(deferredTable != eagerTable)
                deferred.catchUpAll(in: &deferredTable, threads: threads)
                #expect(!deferred.hasDeferredUpdates)
                #expect(firstDifference(deferredTable.weights, eagerTable.weights) == nil)
            }
        }
        #expect(deferredTable != eagerTable)
        deferred.catchUpAll(in: &deferredTable, threads: threads)
        #expect(firstDifference(deferredTable.weights, eagerTable.weights) == nil)
        #expect(firstDifference(deferred.moments.first, eager.moments.first) == nil)
        #expect(firstDifference(deferred.moments.second, eager.moments.second) == nil)
        #expect(deferred.stepCount == 150)
    }
}
