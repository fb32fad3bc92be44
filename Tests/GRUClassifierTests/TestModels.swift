import Embedding
import GRUClassifier

/// Small random models and batches for tests (debug builds are slow: keep them tiny).
enum TestModels {
    static func configuration(
        cell: GRUCellVariant = .resetAfter, layers: Int = 1, dropout: Float = 0, vocabulary: Int = 9,
        embedding: Int = 3, hidden: Int = 3, embeddingDropout: Float = 0, pooling: HeadPooling = .final
    ) -> ClassifierConfiguration {
        ClassifierConfiguration(
            vocabularySize: vocabulary, embeddingDim: embedding, hidden: hidden, layers: layers, cell: cell,
            dropout: dropout, embeddingDropout: embeddingDropout, pooling: pooling)
    }

    /// A batch with the given lengths and ids drawn from `seed`; ids repeat so embedding rows collect
    /// gradients from several tokens.
    static func batch(lengths: [Int], vocabulary: Int, seed: UInt64) -> [[Int32]] {
        var generator = SplitMix64(seed: seed)
        return lengths.map { length in
            (0..<length).map { _ in Int32(generator.next() % UInt64(vocabulary)) }
        }
    }

    static func labels(count: Int, seed: UInt64) -> [Float] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in Float(generator.next() % 2) }
    }

    /// Values of `name` among `model.namedParameters()`.
    /// One training step as the trainer takes it; with `synchronizing` the optimiser then brings every
    /// deferred update up to date, so the model's parameters can be read.
    @discardableResult
    static func trainStep(
        _ model: BiGRUClassifier, _ optimizer: any ClassifierOptimizer, batch: [[Int32]], labels: [Float],
        synchronizing: Bool = true
    ) throws -> Float {
        let trainer = ClassifierTrainer(classifier: model, options: TrainingOptions(), optimizer: optimizer)
        let loss = try trainer.step(batch: batch, labels: labels)
        if synchronizing { trainer.synchronize() }
        return loss
    }

    static func parameter(_ model: BiGRUClassifier, _ name: String) -> [Float] {
        model.namedParameters().first { $0.name == name }!.tensor.values
    }

    /// Largest absolute element-wise difference.
    static func maxDifference(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count)
        return zip(a, b).map { abs($0 - $1) }.max() ?? 0
    }
}
