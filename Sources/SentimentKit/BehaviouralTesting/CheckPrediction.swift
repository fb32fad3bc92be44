/// What a checked system said about one text: a probability of positive and a label, which for a
/// binary model is positive or negative and for a three-way system (VADER) may be neutral.
public struct CheckPrediction: Sendable, Equatable {
    /// A three-way label.
    public enum Label: String, Sendable, Equatable, CaseIterable, Codable {
        case negative, neutral, positive
    }

    /// The probability that the text is positive (for a system without one, any score in [0, 1] that
    /// orders texts the same way).
    public var probability: Float
    /// What `positive`, `negative` and `same_label` expectations compare.
    public var label: Label
    /// Whether the text counts as neutral, which `not_negative` and `not_positive` expectations accept.
    public var isNeutral: Bool

    /// Where a binary model's probability counts as neutral: CheckList's convention for binary models
    /// (Ribeiro et al. 2020), which read a probability between 1/3 and 2/3 as neither class.
    public static let neutralBand: ClosedRange<Float> = (1 / 3)...(2 / 3)

    /// A binary model's prediction: positive at or above `threshold`, else negative; neutral within
    /// `neutralBand`.
    public init(probability: Float, threshold: Float) {
        self.probability = probability
        label = probability >= threshold ? .positive : .negative
        isNeutral = Self.neutralBand.contains(probability)
    }

    /// A three-way system's prediction: neutral exactly when `label` is.
    public init(probability: Float, label: Label) {
        self.probability = probability
        self.label = label
        isNeutral = label == .neutral
    }

    /// Whether this prediction of a single text meets a minimum functionality expectation (false for
    /// the expectations about pairs).
    public func meets(_ expectation: SuiteExpectation) -> Bool {
        switch expectation {
        case .positive: return label == .positive
        case .negative: return label == .negative
        case .notNegative: return label != .negative || isNeutral
        case .notPositive: return label != .positive || isNeutral
        case .sameLabel, .notLower, .notHigher, .higher, .lower: return false
        }
    }

    /// Whether a variant's prediction meets an invariance or directional expectation against this
    /// prediction of its base, with the `tolerance` of `not_lower` and `not_higher` and the `margin` of
    /// `higher` and `lower` (false for the expectations about single texts).
    public func meets(
        _ expectation: SuiteExpectation, variant: CheckPrediction, tolerance: Float, margin: Float
    ) -> Bool {
        switch expectation {
        case .sameLabel: return variant.label == label
        case .notLower: return variant.probability >= probability - tolerance
        case .notHigher: return variant.probability <= probability + tolerance
        case .higher: return variant.probability >= probability + margin
        case .lower: return variant.probability <= probability - margin
        case .positive, .negative, .notNegative, .notPositive: return false
        }
    }
}
