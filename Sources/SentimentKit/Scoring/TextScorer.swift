import Evaluation
import GRUClassifier
import Tokenizer

/// Text → probability: tokenizes texts in parallel with the model's tokenizer settings, encodes them
/// through its vocabulary (cut to its `max_len`), runs the network on the whole batch and turns each
/// logit into a probability, `σ(logit / temperature)` with the model's temperature.
///
/// The one scoring path: `sentiment score` and `sentiment eval` use it, and so does a program that scores
/// text with the library. Not safe to use from several threads at once (the network and the tokenizers
/// keep scratch state); `ConcurrentScorer` is, for programs that score from several tasks.
public final class TextScorer {
    /// The model texts are scored with.
    public let model: SentimentModel
    /// Probability at or above which a text is labelled positive (the model's unless given otherwise).
    public let threshold: Float
    private let pool: TokenizerPool

    /// A scorer that tokenizes and runs the network on `threads` threads (default: every core); it sets
    /// the model's network to that many threads, so give each scorer a model of its own. Throws
    /// `ScoringError.thresholdOutOfRange` for a `threshold` outside [0, 1].
    public init(model: SentimentModel, threads: Int? = nil, threshold: Float? = nil) throws {
        let threads = max(1, threads ?? BiGRUClassifier.defaultThreadCount)
        self.model = model
        self.threshold = threshold ?? model.threshold
        try ScoringError.check(threshold: self.threshold)
        model.classifier.threadCount = threads
        pool = try TokenizerPool(settings: model.tokenizerSettings, count: threads)
    }

    /// The probability that each text is positive, in order.
    public func probabilities(for texts: [String]) throws -> [Float] {
        try probabilities(of: encode(texts))
    }

    /// The probabilities of encoded texts, with the model's temperature.
    private func probabilities(of encoded: [(ids: [Int32], ngrams: [Int32])]) throws -> [Float] {
        try model.classifier.logits(for: encoded.map(\.ids), ngrams: ngrams(of: encoded)).map {
            BiGRUClassifier.probability(logit: model.calibrated($0))
        }
    }

    /// The n-gram lists the network takes: nil without the wide channel.
    private func ngrams(of encoded: [(ids: [Int32], ngrams: [Int32])]) -> [[Int32]]? {
        model.classifier.configuration.hasWideChannel ? encoded.map(\.ngrams) : nil
    }

    /// What the network reads of each text.
    private func encode(_ texts: [String]) -> [(ids: [Int32], ngrams: [Int32])] {
        pool.tokens(of: texts).map(model.encodeDocument)
    }

    /// Whether a probability means "positive" at `threshold`.
    public func isPositive(_ probability: Float) -> Bool { probability >= threshold }

    /// The probability of each text given as UTF-8 bytes (invalid bytes become U+FFFD), and whether each
    /// had invalid UTF-8.
    public func probabilities(forUTF8 texts: [ArraySlice<UInt8>]) throws -> (
        probabilities: [Float], hadInvalidUTF8: [Bool]
    ) {
        // Tokenizing a few short lines on several threads costs more than it saves.
        let workers = min(pool.count, max(1, texts.count / 32))
        let model = model
        let encoded = pool.concurrentMap(workers: workers) { worker, tokenizer in
            let range = (texts.count * worker / workers)..<(texts.count * (worker + 1) / workers)
            return texts[range].map { text in
                text.withUnsafeBytes { bytes in
                    let result = tokenizer.tokens(inUTF8: bytes)
                    return (document: model.encodeDocument(result.tokens), invalid: result.hadInvalidUTF8)
                }
            }
        }.flatMap { $0 }
        return (try probabilities(of: encoded.map(\.document)), encoded.map(\.invalid))
    }

    /// The logit (log-odds of positive, divided by the model's temperature; the probability is its
    /// sigmoid) of each text, in order, scored in length-sorted batches: what `metrics(on:)` ranks and
    /// thresholds, for a caller that wants the per-text scores and the metrics from one pass.
    public func logits(for texts: [String]) throws -> [Float] {
        let examples = encode(texts).map { EncodedExample(ids: $0.ids, ngrams: $0.ngrams, label: 0) }
        return try model.classifier.logits(on: examples).map(model.calibrated)
    }

    /// The token ids the network's GRU sees for each text.
    public func tokenIDs(for texts: [String]) -> [[Int32]] {
        pool.tokens(of: texts).map(model.encode)
    }

    /// Accuracy, F1, ROC-AUC, log loss, calibration and the confusion matrix of the model on labelled
    /// `documents`, at `threshold`.
    public func metrics(on documents: [CorpusDocument]) throws -> BinaryClassificationMetrics {
        try BinaryClassificationMetrics(
            logits: logits(on: documents), labels: documents.map { $0.sentiment == .positive },
            threshold: Double(threshold))
    }

    /// The logit of each of `documents`' texts, as `logits(for:)`.
    public func logits(on documents: [CorpusDocument]) throws -> [Float] {
        try logits(for: documents.map(\.text))
    }
}
