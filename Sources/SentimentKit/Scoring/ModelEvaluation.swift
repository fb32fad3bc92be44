import GRUClassifier

/// What `sentiment eval` computes from a model and labelled documents, in one pass of scoring: the
/// metrics at the scorer's threshold, the threshold that maximises F1 on the documents, the
/// misclassified documents the model was surest of, and each document's probability and label (what
/// `EvaluationPlots` draws).
public struct ModelEvaluation: Sendable {
    /// Accuracy, F1, ROC-AUC, log loss, calibration and the confusion matrix at the scorer's threshold.
    public var metrics: BinaryClassificationMetrics
    /// The same at the threshold that maximises F1 on these documents; nil when no label is positive.
    public var bestF1: BinaryClassificationMetrics?
    /// The misclassified documents the model was surest of, surest first (as many as asked for).
    public var mostConfidentErrors: [MisclassifiedDocument]
    /// Each document's probability of being positive (with the model's temperature), in order.
    public var probabilities: [Float]
    /// Whether each document is labelled positive, in order.
    public var positives: [Bool]

    /// Scores `corpus` with `scorer` and evaluates it, keeping the `errors` surest misclassified
    /// documents. Throws `MetricsError` for an empty corpus.
    public init(scorer: TextScorer, corpus: LabelledCorpus, errors: Int = 0) throws {
        let logits = try scorer.logits(for: corpus.documents.map(\.text))
        positives = corpus.documents.map { $0.sentiment == .positive }
        metrics = try BinaryClassificationMetrics(
            logits: logits, labels: positives, threshold: Double(scorer.threshold))
        bestF1 = try BinaryClassificationMetrics.maximizingF1(logits: logits, labels: positives)
        mostConfidentErrors = MisclassifiedDocument.mostConfident(
            errors, in: corpus, logits: logits, threshold: Double(scorer.threshold))
        probabilities = logits.map { BiGRUClassifier.probability(logit: $0) }
    }
}
