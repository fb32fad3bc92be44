import Foundation

/// The naive-Bayes log-count ratio of each n-gram bucket (Wang & Manning 2012), the wide channel's fixed
/// `wide.scale`: `r = log((p / ‖p‖₁) / (q / ‖q‖₁))` with `p = α + Σ` over positive documents of the
/// bucket's presence (0 or 1) and `q` the same over negative ones. A bucket that marks one class gets a
/// large |r|, so with Adam its weight moves that much faster: NBSVM's strength, learned jointly here.
public enum NaiveBayesScaling {
    /// `r` for every bucket, from each document's distinct buckets and its label (≥ 0.5: positive).
    public static func logCountRatios(
        ngrams: some Sequence<[Int32]>, labels: some Sequence<Float>, buckets: Int,
        smoothing alpha: Double = 1
    ) -> [Float] {
        var positive = [Double](repeating: alpha, count: buckets)
        var negative = positive
        for (list, label) in zip(ngrams, labels) {
            if label >= 0.5 {
                for bucket in list { positive[Int(bucket)] += 1 }
            } else {
                for bucket in list { negative[Int(bucket)] += 1 }
            }
        }
        let positiveTotal = positive.reduce(0, +)
        let negativeTotal = negative.reduce(0, +)
        return zip(positive, negative).map { p, q in
            Float(log((p / positiveTotal) / (q / negativeTotal)))
        }
    }
}
