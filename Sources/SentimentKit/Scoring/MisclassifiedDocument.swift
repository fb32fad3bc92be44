import Foundation
import GRUClassifier

/// A document the model got wrong, with where it is and how sure the model was (`sentiment eval
/// --errors`).
public struct MisclassifiedDocument: Encodable, Equatable, Sendable {
    public var file: String
    public var line: Int
    /// The document's label.
    public var label: SentimentLabel
    /// The model's probability that it is positive.
    public var probability: Float
    public var text: String

    /// The `count` misclassified documents (at `threshold`) the model was surest of, surest first: the
    /// ones whose probability lies furthest from the threshold on the wrong side. Ties keep file order.
    /// `logits` are the documents' calibrated logits, as `TextScorer.logits(for:)` gives them.
    public static func mostConfident(
        _ count: Int, in corpus: LabelledCorpus, logits: [Float], threshold: Double
    ) -> [MisclassifiedDocument] {
        // Computed as the metrics compute it, so "misclassified" agrees with the confusion matrix.
        let probabilities = logits.map { 1 / (1 + exp(-Double($0))) }
        // How far past the threshold, on the wrong side (negative for a document classified right).
        func wrongness(_ index: Int) -> Double {
            corpus.documents[index].sentiment == .positive
                ? threshold - probabilities[index] : probabilities[index] - threshold
        }
        let wrong = logits.indices.filter { index in
            (probabilities[index] >= threshold) != (corpus.documents[index].sentiment == .positive)
        }
        let surest = wrong.sorted { wrongness($0) != wrongness($1) ? wrongness($0) > wrongness($1) : $0 < $1 }
        return surest.prefix(count).map { index in
            let document = corpus.documents[index]
            return MisclassifiedDocument(
                file: corpus.sources[index].file, line: corpus.sources[index].line, label: document.sentiment,
                probability: BiGRUClassifier.probability(logit: logits[index]), text: document.text)
        }
    }
}

extension SentimentLabel: Encodable {}
