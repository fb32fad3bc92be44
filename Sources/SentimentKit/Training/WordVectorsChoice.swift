import Foundation
import WordVectors

/// Which pre-trained word vectors start a new model's embedding.
public enum WordVectorsChoice: Sendable {
    /// The English vectors bundled in the executable (`BundledVectors`), when they cover at least
    /// `ModelTrainingOptions.automaticVectorsMinimumCoverage` of the training tokens: English text gets
    /// them, text in another language (where only numbers, punctuation and borrowed words would match)
    /// trains without.
    case automatic
    /// None: the embedding starts from skip-gram vectors trained on the training texts, or at random.
    case none
    /// The vectors file at this path (any format `VectorFileReader` reads), whatever its coverage.
    case file(String)
    /// Vectors already read, whatever their coverage.
    case loaded(PretrainedVectors)
}

/// What training did with pre-trained vectors, for the caller to report and the model to record.
public struct WordVectorsSummary: Sendable, Equatable, Codable {
    /// Where the vectors came from.
    public var source: VectorSource
    public var dimension: Int
    /// Share of the labelled training tokens (occurrences) whose token found a vector.
    public var coverage: Double
    /// Whether they started the embedding: automatic vectors below the coverage they need, or wider
    /// than an embedding width given, do not.
    public var used: Bool
    /// Why they were not used, in words ("they cover 15.3 % of the training tokens, under 60 %").
    public var notUsedBecause: String?
    /// Vocabulary rows that got a pre-trained vector, and words of the vectors added to the vocabulary
    /// beyond the training texts' own.
    public var matchedRows: Int
    public var addedWords: Int
    /// Time to read (or decode) the vectors and match them (not stored in a model: a model's record
    /// does not depend on the clock but for its finish time).
    public var seconds: Double = 0

    private enum CodingKeys: String, CodingKey {
        case source, dimension, coverage, used
        case notUsedBecause = "not_used_because"
        case matchedRows = "matched_rows"
        case addedWords = "added_words"
    }
}
