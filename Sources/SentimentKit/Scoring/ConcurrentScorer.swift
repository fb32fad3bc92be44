import Foundation
import GRUClassifier
import Tokenizer

/// A scorer that any number of tasks or threads may call at once (it is `Sendable`: capture it in a
/// `Task.detached` or a task group). The model is kept immutable inside; each call borrows a private
/// scorer (its own network scratch and tokenizer) from a pool, or makes one when all are busy, and
/// returns it afterwards. The pooled scorers share the model's parameter arrays (copy-on-write, never
/// written), so a busy scorer costs its scratch only, not another copy of the embedding.
///
/// A call scores its texts on one thread: the concurrency comes from the callers. Results are those of a
/// `TextScorer` with one thread given the same texts, bit for bit.
public final class ConcurrentScorer: @unchecked Sendable {
    // @unchecked: `idle` is only touched under `lock`, and a pooled `TextScorer` is used by one caller
    // at a time (taken out of `idle` before use); everything else is immutable.

    /// Probability at or above which a text is labelled positive.
    public let threshold: Float
    private let tokenizerSettings: TokenizerSettings
    private let vocabulary: Vocabulary
    private let configuration: ClassifierConfiguration
    private let parameters: [String: Tensor]
    private let maxLength: Int
    private let headLength: Int?
    private let temperature: Float?
    private let lock = NSLock()
    private var idle: [TextScorer] = []

    /// A scorer over a snapshot of `model` (later changes to `model` do not reach it); `threshold`
    /// overrides the model's (`ScoringError.thresholdOutOfRange` outside [0, 1]).
    public init(model: SentimentModel, threshold: Float? = nil) throws {
        try ScoringError.check(threshold: threshold ?? model.threshold)
        tokenizerSettings = model.tokenizerSettings
        vocabulary = model.vocabulary
        configuration = model.classifier.configuration
        parameters = model.classifier.parameterDictionary()
        maxLength = model.maxLength
        headLength = model.headLength
        temperature = model.temperature
        self.threshold = threshold ?? model.threshold
    }

    /// A scorer over the model file at `path`.
    public convenience init(path: String, threshold: Float? = nil) throws {
        try self.init(model: try SentimentModel(path: path, threadCount: 1), threshold: threshold)
    }

    /// The probability that each text is positive, in order.
    public func probabilities(for texts: [String]) throws -> [Float] {
        try withScorer { try $0.probabilities(for: texts) }
    }

    /// The probability and label of each text, in order.
    public func predictions(for texts: [String]) throws -> [Prediction] {
        try withScorer { try $0.predictions(for: texts) }
    }

    /// The probability and label of one text.
    public func prediction(for text: String) throws -> Prediction {
        try predictions(for: [text])[0]
    }

    /// Whether a probability means "positive" at `threshold`.
    public func isPositive(_ probability: Float) -> Bool { probability >= threshold }

    /// Runs `body` with a scorer no other caller is using.
    private func withScorer<Result>(_ body: (TextScorer) throws -> Result) throws -> Result {
        lock.lock()
        let pooled = idle.popLast()
        lock.unlock()
        let scorer = try pooled ?? makeScorer()
        defer {
            lock.lock()
            idle.append(scorer)
            lock.unlock()
        }
        return try body(scorer)
    }

    /// A single-threaded scorer of its own over the shared parameters.
    private func makeScorer() throws -> TextScorer {
        let classifier = try BiGRUClassifier(
            configuration: configuration, parameters: parameters, threadCount: 1)
        let model = try SentimentModel(
            tokenizerSettings: tokenizerSettings, vocabulary: vocabulary, classifier: classifier,
            maxLength: maxLength, headLength: headLength, threshold: threshold, temperature: temperature)
        return try TextScorer(model: model, threads: 1, threshold: threshold)
    }
}
