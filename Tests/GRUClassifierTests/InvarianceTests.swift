import Foundation
import GRUClassifier
import Testing

@Suite("Batch composition, padding and threads")
struct InvarianceTests {
    @Test(
        "a sequence's result does not depend on the other sequences in its batch",
        arguments: GRUCellVariant.allCases)
    func batchCompositionInvariance(cell: GRUCellVariant) throws {
        let configuration = TestModels.configuration(cell: cell, layers: 2)
        let model = try BiGRUClassifier(configuration: configuration, seed: 21, threadCount: 1)
        let target: [Int32] = [4, 1, 7, 7, 2]
        let alone = try model.logits(for: [target])[0]
        let others = TestModels.batch(
            lengths: [9, 1, 0, 5, 3], vocabulary: configuration.vocabularySize, seed: 2)
        // Longer and shorter neighbours, an empty one, and the target at different places.
        for position in [0, 2, 5] {
            var batch = others
            batch.insert(target, at: position)
            let logits = try model.logits(for: batch)
            // Bitwise: every product computes a row the same whatever the other rows (the kernels' promise).
            #expect(
                logits[position].bitPattern == alone.bitPattern,
                "target at \(position): \(logits[position]) vs \(alone)")
        }
        // Trailing zeros are tokens (id 0), not padding: the caller passes each sequence at its length.
        let padded = try model.logits(for: [target + [0, 0]])[0]
        #expect(abs(padded - alone) > 1e-6)
    }

    @Test("gradients of a batch do not depend on the order of its sequences")
    func orderInvariance() throws {
        let configuration = TestModels.configuration(cell: .resetAfter, layers: 2)
        let model = try BiGRUClassifier(configuration: configuration, seed: 4, threadCount: 1)
        let batch = TestModels.batch(
            lengths: [2, 6, 1, 4], vocabulary: configuration.vocabularySize, seed: 6)
        let labels: [Float] = [1, 0, 0, 1]
        let (loss, gradients) = try model.lossAndGradients(batch: batch, labels: labels)
        let (permutedLoss, permutedGradients) = try model.lossAndGradients(
            batch: batch.reversed(), labels: labels.reversed())
        #expect(abs(loss - permutedLoss) < 1e-6)
        for ((name, a), (_, b)) in zip(gradients.namedGradients(), permutedGradients.namedGradients()) {
            #expect(TestModels.maxDifference(a.values, b.values) < 1e-6, "\(name)")
        }
    }

    @Test(
        "results agree across thread counts",
        arguments: [(GRUCellVariant.resetAfter, 0 as Float), (.resetBefore, 0.25)])
    func threadCountInvariance(cell: GRUCellVariant, dropout: Float) throws {
        // The embedding masks are drawn per token id, so they too must not depend on the shards.
        let configuration = TestModels.configuration(
            cell: cell, layers: 2, dropout: dropout, embeddingDropout: dropout)
        let batch = TestModels.batch(
            lengths: [5, 1, 3, 0, 7, 2, 2], vocabulary: configuration.vocabularySize, seed: 9)
        let labels = TestModels.labels(count: batch.count, seed: 10)
        let single = try BiGRUClassifier(configuration: configuration, seed: 3, threadCount: 1)
        let (loss, gradients) = try single.lossAndGradients(batch: batch, labels: labels, dropoutSeed: 77)
        let logits = try single.logits(for: batch)
        for threads in [2, 3, 16] {
            let model = try BiGRUClassifier(configuration: configuration, seed: 3, threadCount: threads)
            let (otherLoss, otherGradients) = try model.lossAndGradients(
                batch: batch, labels: labels, dropoutSeed: 77)
            #expect(abs(loss - otherLoss) < 1e-6, "\(threads) threads")
            // Inference is bitwise the same (each sequence's rows are computed the same in any shard);
            // gradients are sums over the shards, so they agree to rounding only.
            #expect(try model.logits(for: batch).map(\.bitPattern) == logits.map(\.bitPattern))
            for ((name, a), (_, b)) in zip(gradients.namedGradients(), otherGradients.namedGradients()) {
                #expect(
                    TestModels.maxDifference(a.values, b.values) < 1e-6, "\(name) with \(threads) threads")
            }
        }
    }

    @Test("empty sequences have zero final states and the bias as logit; they never trap")
    func emptySequences() throws {
        let configuration = TestModels.configuration(layers: 2)
        let model = try BiGRUClassifier(configuration: configuration, seed: 1, threadCount: 2)
        let bias = TestModels.parameter(model, "out.bias")[0]
        let logits = try model.logits(for: [[], [3, 1], []])
        #expect(logits[0] == bias && logits[2] == bias)
        #expect(logits[1] != bias)
        let states = try model.finalStates(for: [[]])
        #expect(states.forward[0] == [Float](repeating: 0, count: 3))
        #expect(states.backward[0] == [Float](repeating: 0, count: 3))
        // All-empty batch: only the output bias gets a gradient, σ(b) − y averaged.
        let (_, gradients) = try model.lossAndGradients(batch: [[], []], labels: [1, 0])
        let named = Dictionary(
            uniqueKeysWithValues: gradients.namedGradients().map { ($0.name, $0.tensor.values) })
        let sigmoid = 1 / (1 + exp(-bias))
        #expect(abs(named["out.bias"]![0] - (sigmoid - 0.5)) < 1e-6)
        for (name, values) in named where name != "out.bias" {
            #expect(values.allSatisfy { $0 == 0 }, "\(name)")
        }
        #expect(try model.logits(for: []).isEmpty)
    }

    @Test("dropout is seeded: same seed same result, other seed other result, none without a seed")
    func dropoutIsSeeded() throws {
        let configuration = TestModels.configuration(layers: 2, dropout: 0.5)
        let model = try BiGRUClassifier(configuration: configuration, seed: 2, threadCount: 1)
        let batch = TestModels.batch(lengths: [4, 3], vocabulary: configuration.vocabularySize, seed: 1)
        let labels: [Float] = [1, 0]
        let first = try model.lossAndGradients(batch: batch, labels: labels, dropoutSeed: 5).loss
        let again = try model.lossAndGradients(batch: batch, labels: labels, dropoutSeed: 5).loss
        let other = try model.lossAndGradients(batch: batch, labels: labels, dropoutSeed: 6).loss
        let none = try model.lossAndGradients(batch: batch, labels: labels).loss
        #expect(first == again)
        #expect(first != other)
        #expect(abs(none - (try model.loss(batch: batch, labels: labels))) < 1e-7)
        #expect(none != first)
    }

    @Test("bad input throws a descriptive error instead of trapping")
    func invalidInput() throws {
        let model = try BiGRUClassifier(configuration: TestModels.configuration(), seed: 1)
        #expect(throws: ClassifierError.tokenOutOfRange(sequence: 1, position: 2, id: 9, vocabularySize: 9)) {
            try model.logits(for: [[1], [2, 3, 9]])
        }
        #expect(throws: ClassifierError.tokenOutOfRange(sequence: 0, position: 0, id: -1, vocabularySize: 9))
        {
            try model.probabilities(for: [[-1]])
        }
        #expect(throws: ClassifierError.labelCountMismatch(sequences: 2, labels: 1)) {
            try model.lossAndGradients(batch: [[1], [2]], labels: [1])
        }
        #expect(throws: ClassifierError.emptyBatch) { try model.lossAndGradients(batch: [], labels: []) }
        #expect(throws: ClassifierError.self) { try model.loss(batch: [[1]], labels: [.nan]) }
    }
}
