import GRUClassifier
import Testing

@Suite("A learning-rate factor for the embedding")
struct EmbeddingLearningRateTests {
    let configuration = TestModels.configuration(cell: .resetAfter, layers: 1, vocabulary: 12)
    let batches: [[[Int32]]] = [[[1, 2, 3], [4, 1]], [[5, 6], [7, 2]], [[1, 8, 9, 10], [11]]]
    let labels: [Float] = [1, 0]

    /// `steps` steps on a fresh copy of the seed-4 model; returns the embedding and the other parameters.
    func train(with optimizer: some ClassifierOptimizer, steps: Int = 3) throws -> (
        embedding: [Float], dense: [[Float]]
    ) {
        let model = try BiGRUClassifier(configuration: configuration, seed: 4, threadCount: 1)
        let trainer = ClassifierTrainer(classifier: model, options: TrainingOptions(), optimizer: optimizer)
        for batch in batches.prefix(steps) {
            try trainer.step(batch: batch, labels: labels)
        }
        trainer.synchronize()
        let parameters = model.namedParameters()
        return (parameters[0].tensor.values, parameters.dropFirst().map(\.tensor.values))
    }

    @Test("a step of Adam with factor s moves the embedding as Adam at s·lr and the rest as Adam at lr")
    func adamScale() throws {
        // One step: after it the models differ, and so would every later gradient.
        let scaled = AdamOptimizer(learningRate: 0.01, clipNorm: 1)
        scaled.embeddingLearningRateScale = 0.25
        let (scaledEmbedding, scaledDense) = try train(with: scaled, steps: 1)
        let (slowEmbedding, _) = try train(
            with: AdamOptimizer(learningRate: 0.01 * 0.25, clipNorm: 1), steps: 1)
        let (plainEmbedding, plainDense) = try train(
            with: AdamOptimizer(learningRate: 0.01, clipNorm: 1), steps: 1)
        #expect(scaledEmbedding.map(\.bitPattern) == slowEmbedding.map(\.bitPattern))
        #expect(scaledDense.map { $0.map(\.bitPattern) } == plainDense.map { $0.map(\.bitPattern) })
        #expect(scaledEmbedding != plainEmbedding)
    }

    @Test("factor 0 freezes the embedding under Adam and SGD while the rest trains")
    func frozen() throws {
        let initial = try BiGRUClassifier(configuration: configuration, seed: 4, threadCount: 1)
            .namedParameters()
        let adam = AdamOptimizer(learningRate: 0.01)
        adam.embeddingLearningRateScale = 0
        let sgd = SGDOptimizer(learningRate: 0.1)
        sgd.embeddingLearningRateScale = 0
        for optimizer in [adam, sgd] as [any ClassifierOptimizer] {
            let (embedding, dense) = try train(with: optimizer)
            #expect(embedding == initial[0].tensor.values)
            #expect(dense != initial.dropFirst().map(\.tensor.values))
        }
    }

    @Test("a step of SGD with factor s moves the embedding by s·lr·g and the rest by lr·g")
    func sgdScale() throws {
        let scaled = SGDOptimizer(learningRate: 0.1)
        scaled.embeddingLearningRateScale = 0.5
        let (_, scaledDense) = try train(with: scaled, steps: 1)
        let (_, plainDense) = try train(with: SGDOptimizer(learningRate: 0.1), steps: 1)
        #expect(scaledDense.map { $0.map(\.bitPattern) } == plainDense.map { $0.map(\.bitPattern) })
        let model = try BiGRUClassifier(configuration: configuration, seed: 4, threadCount: 1)
        let before = model.namedParameters()[0].tensor.values
        let gradient = try model.lossAndGradients(batch: batches[0], labels: labels).gradients
            .namedGradients()[0]
            .tensor.values
        try TestModels.trainStep(model, scaled, batch: batches[0], labels: labels)
        let after = model.namedParameters()[0].tensor.values
        for index in before.indices {
            #expect(abs((before[index] - after[index]) - 0.05 * gradient[index]) < 1e-6)
        }
    }
}
