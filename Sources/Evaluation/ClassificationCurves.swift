/// The curves of a binary classifier's scores against true labels, threshold by threshold: ROC and
/// precision–recall. Scores may be probabilities or logits (only their order matters); tied scores move
/// together, as one threshold.
public enum ClassificationCurves {
    /// A point of the ROC curve.
    public struct ROCPoint: Sendable, Equatable {
        public var falsePositiveRate: Double
        public var truePositiveRate: Double

        public init(falsePositiveRate: Double, truePositiveRate: Double) {
            self.falsePositiveRate = falsePositiveRate
            self.truePositiveRate = truePositiveRate
        }
    }

    /// A point of the precision–recall curve.
    public struct PRPoint: Sendable, Equatable {
        public var recall: Double
        public var precision: Double

        public init(recall: Double, precision: Double) {
            self.recall = recall
            self.precision = precision
        }
    }

    /// Counts of positives and negatives at or above each distinct score, highest score first.
    private static func cumulativeCounts(scores: [Float], labels: [Bool]) -> [(
        positives: Int, negatives: Int
    )] {
        precondition(scores.count == labels.count, "one label per score")
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var counts: [(Int, Int)] = []
        var positives = 0
        var negatives = 0
        var index = 0
        while index < order.count {
            let score = scores[order[index]]
            while index < order.count && scores[order[index]] == score {
                if labels[order[index]] { positives += 1 } else { negatives += 1 }
                index += 1
            }
            counts.append((positives, negatives))
        }
        return counts
    }

    /// The ROC curve from (0, 0) to (1, 1): one point per distinct score, highest first. nil unless both
    /// classes occur. Its trapezoid area is the ROC-AUC with ties counted half.
    public static func roc(scores: [Float], labels: [Bool]) -> [ROCPoint]? {
        let counts = cumulativeCounts(scores: scores, labels: labels)
        guard let total = counts.last, total.positives > 0, total.negatives > 0 else { return nil }
        return [ROCPoint(falsePositiveRate: 0, truePositiveRate: 0)]
            + counts.map {
                ROCPoint(
                    falsePositiveRate: Double($0.negatives) / Double(total.negatives),
                    truePositiveRate: Double($0.positives) / Double(total.positives))
            }
    }

    /// The precision–recall curve: one point per distinct score, highest first (recall rising). nil
    /// without positive labels.
    public static func precisionRecall(scores: [Float], labels: [Bool]) -> [PRPoint]? {
        let counts = cumulativeCounts(scores: scores, labels: labels)
        guard let total = counts.last, total.positives > 0 else { return nil }
        return counts.map {
            PRPoint(
                recall: Double($0.positives) / Double(total.positives),
                precision: Double($0.positives) / Double($0.positives + $0.negatives))
        }
    }

    /// Average precision, `Σ (R_k − R_{k−1}) · P_k` over the precision–recall curve (the step-wise area,
    /// as scikit-learn computes it). nil without positive labels.
    public static func averagePrecision(scores: [Float], labels: [Bool]) -> Double? {
        guard let points = precisionRecall(scores: scores, labels: labels) else { return nil }
        var previousRecall = 0.0
        var sum = 0.0
        for point in points {
            sum += (point.recall - previousRecall) * point.precision
            previousRecall = point.recall
        }
        return sum
    }
}
