import Foundation

/// Binary cross-entropy on logits, in the numerically stable forms.
enum BinaryCrossEntropy {
    /// `max(x, 0) − x·y + log(1 + exp(−|x|))`, the loss of logit `x` for label `y`.
    @inline(__always)
    static func loss(logit x: Float, label y: Float) -> Float {
        max(x, 0) - x * y + log1p(exp(-abs(x)))
    }

    /// `σ(x) − y`, the derivative of `loss` with respect to the logit.
    @inline(__always)
    static func gradient(logit x: Float, label y: Float) -> Float {
        sigmoid(x) - y
    }

    /// `1 / (1 + exp(−x))` without overflow for large `|x|`.
    @inline(__always)
    static func sigmoid(_ x: Float) -> Float {
        if x >= 0 { return 1 / (1 + exp(-x)) }
        let e = exp(x)
        return e / (1 + e)
    }
}
