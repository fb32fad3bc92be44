import GRUClassifier

/// How `TextExplainer` attributes a score to tokens.
public enum AttributionMethod: Sendable, Equatable {
    /// Integrated gradients over the embedding vectors from a zero baseline, with `steps` integration
    /// points, for the BiGRU; the wide channel's exact linear shares for its n-grams. The attributions add
    /// up to `logit − baselineLogit`.
    case integratedGradients(steps: Int)
    /// Leave-one-out: each token's attribution is the logit minus the logit of the text without it.
    case occlusion

    /// Integrated gradients with the default number of steps (what `sentiment explain` uses unless told
    /// otherwise).
    public static var defaultIntegratedGradients: AttributionMethod {
        .integratedGradients(steps: IntegratedGradients.defaultSteps)
    }

    /// The method's name in output (`integrated_gradients`, `occlusion`).
    public var name: String {
        switch self {
        case .integratedGradients: "integrated_gradients"
        case .occlusion: "occlusion"
        }
    }
}

/// How much each token of one text pushed its score, in logit units (positive: towards "positive").
public struct Explanation: Sendable {
    /// The method that computed the attributions.
    public var method: AttributionMethod
    /// The tokens the network reads, in order, as `sentiment tokenize` prints them: a document longer
    /// than the model's `max_len` is cut as scoring cuts it (see `cutPosition`).
    public var tokens: [String]
    /// One attribution per token.
    public var attributions: [Float]
    /// The logit whose sigmoid is the probability `sentiment score` prints (divided by the model's
    /// temperature, like everything here).
    public var logit: Float
    /// What the attributions are measured from. Integrated gradients: the model's logit with every
    /// embedding vector zero and no n-grams (the same number of tokens). Occlusion: the logit of the empty
    /// text.
    public var baselineLogit: Float
    /// Where a long document was cut: `tokens[..<cutPosition]` come from its start, the rest from its end;
    /// nil when nothing was cut.
    public var cutPosition: Int?
    /// How many tokens the cut left out.
    public var cutTokenCount: Int
    /// Integrated gradients: the wide channel's share of the tokens the cut left out (it reads the whole
    /// document); 0 when nothing was cut. nil for occlusion.
    public var cutAttribution: Float?

    /// An explanation from its parts (`TextExplainer` makes them; a program may build one to render it).
    public init(
        method: AttributionMethod, tokens: [String], attributions: [Float], logit: Float,
        baselineLogit: Float,
        cutPosition: Int? = nil, cutTokenCount: Int = 0, cutAttribution: Float?
    ) {
        precondition(tokens.count == attributions.count, "one attribution per token")
        self.method = method
        self.tokens = tokens
        self.attributions = attributions
        self.logit = logit
        self.baselineLogit = baselineLogit
        self.cutPosition = cutPosition
        self.cutTokenCount = cutTokenCount
        self.cutAttribution = cutAttribution
    }

    /// The probability of the positive class, `σ(logit)`.
    public var probability: Float { BiGRUClassifier.probability(logit: logit) }

    /// Integrated gradients: `Σ attributions + cutAttribution − (logit − baselineLogit)`, which is 0 up
    /// to the integration error and float rounding (completeness). nil for occlusion, which has no such
    /// property.
    public var completenessError: Float? {
        guard let cutAttribution else { return nil }
        let sum = attributions.reduce(0.0) { $0 + Double($1) } + Double(cutAttribution)
        return Float(sum - Double(logit) + Double(baselineLogit))
    }

    /// Whether completeness misses by more than `relativeTolerance` of `|logit − baselineLogit|` (and by
    /// more than 10⁻⁴, float rounding); always false for occlusion.
    public func missesCompleteness(relativeTolerance: Float = 0.05) -> Bool {
        guard let error = completenessError else { return false }
        return abs(error) > max(relativeTolerance * abs(logit - baselineLogit), 1e-4)
    }
}
