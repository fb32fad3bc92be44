/// Tracks the best validation score across epochs and says when to stop: after `patience` epochs in a
/// row without improvement. Higher scores are better.
public struct EarlyStopping: Sendable {
    /// Epochs without improvement allowed before stopping; 0 never stops early.
    public let patience: Int
    /// Best score seen so far, and the 1-based epoch that reached it.
    public private(set) var best: (score: Double, epoch: Int)?
    private var epochsWithoutImprovement = 0

    public init(patience: Int) {
        precondition(patience >= 0)
        self.patience = patience
    }

    /// Records an epoch's score; returns true when it is a new best (the caller keeps those parameters).
    public mutating func record(score: Double, epoch: Int) -> Bool {
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
