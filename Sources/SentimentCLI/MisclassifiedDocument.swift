import Foundation
import GRUClassifier
import SentimentKit

/// A document `eval --errors` lists: one the model got wrong, with where it is and how sure the model
/// was.
struct MisclassifiedDocument: Encodable, Equatable {
    var file: String
    var line: Int
    /// The document's label ("positive" or "negative").
    var label: String
    /// The model's probability that it is positive.
    var probability: Float
    var text: String

    /// The `count` misclassified documents (at `threshold`) the model was surest of, surest first: the
    /// ones whose probability lies furthest from the threshold on the wrong side. Ties keep file order.
    static func mostConfident(
        _ count: Int, in corpus: LabelledCorpus, logits: [Float], threshold: Double
    ) -> [MisclassifiedDocument] {
        // Computed as the metrics compute it, so "misclassified" agrees with the confusion matrix.
        let probabilities = logits.map { 1 / (1 + exp(-Double($0))) }
        // How far past the threshold, on the wrong side (negative for a document classified right).
        func wrongness(_ index: Int) -> Double {
            corpus.documents[index].label >= 0.5
                ? threshold - probabilities[index] : probabilities[index] - threshold
        }
        let wrong = logits.indices.filter { index in
            (probabilities[index] >= threshold) != (corpus.documents[index].label >= 0.5)
        }
        let surest = wrong.sorted { wrongness($0) != wrongness($1) ? wrongness($0) > wrongness($1) : $0 < $1 }
        return surest.prefix(count).map { index in
            let document = corpus.documents[index]
            return MisclassifiedDocument(
                file: corpus.sources[index].file, line: corpus.sources[index].line,
                label: document.label >= 0.5 ? "positive" : "negative",
                probability: BiGRUClassifier.probability(logit: logits[index]), text: document.text)
        }
    }

    /// Longest text shown in the table (JSON has it whole).
    static let tableTextLength = 160

    /// The table's section: a heading and one line per document.
    static func table(_ documents: [MisclassifiedDocument]) -> String {
        var text = "\nmost confidently misclassified (\(documents.count) shown)\n"
        for document in documents {
            var shown = document.text.map { $0.isNewline || $0 == "\t" ? " " : $0 }
            if shown.count > tableTextLength { shown = Array(shown.prefix(tableTextLength - 1)) + ["…"] }
            text +=
                "  \(document.file):\(document.line)  \(document.label)  "
                + String(format: "%.4f", document.probability) + "  \(String(shown))\n"
        }
        return text
    }
}
