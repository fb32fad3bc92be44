/// Errors of building, loading or running a classifier; each message names the offending value.
public enum ClassifierError: Error, Equatable, CustomStringConvertible {
    /// A configuration value is out of range.
    case invalidConfiguration(String)
    /// A parameter the configuration requires is absent.
    case missingParameter(name: String)
    /// A parameter name the configuration does not use.
    case unexpectedParameter(name: String)
    /// A parameter has a different shape than the configuration requires.
    case shapeMismatch(name: String, expected: [Int], found: [Int])
    /// A token id outside `0..<vocabularySize` (the network's `tokenIDLimit`: with a negation transform, twice
    /// the vocabulary size).
    case tokenOutOfRange(sequence: Int, position: Int, id: Int32, vocabularySize: Int)
    /// The number of labels differs from the number of sequences.
    case labelCountMismatch(sequences: Int, labels: Int)
    /// A loss or gradient was asked of a batch without sequences.
    case emptyBatch
    /// The wide channel's n-gram lists do not match the batch.
    case ngramCountMismatch(sequences: Int, ngrams: Int)
    /// An n-gram bucket outside `0..<buckets`.
    case ngramOutOfRange(sequence: Int, bucket: Int32, buckets: Int)
    /// The model has a wide channel but no n-grams were given.
    case missingNGrams
    /// A label that is not a probability in `[0, 1]` (or is NaN).
    case invalidLabel(sequence: Int, value: Float)
    /// A sequence of input vectors whose length is not a whole number of vectors.
    case inputSizeMismatch(sequence: Int, values: Int, dimension: Int)

    /// A one-line message naming the offending value.
    public var description: String {
        switch self {
        case .invalidConfiguration(let message): return "invalid classifier configuration: \(message)"
        case .missingParameter(let name): return "parameter \(name) is missing"
        case .unexpectedParameter(let name): return "unexpected parameter \(name)"
        case .shapeMismatch(let name, let expected, let found):
            return "parameter \(name) has shape \(found), expected \(expected)"
        case .tokenOutOfRange(let sequence, let position, let id, let vocabularySize):
            return
                "token id \(id) at position \(position) of sequence \(sequence) is outside 0..<\(vocabularySize)"
        case .labelCountMismatch(let sequences, let labels):
            return "\(labels) labels given for \(sequences) sequences"
        case .emptyBatch: return "the batch holds no sequence"
        case .ngramCountMismatch(let sequences, let ngrams):
            return "\(sequences) sequences but \(ngrams) n-gram lists"
        case .ngramOutOfRange(let sequence, let bucket, let buckets):
            return "sequence \(sequence): n-gram bucket \(bucket) outside 0..<\(buckets)"
        case .missingNGrams: return "the model has a wide channel: give each sequence's n-gram buckets"
        case .invalidLabel(let sequence, let value):
            return "label \(value) of sequence \(sequence) is not in [0, 1]"
        case .inputSizeMismatch(let sequence, let values, let dimension):
            return
                "input sequence \(sequence) has \(values) values, not a multiple of the embedding size \(dimension)"
        }
    }
}
