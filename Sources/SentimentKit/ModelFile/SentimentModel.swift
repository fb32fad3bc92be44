import Foundation
import GRUClassifier
import Tokenizer

/// A trained sentiment classifier with everything needed to score raw text: the tokenizer settings, the
/// vocabulary, the network and the decision threshold. Reads and writes the safetensors model file
/// described in `ModelFile`.
///
/// Scoring text goes through a `TextScorer`, which tokenizes with `tokenizerSettings`. Not safe to use
/// from several threads at once (the network keeps scratch state): to score from several tasks, make a
/// `ConcurrentScorer` from it.
public final class SentimentModel {
    /// Tokenizer settings the model was trained with; scoring must tokenize the same way.
    public let tokenizerSettings: TokenizerSettings
    /// Token ↔ id mapping; its count equals the network's vocabulary size.
    public let vocabulary: Vocabulary
    /// The network.
    public let classifier: BiGRUClassifier
    /// Tokens kept per document; longer documents are cut (see `headLength`).
    public var maxLength: Int
    /// How many of the `maxLength` tokens kept from a longer document come from its start; the rest come
    /// from its end. `nil` keeps the first `maxLength` tokens.
    public var headLength: Int?
    /// Probability at or above which a document is labelled positive.
    public var threshold: Float
    /// What the network's logit is divided by before the sigmoid (temperature scaling, Guo et al. 2017);
    /// nil: not fitted, which scores as 1. At threshold 0.5 it never changes a label.
    public var temperature: Float? {
        didSet { precondition(temperature.map(Self.isValidTemperature) ?? true, "invalid temperature") }
    }
    /// The rule that marks the tokens inside a negation scope before the network reads them
    /// (`NegationScope`); nil for a network without a negation transform, which reads plain ids.
    public let negationScope: NegationScope?
    /// How the model was trained, when it was trained by `sentiment`.
    public var trainingRecord: TrainingRecord?
    /// How `write(to:)` stores the weights: float32 for a new model; a loaded model keeps its file's
    /// (`ModelFileStorage.precision`).
    public var precision: ModelFilePrecision = .f32
    /// How the file this model was loaded from stores it; nil for a model not loaded from a file.
    public internal(set) var fileStorage: ModelFileStorage?

    /// Copies whatever the model still reads from its mapped file (a float32 embedding, see
    /// `init(contentsOf:threadCount:)`) into memory of its own, so that the file can then change or go
    /// without affecting the model: for a long-lived process such as a server.
    public func makeIndependentOfFile() {
        classifier.parameters.embedding.makeOwned()
    }

    /// A model from its parts. The classifier's vocabulary size must equal the vocabulary's count.
    public init(
        tokenizerSettings: TokenizerSettings, vocabulary: Vocabulary, classifier: BiGRUClassifier,
        maxLength: Int = ModelFileConfiguration.defaultMaxLength, headLength: Int? = nil,
        threshold: Float = ModelFileConfiguration.defaultThreshold, temperature: Float? = nil,
        negationScope: NegationScope? = nil, trainingRecord: TrainingRecord? = nil
    ) throws {
        guard classifier.configuration.vocabularySize == vocabulary.count else {
            throw ModelFileError.invalid(
                "the network has \(classifier.configuration.vocabularySize) embedding rows but the vocabulary has \(vocabulary.count) tokens"
            )
        }
        guard maxLength >= 1 else {
            throw ModelFileError.invalid("max_len must be at least 1, got \(maxLength)")
        }
        if let headLength, !(0...maxLength).contains(headLength) {
            throw ModelFileError.invalid(
                "head_len must lie in [0, max_len = \(maxLength)], got \(headLength)")
        }
        guard threshold >= 0 && threshold <= 1 else {
            throw ModelFileError.invalid("threshold must lie in [0, 1], got \(threshold)")
        }
        if let temperature, !Self.isValidTemperature(temperature) {
            throw ModelFileError.invalid("temperature must be a positive number, got \(temperature)")
        }
        // Marks without the network's transform would be ids it refuses; the transform without marks
        // would never be used.
        guard (negationScope == nil) == (classifier.configuration.negationTransform == nil) else {
            throw ModelFileError.invalid(
                negationScope == nil
                    ? "negation_transform needs negation_cues: the rule that marks the tokens it reads"
                    : "negation_cues needs negation_transform: a network that reads marked tokens")
        }
        self.tokenizerSettings = tokenizerSettings
        self.vocabulary = vocabulary
        self.classifier = classifier
        self.maxLength = maxLength
        self.headLength = headLength
        self.threshold = threshold
        self.temperature = temperature
        self.negationScope = negationScope
        self.trainingRecord = trainingRecord
    }

    /// Whether `temperature` can divide a logit: positive and finite.
    public static func isValidTemperature(_ temperature: Float) -> Bool {
        temperature > 0 && temperature.isFinite
    }

    /// A logit of the network as the model scores it: divided by the temperature.
    public func calibrated(_ logit: Float) -> Float {
        guard let temperature else { return logit }
        return logit / temperature
    }

    /// The ids the network reads for all of a document's tokens: their vocabulary ids, those inside a
    /// negation scope marked (`NegationScope`) when the model has a negation transform.
    public func networkIDs(for tokens: [String]) -> [Int32] {
        Self.networkIDs(for: tokens, vocabulary: vocabulary, negationScope: negationScope)
    }

    /// `networkIDs(for:)` with the given vocabulary and rule.
    public static func networkIDs(for tokens: [String], vocabulary: Vocabulary, negationScope: NegationScope?)
        -> [Int32]
    {
        let ids = vocabulary.ids(for: tokens)
        guard let negationScope else { return ids }
        return negationScope.mark(ids, tokens: tokens, vocabularySize: vocabulary.count)
    }

    /// The ids the GRU reads for `tokens`: `networkIDs(for:)` cut to `maxLength`.
    public func encode(_ tokens: [String]) -> [Int32] {
        Self.encodeDocument(ids: networkIDs(for: tokens), maxLength: maxLength, headLength: headLength, ngramBuckets: 0)
            .ids
    }

    /// What the network reads of a document: its ids (`networkIDs(for:)`) cut to `maxLength`, and (with
    /// the wide channel) the n-gram buckets of all its ids.
    public func encodeDocument(_ tokens: [String]) -> (ids: [Int32], ngrams: [Int32]) {
        encodeDocument(ids: networkIDs(for: tokens))
    }

    /// `encodeDocument` from the ids of all of a document's tokens (`networkIDs(for:)`), with this model's
    /// cut and buckets.
    public func encodeDocument(ids: [Int32]) -> (ids: [Int32], ngrams: [Int32]) {
        Self.encodeDocument(
            ids: ids, maxLength: maxLength, headLength: headLength,
            ngramBuckets: classifier.configuration.ngramBuckets)
    }

    /// `encodeDocument` from the ids of all of a document's tokens.
    public static func encodeDocument(ids all: [Int32], maxLength: Int, headLength: Int?, ngramBuckets: Int)
        -> (
            ids: [Int32], ngrams: [Int32]
        )
    {
        let ngrams = ngramBuckets > 0 ? NGramHashing.buckets(of: all, buckets: ngramBuckets) : []
        guard all.count > maxLength else { return (all, ngrams) }
        let kept = keptPositions(count: all.count, maxLength: maxLength, headLength: headLength)
        return (Array(all[kept.head] + all[kept.tail]), ngrams)
    }

    /// Which positions of a document of `count` tokens the GRU reads: all of them (as `head`) when
    /// `count ≤ maxLength`, else the first `headLength` (all `maxLength` when nil) and the last
    /// `maxLength − headLength`.
    public static func keptPositions(count: Int, maxLength: Int, headLength: Int?) -> (
        head: Range<Int>, tail: Range<Int>
    ) {
        guard count > maxLength else { return (0..<count, count..<count) }
        let head = min(headLength ?? maxLength, maxLength)
        return (0..<head, (count - (maxLength - head))..<count)
    }

    /// `keptPositions` with this model's cut.
    public func keptPositions(count: Int) -> (head: Range<Int>, tail: Range<Int>) {
        Self.keptPositions(count: count, maxLength: maxLength, headLength: headLength)
    }

    /// The ids the network sees for `tokens`, mapped through `vocabulary`: all of them when there are at
    /// most `maxLength`, else the first `headLength` and the last `maxLength − headLength` (the first
    /// `maxLength` when `headLength` is nil). Training and scoring both cut documents here, so they
    /// cannot disagree.
    public static func encode(
        _ tokens: [String], vocabulary: Vocabulary, maxLength: Int, headLength: Int? = nil
    ) -> [Int32] {
        guard tokens.count > maxLength else { return vocabulary.ids(for: tokens) }
        let kept = keptPositions(count: tokens.count, maxLength: maxLength, headLength: headLength)
        return vocabulary.ids(for: Array(tokens[kept.head] + tokens[kept.tail]))
    }

}
