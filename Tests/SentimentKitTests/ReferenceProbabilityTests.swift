import Foundation
import GRUClassifier
import SentimentKit
import Testing

/// docs/model-file.md's description of how a probability is computed, pinned against an implementation that
/// shares no code with this package: scripts/reference_probability.py (NumPy) computed
/// Fixtures/reference_probabilities.json from Fixtures/reference_model.safetensors (a 2-layer model with
/// a 64-bucket wide channel, a cut of 8 tokens, 3 from the start, and temperature 1.6, written into its
/// config by hand after training so that the division by the temperature is pinned too), and the
/// `_pooled` pair from a 1-layer model whose output layer also reads the maximum and mean over time.
/// Both are format 1 files with the dense wide channel. The `_sparse` and `_pooled_f16` pairs pin the
/// compact forms: the two models with every third bucket's weight set to 0 and its scale to a shared
/// value (so 42 of the 64 buckets are stored, and the stored ones are not simply 0..<K), converted by
/// `sentiment convert` to the sparse form and, for the pooled one, to float16.
@Suite struct ReferenceProbabilityTests {
    struct Fixture: Decodable {
        struct Text: Decodable {
            var text: String
            var tokens: [String]
            var ids: [Int32]
            var ngrams: [Int32]
            var probability: Double
        }
        var texts: [Text]
    }

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    @Test(
        arguments: [
            (
                "", 2, HeadPooling.final, 1.6,
                ModelFileStorage(weightDTypes: ["F32"], storedWideBuckets: nil, formatVersion: 1)
            ),
            (
                "_pooled", 1, .finalMaxMean, nil,
                ModelFileStorage(weightDTypes: ["F32"], storedWideBuckets: nil, formatVersion: 1)
            ),
            (
                "_sparse", 2, .final, 1.6,
                ModelFileStorage(weightDTypes: ["F32"], storedWideBuckets: 42, formatVersion: 2)
            ),
            (
                "_pooled_f16", 1, .finalMaxMean, nil,
                ModelFileStorage(weightDTypes: ["F16"], storedWideBuckets: 42, formatVersion: 2)
            ),
        ] as [(String, Int, HeadPooling, Float?, ModelFileStorage)])
    func theScorerComputesWhatTheIndependentScriptComputes(
        suffix: String, layers: Int, pooling: HeadPooling, temperature: Float?, storage: ModelFileStorage
    ) throws {
        let (fixture, model) = try Self.load(suffix: suffix)
        #expect(model.classifier.configuration.ngramBuckets == 64)
        #expect(model.fileStorage == storage)
        #expect(model.classifier.configuration.layers == layers)
        #expect(model.classifier.configuration.pooling == pooling)
        #expect(fixture.texts.contains { $0.tokens.isEmpty }, "no empty text")
        #expect(model.temperature == temperature)
        #expect(fixture.texts.contains { $0.tokens.count > model.maxLength }, "no text exercises the cut")
        #expect(model.negationScope == nil)
        try Self.expectScores(of: model, as: fixture)
    }

    /// The pair `_negation_affine` / `_negation_diagonal`: 1-layer models trained with `--negation
    /// affine` and `--negation diagonal` on corpora/en.tsv and zh.tsv together (so the transform is no
    /// longer the identity it starts as), scored on texts with English and Chinese cues, scopes that
    /// punctuation, a contrast word or a second cue closes, and a pseudo-negation.
    @Test(arguments: [NegationTransform.affine, .diagonal])
    func negationMarksAndTheTransformAreWhatTheScriptComputes(transform: NegationTransform) throws {
        let suffix = "_negation_\(transform.rawValue)"
        let (fixture, model) = try Self.load(suffix: suffix)
        #expect(model.classifier.configuration.negationTransform == transform)
        #expect(model.negationScope == .version1)
        let vocabularySize = Int32(model.vocabulary.count)
        #expect(fixture.texts.contains { $0.ids.contains { $0 >= vocabularySize } }, "no text has a marked token")
        try Self.expectScores(of: model, as: fixture)
    }

    /// The script's output for `reference_model<suffix>` and that model.
    static func load(suffix: String) throws -> (Fixture, SentimentModel) {
        let fixture = try JSONDecoder().decode(
            Fixture.self,
            from: Data(contentsOf: fixtures.appendingPathComponent("reference_probabilities\(suffix).json")))
        let model = try SentimentModel(
            contentsOf: fixtures.appendingPathComponent("reference_model\(suffix).safetensors"), threadCount: 1)
        return (fixture, model)
    }

    /// The model's ids, n-gram buckets and probabilities of the fixture's texts are the script's.
    static func expectScores(of model: SentimentModel, as fixture: Fixture) throws {
        let scorer = try TextScorer(model: model, threads: 1)
        let texts = fixture.texts.map(\.text)
        let probabilities = try scorer.probabilities(for: texts)
        #expect(scorer.tokenIDs(for: texts) == fixture.texts.map(\.ids))
        for (index, expected) in fixture.texts.enumerated() {
            #expect(model.encodeDocument(expected.tokens).ngrams == expected.ngrams, "\(expected.text)")
            #expect(
                abs(Double(probabilities[index]) - expected.probability) < 1e-6,
                "\(expected.text): \(probabilities[index]) vs \(expected.probability)")
        }
    }
}
