import Embedding
import Testing

@testable import GRUClassifier

/// Marked token ids (`vocabularySize + id`): the first layer reads their row through the negation
/// transform; everything else about the network is unchanged.
@Suite("Negation transform")
struct NegationTransformTests {
    static let vocabulary = 9

    /// A seed-11 model whose negation parameters (and wide channel, if any) are random rather than the
    /// identity they start as, so every term of the gradient is exercised.
    static func model(
        _ transform: NegationTransform, embeddingDropout: Float = 0, ngramBuckets: Int = 0, layers: Int = 1,
        threads: Int = 2
    ) throws -> BiGRUClassifier {
        let configuration = ClassifierConfiguration(
            vocabularySize: vocabulary, embeddingDim: 3, hidden: 3, layers: layers,
            embeddingDropout: embeddingDropout, ngramBuckets: ngramBuckets, negationTransform: transform)
        var parameters = try BiGRUClassifier(configuration: configuration, seed: 11).parameterDictionary()
        var generator = SplitMix64(seed: 23)
        for name in parameters.keys.sorted() where name.hasPrefix("negation.") || name.hasPrefix("wide.") {
            let shape = parameters[name]!.shape
            parameters[name] = Tensor(
                shape: shape, values: (0..<shape.reduce(1, *)).map { _ in generator.nextUniform(-1.5, 1.5) })
        }
        return try BiGRUClassifier(configuration: configuration, parameters: parameters, threadCount: threads)
    }

    /// Ragged sequences in which some tokens are marked, token 2 both plain and marked, and one sequence
    /// holds marked tokens only.
    static let batch: [[Int32]] = [[1, 2, 11, 13, 4], [12], [3, 2, 2, 16, 17], [9 + 5, 5], [6, 11, 7, 1]]

    struct Case: CustomTestStringConvertible, Sendable {
        let transform: NegationTransform
        var embeddingDropout: Float = 0
        var ngramBuckets = 0
        var layers = 1
        var testDescription: String {
            "\(transform.rawValue), embedding dropout \(embeddingDropout), \(ngramBuckets) buckets, \(layers) layer(s)"
        }
    }

    static let cases: [Case] = [
        Case(transform: .affine), Case(transform: .diagonal), Case(transform: .identity),
        Case(transform: .affine, embeddingDropout: 0.4, layers: 2),
        Case(transform: .diagonal, ngramBuckets: 16),
        Case(transform: .affine, embeddingDropout: 0.4, ngramBuckets: 16),
    ]

    @Test("every gradient, the transform's included, matches central differences", arguments: cases)
    func gradients(_ check: Case) throws {
        let model = try Self.model(
            check.transform, embeddingDropout: check.embeddingDropout, ngramBuckets: check.ngramBuckets,
            layers: check.layers)
        let batch = Self.batch
        let ngrams = check.ngramBuckets > 0 ? batch.map { NGramHashing.buckets(of: $0, buckets: 16) } : nil
        let labels = TestModels.labels(count: batch.count, seed: 4)
        let dropoutSeed: UInt64? = check.embeddingDropout > 0 ? 99 : nil
        // The branch losses exist only beside a wide channel.
        let branchLossWeight: Float = check.ngramBuckets > 0 ? 0.5 : 0
        let (loss, gradients) = try model.lossAndGradients(
            batch: batch, ngrams: ngrams, labels: labels, dropoutSeed: dropoutSeed,
            branchLossWeight: branchLossWeight)
        var reference = ReferenceBiGRU(model)
        reference.dropoutSeed = dropoutSeed
        reference.ngrams = ngrams
        #expect(abs(Double(loss) - reference.loss(batch, labels: labels)) < 1e-5)
        reference.branchLossWeight = Double(branchLossWeight)
        let named = gradients.namedGradients()
        let transformNames = named.map(\.name).filter { $0.hasPrefix("negation.") }
        #expect(transformNames.count == (check.transform == .identity ? 0 : 2))
        for (name, tensor) in named {
            let numeric = reference.numericGradient(name, batch: batch, labels: labels)
            let worst = zip(tensor.values, numeric).map { abs(Double($0) - $1) / (1e-3 + abs($1)) }.max() ?? 0
            #expect(worst < 1e-4, "\(name): worst relative error \(worst)")
            #expect(numeric.contains { abs($0) > 1e-4 }, "\(name) has no noticeable gradient")
        }
    }

    @Test("a marked token's embedding gradient reaches its plain row, merged with the plain reads'")
    func markedRowsShareTheirRow() throws {
        let model = try Self.model(.affine)
        let (_, gradients) = try model.lossAndGradients(
            batch: Self.batch, labels: TestModels.labels(count: Self.batch.count, seed: 4))
        let rows = gradients.embedding.rowIDs
        #expect(rows.allSatisfy { $0 < Self.vocabulary })
        #expect(Set(rows).count == rows.count)
        // Token 8 (17 marked) is read marked only.
        #expect(rows.contains(8))
    }

    @Test("the logits match the double-precision reference on any thread count", arguments: [1, 2, 3])
    func logits(threads: Int) throws {
        for transform in NegationTransform.allCases {
            let model = try Self.model(transform, threads: threads)
            let expected = ReferenceBiGRU(model).logits(Self.batch)
            for (actual, wanted) in zip(try model.logits(for: Self.batch), expected) {
                #expect(abs(Double(actual) - wanted) < 1e-5, "\(transform)")
            }
        }
    }

    @Test("a new model's transform is the identity: a marked token reads its plain row")
    func startsAsIdentity() throws {
        for transform in NegationTransform.allCases {
            let configuration = ClassifierConfiguration(
                vocabularySize: 9, embeddingDim: 3, hidden: 3, negationTransform: transform)
            let model = try BiGRUClassifier(configuration: configuration, seed: 3, threadCount: 1)
            let plain: [[Int32]] = [[1, 2, 3], [4]]
            let marked: [[Int32]] = [[1, 11, 12], [13]]
            #expect(try model.logits(for: plain) == model.logits(for: marked))
            #expect(try model.inputVectors(for: [12]) == model.inputVectors(for: [3]))
        }
    }

    @Test("the input vectors are the transformed rows the network reads")
    func inputVectors() throws {
        let model = try Self.model(.affine)
        let reference = ReferenceBiGRU(model)
        let ids: [Int32] = [2, 11, 17, 0]
        let vectors = try model.inputVectors(for: ids)
        for (position, id) in ids.enumerated() {
            let expected = reference.inputVector(id)
            for column in 0..<3 {
                #expect(abs(Double(vectors[position * 3 + column]) - expected[column]) < 1e-6)
            }
        }
        #expect(throws: ClassifierError.self) { try model.inputVectors(for: [18]) }
    }

    @Test("a network without a transform refuses marked ids; one with it, ids past twice the vocabulary")
    func markedIDsNeedTheTransform() throws {
        let plain = try BiGRUClassifier(
            configuration: ClassifierConfiguration(vocabularySize: 9, embeddingDim: 3, hidden: 3), seed: 1)
        #expect(throws: ClassifierError.tokenOutOfRange(sequence: 0, position: 1, id: 9, vocabularySize: 9)) {
            try plain.logits(for: [[1, 9]])
        }
        let negating = try Self.model(.diagonal)
        #expect(throws: ClassifierError.tokenOutOfRange(sequence: 0, position: 0, id: 18, vocabularySize: 18)) {
            try negating.logits(for: [[18]])
        }
        #expect(negating.configuration.tokenIDLimit == 18)
    }

    @Test("the transform's tensors follow every other one; none without a transform")
    func parameterNames() throws {
        let names = try Self.model(.affine).namedParameters().map(\.name)
        #expect(Array(names.suffix(2)) == ["negation.weight", "negation.bias"])
        let shapes = BiGRUClassifier.parameterShapes(
            for: ClassifierConfiguration(vocabularySize: 9, embeddingDim: 3, hidden: 3, negationTransform: .diagonal))
        #expect(shapes.suffix(2).map(\.name) == ["negation.scale", "negation.shift"])
        #expect(shapes.suffix(2).map(\.shape) == [[3], [3]])
        let plain = BiGRUClassifier.parameterShapes(
            for: ClassifierConfiguration(vocabularySize: 9, embeddingDim: 3, hidden: 3))
        #expect(!plain.contains { $0.name.hasPrefix("negation.") })
        #expect(try Self.model(.identity).namedParameters().map(\.name) == plain.map(\.name))
    }

    @Test("Adam with deferred embedding updates trains on marked tokens: their plain rows move")
    func trainingStepMovesPlainRows() throws {
        let model = try Self.model(.affine)
        let before = model.parameters
        let optimizer = AdamOptimizer(learningRate: 0.01)
        // Two steps: the second reads rows the first left deferred.
        try TestModels.trainStep(model, optimizer, batch: [[1, 12]], labels: [1], synchronizing: false)
        try TestModels.trainStep(model, optimizer, batch: [[17, 13]], labels: [0])
        let weights = model.parameters.embedding.weights
        for row in [3, 8, 4] {
            #expect(weights[row * 3..<row * 3 + 3] != before.embedding.weights[row * 3..<row * 3 + 3])
        }
        #expect(model.parameters.dense != before.dense)
    }

    /// The affine map works eight rows at a time, yet each row sums its products in column order as a
    /// row-by-row loop does: the same bits at widths below, at and past a multiple of eight.
    @Test(arguments: [1, 7, 8, 13, 16, 128])
    func affineMapGivesARowByRowSumsBits(width: Int) {
        var generator = SplitMix64(seed: UInt64(width))
        let dense = (0..<(width * width + width)).map { _ in generator.nextUniform(-1.5, 1.5) }
        let input = (0..<width).map { _ in generator.nextUniform(-2, 2) }
        let slots = NegationTransformSlots(transform: .affine, dimension: width, map: 0, offset: width * width)
        var output = [Float](repeating: .nan, count: width)
        slots.apply(input, into: &output, dense: dense)
        for row in 0..<width {
            var sum: Float = 0
            for column in 0..<width { sum += dense[row * width + column] * input[column] }
            let expected = sum + dense[width * width + row]
            #expect(output[row].bitPattern == expected.bitPattern, "row \(row) of \(width)")
        }
    }
}
