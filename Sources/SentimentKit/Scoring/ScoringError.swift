/// Why a scorer cannot be made.
public enum ScoringError: Error, Equatable, CustomStringConvertible {
    /// A threshold outside [0, 1] (or NaN) would label every text alike, silently.
    case thresholdOutOfRange(Float)

    /// Checks a threshold given to a scorer; a model's own was checked when it was loaded.
    static func check(threshold: Float) throws {
        guard threshold >= 0 && threshold <= 1 else { throw thresholdOutOfRange(threshold) }
    }

    public var description: String {
        switch self {
        case .thresholdOutOfRange(let value): "threshold must lie in [0, 1], got \(value)"
        }
    }
}
