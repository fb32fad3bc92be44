import CKernels
import Foundation

/// The coefficients of one Adam step, computed as `torch.optim.Adam` does (non-fused, no AMSGrad, no
/// weight decay), and the element-wise update that uses them.
///
/// With step count `t` (1 for the first step): `m ← β1·m + (1−β1)·g`, `v ← β2·v + (1−β2)·g²`,
/// `p ← p − (lr / (1−β1ᵗ)) · m / (√v / √(1−β2ᵗ) + ε)`. The bias corrections are computed in double
/// precision, as PyTorch computes them from Python floats; so are `1 − β1` and `1 − β2` before they are
/// rounded to float (rounding β first would put a relative error of 1e-5 on `1 − 0.999`).
public struct AdamStep: Sendable, Equatable {
    /// Decay rates of the first and second moment estimates.
    public let beta1: Float
    public let beta2: Float
    /// `1 − β1` and `1 − β2`, computed in double precision and then rounded.
    public let oneMinusBeta1: Float
    public let oneMinusBeta2: Float
    /// Added to the bias-corrected root of the second moment.
    public let epsilon: Float
    /// `lr / (1 − β1ᵗ)`.
    public let stepSize: Float
    /// `√(1 − β2ᵗ)`.
    public let biasCorrection2Root: Float

    /// Coefficients for step `step` (counted from 1).
    public init(learningRate: Float, beta1: Double, beta2: Double, epsilon: Double, step: Int) {
        precondition(step >= 1, "Adam steps are counted from 1")
        self.beta1 = Float(beta1)
        self.beta2 = Float(beta2)
        oneMinusBeta1 = Float(1 - beta1)
        oneMinusBeta2 = Float(1 - beta2)
        self.epsilon = Float(epsilon)
        let correction1 = 1 - pow(beta1, Double(step))
        let correction2 = 1 - pow(beta2, Double(step))
        stepSize = Float(Double(learningRate) / correction1)
        biasCorrection2Root = Float(correction2.squareRoot())
    }

    /// True when `other` has the same step-independent coefficients (betas and epsilon).
    func hasSameConstants(as other: AdamStep) -> Bool {
        [beta1, beta2, oneMinusBeta1, oneMinusBeta2, epsilon].map(\.bitPattern)
            == [other.beta1, other.beta2, other.oneMinusBeta1, other.oneMinusBeta2, other.epsilon].map(
                \.bitPattern)
    }

    /// Updates `count` parameters and their moments with gradients `gradients × gradientScale` (the
    /// scale is the clipping factor; 1 leaves the gradients exactly as they are). The arithmetic is
    /// `sk_adam_update`'s, vectorised in C (Swift's `Float.squareRoot()` keeps a loop scalar on Linux):
    /// the float operations of the formulas above, each rounded on its own, in that order.
    public func update(
        parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>, gradientScale: Float = 1,
        firstMoments: UnsafeMutablePointer<Float>, secondMoments: UnsafeMutablePointer<Float>, count: Int
    ) {
        sk_adam_update(
            Int64(count), parameters, gradients, gradientScale, firstMoments, secondMoments, oneMinusBeta1,
            beta2, oneMinusBeta2, epsilon, stepSize, biasCorrection2Root)
    }

    /// The update for a zero gradient: the moments decay and the parameters still move by the remaining
    /// first moment, as dense Adam does for rows a batch did not use.
    @inlinable
    public func updateWithZeroGradient(
        parameters: UnsafeMutablePointer<Float>, firstMoments: UnsafeMutablePointer<Float>,
        secondMoments: UnsafeMutablePointer<Float>, count: Int
    ) {
        for index in 0..<count {
            let m = firstMoments[index] - oneMinusBeta1 * firstMoments[index]
            let v = beta2 * secondMoments[index]
            firstMoments[index] = m
            secondMoments[index] = v
            parameters[index] -= stepSize * m / (v.squareRoot() / biasCorrection2Root + epsilon)
        }
    }
}
