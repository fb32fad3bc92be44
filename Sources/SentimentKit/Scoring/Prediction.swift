/// The two classes.
public enum SentimentLabel: String, Sendable, Equatable, CaseIterable {
    case negative
    case positive
}

/// A text's score: the probability that it is positive and the label it gets at the scorer's threshold.
public struct Prediction: Sendable, Equatable {
    /// The probability that the text is positive.
    public var probability: Float
    /// `positive` when `probability` is at or above the threshold, else `negative`.
    public var label: SentimentLabel

    public init(probability: Float, label: SentimentLabel) {
        self.probability = probability
        self.label = label
    }

    /// The prediction for `probability` at `threshold`.
    public init(probability: Float, threshold: Float) {
        self.init(probability: probability, label: probability >= threshold ? .positive : .negative)
    }
}

extension TextScorer {
    /// The probability and label of each text, in order.
    public func predictions(for texts: [String]) throws -> [Prediction] {
        try probabilities(for: texts).map { Prediction(probability: $0, threshold: threshold) }
    }
}
