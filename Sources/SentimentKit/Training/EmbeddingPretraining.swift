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
        let (skipGram, summary) = try vectors(
            documents: documents, vocabularySize: classifier.configuration.vocabularySize,
            dimension: classifier.configuration.embeddingDim, epochs: epochs, seed: seed,
            threads: classifier.threadCount, progress: progress)
        var result = summary
        result.rows = skipGram.copyStandardized(
            into: &classifier.parameters.embedding.weights, standardDeviation: standardDeviation)
        return result
    }

    /// Skip-gram vectors of `dimension` values for the tokens of `documents`, and what it took (its
    /// `rows` are the tokens that occur).
    static func vectors(
        documents: [[Int32]], vocabularySize: Int, dimension: Int, epochs: Int, seed: UInt64, threads: Int,
        progress: (EmbeddingPretrainingProgress) throws -> Void
    ) throws -> (SkipGramVectors, EmbeddingPretrainingSummary) {
        let start = Date()
        var options = SkipGramOptions()
        options.epochs = epochs
        options.seed = seed
        options.threads = threads
        let skipGram = try SkipGramVectors(
            documents: documents, vocabularySize: vocabularySize, dimension: dimension, options: options
        ) { step in
            try progress(
                EmbeddingPretrainingProgress(
                    epoch: step.epoch, epochs: step.epochs, tokens: step.tokens,
                    totalTokens: step.totalTokens,
                    seconds: Date().timeIntervalSince(start)))
        }
        let summary = EmbeddingPretrainingSummary(
            epochs: epochs, tokens: skipGram.counts.reduce(0, +), rows: skipGram.counts.filter { $0 > 0 }.count,
            vocabularySize: vocabularySize, seconds: Date().timeIntervalSince(start))
        return (skipGram, summary)
    }
}
