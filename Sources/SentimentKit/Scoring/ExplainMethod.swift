/// The attribution methods by the names `sentiment explain --method` and `POST /v1/explain` take.
public enum ExplainMethod: String, CaseIterable, Sendable {
    /// Integrated gradients (see `AttributionMethod.integratedGradients`).
    case integratedGradients = "integrated-gradients"
    /// Leave-one-out (see `AttributionMethod.occlusion`).
    case occlusion

    /// The method, integrated gradients with `steps` points (default `IntegratedGradients.defaultSteps`).
    public func attribution(steps: Int? = nil) -> AttributionMethod {
        switch self {
        case .integratedGradients: .integratedGradients(steps: steps ?? IntegratedGradients.defaultSteps)
        case .occlusion: .occlusion
        }
    }
}
