import Embedding
import GRUClassifier
import Testing

/// Adversarial training on the embedding: the step's gradients are the clean ones plus those at the
/// embedding moved along its own gradient, and the model's parameters come out unchanged.
@Suite("Adversarial training")
struct AdversarialTrainingTests {
    let configuration = ClassifierConfiguration(
        vocabularySize: 9, embeddingDim: 3, hidden: 3, layers: 1, cell: .resetAfter, ngramBuckets: 16,
        pooling: .finalMaxMean)

    func model() throws -> BiGRUClassifier {
        var parameters = try BiGRUClassifier(configuration: configuration, seed: 11).parameterDictionary()
        var generator = SplitMix64(seed: 21)
        parameters["wide.weight"] = Tensor(
            shape: [16], values: (0..<16).map { _ in generator.nextUniform(-1, 1) })
        return try BiGRUClassifier(configuration: configuration, parameters: parameters, threadCount: 2)
    }

    @Test("gradients are those of L(E) + L(E + r), r = ε·g/rms(g) over the batch's rows")
    func gradientsAreCleanPlusPerturbed() throws {
        let batch = TestModels.batch(lengths: [4, 1, 5, 2], vocabulary: 9, seed: 3)
        let ngrams = batch.map { NGramHashing.buckets(of: $0, buckets: 16) }
        let labels = TestModels.labels(count: batch.count, seed: 4)
        let epsilon: Float = 0.3

        // Independently: the clean gradients, the perturbation built from them, the perturbed gradients.
        let plain = try model()
        let (cleanLoss, clean) = try plain.lossAndGradients(batch: batch, ngrams: ngrams, labels: labels)
        let cleanNamed = clean.namedGradients()
        let usedRows = clean.embedding.rowIDs
        #expect(usedRows.count > 1)
        let rms = (clean.embedding.squaredNorm() / Double(usedRows.count)).squareRoot()
        var perturbedParameters = plain.parameterDictionary()
        var embedding = perturbedParameters["embedding.weight"]!.values
        let embeddingGradient = cleanNamed[0].tensor.values
        for id in usedRows {
            for column in 0..<3 {
                let index = Int(id) * 3 + column
                embedding[index] += epsilon * embeddingGradient[index] / Float(rms)
            }
        }
        perturbedParameters["embedding.weight"] = Tensor(shape: [9, 3], values: embedding)
        let perturbed = try BiGRUClassifier(
            configuration: configuration, parameters: perturbedParameters, threadCount: 2)
        let perturbedNamed = try perturbed.lossAndGradients(batch: batch, ngrams: ngrams, labels: labels)
            .gradients.namedGradients()
        #expect(
            try perturbed.loss(batch: batch, ngrams: ngrams, labels: labels) > cleanLoss,
            "a step along the gradient raises the loss")

        let adversarial = try model()
        let before = adversarial.parameterDictionary()
        let loss = try adversarial.adversarialTrainingLossAndGradients(
            batch: batch, ngrams: ngrams, labels: labels, epsilon: epsilon)
        #expect(abs(loss - cleanLoss) < 1e-6, "the clean loss is reported")
        #expect(adversarial.parameterDictionary() == before, "the embedding is restored exactly")
        let combined = adversarial.gradients.namedGradients()
        #expect(combined.map(\.name) == cleanNamed.map(\.name))
        for ((name, total), (cleanTensor, perturbedTensor)) in zip(
            combined, zip(cleanNamed.map(\.tensor), perturbedNamed.map(\.tensor)))
        {
            let worst =
                zip(total.values, zip(cleanTensor.values, perturbedTensor.values))
                .map { abs($0 - ($1.0 + $1.1)) }.max() ?? 0
            #expect(worst < 1e-5, "\(name): worst difference \(worst)")
        }
    }

    @Test("ε = 0 is the plain training step")
    func zeroEpsilonIsPlain() throws {
        let batch = TestModels.batch(lengths: [3, 2], vocabulary: 9, seed: 5)
        let ngrams = batch.map { NGramHashing.buckets(of: $0, buckets: 16) }
        let labels = TestModels.labels(count: batch.count, seed: 6)
        let plain = try model()
        _ = try plain.trainingLossAndGradients(batch: batch, ngrams: ngrams, labels: labels)
        let adversarial = try model()
        _ = try adversarial.adversarialTrainingLossAndGradients(
            batch: batch, ngrams: ngrams, labels: labels, epsilon: 0)
        #expect(
            adversarial.gradients.namedGradients().map(\.tensor)
                == plain.gradients.namedGradients().map(\.tensor))
    }
}
