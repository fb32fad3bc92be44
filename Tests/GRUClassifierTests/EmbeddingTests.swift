import Embedding
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
}
