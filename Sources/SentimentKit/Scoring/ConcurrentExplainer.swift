/// An explainer that any number of tasks or threads may call at once, as `ConcurrentScorer` is for
/// scores: each call borrows a private single-threaded `TextExplainer` over a shared snapshot of the
/// model, or makes one when all are busy. Explanations are those of a `TextExplainer` with one thread,
/// bit for bit.
public final class ConcurrentExplainer: Sendable {
    /// How attributions are computed.
    public let method: AttributionMethod
    private let explainers: LendingPool<TextExplainer>

    /// An explainer over a snapshot of `model` (later changes to `model` do not reach it). Throws
    /// `ExplanationError.invalidSteps` for integrated gradients with fewer than one step.
    public init(model: SentimentModel, method: AttributionMethod) throws {
        if case .integratedGradients(let steps) = method, steps < 1 {
            throw ExplanationError.invalidSteps(steps)
        }
        self.method = method
        let blueprint = ModelBlueprint(model: model, threshold: model.threshold)
        explainers = LendingPool { try TextExplainer(model: blueprint.makeModel(), method: method, threads: 1) }
    }

    /// The explanation of each text's score, in order.
    public func explanations(for texts: [String]) throws -> [Explanation] {
        try explainers.withElement { explainer in try texts.map { try explainer.explain($0) } }
    }
}
