import Foundation

/// Counts of predictions against true labels at one threshold.
public struct ConfusionMatrix: Codable, Sendable, Equatable, Hashable {
    public var truePositives: Int
    public var falsePositives: Int
    public var trueNegatives: Int
    public var falseNegatives: Int

    public init(truePositives: Int, falsePositives: Int, trueNegatives: Int, falseNegatives: Int) {
        self.truePositives = truePositives
        self.falsePositives = falsePositives
        self.trueNegatives = trueNegatives
        self.falseNegatives = falseNegatives
    }

    /// Examples whose true label is positive.
    public var actualPositives: Int { truePositives + falseNegatives }
    /// Examples whose true label is negative.
    public var actualNegatives: Int { trueNegatives + falsePositives }

    /// snake_case in JSON, like the model file's config.
    private enum CodingKeys: String, CodingKey {
        case truePositives = "true_positives", falsePositives = "false_positives"
        case trueNegatives = "true_negatives", falseNegatives = "false_negatives"
    }
}

/// Why metrics could not be computed.
public enum MetricsError: Error, Equatable, CustomStringConvertible, LocalizedError {
    case countMismatch(predictions: Int, labels: Int)
    /// A probability that is NaN or outside [0, 1].
    case invalidProbability(index: Int, value: Float)
    /// A logit that is NaN or infinite.
    case invalidLogit(index: Int, value: Float)
    /// A threshold that is NaN or outside [0, 1].
    case invalidThreshold(Double)

    public var description: String {
        switch self {
        case .countMismatch(let predictions, let labels):
            return "\(predictions) predictions but \(labels) labels"
        case .invalidProbability(let index, let value):
            return "probability \(value) at index \(index) is not in [0, 1]"
        case .invalidLogit(let index, let value):
            return "logit \(value) at index \(index) is not finite"
        case .invalidThreshold(let value):
            return "threshold \(value) is not in [0, 1]"
        }
    }

    public var errorDescription: String? { description }
}

/// Quality of a binary classifier on labelled examples.
///
/// An example is predicted positive when its probability is at least `threshold`. A metric whose
/// denominator is zero is `nil` (encoded as JSON `null`), never NaN:
/// - `accuracy` and `logLoss` are nil only for zero examples;
/// - `precision` is nil when nothing is predicted positive, `recall` when no label is positive;
/// - `f1` is 2·TP / (2·TP + FP + FN), the harmonic mean of precision and recall where both exist; it is
///   nil only when there are neither positive labels nor positive predictions, and 0 when one side exists
///   but TP is 0;
/// - `rocAUC` is nil unless both classes are present.
///
/// Calibration: `expectedCalibrationError` bins the confidence in the predicted label, `max(p, 1 − p)`,
/// into 10 equal-width bins and weighs each bin's gap between confidence and accuracy by its size
/// (`ReliabilityBins.topLabel`, Guo et al. 2017); `brierScore` is the mean of `(p − label)²`. Both are
/// nil only for zero examples.
///
/// ROC-AUC is exact: the Mann-Whitney U statistic with tied scores counted as half (equivalent to average
/// ranks), computed in O(n log n) with integer counts.
///
/// Log loss is the mean binary cross-entropy in natural-log units. From probabilities, each probability is
/// first clamped to [1e-7, 1 − 1e-7] so a confident mistake costs at most about 16.1 instead of infinity.
/// From logits it is computed exactly and stably (softplus form), without clamping; ranking for the AUC
/// then uses the logits themselves, so scores that all round to probability 1.0 in Float stay distinct.
public struct BinaryClassificationMetrics: Codable, Sendable, Equatable {
    /// The smallest and largest probability used for log loss.
    public static let logLossClamp: Double = 1e-7

    /// Number of examples.
    public let count: Int
    /// Probability at or above which an example counts as predicted positive.
    public let threshold: Double
    public let confusionMatrix: ConfusionMatrix
    /// (TP + TN) / count.
    public let accuracy: Double?
    /// TP / (TP + FP).
    public let precision: Double?
    /// TP / (TP + FN).
    public let recall: Double?
    /// 2·TP / (2·TP + FP + FN).
    public let f1: Double?
    /// Area under the ROC curve: the chance that a random positive scores above a random negative, ties
    /// counting half.
    public let rocAUC: Double?
    /// Mean binary cross-entropy.
    public let logLoss: Double?
    /// Expected calibration error of the confidence in the predicted label over 10 equal-width bins
    /// (`ReliabilityBins.topLabel`).
    public let expectedCalibrationError: Double?
    /// Mean of `(probability − label)²`.
    public let brierScore: Double?

    /// Metrics from predicted probabilities of the positive class.
    /// - Throws: `MetricsError` when the counts differ, a probability is NaN or outside [0, 1], or the
    ///   threshold is not in [0, 1].
    public init(probabilities: [Float], labels: [Bool], threshold: Double = 0.5) throws(MetricsError) {
        guard probabilities.count == labels.count else {
            throw .countMismatch(predictions: probabilities.count, labels: labels.count)
        }
        try Self.validate(threshold: threshold)
        let low = Self.logLossClamp
        let high = 1 - Self.logLossClamp
        var confusion = ConfusionMatrix(
            truePositives: 0, falsePositives: 0, trueNegatives: 0, falseNegatives: 0)
        var lossSum = 0.0
        var probabilityValues: [Double] = []
        probabilityValues.reserveCapacity(probabilities.count)
        for index in probabilities.indices {
            let probability = probabilities[index]
            // The negated comparison also rejects NaN.
            guard probability >= 0 && probability <= 1 else {
                throw .invalidProbability(index: index, value: probability)
            }
            let p = Double(probability)
            probabilityValues.append(p)
            let label = labels[index]
            confusion.record(predictedPositive: p >= threshold, label: label)
            let clamped = min(max(p, low), high)
            lossSum -= label ? log(clamped) : log(1 - clamped)
        }
        self.init(
            threshold: threshold, confusion: confusion, lossSum: lossSum,
            rocAUC: Self.rocAUC(scores: probabilities, labels: labels), probabilities: probabilityValues,
            labels: labels)
    }

    /// Metrics from logits (log-odds of the positive class); the probability is sigmoid(logit), computed
    /// in Double.
    /// - Throws: `MetricsError` when the counts differ, a logit is not finite, or the threshold is not in
    ///   [0, 1].
    public init(logits: [Float], labels: [Bool], threshold: Double = 0.5) throws(MetricsError) {
        guard logits.count == labels.count else {
            throw .countMismatch(predictions: logits.count, labels: labels.count)
        }
        try Self.validate(threshold: threshold)
        var confusion = ConfusionMatrix(
            truePositives: 0, falsePositives: 0, trueNegatives: 0, falseNegatives: 0)
        var lossSum = 0.0
        var probabilities: [Double] = []
        probabilities.reserveCapacity(logits.count)
        for index in logits.indices {
            guard logits[index].isFinite else { throw .invalidLogit(index: index, value: logits[index]) }
            let z = Double(logits[index])
            let label = labels[index]
            probabilities.append(1 / (1 + exp(-z)))
            confusion.record(predictedPositive: probabilities[index] >= threshold, label: label)
            // −log σ(z) = softplus(−z) and −log(1 − σ(z)) = softplus(z).
            lossSum += Self.softplus(label ? -z : z)
        }
        self.init(
            threshold: threshold, confusion: confusion, lossSum: lossSum,
            rocAUC: Self.rocAUC(scores: logits, labels: labels), probabilities: probabilities, labels: labels)
    }

    private init(
        threshold: Double, confusion: ConfusionMatrix, lossSum: Double, rocAUC: Double?,
        probabilities: [Double],
        labels: [Bool]
    ) {
        let tp = confusion.truePositives
        let fp = confusion.falsePositives
        let fn = confusion.falseNegatives
        let count = tp + fp + confusion.trueNegatives + fn
        self.count = count
        self.threshold = threshold
        self.confusionMatrix = confusion
        self.accuracy = Self.ratio(tp + confusion.trueNegatives, count)
        self.precision = Self.ratio(tp, tp + fp)
        self.recall = Self.ratio(tp, tp + fn)
        self.f1 = Self.ratio(2 * tp, 2 * tp + fp + fn)
        self.rocAUC = rocAUC
        self.logLoss = count == 0 ? nil : lossSum / Double(count)
        expectedCalibrationError =
            ReliabilityBins.topLabel(probabilities: probabilities, labels: labels)
            .expectedCalibrationError
        var squares = 0.0
        for (p, label) in zip(probabilities, labels) {
            squares += (p - (label ? 1 : 0)) * (p - (label ? 1 : 0))
        }
        brierScore = count == 0 ? nil : squares / Double(count)
    }

    private static func validate(threshold: Double) throws(MetricsError) {
        guard threshold >= 0 && threshold <= 1 else { throw .invalidThreshold(threshold) }
    }

    private static func ratio(_ numerator: Int, _ denominator: Int) -> Double? {
        denominator == 0 ? nil : Double(numerator) / Double(denominator)
    }

    /// log(1 + e^x) without overflow for large |x|.
    private static func softplus(_ x: Double) -> Double {
        max(x, 0) + log1p(exp(-abs(x)))
    }

    /// Exact ROC-AUC by the Mann-Whitney U statistic; nil unless both classes are present. Scores must
    /// not be NaN (callers validate).
    static func rocAUC(scores: [Float], labels: [Bool]) -> Double? {
        var positiveScores: [Float] = []
        var negativeScores: [Float] = []
        for (score, isPositive) in zip(scores, labels) {
            if isPositive { positiveScores.append(score) } else { negativeScores.append(score) }
        }
        guard !positiveScores.isEmpty && !negativeScores.isEmpty else { return nil }
        positiveScores.sort()
        negativeScores.sort()
        // For each run of equal positive scores, count the negatives strictly below (wins) and equal (ties,
        // worth half): 2·U = Σ run·(2·below + equal). Integer counts keep this exact; they cannot overflow
        // before n reaches about 3·10⁹.
        var twiceU = 0
        var below = 0
        var runStart = 0
        while runStart < positiveScores.count {
            let score = positiveScores[runStart]
            var runEnd = runStart + 1
            while runEnd < positiveScores.count && positiveScores[runEnd] == score { runEnd += 1 }
            while below < negativeScores.count && negativeScores[below] < score { below += 1 }
            var notAbove = below
            while notAbove < negativeScores.count && negativeScores[notAbove] == score { notAbove += 1 }
            twiceU += (runEnd - runStart) * (below + notAbove)
            runStart = runEnd
        }
        return Double(twiceU) / (2 * Double(positiveScores.count) * Double(negativeScores.count))
    }

    /// snake_case in JSON, like the model file's config.
    private enum CodingKeys: String, CodingKey {
        case count, threshold, accuracy, precision, recall, f1
        case confusionMatrix = "confusion_matrix", rocAUC = "roc_auc", logLoss = "log_loss"
        case expectedCalibrationError = "ece", brierScore = "brier"
    }

    /// Encodes every key, undefined metrics as `null`, so JSON consumers see a fixed set of fields.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(count, forKey: .count)
        try container.encode(threshold, forKey: .threshold)
        try container.encode(confusionMatrix, forKey: .confusionMatrix)
        try container.encode(accuracy, forKey: .accuracy)
        try container.encode(precision, forKey: .precision)
        try container.encode(recall, forKey: .recall)
        try container.encode(f1, forKey: .f1)
        try container.encode(rocAUC, forKey: .rocAUC)
        try container.encode(logLoss, forKey: .logLoss)
        try container.encode(expectedCalibrationError, forKey: .expectedCalibrationError)
        try container.encode(brierScore, forKey: .brierScore)
    }
}

extension ConfusionMatrix {
    fileprivate mutating func record(predictedPositive: Bool, label: Bool) {
        switch (predictedPositive, label) {
        case (true, true): truePositives += 1
        case (true, false): falsePositives += 1
        case (false, false): trueNegatives += 1
        case (false, true): falseNegatives += 1
        }
    }
}
