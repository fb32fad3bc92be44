import Foundation

/// Temperature scaling (Guo et al. 2017): one number `T > 0` divides the logit, `p = σ(z / T)`, chosen
/// to minimise the mean negative log-likelihood of held-out labelled data. It changes how confident the
/// probabilities are and nothing else: `σ(z / T) ≥ 0.5` exactly when `z ≥ 0`, and the ranking (ROC-AUC)
/// stays the same.
public enum TemperatureScaling {
    /// The range the fitted temperature is held to: a model whose validation set is perfectly separable
    /// would otherwise be driven to T → 0.
    public static let range: ClosedRange<Float> = 0.01...100

    /// The temperature that minimises the mean NLL of `σ(logit / T)` for `labels`, within `range`; 1 when
    /// there is nothing to fit (no logits, or all zero).
    ///
    /// The NLL is convex in `β = 1/T` (a logistic regression with one weight and no bias) and its
    /// derivative `Σ (σ(β z) − y) z` rises with β, so bisection on the derivative over `log β` finds the
    /// minimum.
    public static func fit(logits: [Float], labels: [Bool]) -> Float {
        precondition(logits.count == labels.count, "one label per logit")
        let pairs = zip(logits, labels).filter { $0.0 != 0 && $0.0.isFinite }.map { (Double($0.0), $0.1) }
        guard !pairs.isEmpty else { return 1 }
        func slope(_ beta: Double) -> Double {
            pairs.reduce(0) { sum, pair in
                let (z, label) = pair
                let probability = 1 / (1 + exp(-beta * z))
                return sum + (probability - (label ? 1 : 0)) * z
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
