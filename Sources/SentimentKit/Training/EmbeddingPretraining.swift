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

/// How far the embedding's pre-training has got.
public struct EmbeddingPretrainingProgress: Sendable {
    /// The pass under way, from 1, and the number of passes.
    public var epoch: Int
    public var epochs: Int
    /// Token occurrences read so far over all passes, and how many the whole pre-training reads.
    public var tokens: Int
    public var totalTokens: Int
    /// Time since the pre-training began.
    public var seconds: Double
}

/// Skip-gram pre-training of a new classifier's embedding on the training texts: the classification run
/// then starts from word vectors that already place words used alike close together, which its few
/// epochs on labelled data could not learn alone.
enum EmbeddingPretraining {
    /// Replaces `classifier`'s embedding rows with skip-gram vectors trained on `documents` (token ids,
    /// whole documents), rescaled to `standardDeviation`; tokens absent from the documents keep their
    /// random rows. `progress` hears how far it has got (about a thousand times).
    static func pretrain(
        _ classifier: BiGRUClassifier, documents: [[Int32]], epochs: Int, seed: UInt64,
        standardDeviation: Float, progress: (EmbeddingPretrainingProgress) throws -> Void
    ) throws -> EmbeddingPretrainingSummary {
        let start = Date()
        let configuration = classifier.configuration
        var options = SkipGramOptions()
        options.epochs = epochs
        options.seed = seed
        options.threads = classifier.threadCount
        let skipGram = try SkipGramVectors(
            documents: documents, vocabularySize: configuration.vocabularySize,
            dimension: configuration.embeddingDim, options: options
        ) { step in
            try progress(
                EmbeddingPretrainingProgress(
                    epoch: step.epoch, epochs: step.epochs, tokens: step.tokens,
                    totalTokens: step.totalTokens,
                    seconds: Date().timeIntervalSince(start)))
        }
        let rows = skipGram.copyStandardized(
            into: &classifier.parameters.embedding.weights, standardDeviation: standardDeviation)
        return EmbeddingPretrainingSummary(
            epochs: epochs, tokens: skipGram.counts.reduce(0, +), rows: rows,
            vocabularySize: configuration.vocabularySize, seconds: Date().timeIntervalSince(start))
    }
}
