import Evaluation

/// Tracks the best validation score across epochs and says when to stop: after `patience` epochs in a
/// row without improvement. Greater scores are better.
public struct EarlyStopping<Score: Comparable & Sendable>: Sendable {
    /// Epochs without improvement allowed before stopping; 0 never stops early.
    public let patience: Int
    /// Best score seen so far, and the 1-based epoch that reached it.
    public private(set) var best: (score: Score, epoch: Int)?
    private var epochsWithoutImprovement = 0

    public init(patience: Int) {
        precondition(patience >= 0)
        self.patience = patience
    }

    /// Records an epoch's score; returns true when it is a new best (the caller keeps those parameters).
    public mutating func record(score: Score, epoch: Int) -> Bool {
        if let best, !(score > best.score) {
            epochsWithoutImprovement += 1
            return false
        }
        best = (score, epoch)
        epochsWithoutImprovement = 0
        return true
    }

    /// True once `patience` consecutive epochs have failed to improve.
    public var shouldStop: Bool { patience > 0 && epochsWithoutImprovement >= patience }
}

/// How validation results are ranked: by accuracy, ties broken by the lower log loss (accuracy on a
/// small validation set often ties, while the loss still shows which epoch generalises better).
public struct ValidationScore: Comparable, Sendable {
    public var accuracy: Double
    public var logLoss: Double

    public init(accuracy: Double, logLoss: Double) {
        self.accuracy = accuracy
        self.logLoss = logLoss
    }

    public init(_ metrics: BinaryClassificationMetrics) {
        self.init(accuracy: metrics.accuracy ?? 0, logLoss: metrics.logLoss ?? .infinity)
    }

    public static func < (lhs: ValidationScore, rhs: ValidationScore) -> Bool {
        lhs.accuracy != rhs.accuracy ? lhs.accuracy < rhs.accuracy : lhs.logLoss > rhs.logLoss
    }
}
