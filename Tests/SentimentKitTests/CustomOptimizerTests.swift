import Embedding
import GRUClassifier
import Testing

/// An update rule written outside GRUClassifier, with its public API only: the optimiser is handed the
/// parameters and the gradients, and the trainer drives it.
private final class SignDescent: ClassifierOptimizer {
    var learningRate: Float
    init(learningRate: Float) { self.learningRate = learningRate }

    func update(_ parameters: inout ClassifierParameters, with gradients: ClassifierGradients) {
        let step = learningRate
        for index in parameters.dense.indices where gradients.dense[index] != 0 {
            parameters.dense[index] -= gradients.dense[index] > 0 ? step : -step
        }
        let dimension = parameters.embedding.dimension
        for (slot, id) in gradients.embedding.rowIDs.enumerated() {
            for column in 0..<dimension {
                let gradient = gradients.embedding.rows[slot * dimension + column]
                if gradient != 0 {
                    parameters.embedding.weights[Int(id) * dimension + column] -= gradient > 0 ? step : -step
                }
            }
        }
    }
}

@Suite struct CustomOptimizerTests {
    @Test func anOptimizerFromAnotherModuleTrainsTheNetwork() throws {
        let configuration = ClassifierConfiguration(vocabularySize: 6, embeddingDim: 4, hidden: 4)
        let model = try BiGRUClassifier(configuration: configuration, seed: 1, threadCount: 1)
        let batch: [[Int32]] = [[2, 3], [4, 5, 2], [1], [3, 3]]
        let labels: [Float] = [1, 0, 1, 0]
        let before = model.parameterDictionary()
        let gradients = try model.lossAndGradients(batch: batch, labels: labels).gradients.namedGradients()
        let initialLoss = try model.loss(batch: batch, labels: labels)
        let trainer = ClassifierTrainer(
            classifier: model, options: TrainingOptions(), optimizer: SignDescent(learningRate: 0.01))
        try trainer.step(batch: batch, labels: labels)
        // Each element moved by exactly −0.01·sign(its gradient).
        for (name, gradient) in gradients {
            let moved = zip(before[name]!.values, model.parameterDictionary()[name]!.values).map { $1 - $0 }
            for (delta, g) in zip(moved, gradient.values) {
                let expected: Float = g > 0 ? -0.01 : g < 0 ? 0.01 : 0
                #expect(abs(delta - expected) < 1e-6, "\(name)")
            }
        }
        for _ in 0..<30 { try trainer.step(batch: batch, labels: labels) }
        #expect(try model.loss(batch: batch, labels: labels) < initialLoss)
    }
}
