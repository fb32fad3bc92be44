/// What a behavioural test expects of the model, as a suite file names it in `"expect"`.
///
/// The first four judge each generated text alone (minimum functionality tests, from `"templates"`); the
/// others judge a pair of texts that differ in one place, a base and a variant (from `"pairs"`).
public enum SuiteExpectation: String, Sendable, Equatable, CaseIterable, Codable {
    /// The text is labelled positive.
    case positive
    /// The text is labelled negative.
    case negative
    /// The text is labelled positive or counts as neutral (see `CheckPrediction.isNeutral`).
    case notNegative = "not_negative"
    /// The text is labelled negative or counts as neutral.
    case notPositive = "not_positive"
    /// Invariance: the variant gets the base's label; the probability shift is reported.
    case sameLabel = "same_label"
    /// Directional: the variant's probability is not below the base's by more than the tolerance.
    case notLower = "not_lower"
    /// Directional: the variant's probability is not above the base's by more than the tolerance.
    case notHigher = "not_higher"
    /// Directional: the variant's probability is above the base's by at least the margin.
    case higher
    /// Directional: the variant's probability is below the base's by at least the margin.
    case lower

    /// The three kinds of test of CheckList (Ribeiro et al. 2020).
    public enum Kind: String, Sendable, Equatable, Codable {
        /// One text, an expected label.
        case minimumFunctionality = "minimum_functionality"
        /// Two texts, the same label.
        case invariance
        /// Two texts, an expected direction of the probability.
        case directional
    }

    /// The kind of test this expectation makes.
    public var kind: Kind {
        switch self {
        case .positive, .negative, .notNegative, .notPositive: return .minimumFunctionality
        case .sameLabel: return .invariance
        case .notLower, .notHigher, .higher, .lower: return .directional
        }
    }

    /// The label a sentence generated for this expectation can be trained on: nil for the "not …"
    /// expectations (which allow neutral) and for pairs.
    public var trainingLabel: SentimentLabel? {
        switch self {
        case .positive: return .positive
        case .negative: return .negative
        default: return nil
        }
    }
}
