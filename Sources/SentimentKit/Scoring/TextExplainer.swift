import GRUClassifier
import Tokenizer

/// Text → per-token attributions: tokenizes with the model's settings, cuts as scoring does and says how
/// much each token the network reads pushed the logit (`AttributionMethod`).
///
/// Integrated gradients cover both parts of the model: the BiGRU's logit through its embedding vectors
/// (`IntegratedGradients`, zero-vector baseline) and the wide channel's logit, which is linear in its
/// n-grams, through each n-gram's exact share split between the tokens that form it
/// (`BiGRUClassifier.wideAttributions`). The baseline is thus the model with zero embeddings and no
/// n-grams. Not safe to use from several threads at once.
public final class TextExplainer {
    /// The model whose scores are explained.
    public let model: SentimentModel
    /// How attributions are computed.
    public let method: AttributionMethod
    private let tokenizer: Tokenizer

    /// An explainer that runs the network on `threads` threads (default: every core); it sets the model's
    /// network to that many threads, so give each explainer a model of its own.
    public init(model: SentimentModel, method: AttributionMethod, threads: Int? = nil) throws {
        if case .integratedGradients(let steps) = method, steps < 1 {
            throw ExplanationError.invalidSteps(steps)
        }
        self.model = model
        self.method = method
        model.classifier.threadCount = max(1, threads ?? BiGRUClassifier.defaultThreadCount)
        tokenizer = try Tokenizer(settings: model.tokenizerSettings)
    }

    /// The explanation of `text`'s score.
    public func explain(_ text: String) throws -> Explanation {
        try explain(tokens: tokenizer.tokens(in: text))
    }

    /// The explanation of a text given as UTF-8 bytes (invalid bytes become U+FFFD), and whether it had
    /// invalid UTF-8.
    public func explain(utf8 text: some Collection<UInt8>) throws -> (
        explanation: Explanation, hadInvalidUTF8: Bool
    ) {
        let result = Array(text).withUnsafeBytes { tokenizer.tokens(inUTF8: $0) }
        return (try explain(tokens: result.tokens), result.hadInvalidUTF8)
    }

    /// The explanation of a text given as its tokens (as `sentiment tokenize` prints them).
    public func explain(tokens: [String]) throws -> Explanation {
        let ids = model.networkIDs(for: tokens)
        let kept = model.keptPositions(count: ids.count)
        let positions = Array(kept.head) + Array(kept.tail)
        let cut = kept.tail.isEmpty ? nil : kept.head.count
        var explanation = Explanation(
            method: method, tokens: [], attributions: [], logit: 0, baselineLogit: 0, cutPosition: cut,
            cutTokenCount: ids.count - positions.count, cutAttribution: nil)
        explanation.tokens = positions.map { tokens[$0] }
        let classifier = model.classifier
        let document = model.encodeDocument(ids: ids)
        let logit = try logits(of: [document])[0]
        switch method {
        case .integratedGradients(let steps):
            let deep = try IntegratedGradients(ids: document.ids, classifier: classifier, steps: steps)
            let wide = classifier.wideAttributions(of: ids)
            explanation.attributions = zip(positions, deep.attributions).map { wide[$0] + $1 }
            var keptShare = 0.0
            for position in positions { keptShare += Double(wide[position]) }
            let wideTotal = wide.reduce(0.0) { $0 + Double($1) }
            explanation.cutAttribution = Float(wideTotal - keptShare)
            explanation.baselineLogit = deep.baselineLogit
        case .occlusion:
            // The text without each token in turn, marked, cut and hashed as scoring would (without a
            // negation cue its scope is gone too); then the empty text.
            var variants = positions.map { position in
                var shorter = tokens
                shorter.remove(at: position)
                return model.encodeDocument(shorter)
            }
            variants.append(model.encodeDocument(ids: []))
            let variantLogits = try logits(of: variants)
            explanation.attributions = variantLogits.dropLast().map { logit - $0 }
            explanation.baselineLogit = variantLogits.last!
        }
        explanation.logit = logit
        return calibrated(explanation)
    }

    /// Everything in logit units divided by the model's temperature: the probability is then
    /// `σ(logit)` as scoring computes it, and sums stay sums.
    private func calibrated(_ explanation: Explanation) -> Explanation {
        guard model.temperature != nil else { return explanation }
        var result = explanation
        result.logit = model.calibrated(explanation.logit)
        result.baselineLogit = model.calibrated(explanation.baselineLogit)
        result.attributions = explanation.attributions.map(model.calibrated)
        result.cutAttribution = explanation.cutAttribution.map(model.calibrated)
        return result
    }

    /// The logits of encoded documents, wide channel included.
    private func logits(of documents: [(ids: [Int32], ngrams: [Int32])]) throws -> [Float] {
        let wide = model.classifier.configuration.hasWideChannel
        return try model.classifier.logits(
            for: documents.map(\.ids), ngrams: wide ? documents.map(\.ngrams) : nil)
    }
}

/// Why an explainer cannot be made.
public enum ExplanationError: Error, Equatable, CustomStringConvertible {
    case invalidSteps(Int)

    public var description: String {
        switch self {
        case .invalidSteps(let steps): "integrated gradients need at least 1 step, got \(steps)"
        }
    }
}
