import Foundation

extension BinaryClassificationMetrics {
    /// The metrics at the threshold that maximises F1 on these examples: every distinct probability
    /// σ(logit) (computed as the metrics compute it, so the counts agree exactly) is tried as the
    /// threshold. Ties go to the higher accuracy, then to the higher threshold. nil when no label is
    /// positive (F1 is then 0 or undefined at every threshold) or there are no examples.
    /// - Throws: `MetricsError` when the counts differ or a logit is not finite.
    public static func maximizingF1(logits: [Float], labels: [Bool]) throws(MetricsError)
        -> BinaryClassificationMetrics?
    {
        guard logits.count == labels.count else {
            throw .countMismatch(predictions: logits.count, labels: labels.count)
        }
        if let bad = logits.firstIndex(where: { !$0.isFinite }) {
            throw .invalidLogit(index: bad, value: logits[bad])
        }
        let positives = labels.filter { $0 }.count
        guard positives > 0 else { return nil }
        let probabilities = logits.map { 1 / (1 + exp(-Double($0))) }
        let order = probabilities.indices.sorted { probabilities[$0] > probabilities[$1] }
        // Lowering the threshold through the sorted probabilities turns one group of equal ones positive
        // at a time.
        var truePositives = 0
        var falsePositives = 0
        var best: (f1: Double, accuracy: Double, threshold: Double)?
        var position = 0
        while position < order.count {
            let threshold = probabilities[order[position]]
            while position < order.count && probabilities[order[position]] == threshold {
                if labels[order[position]] { truePositives += 1 } else { falsePositives += 1 }
                position += 1
            }
            let falseNegatives = positives - truePositives
            let trueNegatives = labels.count - positives - falsePositives
            let f1 = Double(2 * truePositives) / Double(2 * truePositives + falsePositives + falseNegatives)
            let accuracy = Double(truePositives + trueNegatives) / Double(labels.count)
            if best == nil || f1 > best!.f1 || (f1 == best!.f1 && accuracy > best!.accuracy) {
                best = (f1, accuracy, threshold)
            }
        }
        return try BinaryClassificationMetrics(logits: logits, labels: labels, threshold: best!.threshold)
    }
}
