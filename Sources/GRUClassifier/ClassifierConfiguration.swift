/// Which GRU cell equations a model uses. Both keep PyTorch's weight layout (`[r; z; n]` row blocks and
/// separate input and hidden biases); they differ only in where the reset gate acts.
public enum GRUCellVariant: String, Codable, Sendable, CaseIterable {
    /// PyTorch `nn.GRU`, cuDNN, Keras `reset_after=True`:
    /// `n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))`.
    case resetAfter = "reset_after"
    /// Cho et al. 2014, Keras `reset_after=False`: `n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn)`.
    case resetBefore = "reset_before"
}

/// What the output layer reads of the top layer's outputs.
public enum HeadPooling: String, Codable, Sendable, CaseIterable {
    /// The final states only: the forward direction after the last token, the reverse after the first
    /// (`2H` features).
    case final = "final"
    /// The final states, then the element-wise maximum and the mean over time of the top layer's outputs
    /// (`6H` features; Howard & Ruder 2018's concat pooling): a long text's early words reach the output
    /// layer directly instead of only through the recurrence.
    case finalMaxMean = "final_max_mean"

    /// How many `2H`-wide feature blocks the output layer reads.
    public var blocks: Int { self == .final ? 1 : 3 }
}

/// The sizes and options that fix a classifier's parameter shapes and its computation.
public struct ClassifierConfiguration: Sendable, Equatable {
    /// Number of token ids (rows of `embedding.weight`).
    public var vocabularySize: Int
    /// Length of an embedding row (input size of the first GRU layer).
    public var embeddingDim: Int
    /// Hidden size `H` of each GRU direction.
    public var hidden: Int
    /// Number of stacked bidirectional layers (at least 1).
    public var layers: Int
    /// GRU cell equations.
    public var cell: GRUCellVariant
    /// Inverted-dropout probability between layers and before the output layer, in `[0, 1)`; applied only
    /// when training.
    public var dropout: Float
    /// Inverted-dropout probability on the embedding rows a training step reads, in `[0, 1)`: in each
    /// step every distinct token of the batch gets one mask over its row, shared by all its occurrences
    /// (so the mask does not depend on how the batch is split across threads). Applied only when training.
    public var embeddingDropout: Float
    /// Buckets of the wide channel: the document's token-id unigrams and bigrams, hashed into this many
    /// buckets (`NGramHashing`), each with a learned weight that adds to the logit. 0: none, the pure
    /// BiGRU (which PyTorch's `nn.GRU` reproduces exactly).
    public var ngramBuckets: Int
    /// What the output layer reads: the final states, or also the maximum and mean over time.
    public var pooling: HeadPooling
    /// How the first layer reads a token marked as inside a negation scope (`NegationTransform`); nil:
    /// the network takes no marked tokens.
    public var negationTransform: NegationTransform?

    /// A configuration; `validate()` checks the values.
    public init(
        vocabularySize: Int, embeddingDim: Int, hidden: Int, layers: Int = 1,
        cell: GRUCellVariant = .resetAfter,
        dropout: Float = 0, embeddingDropout: Float = 0, ngramBuckets: Int = 0, pooling: HeadPooling = .final,
        negationTransform: NegationTransform? = nil
    ) {
        self.vocabularySize = vocabularySize
        self.embeddingDim = embeddingDim
        self.hidden = hidden
        self.layers = layers
        self.cell = cell
        self.dropout = dropout
        self.embeddingDropout = embeddingDropout
        self.ngramBuckets = ngramBuckets
        self.pooling = pooling
        self.negationTransform = negationTransform
    }

    /// One past the largest token id the network takes: the vocabulary size, or twice it with a negation
    /// transform (ids from `vocabularySize` on are marked tokens, `NegationTransform`).
    public var tokenIDLimit: Int { negationTransform == nil ? vocabularySize : 2 * vocabularySize }

    /// The number of features the output layer reads per sequence.
    public var headWidth: Int { 2 * hidden * pooling.blocks }

    /// Whether the model has the wide channel.
    public var hasWideChannel: Bool { ngramBuckets > 0 }

    /// The most n-gram buckets a model may have (2^26: 256 MB of weights).
    public static let maximumNGramBuckets = 1 << 26

    /// Whether a training pass draws any dropout masks.
    var usesDropout: Bool { dropout > 0 || embeddingDropout > 0 }

    /// Throws `ClassifierError.invalidConfiguration` unless every size is positive, the sizes are small
    /// enough for 32-bit matrix dimensions and both dropout probabilities lie in `[0, 1)`.
    public func validate() throws {
        func fail(_ message: String) -> ClassifierError { .invalidConfiguration(message) }
        guard vocabularySize >= 1 else {
            throw fail("vocabularySize must be at least 1, got \(vocabularySize)")
        }
        guard embeddingDim >= 1 else { throw fail("embeddingDim must be at least 1, got \(embeddingDim)") }
        guard hidden >= 1 else { throw fail("hidden must be at least 1, got \(hidden)") }
        guard layers >= 1 else { throw fail("layers must be at least 1, got \(layers)") }
        guard dropout >= 0 && dropout < 1 else { throw fail("dropout must lie in [0, 1), got \(dropout)") }
        guard embeddingDropout >= 0 && embeddingDropout < 1 else {
            throw fail("embeddingDropout must lie in [0, 1), got \(embeddingDropout)")
        }
        guard ngramBuckets == 0 || (2...Self.maximumNGramBuckets).contains(ngramBuckets) else {
            throw fail(
                "ngramBuckets must be 0 or lie in [2, \(Self.maximumNGramBuckets)], got \(ngramBuckets)")
        }
        let limit = 1 << 24
        guard tokenIDLimit <= Int(Int32.max), embeddingDim <= limit, hidden <= limit, layers <= 1024 else {
            throw fail(
                "sizes too large (vocabulary \(vocabularySize), embedding \(embeddingDim), hidden \(hidden))")
        }
    }
}
