import Embedding
import Foundation
import GRUClassifier
import Testing

/// The pieces of `sentiment explain` that know nothing of text: the gradient of the BiGRU's logit with
/// respect to its input vectors, integrated gradients over them, and the wide channel's exact shares.
@Suite("Attributions")
struct AttributionTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let cell: GRUCellVariant
        let layers: Int
        var hidden = 3
        var pooling = HeadPooling.final
        var testDescription: String {
            "\(cell.rawValue), \(layers) layer(s), hidden \(hidden), pooling \(pooling.rawValue)"
        }
    }

    static let cases: [Case] = [
        Case(cell: .resetAfter, layers: 1), Case(cell: .resetBefore, layers: 1),
        Case(cell: .resetAfter, layers: 2), Case(cell: .resetBefore, layers: 2, hidden: 9),
        Case(cell: .resetAfter, layers: 1, pooling: .finalMaxMean),
        Case(cell: .resetBefore, layers: 2, pooling: .finalMaxMean),
    ]

    /// Random input vectors of the given lengths (rows of `dimension`).
    static func inputs(lengths: [Int], dimension: Int, seed: UInt64) -> [[Float]] {
        var generator = SplitMix64(seed: seed)
        return lengths.map { length in (0..<length * dimension).map { _ in generator.nextUniform(-1, 1) } }
    }

    /// The double-precision reference reading `input` as its embedding table, so that its logit is a
    /// function of the input vectors.
    static func reference(_ model: BiGRUClassifier, reading input: [Float]) -> ReferenceBiGRU {
        var reference = ReferenceBiGRU(model)
        reference.parameters["embedding.weight"] = input.map(Double.init)
        return reference
    }

    static func referenceLogit(_ reference: ReferenceBiGRU, length: Int) -> Double {
        reference.parts([(0..<length).map { Int32($0) }])[0].deep
    }

    @Test(
        "the logit's gradient with respect to each input vector matches central differences", arguments: cases
    )
    func inputGradientsMatchFiniteDifferences(_ check: Case) throws {
        let configuration = TestModels.configuration(
            cell: check.cell, layers: check.layers, hidden: check.hidden, pooling: check.pooling)
        let model = try BiGRUClassifier(configuration: configuration, seed: 7, threadCount: 2)
        let lengths = [4, 1, 0, 5, 3]
        let inputs = Self.inputs(lengths: lengths, dimension: configuration.embeddingDim, seed: 5)
        let results = try model.deepLogitsAndInputGradients(for: inputs)
        #expect(results.count == inputs.count)
        for (sequence, (input, result)) in zip(inputs, results).enumerated() {
            var reference = Self.reference(model, reading: input)
            let length = lengths[sequence]
            let logit = Self.referenceLogit(reference, length: length)
            #expect(
                abs(Double(result.logit) - logit) < 1e-5, "sequence \(sequence): \(result.logit) vs \(logit)")
            #expect(result.inputGradient.count == input.count)
            let step = 1e-6
            for index in input.indices {
                let original = reference.parameters["embedding.weight"]![index]
                reference.parameters["embedding.weight"]![index] = original + step
                let plus = Self.referenceLogit(reference, length: length)
                reference.parameters["embedding.weight"]![index] = original - step
                let minus = Self.referenceLogit(reference, length: length)
                reference.parameters["embedding.weight"]![index] = original
                let numeric = (plus - minus) / (2 * step)
                let error = abs(Double(result.inputGradient[index]) - numeric) / (1e-3 + abs(numeric))
                #expect(
                    error < 1e-4,
                    "sequence \(sequence), value \(index): \(result.inputGradient[index]) vs \(numeric)")
            }
            if length > 0 { #expect(result.inputGradient.contains { abs($0) > 1e-4 }) }
        }
    }

    @Test("input vectors that are embedding rows give the logits the ids give")
    func inputVectorsAgreeWithIDs() throws {
        let configuration = TestModels.configuration(layers: 2)
        let model = try BiGRUClassifier(configuration: configuration, seed: 3, threadCount: 2)
        let batch = TestModels.batch(
            lengths: [3, 6, 1, 0], vocabulary: configuration.vocabularySize, seed: 2)
        let table = model.parameters.embedding.weights
        let dimension = configuration.embeddingDim
        let inputs = batch.map { ids in ids.flatMap { table[Int($0) * dimension..<(Int($0) + 1) * dimension] }
        }
        let fromVectors = try model.deepLogitsAndInputGradients(for: inputs).map(\.logit)
        #expect(TestModels.maxDifference(fromVectors, try model.logits(for: batch)) < 1e-6)
    }

    @Test(
        "integrated gradients are the midpoint sums of x · ∂f/∂x taken by central differences",
        arguments: cases)
    func integratedGradientsMatchFiniteDifferences(_ check: Case) throws {
        let configuration = TestModels.configuration(
            cell: check.cell, layers: check.layers, hidden: check.hidden)
        let model = try BiGRUClassifier(configuration: configuration, seed: 13, threadCount: 2)
        let ids = TestModels.batch(lengths: [5], vocabulary: configuration.vocabularySize, seed: 9)[0]
        let steps = 6
        let result = try IntegratedGradients(ids: ids, classifier: model, steps: steps)
        let dimension = configuration.embeddingDim
        let table = model.parameters.embedding.weights.map(Double.init)
        let input = ids.flatMap { table[Int($0) * dimension..<(Int($0) + 1) * dimension] }
        var expected = [Double](repeating: 0, count: ids.count)
        var reference = Self.reference(model, reading: input.map(Float.init))
        for k in 0..<steps {
            let alpha = (Double(k) + 0.5) / Double(steps)
            let point = input.map { $0 * alpha }
            for index in input.indices {
                let step = 1e-6
                reference.parameters["embedding.weight"] = point
                reference.parameters["embedding.weight"]![index] += step
                let plus = Self.referenceLogit(reference, length: ids.count)
                reference.parameters["embedding.weight"]![index] -= 2 * step
                let minus = Self.referenceLogit(reference, length: ids.count)
                expected[index / dimension] += input[index] * (plus - minus) / (2 * step) / Double(steps)
            }
        }
        for (actual, wanted) in zip(result.attributions, expected) {
            #expect(abs(Double(actual) - wanted) < 1e-5 + 1e-4 * abs(wanted), "\(actual) vs \(wanted)")
        }
        reference.parameters["embedding.weight"] = input
        #expect(abs(Double(result.logit) - Self.referenceLogit(reference, length: ids.count)) < 1e-5)
        reference.parameters["embedding.weight"] = input.map { _ in 0 }
        #expect(abs(Double(result.baselineLogit) - Self.referenceLogit(reference, length: ids.count)) < 1e-5)
    }

    @Test("completeness: the attributions add up to f(x) − f(0), the closer the more steps")
    func completeness() throws {
        // Embedding rows of unit size so that the network is well away from linear.
        let configuration = TestModels.configuration(layers: 2, vocabulary: 30, embedding: 8, hidden: 8)
        let model = try BiGRUClassifier(
            configuration: configuration, seed: 17, embeddingStandardDeviation: 1, threadCount: 2)
        for (index, ids) in TestModels.batch(
            lengths: [1, 7, 20, 40], vocabulary: configuration.vocabularySize, seed: 4
        ).enumerated() {
            let coarse = try IntegratedGradients(ids: ids, classifier: model, steps: 2)
            let fine = try IntegratedGradients(
                ids: ids, classifier: model, steps: IntegratedGradients.defaultSteps)
            let difference = abs(fine.logit - fine.baselineLogit)
            #expect(difference > 0.01, "sequence \(index): too flat to test")
            #expect(
                abs(fine.completenessError) < 0.01 * difference,
                "sequence \(index): \(fine.completenessError)")
            #expect(abs(fine.completenessError) <= abs(coarse.completenessError) + 1e-5)
            // The endpoints ran in other passes (batches of other sizes): equal up to rounding.
            #expect(
                abs(fine.logit - coarse.logit) < 1e-5 && abs(fine.baselineLogit - coarse.baselineLogit) < 1e-5
            )
        }
    }

    @Test("long sequences run in several passes with the same result")
    func manyPasses() throws {
        let configuration = TestModels.configuration(vocabulary: 30)
        let model = try BiGRUClassifier(configuration: configuration, seed: 2, threadCount: 1)
        let ids = TestModels.batch(lengths: [3000], vocabulary: 30, seed: 1)[0]
        // 8192 / 3000 = 2 sequences per pass: 6 passes for 10 steps and the two endpoints.
        let result = try IntegratedGradients(ids: ids, classifier: model, steps: 10)
        let (logit, _) = try model.deepLogitsAndInputGradients(
            for: [ids.flatMap { id in (0..<3).map { model.parameters.embedding.weights[Int(id) * 3 + $0] } }]
        )[0]
        #expect(result.logit == logit)
        #expect(abs(result.completenessError) < 1e-2 * max(abs(result.logit - result.baselineLogit), 1e-3))
    }

    @Test("token ids outside the vocabulary and ragged input vectors are errors")
    func badInputs() throws {
        let model = try BiGRUClassifier(configuration: TestModels.configuration(), seed: 1, threadCount: 1)
        #expect(throws: ClassifierError.tokenOutOfRange(sequence: 0, position: 1, id: 9, vocabularySize: 9)) {
            try IntegratedGradients(ids: [1, 9], classifier: model)
        }
        #expect(throws: ClassifierError.inputSizeMismatch(sequence: 1, values: 4, dimension: 3)) {
            try model.deepLogitsAndInputGradients(for: [[1, 2, 3], [1, 2, 3, 4]])
        }
        #expect(try model.deepLogitsAndInputGradients(for: []).isEmpty)
    }

    // MARK: The wide channel

    let wideConfiguration = ClassifierConfiguration(
        vocabularySize: 9, embeddingDim: 3, hidden: 3, ngramBuckets: 1 << 16)

    /// A model whose wide channel gives `weights` (bucket → weight × scale) and nothing else.
    func wideModel(_ weights: [Int32: Float]) throws -> BiGRUClassifier {
        var parameters = try BiGRUClassifier(configuration: wideConfiguration, seed: 1).parameterDictionary()
        var wide = [Float](repeating: 0, count: 1 << 16)
        var scale = [Float](repeating: 1, count: 1 << 16)
        for (bucket, weight) in weights {
            wide[Int(bucket)] = weight / 2
            scale[Int(bucket)] = 2
        }
        parameters["wide.weight"] = Tensor(shape: [1 << 16], values: wide)
        parameters["wide.scale"] = Tensor(shape: [1 << 16], values: scale)
        return try BiGRUClassifier(configuration: wideConfiguration, parameters: parameters, threadCount: 1)
    }

    func bucket(_ ngram: [Int32]) -> Int32 {
        ngram.count == 1
            ? NGramHashing.occurrences(of: ngram, buckets: 1 << 16).unigrams[0]
            : NGramHashing.occurrences(of: ngram, buckets: 1 << 16).bigrams[0]
    }

    @Test("a unigram's weight goes to its token, a bigram's half to each of its two")
    func wideSharesOfSingleNGrams() throws {
        let ids: [Int32] = [2, 3, 4, 5]
        let buckets = NGramHashing.buckets(of: ids, buckets: 1 << 16)
        #expect(buckets.count == 7, "a collision among the test's n-grams")
        let unigram = try wideModel([bucket([4]): 1.5])
        #expect(unigram.wideAttributions(of: ids) == [0, 0, 1.5, 0])
        let bigram = try wideModel([bucket([3, 4]): -1])
        #expect(bigram.wideAttributions(of: ids) == [0, -0.5, -0.5, 0])
    }

    @Test("an n-gram that occurs twice counts once, its weight split between the occurrences")
    func repeatedNGrams() throws {
        // "2 3" occurs twice; the channel counts its bucket once.
        let ids: [Int32] = [2, 3, 7, 2, 3]
        let model = try wideModel([bucket([2, 3]): 1, bucket([7]): 0.25])
        #expect(model.wideAttributions(of: ids) == [0.25, 0.25, 0.25, 0.25, 0.25])
        let logit = model.wideLogits([NGramHashing.buckets(of: ids, buckets: 1 << 16)])![0]
        #expect(logit == 1.25)
    }

    @Test("the shares add up to the wide logit; without the channel they are zero")
    func wideSharesAddUp() throws {
        var parameters = try BiGRUClassifier(configuration: wideConfiguration, seed: 4).parameterDictionary()
        var generator = SplitMix64(seed: 8)
        parameters["wide.weight"] = Tensor(
            shape: [1 << 16], values: (0..<(1 << 16)).map { _ in generator.nextUniform(-1, 1) })
        parameters["wide.scale"] = Tensor(
            shape: [1 << 16], values: (0..<(1 << 16)).map { _ in generator.nextUniform(-2, 2) })
        let model = try BiGRUClassifier(
            configuration: wideConfiguration, parameters: parameters, threadCount: 1)
        for ids in TestModels.batch(lengths: [1, 6, 30], vocabulary: 9, seed: 3) {
            let shares = model.wideAttributions(of: ids)
            let logit = model.wideLogits([NGramHashing.buckets(of: ids, buckets: 1 << 16)])![0]
            #expect(abs(shares.reduce(0, +) - logit) < 1e-4, "\(shares.reduce(0, +)) vs \(logit)")
        }
        let plain = try BiGRUClassifier(configuration: TestModels.configuration(), seed: 1)
        #expect(plain.wideAttributions(of: [1, 2, 3]) == [0, 0, 0])
        #expect(model.wideAttributions(of: []) == [])
    }
}
