import Embedding
import Foundation
import GRUClassifier
import Testing

/// The wide channel: hashed n-gram buckets whose weights, scaled by their naive-Bayes ratio, add to the
/// logit, trained jointly with the BiGRU.
@Suite("Wide channel")
struct WideChannelTests {
    let configuration = ClassifierConfiguration(
        vocabularySize: 9, embeddingDim: 3, hidden: 3, layers: 1, cell: .resetAfter, ngramBuckets: 16)

    /// A seed-11 model whose wide weights and scales are random, so every term is exercised.
    func model(threads: Int = 2) throws -> BiGRUClassifier {
        var parameters = try BiGRUClassifier(configuration: configuration, seed: 11).parameterDictionary()
        var generator = SplitMix64(seed: 21)
        parameters["wide.weight"] = Tensor(
            shape: [16], values: (0..<16).map { _ in generator.nextUniform(-1, 1) })
        parameters["wide.scale"] = Tensor(
            shape: [16], values: (0..<16).map { _ in generator.nextUniform(-2, 2) })
        return try BiGRUClassifier(configuration: configuration, parameters: parameters, threadCount: threads)
    }

    @Test(
        "every gradient, the wide weights' included, matches central differences (λ: the parts' own losses)",
        arguments: [0, 0.7] as [Float])
    func gradients(branchLossWeight: Float) throws {
        let model = try model()
        let batch = TestModels.batch(
            lengths: [4, 1, 5, 2, 4], vocabulary: configuration.vocabularySize, seed: 3)
        let ngrams = batch.map { NGramHashing.buckets(of: $0, buckets: 16) }
        let labels = TestModels.labels(count: batch.count, seed: 4)
        let (loss, gradients) = try model.lossAndGradients(
            batch: batch, ngrams: ngrams, labels: labels, branchLossWeight: branchLossWeight)
        var reference = ReferenceBiGRU(model)
        reference.ngrams = ngrams
        // The loss reported is the joint one; the gradients are those of the joint plus the parts' losses.
        #expect(abs(Double(loss) - reference.loss(batch, labels: labels)) < 1e-5)
        reference.branchLossWeight = Double(branchLossWeight)
        let named = gradients.namedGradients()
        #expect(named.map(\.name).last == "wide.weight")
        for (name, tensor) in named {
            let numeric = reference.numericGradient(name, batch: batch, labels: labels)
            let worst = zip(tensor.values, numeric).map { abs(Double($0) - $1) / (1e-3 + abs($1)) }.max() ?? 0
            #expect(worst < 1e-4, "\(name): worst relative error \(worst)")
            #expect(numeric.contains { abs($0) > 1e-4 }, "\(name) has no noticeable gradient")
        }
    }

    @Test("the wide logit is the sum of weight × scale over the buckets, on top of the BiGRU's")
    func logits() throws {
        let model = try model(threads: 1)
        let batch: [[Int32]] = [[2, 3, 4], [5], []]
        let ngrams: [[Int32]] = [[0, 7, 15], [], [3]]
        var pure = model.parameterDictionary()
        pure["wide.weight"] = Tensor(zeros: [16])
        let deep = try BiGRUClassifier(configuration: configuration, parameters: pure, threadCount: 1)
            .logits(for: batch, ngrams: ngrams)
        let logits = try model.logits(for: batch, ngrams: ngrams)
        let weight = model.parameters.wide!.weights
        let scale = model.parameters.wideScale
        for index in batch.indices {
            let wide = ngrams[index].reduce(Float(0)) { $0 + weight[Int($1)] * scale[Int($1)] }
            #expect(abs(logits[index] - (deep[index] + wide)) < 1e-6)
        }
        #expect(throws: ClassifierError.missingNGrams) { try model.logits(for: batch) }
        #expect(throws: ClassifierError.self) { try model.logits(for: batch, ngrams: [[16], [], []]) }
        #expect(throws: ClassifierError.self) { try model.logits(for: batch, ngrams: [[1]]) }
    }

    @Test("Adam moves only the buckets a batch holds, and the scale never")
    func lazyUpdates() throws {
        let model = try model(threads: 1)
        let before = model.parameters
        let optimizer = AdamOptimizer(learningRate: 0.01)
        optimizer.wideLearningRateScale = 5
        let trainer = ClassifierTrainer(classifier: model, options: TrainingOptions(), optimizer: optimizer)
        let ngrams: [[Int32]] = [[1, 4], [4, 9]]
        try trainer.step(batch: [[2, 3], [4]], ngrams: ngrams, labels: [1, 0])
        let after = model.parameters
        for bucket in 0..<16 {
            let moved = after.wide!.weights[bucket] != before.wide!.weights[bucket]
            #expect(moved == [1, 4, 9].contains(bucket), "bucket \(bucket)")
        }
        // A first Adam step moves each bucket by the learning rate, 5 × 0.01 here.
        #expect(abs(abs(after.wide!.weights[1] - before.wide!.weights[1]) - 0.05) < 1e-4)
        #expect(after.wideScale == before.wideScale)
    }

    @Test("buckets are the distinct, sorted hashes of the unigrams and bigrams, in range")
    func hashing() {
        let ids: [Int32] = [5, 7, 5, 7, 1]
        let buckets = NGramHashing.buckets(of: ids, buckets: 1 << 20)
        #expect(buckets == buckets.sorted() && Set(buckets).count == buckets.count)
        // 3 distinct unigrams and 3 distinct bigrams (5 7, 7 5, 7 1) at most.
        #expect(buckets.count <= 6 && buckets.count >= 5)
        #expect(buckets.allSatisfy { $0 >= 0 && $0 < 1 << 20 })
        // A bigram's order matters, and the empty document has no buckets.
        #expect(
            NGramHashing.buckets(of: [5, 7], buckets: 1 << 20)
                != NGramHashing.buckets(of: [7, 5], buckets: 1 << 20))
        #expect(NGramHashing.buckets(of: [], buckets: 8).isEmpty)
        #expect(NGramHashing.buckets(of: Array(0..<1000), buckets: 8).count == 8)
    }

    @Test("the naive-Bayes ratio follows its definition")
    func naiveBayes() {
        // Bucket 0 in both positives, bucket 1 in the negative, bucket 2 nowhere; α = 1.
        // p = [1+2, 1+0, 1] (sum 5), q = [1+0, 1+1, 1] (sum 4).
        let ratios = NaiveBayesScaling.logCountRatios(
            ngrams: [[0], [0], [1]], labels: [1, 1, 0], buckets: 3)
        let expected = [log((3.0 / 5) / (1.0 / 4)), log((1.0 / 5) / (2.0 / 4)), log((1.0 / 5) / (1.0 / 4))]
        for (got, wanted) in zip(ratios, expected) { #expect(abs(Double(got) - wanted) < 1e-6) }
    }
}
