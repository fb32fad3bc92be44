import Foundation

/// Temperature scaling (Guo et al. 2017): one number `T > 0` divides the logit, `p = σ(z / T)`, chosen
/// to minimise the mean negative log-likelihood of held-out labelled data. It changes how confident the
/// probabilities are and nothing else: `σ(z / T) ≥ 0.5` exactly when `z ≥ 0`, and the ranking (ROC-AUC)
/// stays the same.
///
/// The targets are Platt's (1999) rather than hard 0 and 1: `(N₊ + 1) / (N₊ + 2)` for the `N₊` positive
/// examples and `1 / (N₋ + 2)` for the `N₋` negative ones. A small validation set that the model happens
/// to separate perfectly would otherwise drive `T` towards 0 and every probability to 0 or 1; with these
/// targets the fit claims no more confidence than so few examples can show. The targets fade as the set
/// grows (how much they move `T`: BENCHMARKS.md, "Calibration").
public enum TemperatureScaling {
    /// The range the fitted temperature is held to, a guard for degenerate inputs (every logit on the
    /// wrong side drives it to the upper end).
    public static let range: ClosedRange<Float> = 0.01...100

    /// Platt's targets for a set with `positives` positive and `negatives` negative labels.
    public static func targets(positives: Int, negatives: Int) -> (positive: Double, negative: Double) {
        (Double(positives + 1) / Double(positives + 2), 1 / Double(negatives + 2))
    }

    /// The temperature that minimises the mean cross-entropy of `σ(logit / T)` against Platt's targets
    /// for `labels`, within `range`; 1 when there is nothing to fit (no logits, or all zero).
    ///
    /// The loss is convex in `β = 1/T` (a logistic regression with one weight and no bias) and its
    /// derivative `Σ (σ(β z) − t) z` rises with β, so bisection on the derivative over `log β` finds the
    /// minimum.
    public static func fit(logits: [Float], labels: [Bool]) -> Float {
        precondition(logits.count == labels.count, "one label per logit")
        let positives = labels.lazy.filter { $0 }.count
        let target = targets(positives: positives, negatives: labels.count - positives)
        let pairs = zip(logits, labels).filter { $0.0 != 0 && $0.0.isFinite }.map {
            (Double($0.0), $0.1 ? target.positive : target.negative)
        }
        guard !pairs.isEmpty else { return 1 }
        func slope(_ beta: Double) -> Double {
            pairs.reduce(0) { sum, pair in
                let (z, target) = pair
                return sum + (1 / (1 + exp(-beta * z)) - target) * z
            }
        }
        var low = log(1 / Double(range.upperBound))
        var high = log(1 / Double(range.lowerBound))
        if slope(exp(low)) >= 0 { return range.upperBound }
        if slope(exp(high)) <= 0 { return range.lowerBound }
        for _ in 0..<100 {
            let middle = (low + high) / 2
            if slope(exp(middle)) < 0 { low = middle } else { high = middle }
        }
        return Float(1 / exp((low + high) / 2))
    }
}
