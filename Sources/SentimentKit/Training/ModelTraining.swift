import Embedding
import Evaluation
import Foundation
import GRUClassifier
import Tokenizer
import WordVectors

/// How `ModelTraining` builds and trains a model. `nil` means "the default rule" (documented on each
/// property), so the rule lives here once and the command line only passes what the user gave.
public struct ModelTrainingOptions {
    /// Network shape (ignored with `initialModel`, which keeps its own). nil `embeddingDim`:
    /// `defaultEmbeddingDim`, or the pre-trained vectors' dimension when that is larger; pre-trained
    /// vectors fill the first columns and skip-gram vectors the rest.
    public var embeddingDim: Int?
    public var hidden = 128
    public var layers = 1
    public var cell = GRUCellVariant.resetAfter
    /// Buckets of the wide channel of hashed token-id unigrams and bigrams beside the GRU (0: none, the
    /// pure BiGRU).
    public var ngramBuckets = 1 << 20
    /// What the output layer reads of the BiGRU's outputs.
    public var pooling = HeadPooling.final
    /// How the network reads the tokens inside a negation scope (`NegationScope.current` marks them);
    /// nil: no marks, the network reads every token alike (ignored with `initialModel`, which keeps its
    /// own).
    public var negationTransform: NegationTransform? = ModelTrainingOptions.defaultNegationTransform
    /// Whether each training text a rule can negate safely gets a negated copy with the opposite label
    /// (`NegatedExamples`). Off by default: with the marks on it lifted negated negatives ("not bad")
    /// but cost CR and SST-2 accuracy (BENCHMARKS.md, "Negation and contrast").
    public var negatedExamples = false
    /// Whether pairs of short training texts of opposite labels are joined by a contrast ("A, but B")
    /// into extra training texts labelled as the clause after the turn (`ContrastExamples`). Off by
    /// default: it lifts the contrast checks but costs CR and ChnSentiCorp accuracy (BENCHMARKS.md,
    /// "Negation and contrast").
    public var contrastExamples = false
    /// Whether the labelled sentences of the built-in behavioural suite's augment half, in the languages
    /// of the training texts, are added to them (`SuiteExamples`; never a sentence `sentiment check` runs).
    public var suiteExamples = false
    /// Factor on the learning rate for the wide channel's weights: a linear model over n-grams wants a
    /// larger step than the GRU (the values tried: BENCHMARKS.md, "Accuracy").
    public var wideLearningRateScale: Float = 5
    /// Weight of the auxiliary losses that train the BiGRU and the wide channel each to predict alone as
    /// well as together (0: only the joint loss).
    /// nil: `vectorsBranchLossWeight` when pre-trained vectors start the embedding, else 0.
    public var branchLossWeight: Float?
    /// Tokens kept per document.
    public var maxLength = 400
    /// Of the `maxLength` tokens kept from a longer document, how many come from its start; nil: a
    /// quarter of `maxLength`.
    public var headLength: Int?
    /// Vocabulary: tokens seen at least this often, at most this many entries (`<pad>`, `<unk>` included).
    public var minCount = 2
    public var maxVocabulary = 30000
    /// How text is tokenized (ignored with `initialModel`).
    public var tokenizerSettings = TokenizerSettings()
    /// Share of the training documents held out for validation when no validation documents are given.
    public var validationSplit = 0.1
    /// Epochs, early stopping, batch size, optimiser, learning rate and its decay, clipping, seed, word
    /// dropout, averaging and the embedding's Adam mode and learning-rate factor. Leave
    /// `training.learningRate` and `training.embeddingLearningRateScale` to `learningRate` and
    /// `embeddingLearningRateScale` below, which apply the default rules.
    public var training = TrainingOptions()
    /// nil: 0.002 for Adam, 0.1 for SGD.
    public var learningRate: Float?
    /// nil: 0 (frozen) when the embedding was pre-trained and the labelled training texts hold at least
    /// `frozenEmbeddingTokenThreshold` tokens, else 1.
    public var embeddingLearningRateScale: Float?
    /// nil: 0.3, or the initial model's.
    public var dropout: Float?
    /// nil: 0, or the initial model's.
    public var embeddingDropout: Float?
    /// Standard deviation of the embedding's random start.
    public var embeddingInitStd: Float = 0.1
    /// Pre-trained word vectors for the embedding (ignored with `initialModel`).
    public var vectors = WordVectorsChoice.automatic
    /// How many of the vectors' most frequent words join the vocabulary beyond the training texts'
    /// own, so that a word the training texts never had keeps its meaning when scored.
    public var vectorVocabularyExtension = 50_000
    /// Epochs of skip-gram pre-training of the embedding on the training texts (0: none; ignored with
    /// `initialModel`).
    public var pretrainEpochs = 5
    /// Threads for tokenizing and training (skip-gram pre-training runs on one, so a seed gives one model).
    public var threads = BiGRUClassifier.defaultThreadCount
    /// How the model file stores the weights (training itself is float32 either way).
    public var precision = ModelFilePrecision.f32
    /// A model to fine-tune: its vocabulary, tokenizer settings, shape, cut and threshold are kept.
    public var initialModel: SentimentModel?
    /// What to record about the run besides what training knows (program version, file names).
    public var record = TrainingRecord()

    /// The defaults; training keeps a moving average of the parameters (`training.averageDecay` =
    /// `defaultAverageDecay`), which is what is validated and kept.
    public init() {
        training.averageDecay = Self.defaultAverageDecay
    }

    /// The moving average's decay by default: with the wide channel, whose weights move fast, the average
    /// of the last steps (the ramp `(1 + t) / (10 + t)` keeps the window short early on) validates better
    /// than the last step (measured in BENCHMARKS.md, "Accuracy").
    public static let defaultAverageDecay: Float = 0.99
    public static let defaultEmbeddingDim = 128
    /// The share of the training tokens the bundled vectors must cover to be used by default: English
    /// text is covered far above it, Chinese far below (only its numbers, punctuation and Latin words).
    public static let automaticVectorsMinimumCoverage = 0.6
    /// The embedding's learning-rate factor by default when pre-trained vectors start it: slow enough to
    /// keep their geometry, which the labels of a small set would otherwise pull apart.
    public static let vectorsEmbeddingLearningRateScale: Float = 0.1
    /// The weight of the branch losses by default when pre-trained vectors start the embedding: the
    /// BiGRU over good vectors is a strong classifier alone, and without its own loss the wide channel,
    /// which fits the training set within an epoch, leaves it little to learn from.
    public static let vectorsBranchLossWeight: Float = 1
    /// How the network reads the tokens inside a negation scope by default.
    public static let defaultNegationTransform: NegationTransform? = .affine
    public static let defaultDropout: Float = 0.3
    public static let defaultLearningRates: [OptimizerKind: Float] = [.adam: 2e-3, .sgd: 0.1]
    /// With a few million labelled training tokens, fine-tuning the pre-trained vectors on the labels
    /// mostly learns the training set's particulars; a smaller labelled set still gains from adapting
    /// them, even when unlabelled text made them good (measured in BENCHMARKS.md, appendix).
    public static let frozenEmbeddingTokenThreshold = 2_000_000

    /// The embedding's learning-rate factor when none is given, for an embedding pre-trained on texts
    /// whose labelled training part holds `trainingTokens` tokens (unlabelled text does not count).
    public static func defaultEmbeddingLearningRateScale(trainingTokens: Int) -> Float {
        trainingTokens >= frozenEmbeddingTokenThreshold ? 0 : 1
    }
}

/// What happens while a model is built and trained, reported as it happens.
public enum ModelTrainingEvent {
    /// Documents are tokenized and encoded, the vocabulary is built.
    case prepared(trainingDocuments: Int, validationDocuments: Int, vocabularySize: Int, threads: Int)
    /// The embedding's pre-training got this far (reported about a thousand times, and at its end).
    case pretraining(EmbeddingPretrainingProgress)
    /// The embedding was pre-trained.
    case pretrained(EmbeddingPretrainingSummary)
    /// Pre-trained word vectors were read and matched to the training tokens (`used` tells whether
    /// they start the embedding).
    case vectors(WordVectorsSummary)
    /// The default rule froze the pre-trained embedding.
    case embeddingFrozen(trainingTokens: Int)
    /// A training step or an epoch finished.
    case training(TrainingEvent)
    /// The model file was rewritten with the best epoch so far.
    case checkpointWritten(epoch: Int)
}

/// The result of `ModelTraining.train`.
public struct ModelTrainingOutcome {
    /// The model of the kept epoch.
    public var model: SentimentModel
    public var epochsRun: Int
    public var bestEpoch: Int
    public var bestValidation: BinaryClassificationMetrics?
    /// The temperature fitted on the validation set (stored in the model); nil without validation.
    public var temperature: Float?
    /// The kept epoch's validation metrics with the temperature applied (same accuracy, calibrated log
    /// loss, ECE and Brier score).
    public var calibratedValidation: BinaryClassificationMetrics?
    /// Every epoch's figures, in order.
    public var epochs: [EpochSummary]
    public var seconds: Double
}

/// Labelled documents → trained model: the validation split, tokenizing, the vocabulary, encoding,
/// skip-gram pre-training, the default rules, training with early stopping, the checkpoints and the
/// temperature (`TemperatureScaling`, fitted on the validation set for each model written, so that its
/// probabilities are calibrated).
public enum ModelTraining {
    /// Trains a model on `training`, validating on `validation` or, when that is empty, on a stratified
    /// seeded split of `training` (`options.validationSplit`). `unlabelled` texts join the labelled
    /// training texts where no label is needed: the vocabulary and the skip-gram pre-training (ignored
    /// with `options.initialModel`). When `destination` is given the model file
    /// is written there (atomically) each time validation improves and once at the end, so an interrupted
    /// run leaves its best model so far.
    ///
    /// The destination is checked and locked (`ModelDestination`) before any work, so a missing
    /// directory or another run writing the same file stops this one at once.
    public static func train(
        training: [CorpusDocument], validation: [CorpusDocument] = [], unlabelled: [String] = [],
        options: ModelTrainingOptions, destination: URL? = nil,
        onEvent: (ModelTrainingEvent) throws -> Void = { _ in }
    ) throws -> ModelTrainingOutcome {
        try validate(options, training: training)
        let prepared = try destination.map { try ModelDestination($0) }
        defer { prepared?.release() }
        return try run(
            training: training, validation: validation, unlabelled: unlabelled, options: options,
            destination: prepared, onEvent: onEvent)
    }

    /// `train`, writing to a destination the caller has already checked and locked (and releases).
    public static func train(
        training: [CorpusDocument], validation: [CorpusDocument] = [], unlabelled: [String] = [],
        options: ModelTrainingOptions, writingTo destination: ModelDestination,
        onEvent: (ModelTrainingEvent) throws -> Void = { _ in }
    ) throws -> ModelTrainingOutcome {
        try validate(options, training: training)
        return try run(
            training: training, validation: validation, unlabelled: unlabelled, options: options,
            destination: destination, onEvent: onEvent)
    }

    private static func run(
        training: [CorpusDocument], validation: [CorpusDocument], unlabelled: [String],
        options: ModelTrainingOptions, destination preparedDestination: ModelDestination?,
        onEvent: (ModelTrainingEvent) throws -> Void
    ) throws -> ModelTrainingOutcome {
        do {
            return try runUninterrupted(
                training: training, validation: validation, unlabelled: unlabelled, options: options,
                destination: preparedDestination, onEvent: onEvent)
        } catch is ModelTrainingCancellation {
            // Stopped before the first epoch's steps began (while preparing or pre-training).
            throw ModelTrainingError.interrupted(
                ModelTrainingInterruption(modelPath: preparedDestination?.url.path))
        }
    }

    private static func runUninterrupted(
        training: [CorpusDocument], validation: [CorpusDocument], unlabelled: [String],
        options: ModelTrainingOptions, destination preparedDestination: ModelDestination?,
        onEvent: (ModelTrainingEvent) throws -> Void
    ) throws -> ModelTrainingOutcome {
        let start = Date()
        let destination = preparedDestination?.url
        let threads = max(1, options.threads)
        let initial = options.initialModel
        let seed = options.training.seed
        let settings = initial?.tokenizerSettings ?? options.tokenizerSettings
        let pool = try TokenizerPool(settings: settings, count: threads)

        var trainingDocuments = training
        var validationDocuments = validation
        var generator = SplitMix64(seed: seed)
        if validation.isEmpty && options.validationSplit > 0 {
            let split = stratifiedSplit(
                labels: training.map(\.label), validationFraction: options.validationSplit, using: &generator)
            validationDocuments = split.validation.map { training[$0] }
            trainingDocuments = split.training.map { training[$0] }
            try requireBothClasses(validationDocuments, in: .validationSplit)
        } else {
            try requireBothClasses(validation, in: .validation)
        }
        var trainingTokens = pool.tokens(of: trainingDocuments.map(\.text))
        // Synthetic training texts only: validation measures the texts as they are. They follow the
        // user's texts, which alone make the vocabulary, the pre-training and the counts reported.
        let userTrainingCount = trainingDocuments.count
        var synthetic = [CorpusDocument]()
        if options.negatedExamples {
            synthetic += NegatedExamples.documents(trainingDocuments, tokens: trainingTokens)
        }
        if options.contrastExamples {
            var contrastGenerator = SplitMix64(seed: seed ^ 0xC0A7_7A57)
            synthetic += ContrastExamples.documents(trainingDocuments, tokens: trainingTokens, using: &contrastGenerator)
        }
        trainingDocuments += synthetic
        trainingTokens += pool.tokens(of: synthetic.map(\.text))
        if options.suiteExamples {
            let suite = try SuiteExamples.documents(trainingTokens: trainingTokens) { pool.tokens(of: $0) }
            trainingDocuments += suite.documents
            trainingTokens += suite.tokens
        }
        let validationTokens = pool.tokens(of: validationDocuments.map(\.text))
        // Unlabelled texts only serve a new vocabulary and its pre-training. They are tokenized in chunks,
        // twice (to count, then to encode) rather than held as token strings: a token's string costs 16
        // bytes or more, its id 4, and an unlabelled corpus may be large.
        let unlabelledTexts = initial == nil ? unlabelled : []
        func forEachUnlabelledChunk(_ body: ([[String]]) -> Void) {
            let chunk = 8192
            for start in stride(from: 0, to: unlabelledTexts.count, by: chunk) {
                body(
                    pool.tokens(of: Array(unlabelledTexts[start..<min(start + chunk, unlabelledTexts.count)]))
                )
            }
        }

        var vocabulary: Vocabulary
        // The pre-trained vectors that start the embedding, and what became of those offered.
        var pretrainedEmbedding: PretrainedEmbedding?
        var vectorsSummary: WordVectorsSummary?
        if let initial {
            vocabulary = initial.vocabulary
        } else {
            var builder = VocabularyBuilder()
            for tokens in trainingTokens.prefix(userTrainingCount) { builder.add(tokens) }
            let vectorsStart = Date()
            if let vectors = try loadVectors(options, trainingCounts: builder) {
                let plan = PretrainedEmbedding(vectors: vectors, trainingCounts: builder)
                var notUsedBecause: String?
                if case .automatic = options.vectors {
                    let minimum = ModelTrainingOptions.automaticVectorsMinimumCoverage
                    if plan.coverage < minimum {
                        notUsedBecause =
                            "they cover \(Self.percent(plan.coverage)) of the training tokens, under \(Self.percent(minimum))"
                    } else if let width = options.embeddingDim, width < vectors.dimension {
                        notUsedBecause =
                            "the embedding width asked for (\(width)) is under their \(vectors.dimension) dimensions"
                    }
                }
                if notUsedBecause == nil { pretrainedEmbedding = plan }
                vectorsSummary = WordVectorsSummary(
                    source: vectors.source, dimension: vectors.dimension, coverage: plan.coverage,
                    used: notUsedBecause == nil, notUsedBecause: notUsedBecause, matchedRows: 0, addedWords: 0,
                    seconds: 0)
            }
            // A token with a pre-trained vector is worth a row however rarely the training texts have it.
            let keepingRare = pretrainedEmbedding.map { plan in { (token: String) in plan.matching.rows(for: token) != nil } }
            if unlabelledTexts.isEmpty {
                vocabulary = builder.build(
                    minCount: options.minCount, maxSize: options.maxVocabulary, keepingRare: keepingRare)
            } else {
                // The labelled texts' tokens first: a large unlabelled corpus only fills the room left.
                var supplement = VocabularyBuilder()
                forEachUnlabelledChunk { chunk in for tokens in chunk { supplement.add(tokens) } }
                vocabulary = builder.build(
                    minCount: options.minCount, maxSize: options.maxVocabulary, supplementedBy: supplement,
                    keepingRare: keepingRare)
            }
            if let plan = pretrainedEmbedding {
                let before = vocabulary.count
                vocabulary = vocabulary.extended(
                    with: plan.matching.vectors.words, maxSize: before + options.vectorVocabularyExtension)
                vectorsSummary?.addedWords = vocabulary.count - before
            }
            vectorsSummary?.seconds = Date().timeIntervalSince(vectorsStart)
        }
        let maxLength = initial?.maxLength ?? options.maxLength
        let headLength = initial.map(\.headLength) ?? (options.headLength ?? options.maxLength / 4)
        let ngramBuckets = initial?.classifier.configuration.ngramBuckets ?? options.ngramBuckets
        let negationTransform = initial.map(\.classifier.configuration.negationTransform) ?? options.negationTransform
        let negationScope = initial.map(\.negationScope) ?? (negationTransform == nil ? nil : NegationScope.current)
        // Every token's id, once: the wide channel's n-grams and the pre-training read whole documents.
        let trainingIDs = trainingTokens.map { vocabulary.ids(for: $0) }
        func encode(_ ids: [[Int32]], _ tokens: [[String]], _ documents: [CorpusDocument]) -> [EncodedExample] {
            zip(zip(ids, tokens), documents).map { idsAndTokens, document in
                let (ids, tokens) = idsAndTokens
                let marked = negationScope?.mark(ids, tokens: tokens, vocabularySize: vocabulary.count) ?? ids
                let encoded = SentimentModel.encodeDocument(
                    ids: marked, maxLength: maxLength, headLength: headLength, ngramBuckets: ngramBuckets)
                return EncodedExample(ids: encoded.ids, ngrams: encoded.ngrams, label: document.label)
            }
        }
        let trainingExamples = encode(trainingIDs, trainingTokens, trainingDocuments)
        let validationExamples = encode(
            validationTokens.map { vocabulary.ids(for: $0) }, validationTokens, validationDocuments)
        try onEvent(
            .prepared(
                trainingDocuments: userTrainingCount, validationDocuments: validationExamples.count,
                vocabularySize: vocabulary.count, threads: threads))

        var classifier: BiGRUClassifier
        // Labelled training tokens the embedding was pre-trained on, for the freezing rule.
        var pretrainedTrainingTokens = 0
        if let initial {
            // The initial model's shape and parameters, with this run's dropout when one is given.
            var configuration = initial.classifier.configuration
            configuration.dropout = options.dropout ?? configuration.dropout
            configuration.embeddingDropout = options.embeddingDropout ?? configuration.embeddingDropout
            classifier = try BiGRUClassifier(
                configuration: configuration, parameters: initial.classifier.parameterDictionary(),
                threadCount: threads)
            classifier.dropoutSeed = seed
        } else {
            let embeddingDim =
                options.embeddingDim
                ?? max(ModelTrainingOptions.defaultEmbeddingDim, pretrainedEmbedding?.matching.vectors.dimension ?? 0)
            if let plan = pretrainedEmbedding, embeddingDim < plan.matching.vectors.dimension {
                throw ModelTrainingError.invalidOption(
                    ModelTrainingOptionError(
                        field: .embeddingDim,
                        rule: .atLeastVectorsDimension(given: embeddingDim, vectors: plan.matching.vectors.dimension)))
            }
            classifier = try BiGRUClassifier(
                configuration: ClassifierConfiguration(
                    vocabularySize: vocabulary.count,
                    embeddingDim: embeddingDim,
                    hidden: options.hidden, layers: options.layers, cell: options.cell,
                    dropout: options.dropout ?? ModelTrainingOptions.defaultDropout,
                    embeddingDropout: options.embeddingDropout ?? 0, ngramBuckets: ngramBuckets,
                    pooling: options.pooling, negationTransform: negationTransform),
                seed: seed, embeddingStandardDeviation: options.embeddingInitStd, threadCount: threads)
            if ngramBuckets > 0 {
                classifier.parameters.wideScale = NaiveBayesScaling.logCountRatios(
                    ngrams: trainingExamples.lazy.map(\.ngrams), labels: trainingExamples.lazy.map(\.label),
                    buckets: ngramBuckets)
            }
            if let plan = pretrainedEmbedding {
                let vectorDim = plan.matching.vectors.dimension
                // Skip-gram vectors fill the columns beyond the pre-trained ones, and place the tokens
                // without a pre-trained vector.
                var skipGram: SkipGramVectors?
                if options.pretrainEpochs > 0 {
                    var documents = Array(trainingIDs.prefix(userTrainingCount))
                    pretrainedTrainingTokens = documents.reduce(0) { $0 + $1.count }
                    forEachUnlabelledChunk { chunk in documents += chunk.map { vocabulary.ids(for: $0) } }
                    let (vectors, summary) = try EmbeddingPretraining.vectors(
                        documents: documents, vocabularySize: vocabulary.count,
                        dimension: embeddingDim > vectorDim ? embeddingDim - vectorDim : vectorDim,
                        epochs: options.pretrainEpochs, seed: seed, threads: threads
                    ) { try onEvent(.pretraining($0)) }
                    try onEvent(.pretrained(summary))
                    skipGram = vectors
                }
                vectorsSummary?.matchedRows = plan.initialize(
                    table: &classifier.parameters.embedding.weights, vocabulary: vocabulary,
                    embeddingDim: embeddingDim,
                    skipGram: skipGram)
            } else if options.pretrainEpochs > 0 {
                var documents = Array(trainingIDs.prefix(userTrainingCount))
                pretrainedTrainingTokens = documents.reduce(0) { $0 + $1.count }
                documents.reserveCapacity(userTrainingCount + unlabelledTexts.count)
                forEachUnlabelledChunk { chunk in documents += chunk.map { vocabulary.ids(for: $0) } }
                let summary = try EmbeddingPretraining.pretrain(
                    classifier, documents: documents, epochs: options.pretrainEpochs, seed: seed,
                    standardDeviation: options.embeddingInitStd
                ) { try onEvent(.pretraining($0)) }
                try onEvent(.pretrained(summary))
            }
        }
        var trainingOptions = options.training
        trainingOptions.learningRate =
            options.learningRate ?? ModelTrainingOptions.defaultLearningRates[trainingOptions.optimizer]!
        trainingOptions.wideLearningRateScale = options.wideLearningRateScale
        trainingOptions.branchLossWeight =
            options.branchLossWeight ?? (pretrainedEmbedding != nil ? ModelTrainingOptions.vectorsBranchLossWeight : 0)
        if pretrainedEmbedding != nil {
            trainingOptions.embeddingLearningRateScale =
                options.embeddingLearningRateScale ?? ModelTrainingOptions.vectorsEmbeddingLearningRateScale
        } else {
            trainingOptions.embeddingLearningRateScale =
                options.embeddingLearningRateScale
                ?? ModelTrainingOptions.defaultEmbeddingLearningRateScale(trainingTokens: pretrainedTrainingTokens)
            if options.embeddingLearningRateScale == nil && trainingOptions.embeddingLearningRateScale == 0 {
                try onEvent(.embeddingFrozen(trainingTokens: pretrainedTrainingTokens))
            }
        }
        if let vectorsSummary { try onEvent(.vectors(vectorsSummary)) }

        var record = options.record
        record.trainingExamples = userTrainingCount
        record.validationExamples = validationExamples.count
        if !unlabelledTexts.isEmpty { record.unlabelledDocuments = unlabelledTexts.count }
        // The record holds no clock readings but the finish time.
        record.vectors = vectorsSummary.map { summary in
            var recorded = summary
            recorded.seconds = 0
            return recorded
        }
        record.options = (record.options ?? [:]).merging(
            recordedOptions(
                options, trainingOptions, classifier: classifier, splitValidation: validation.isEmpty),
            uniquingKeysWith: { $1 })
        let validationLabels = validationExamples.map { $0.label >= 0.5 }
        func model(
            _ parameters: [String: Tensor], epochsRun: Int, best: Int, metrics: BinaryClassificationMetrics?,
            validationLogits: [Float]?
        )
            throws -> SentimentModel
        {
            record.epochsRun = epochsRun
            record.bestEpoch = best
            record.validationAccuracy = metrics?.accuracy
            record.validationLoss = metrics?.logLoss
            record.seconds = Date().timeIntervalSince(start)
            record.finishedAt = ISO8601DateFormatter().string(from: Date())
            let network = try BiGRUClassifier(
                configuration: classifier.configuration, parameters: parameters, threadCount: threads)
            let model = try SentimentModel(
                tokenizerSettings: settings, vocabulary: vocabulary, classifier: network,
                maxLength: maxLength, headLength: headLength,
                threshold: initial?.threshold ?? ModelFileConfiguration.defaultThreshold,
                temperature: validationLogits.map {
                    TemperatureScaling.fit(logits: $0, labels: validationLabels)
                },
                negationScope: negationScope, trainingRecord: record)
            model.precision = options.precision
            return model
        }
        func write(_ model: SentimentModel) throws {
            guard let destination else { return }
            do {
                try model.write(to: destination)
            } catch {
                throw ModelTrainingError.cannotWriteModel(path: destination.path, reason: "\(error)")
            }
        }

        let trainer = ClassifierTrainer(classifier: classifier, options: trainingOptions)
        var epochs: [EpochSummary] = []
        var bestValidationLogits: [Float]?
        // The best epoch so far and whether the destination holds it, for an interrupted run.
        var best: (epoch: Int, validation: BinaryClassificationMetrics?, written: Bool)?
        var epochsFinished = 0
        let outcome: TrainingOutcome
        do {
            outcome = try trainer.train(training: trainingExamples, validation: validationExamples) { event in
                if case .epochFinished(let summary) = event {
                    epochsFinished = summary.epoch
                    epochs.append(summary)
                    if summary.isBest {
                        best = (summary.epoch, summary.validation, false)
                        bestValidationLogits = summary.validationLogits
                    }
                }
                try onEvent(.training(event))
                if case .epochFinished(let summary) = event, summary.isBest, summary.validation != nil,
                    destination != nil, let parameters = trainer.bestParameters
                {
                    try write(
                        model(
                            parameters, epochsRun: summary.epoch, best: summary.epoch,
                            metrics: summary.validation, validationLogits: summary.validationLogits))
                    best?.written = true
                    try onEvent(.checkpointWritten(epoch: summary.epoch))
                }
            }
        } catch is ModelTrainingCancellation {
            // Stopped between steps: make sure the destination holds the best epoch so far (without
            // validation no checkpoint was written yet), then say what was kept.
            guard let kept = best else {
                throw ModelTrainingError.interrupted(ModelTrainingInterruption(modelPath: destination?.path))
            }
            if !kept.written, destination != nil, let parameters = trainer.bestParameters {
                try write(
                    model(
                        parameters, epochsRun: epochsFinished, best: kept.epoch, metrics: kept.validation,
                        validationLogits: bestValidationLogits))
            }
            throw ModelTrainingError.interrupted(
                ModelTrainingInterruption(
                    bestEpoch: kept.epoch, validationAccuracy: kept.validation?.accuracy,
                    modelPath: destination?.path))
        }
        let final = try model(
            outcome.bestParameters, epochsRun: outcome.epochsRun, best: outcome.bestEpoch,
            metrics: outcome.bestValidation, validationLogits: bestValidationLogits)
        try write(final)
        let calibrated = try bestValidationLogits.map { logits in
            try BinaryClassificationMetrics(logits: logits.map(final.calibrated), labels: validationLabels)
        }
        return ModelTrainingOutcome(
            model: final, epochsRun: outcome.epochsRun, bestEpoch: outcome.bestEpoch,
            bestValidation: outcome.bestValidation, temperature: final.temperature,
            calibratedValidation: calibrated, epochs: epochs, seconds: Date().timeIntervalSince(start))
    }

    /// "15.3 %".
    static func percent(_ share: Double) -> String { String(format: "%.1f %%", share * 100) }

    /// The vectors `options.vectors` names, read for the tokens counted in `trainingCounts` and the
    /// vocabulary extension; nil for none.
    private static func loadVectors(
        _ options: ModelTrainingOptions, trainingCounts: VocabularyBuilder
    ) throws -> PretrainedVectors? {
        switch options.vectors {
        case .none: return nil
        case .automatic: return try BundledVectors.english()
        case .loaded(let vectors): return vectors
        case .file(let path):
            let candidates = TokenVectorMatching.candidateWords(
                for: trainingCounts.keptTokens(minCount: 1, maxSize: Int.max).lazy.map(\.token))
            return try VectorFileReader.read(
                path: path,
                keeping: { word in
                    candidates.contains(word)
                        || (word.utf8.contains { $0 >= 0x41 && $0 <= 0x5A || $0 >= 0x80 }
                            && candidates.contains(word.lowercased()))
                },
                leadingWords: options.vectorVocabularyExtension)
        }
    }

    /// Throws unless `documents` (when there are any) hold both labels: a set with one class trains a
    /// constant classifier, or validates every epoch as perfect.
    static func requireBothClasses(_ documents: [CorpusDocument], in set: DocumentSet) throws {
        guard let first = documents.first?.label else { return }
        if documents.allSatisfy({ $0.label == first }) {
            throw ModelTrainingError.singleClass(set, positive: first >= 0.5, count: documents.count)
        }
    }

    /// Throws for options and inputs the network would otherwise stop the process on.
    private static func validate(_ options: ModelTrainingOptions, training: [CorpusDocument]) throws {
        guard !training.isEmpty else { throw ModelTrainingError.noTrainingDocuments }
        try requireBothClasses(training, in: .training)
        // Unlabelled texts training cannot use (with an initial model, or without pre-training) are
        // ignored here; a front end that would rather refuse them asks `validate(unlabelledTexts:)`.
        do {
            try options.validate()
        } catch {
            throw ModelTrainingError.invalidOption(error)
        }
    }

    /// The options stored in the model's training record (`config.training.options`).
    private static func recordedOptions(
        _ options: ModelTrainingOptions, _ training: TrainingOptions, classifier: BiGRUClassifier,
        splitValidation: Bool
    ) -> [String: String] {
        let fromInit = options.initialModel != nil
        return [
            "epochs": "\(training.epochs)", "patience": "\(training.patience)",
            "batch": "\(training.batchSize)",
            "lr": "\(training.learningRate)", "lr_decay": "\(training.learningRateDecay)",
            "optimizer": training.optimizer.rawValue, "lazy_adam": "\(training.embeddingAdamMode == .lazy)",
            "word_dropout": "\(training.wordDropout)", "ema": "\(training.averageDecay ?? 0)",
            "dropout": "\(classifier.configuration.dropout)",
            "embedding_dropout": "\(classifier.configuration.embeddingDropout)",
            "clip": "\(training.clipNorm ?? 0)", "seed": "\(training.seed)",
            "embedding_init_std": fromInit ? "from --init" : "\(options.embeddingInitStd)",
            "pretrain_epochs": fromInit ? "0" : "\(options.pretrainEpochs)",
            "embedding_lr_scale": "\(training.embeddingLearningRateScale)",
            "ngram_buckets": "\(classifier.configuration.ngramBuckets)",
            "negation_transform": classifier.configuration.negationTransform?.rawValue ?? "none",
            "negated_examples": "\(options.negatedExamples)",
            "contrast_examples": "\(options.contrastExamples)",
            "suite_examples": "\(options.suiteExamples)",
            "wide_lr_scale": "\(training.wideLearningRateScale)",
            "branch_loss": "\(training.branchLossWeight)",
            "adversarial": "\(training.adversarialEpsilon)",
            "min_count": "\(options.minCount)", "max_vocab": "\(options.maxVocabulary)",
            "valid_split": splitValidation ? "\(options.validationSplit)" : "0",
        ]
    }
}

/// Thrown from `ModelTraining.train`'s `onEvent` to stop training after the current step (on a signal,
/// say): the run then makes sure its destination holds the best epoch so far and throws
/// `ModelTrainingError.interrupted`.
public struct ModelTrainingCancellation: Error, Sendable {
    public init() {}
}

/// What an interrupted training run kept.
public struct ModelTrainingInterruption: Sendable, Equatable, CustomStringConvertible {
    /// The best epoch finished before the interruption; nil when none finished.
    public var bestEpoch: Int?
    /// Its validation accuracy; nil without validation (or without an epoch).
    public var validationAccuracy: Double?
    /// The destination: where that epoch's model is, or (with no epoch finished) the file left as it
    /// was; nil when training had no destination.
    public var modelPath: String?

    public init(bestEpoch: Int? = nil, validationAccuracy: Double? = nil, modelPath: String? = nil) {
        self.bestEpoch = bestEpoch
        self.validationAccuracy = validationAccuracy
        self.modelPath = modelPath
    }

    /// The line `sentiment train` ends with: "interrupted: best model so far (epoch 3, validation
    /// accuracy 0.8125) is in film.safetensors", or that no model was written.
    public var description: String {
        guard let bestEpoch else {
            return "interrupted: no model yet (no epoch had finished)"
                + (modelPath.map { "; \($0) was left as it was" } ?? "")
        }
        let accuracy = validationAccuracy.map { "validation accuracy " + String(format: "%.4f", $0) }
        let what = "best model so far (epoch \(bestEpoch), \(accuracy ?? "no validation"))"
        guard let modelPath else { return "interrupted: \(what) was not written (no destination)" }
        return "interrupted: \(what) is in \(modelPath)"
    }
}

/// Why `ModelTraining.train` could not finish.
public enum ModelTrainingError: Error, Equatable, CustomStringConvertible {
    case cannotWriteModel(path: String, reason: String)
    case noTrainingDocuments
    /// An option breaks its rule (`ModelTrainingOptions.validate`).
    case invalidOption(ModelTrainingOptionError)
    /// Every document of a set has the same label (`positive` tells which).
    case singleClass(DocumentSet, positive: Bool, count: Int)
    /// Another run holds the lock on the destination (`ModelDestination`).
    case destinationLocked(path: String, lockPath: String)
    /// `onEvent` threw `ModelTrainingCancellation`; what was kept.
    case interrupted(ModelTrainingInterruption)

    public var description: String {
        switch self {
        case .cannotWriteModel(let path, let reason): "\(path): cannot write the model: \(reason)"
        case .noTrainingDocuments: "no documents to train on"
        case .invalidOption(let error): "invalid training options: \(error)"
        case .destinationLocked(let path, let lockPath):
            "\(path): another training run is writing this model (it holds \(lockPath)); wait for it to "
                + "finish or write the model elsewhere"
        case .singleClass(let set, let positive, let count):
            "\(set.name): \(Self.singleClassReason(positive: positive, count: count)); \(set.need)"
        case .interrupted(let interruption): interruption.description
        }
    }

    /// "every document is labelled positive (3 documents)".
    public static func singleClassReason(positive: Bool, count: Int) -> String {
        "every document is labelled \(positive ? "positive" : "negative") (\(count) document\(count == 1 ? "" : "s"))"
    }
}

/// The documents a training run reads, as its errors name them.
public enum DocumentSet: Sendable, Equatable {
    /// The training documents.
    case training
    /// The validation documents given.
    case validation
    /// The validation documents split off the training documents.
    case validationSplit

    /// The set, as an error message names it.
    public var name: String {
        switch self {
        case .training: "the training documents"
        case .validation: "the validation documents"
        case .validationSplit: "the validation split of the training documents"
        }
    }

    /// What the set needs, worded for an error message.
    public var need: String {
        switch self {
        case .training: "training needs documents of both classes"
        case .validation: "validation needs documents of both classes"
        case .validationSplit:
            "validation needs both classes: give validation documents, or more documents of the rarer class"
        }
    }
}
