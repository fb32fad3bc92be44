import ArgumentParser
import SentimentKit

/// `sentiment train`'s flags for what the model is: its vocabulary, embedding, network, negation
/// marks and file storage. Defaults are read from `ModelTrainingOptions`, never restated.
struct TrainModelOptions: ParsableArguments {
    @Option(
        parsing: .unconditional,
        help: """
            Embedding size (default: the dimension of the pre-trained vectors when they are used, else \
            \(ModelTrainingOptions.defaultEmbeddingDim)); wider than the vectors, the columns after theirs \
            start from skip-gram vectors.
            """)
    var embeddingDim: Int?

    @Option(
        help: """
            Pre-trained word vectors for the embedding: auto (the English vectors bundled in the \
            program, when they cover at least \(Int(ModelTrainingOptions.automaticVectorsMinimumCoverage * 100)) % \
            of the training tokens), none, or a file: GloVe or word2vec/fastText .vec text, word2vec \
            binary, plain or gzip-compressed. Ignored with --init.
            """)
    var vectors = "auto"

    @Option(
        parsing: .unconditional,
        help: """
            Words of the pre-trained vectors (the most frequent first) added to the vocabulary beyond \
            the training texts' own, so words the training texts lack keep their meaning when scored.
            """)
    var vectorVocabulary = ModelTrainingOptions().vectorVocabularyExtension

    @Option(parsing: .unconditional, help: "GRU hidden size per direction.")
    var hidden = ModelTrainingOptions().hidden

    @Option(parsing: .unconditional, help: "Stacked bidirectional GRU layers.")
    var layers = ModelTrainingOptions().layers

    @Option(help: "GRU cell: reset-after (PyTorch nn.GRU) or reset-before (Cho et al. 2014).")
    var cell = CellOption(ModelTrainingOptions().cell)

    @Option(parsing: .unconditional, help: "Tokens kept per document (see --head-len for which ones).")
    var maxLen = ModelTrainingOptions().maxLength

    @Option(
        parsing: .unconditional,
        help: """
            Of the --max-len tokens kept from a longer document, how many come from its start; the rest \
            come from its end, where reviews tend to give their verdict (default: a quarter of --max-len; \
            --head-len equal to --max-len keeps only the start).
            """)
    var headLen: Int?

    @Option(
        parsing: .unconditional, help: "Keep tokens seen at least this many times in the training documents.")
    var minCount = ModelTrainingOptions().minCount

    @Option(parsing: .unconditional, help: "At most this many vocabulary entries, <pad> and <unk> included.")
    var maxVocab = ModelTrainingOptions().maxVocabulary

    @Option(
        parsing: .unconditional,
        help: """
            Standard deviation of the normal distribution the embedding starts from (PyTorch's \
            nn.Embedding uses 1; smaller starts let rare words' random vectors matter less). Ignored with \
            --init.
            """)
    var embeddingInitStd: Float = ModelTrainingOptions().embeddingInitStd

    @Option(
        parsing: .unconditional,
        help: """
            Epochs of skip-gram pre-training (word2vec) of the embedding on the training texts before \
            the classifier is trained; 0 starts from random vectors. Ignored with --init. With two or \
            more --threads it runs in two shards: a seed and a thread count always give the same model.
            """)
    var pretrainEpochs = ModelTrainingOptions().pretrainEpochs

    @Option(
        parsing: .unconditional,
        help: """
            Buckets of the wide channel beside the GRU: each document's token unigrams and bigrams, hashed, \
            with a learned weight each scaled by its naive-Bayes log-count ratio, added to the logit; 0 \
            trains the pure BiGRU (which PyTorch's nn.GRU reproduces). Ignored with --init.
            """)
    var ngramBuckets = ModelTrainingOptions().ngramBuckets

    @Option(
        help:
            "What the output layer reads: the BiGRU's final states, or also their maximum and mean over time."
    )
    var pooling = PoolingOption(ModelTrainingOptions().pooling)

    @Option(
        help: """
            How the model reads the words after a negation cue up to the next punctuation or contrast \
            word (not, never, n't, no …, 不, 没有 …; docs/negation.md): marked, they hash to n-gram \
            buckets of their own, and the GRU reads them through a learned map, affine (W x + b) or \
            diagonal (s ⊙ x + t), or unchanged (identity); none marks nothing. Ignored with --init.
            """)
    var negation = NegationOption(ModelTrainingOptions.defaultNegationTransform)

    @Option(
        help: """
            How the model file stores the weights: f32, or f16 (half the size; training is float32 \
            either way, and scoring converts back). See also sentiment convert.
            """)
    var precision = ModelTrainingOptions().precision

    /// Sets the library options these flags stand for; an unset flag keeps the library's default rule.
    func apply(to options: inout ModelTrainingOptions) {
        options.embeddingDim = embeddingDim
        switch vectors {
        case "auto": options.vectors = .automatic
        case "none": options.vectors = .none
        default: options.vectors = .file(vectors)
        }
        options.vectorVocabularyExtension = vectorVocabulary
        options.hidden = hidden
        options.layers = layers
        options.cell = cell.variant
        options.maxLength = maxLen
        options.headLength = headLen
        options.minCount = minCount
        options.maxVocabulary = maxVocab
        options.embeddingInitStd = embeddingInitStd
        options.pretrainEpochs = pretrainEpochs
        options.ngramBuckets = ngramBuckets
        options.pooling = pooling.headPooling
        options.negationTransform = negation.transform
        options.precision = precision
    }
}

/// `--pooling` values.
enum PoolingOption: String, ExpressibleByArgument, CaseIterable {
    case final = "final"
    case finalMaxMean = "final-max-mean"

    init(_ pooling: HeadPooling) { self = pooling == .final ? .final : .finalMaxMean }

    var headPooling: HeadPooling { self == .final ? .final : .finalMaxMean }
}

/// `--negation` values.
enum NegationOption: String, ExpressibleByArgument, CaseIterable {
    case none, identity, diagonal, affine

    init(_ transform: NegationTransform?) { self = transform.flatMap { Self(rawValue: $0.rawValue) } ?? .none }

    var transform: NegationTransform? { NegationTransform(rawValue: rawValue) }
}

/// `--cell` values.
enum CellOption: String, ExpressibleByArgument, CaseIterable {
    case resetAfter = "reset-after"
    case resetBefore = "reset-before"

    init(_ variant: GRUCellVariant) { self = variant == .resetAfter ? .resetAfter : .resetBefore }

    var variant: GRUCellVariant { self == .resetAfter ? .resetAfter : .resetBefore }
}
