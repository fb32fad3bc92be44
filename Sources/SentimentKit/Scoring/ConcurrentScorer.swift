/// A scorer that any number of tasks or threads may call at once (it is `Sendable`: capture it in a
/// `Task.detached` or a task group). The model is kept immutable inside; each call borrows a private
/// scorer (its own network scratch and tokenizer) from a pool, or makes one when all are busy, and
/// returns it afterwards (`LendingPool`). The pooled scorers share the model's parameter arrays
/// (`ModelBlueprint`), so a busy scorer costs its scratch only, not another copy of the embedding.
///
/// A call scores its texts on one thread: the concurrency comes from the callers. Results are those of a
/// `TextScorer` with one thread given the same texts, bit for bit.
public final class ConcurrentScorer: Sendable {
    /// Probability at or above which a text is labelled positive.
    public let threshold: Float
    private let scorers: LendingPool<TextScorer>

    /// A scorer over a snapshot of `model` (later changes to `model` do not reach it); `threshold`
    /// overrides the model's (`ScoringError.thresholdOutOfRange` outside [0, 1]).
    public init(model: SentimentModel, threshold: Float? = nil) throws {
        let threshold = threshold ?? model.threshold
        try ScoringError.check(threshold: threshold)
        self.threshold = threshold
        let blueprint = ModelBlueprint(model: model, threshold: threshold)
        scorers = LendingPool {
            try TextScorer(model: blueprint.makeModel(), threads: 1, threshold: threshold)
        }
    }

    /// A scorer over the model file at `path`.
    public convenience init(path: String, threshold: Float? = nil) throws {
        try self.init(model: try SentimentModel(path: path, threadCount: 1), threshold: threshold)
    }

    /// The probability that each text is positive, in order.
    public func probabilities(for texts: [String]) throws -> [Float] {
        try scorers.withElement { try $0.probabilities(for: texts) }
    }

    /// The probability and label of each text, in order.
    public func predictions(for texts: [String]) throws -> [Prediction] {
        try scorers.withElement { try $0.predictions(for: texts) }
    }

    /// The probability and label of one text.
    public func prediction(for text: String) throws -> Prediction {
        try predictions(for: [text])[0]
    }

    /// Whether a probability means "positive" at `threshold`.
    public func isPositive(_ probability: Float) -> Bool { probability >= threshold }
}
