/// Integrated gradients (Sundararajan et al. 2017) of the BiGRU's own logit (the head on its final
/// states, without the wide channel) over the vectors its first layer reads: the embedding rows, a
/// marked token's through the negation transform (`BiGRUClassifier.inputVectors(for:)`).
///
/// The baseline is the same number of zero vectors. Along the straight path `x(α) = α·x`, token `t` gets
/// `IG_t = x_t · ∫₀¹ ∂f/∂x_t(α·x) dα`, the integral taken by the midpoint rule over `steps` points
/// `α = (k + ½) / steps`. The attributions then add up to `f(x) − f(0)` up to the rule's error, which
/// falls as 1/steps² (completeness); `completenessError` says how far they are.
public struct IntegratedGradients: Sendable {
    /// One attribution per token, in order.
    public var attributions: [Float]
    /// The BiGRU's logit `f(x)` of the sequence.
    public var logit: Float
    /// `f(0)`: its logit with every embedding vector set to zero.
    public var baselineLogit: Float

    /// `Σ attributions − (logit − baselineLogit)`: the integration error.
    public var completenessError: Float {
        Float(attributions.reduce(0.0) { $0 + Double($1) } - Double(logit - baselineLogit))
    }

    /// The default number of integration points.
    public static let defaultSteps = 50
    /// Most input vectors run through the network at once (bounds the memory of long sequences).
    static let rowsPerPass = 8192

    /// The attributions of the token ids `ids` (every one is read; cut long documents first).
    public init(ids: [Int32], classifier: BiGRUClassifier, steps: Int = defaultSteps) throws {
        precondition(steps >= 1, "integrated gradients need at least one step")
        let dimension = classifier.configuration.embeddingDim
        let input = try classifier.inputVectors(for: ids)

        // The endpoints (α = 0 and 1) give the two logits; their gradients are not used.
        let alphas = [0, 1] + (0..<steps).map { (Float($0) + 0.5) / Float(steps) }
        let perPass = max(classifier.threadCount, Self.rowsPerPass / max(ids.count, 1))
        var sums = [Double](repeating: 0, count: input.count)
        var endpoints: [Float] = []
        var start = 0
        while start < alphas.count {
            let chunk = alphas[start..<min(start + perPass, alphas.count)]
            let results = try classifier.deepLogitsAndInputGradients(
                for: chunk.map { alpha in input.map { $0 * alpha } })
            for (alphaIndex, result) in zip(chunk.indices, results) {
                if alphaIndex < 2 {
                    endpoints.append(result.logit)
                    continue
                }
                for index in sums.indices { sums[index] += Double(result.inputGradient[index]) }
            }
            start += chunk.count
        }
        attributions = (0..<ids.count).map { position in
            var total = 0.0
            for index in position * dimension..<(position + 1) * dimension {
                total += Double(input[index]) * sums[index]
            }
            return Float(total / Double(steps))
        }
        baselineLogit = endpoints[0]
        logit = endpoints[1]
    }
}
