import Embedding
import Foundation
import GRUClassifier

/// What the skip-gram pre-training did, for the caller to report.
public struct EmbeddingPretrainingSummary: Sendable {
    public var epochs: Int
    /// Token occurrences in the documents it read.
    public var tokens: Int
    /// Rows of the embedding that got pre-trained vectors (tokens that occur), and all rows.
    public var rows: Int
    public var vocabularySize: Int
    public var seconds: Double
}

/// Skip-gram pre-training of a new classifier's embedding on the training texts: the classification run
/// then starts from word vectors that already place words used alike close together, which its few
/// epochs on labelled data could not learn alone.
enum EmbeddingPretraining {
    /// Replaces `classifier`'s embedding rows with skip-gram vectors trained on `documents` (token ids,
    /// whole documents), rescaled to `standardDeviation`; tokens absent from the documents keep their
    /// random rows.
    static func pretrain(
        _ classifier: BiGRUClassifier, documents: [[Int32]], epochs: Int, seed: UInt64,
        standardDeviation: Float
    ) -> EmbeddingPretrainingSummary {
        let start = Date()
        let configuration = classifier.configuration
        var options = SkipGramOptions()
        options.epochs = epochs
        options.seed = seed
        let skipGram = SkipGramVectors(
            documents: documents, vocabularySize: configuration.vocabularySize,
            dimension: configuration.embeddingDim, options: options)
        let rows = skipGram.copyStandardized(
            into: &classifier.parameters.embedding.weights, standardDeviation: standardDeviation)
        return EmbeddingPretrainingSummary(
            epochs: epochs, tokens: skipGram.counts.reduce(0, +), rows: rows,
            vocabularySize: configuration.vocabularySize, seconds: Date().timeIntervalSince(start))
    }
}
