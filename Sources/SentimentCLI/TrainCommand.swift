import ArgumentParser
import Foundation
import GRUClassifier
import Tokenizer

/// `sentiment train`: trains a model on labelled corpus files and writes it as a safetensors file.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a sentiment model on labelled files and write it as a safetensors file.",
        discussion: """
            Reads TSV, CSV (RFC 4180), JSON Lines ("text"/"label"), fastText (__label__X text) and plain \
            labelled formats; labels are 0/1, neg/pos, negative/positive or false/true in any case. A \
            header row is detected by its column names (label/sentiment/polarity, text/review/sentence/…); \
            without one the label is in the first or last column. Bad lines stop the run with file and \
            line, unless --skip-bad-lines.

            The vocabulary is built from the training documents. A validation set (--valid, or a \
            stratified --valid-split of the training files) is scored after each epoch; training stops \
            after --patience epochs without a better validation accuracy (ties broken by lower validation \
            loss), and the best epoch's parameters \
            are kept. The model file is rewritten (atomically) each time validation improves, so an \
            interrupted run still leaves its best model so far.

            With --optimizer sgd --clip 0 --dropout 0, each batch makes exactly the step p ← p − lr·∇L, \
            L the batch's mean binary cross-entropy (with an embedding pre-trained on 2 million tokens \
            or more, add --embedding-lr-scale 1, or it stays frozen).

            Examples:
              sentiment train reviews.tsv
              sentiment train train.tsv --valid dev.tsv --epochs 5 --model film.safetensors
              sentiment train more.csv --init film.safetensors --lr 0.0005 --model film2.safetensors
            """
    )

    @Argument(help: "Labelled training files (\"-\" for standard input).")
    var files: [String]

    @Option(name: .shortAndLong, help: "Where to write the model.")
    var model = "sentiment.safetensors"

    @Option(help: "Labelled validation file (repeatable); replaces --valid-split.")
    var valid: [String] = []

    @Option(help: "Share of the training documents held out for validation (stratified, seeded); 0 disables.")
    var validSplit = 0.1

    @Option(help: "Maximum number of epochs.")
    var epochs = 10

    @Option(help: "Stop after this many epochs without a better validation accuracy (0: never stop early).")
    var patience = 2

    @Option(help: "Embedding size.")
    var embeddingDim = 128

    @Option(help: "GRU hidden size per direction.")
    var hidden = 128

    @Option(help: "Stacked bidirectional GRU layers.")
    var layers = 1

    @Option(help: "GRU cell: reset-after (PyTorch nn.GRU) or reset-before (Cho et al. 2014).")
    var cell: CellOption = .resetAfter

    @Option(help: "Tokens kept per document (see --head-len for which ones).")
    var maxLen = 400

    @Option(
        help: """
            Of the --max-len tokens kept from a longer document, how many come from its start; the rest \
            come from its end, where reviews tend to give their verdict (default: a quarter of --max-len; \
            --head-len equal to --max-len keeps only the start).
            """)
    var headLen: Int?

    @Option(help: "Keep tokens seen at least this many times in the training documents.")
    var minCount = 2

    @Option(help: "At most this many vocabulary entries, <pad> and <unk> included.")
    var maxVocab = 30000

    @Option(help: "Documents per training step.")
    var batch = 64

    @Option(help: "Learning rate (default: 0.002 for adam, 0.1 for sgd).")
    var lr: Float?

    @Option(
        help: """
            Factor applied to the learning rate after each epoch, in (0, 1] (default 1: a constant \
            rate).
            """)
    var lrDecay: Float?

    @Option(help: "Optimizer: adam or sgd (plain, no momentum).")
    var optimizer: OptimizerKind = .adam

    @Option(help: "Dropout between layers and before the output layer (default: 0.3, or the --init model's).")
    var dropout: Float?

    @Option(
        help: """
            Dropout on the embedding rows a training step reads: each distinct token of a batch gets one \
            mask over its row (default 0; 0.3 helped on ChnSentiCorp and hurt on IMDB, see BENCHMARKS.md).
            """)
    var embeddingDropout: Float?

    @Option(
        help: """
            Probability of replacing a training token by <unk> in each step (default 0).
            """)
    var wordDropout: Float?

    @Option(
        help: """
            Decay of the moving average of the parameters that is validated and kept instead of the last \
            step's (default 0: off).
            """)
    var ema: Float?

    @Flag(
        help: """
            With adam, update only the embedding rows a batch uses (like torch.optim.SparseAdam) instead \
            of every row every step; a little faster on short texts, a different trajectory from dense Adam.
            """)
    var lazyAdam = false

    @Option(
        help: """
            Standard deviation of the normal distribution the embedding starts from (PyTorch's \
            nn.Embedding uses 1; smaller starts let rare words' random vectors matter less). Ignored with \
            --init.
            """)
    var embeddingInitStd: Float = TrainCommand.defaultEmbeddingInitStd

    @Option(
        help: """
            Epochs of skip-gram pre-training (word2vec) of the embedding on the training texts before \
            the classifier is trained; 0 starts from random vectors. Ignored with --init.
            """)
    var pretrainEpochs = TrainCommand.defaultPretrainEpochs

    @Option(
        help: """
            Factor on the learning rate for the embedding; 0 freezes it, keeping the pre-trained \
            vectors as they start (default: 0 when they were pre-trained on at least 2 million tokens, \
            else 1).
            """)
    var embeddingLrScale: Float?

    @Option(help: "Clip the global gradient norm to this value; 0 disables.")
    var clip: Float = 5

    @Option(help: "Seed of initialisation, validation split, batch order and dropout.")
    var seed: UInt64 = 1

    @Option(
        name: .customLong("init"),
        help: "Start from this model (keeps its vocabulary, tokenizer and shape) to fine-tune it.")
    var initModel: String?

    @OptionGroup var threadOptions: ThreadOptions

    @OptionGroup(title: "Tokenizer (ignored with --init, which keeps the model's)")
    var tokenizerOptions: TokenizerOptions

    @OptionGroup(title: "Input") var corpusOptions: CorpusOptions

    static let defaultDropout: Float = 0.3
    static let defaultEmbeddingInitStd: Float = 0.1
    static let defaultPretrainEpochs = 5
    /// Skip-gram vectors from a few million tokens are good enough that fine-tuning them on labels
    /// mostly learns the training set's particulars (on IMDB it cost 1.4 points of test accuracy);
    /// vectors from smaller corpora still need the labels' help.
    static func defaultEmbeddingLearningRateScale(pretrainedTokens: Int) -> Float {
        pretrainedTokens >= frozenEmbeddingTokenThreshold ? 0 : 1
    }
    static let frozenEmbeddingTokenThreshold = 2_000_000
    static let defaultEmbeddingDropout: Float = 0
    static let defaultWordDropout: Float = 0
    static let defaultAverageDecay: Float = 0
    static let defaultLearningRates: [OptimizerKind: Float] = [.adam: 2e-3, .sgd: 0.1]
    static let defaultLearningRateDecay: Float = 1

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one training file") }
        if !(0..<1).contains(validSplit) { throw ValidationError("--valid-split must be in [0, 1)") }
        for (name, value) in [
            ("--epochs", epochs), ("--embedding-dim", embeddingDim), ("--hidden", hidden),
            ("--layers", layers),
            ("--max-len", maxLen), ("--min-count", minCount), ("--batch", batch),
        ] where value < 1 {
            throw ValidationError("\(name) must be at least 1")
        }
        if let headLen, !(0...maxLen).contains(headLen) {
            throw ValidationError("--head-len must lie between 0 and --max-len (\(maxLen))")
        }
        if patience < 0 { throw ValidationError("--patience must be at least 0") }
        if pretrainEpochs < 0 { throw ValidationError("--pretrain-epochs must be at least 0") }
        if let embeddingLrScale, !(embeddingLrScale >= 0 && embeddingLrScale.isFinite) {
            throw ValidationError("--embedding-lr-scale must be 0 or a positive number")
        }
        if maxVocab < 3 { throw ValidationError("--max-vocab must be at least 3 (<pad>, <unk> and a token)") }
        if let lr, !(lr > 0 && lr.isFinite) { throw ValidationError("--lr must be a positive number") }
        if let dropout, !(dropout >= 0 && dropout < 1) {
            throw ValidationError("--dropout must be in [0, 1)")
        }
        if let embeddingDropout, !(embeddingDropout >= 0 && embeddingDropout < 1) {
            throw ValidationError("--embedding-dropout must be in [0, 1)")
        }
        if let wordDropout, !(wordDropout >= 0 && wordDropout < 1) {
            throw ValidationError("--word-dropout must be in [0, 1)")
        }
        if let lrDecay, !(lrDecay > 0 && lrDecay <= 1) {
            throw ValidationError("--lr-decay must be in (0, 1]")
        }
        if let ema, !(ema >= 0 && ema < 1) { throw ValidationError("--ema must be in [0, 1)") }
        if !(embeddingInitStd > 0 && embeddingInitStd.isFinite) {
            throw ValidationError("--embedding-init-std must be a positive number")
        }
        if !(clip >= 0 && clip.isFinite) { throw ValidationError("--clip must be 0 or a positive number") }
    }

    func run() throws {
        let start = Date()
        let threads = threadOptions.count
        let readerOptions = corpusOptions.readerOptions(requiresLabels: true)
        let modelURL = URL(fileURLWithPath: model)
        let initial = try initModel.map { path in
            try loadModel(at: path, threads: threads)
        }
        let settings = initial?.tokenizerSettings ?? tokenizerOptions.settings
        let pool = try TokenizerPool(settings: settings, count: threads)

        var trainingDocuments = try CorpusReader.readLabelledDocuments(files, options: readerOptions)
        guard !trainingDocuments.isEmpty else {
            throw CommandFailure("\(files.joined(separator: ", ")): no documents to train on")
        }
        var validationDocuments = try CorpusReader.readLabelledDocuments(valid, options: readerOptions)
        if !valid.isEmpty && validationDocuments.isEmpty {
            throw CommandFailure("\(valid.joined(separator: ", ")): no documents to validate on")
        }
        var generator = SplitMix64(seed: seed)
        if valid.isEmpty && validSplit > 0 {
            let split = stratifiedSplit(
                labels: trainingDocuments.map(\.label), validationFraction: validSplit, using: &generator)
            validationDocuments = split.validation.map { trainingDocuments[$0] }
            trainingDocuments = split.training.map { trainingDocuments[$0] }
        }
        let trainingTokens = pool.tokens(of: trainingDocuments.map(\.text))
        let validationTokens = pool.tokens(of: validationDocuments.map(\.text))

        let vocabulary: Vocabulary
        if let initial {
            vocabulary = initial.vocabulary
        } else {
            var builder = VocabularyBuilder()
            for tokens in trainingTokens { builder.add(tokens) }
            vocabulary = builder.build(minCount: minCount, maxSize: maxVocab)
        }
        let maxLength = initial?.maxLength ?? maxLen
        let headLength = initial.map(\.headLength) ?? (headLen ?? maxLen / 4)
        func encode(_ tokens: [[String]], _ documents: [CorpusDocument]) -> [EncodedExample] {
            zip(tokens, documents).map { tokens, document in
                EncodedExample(
                    ids: SentimentModel.encode(
                        tokens, vocabulary: vocabulary, maxLength: maxLength, headLength: headLength),
                    label: document.label)
            }
        }
        let training = encode(trainingTokens, trainingDocuments)
        let validation = encode(validationTokens, validationDocuments)
        FileWriting.printError(
            "train: \(training.count) training and \(validation.count) validation documents, "
                + "vocabulary \(vocabulary.count) tokens, \(threads) thread\(threads == 1 ? "" : "s")")

        var classifier: BiGRUClassifier
        var pretrainedTokens = 0
        if let initial {
            // The --init model's shape and parameters, with this run's dropout when one is given.
            var configuration = initial.classifier.configuration
            configuration.dropout = dropout ?? configuration.dropout
            configuration.embeddingDropout = embeddingDropout ?? Self.defaultEmbeddingDropout
            classifier = try BiGRUClassifier(
                configuration: configuration,
                parameters: Dictionary(
                    uniqueKeysWithValues: initial.classifier.namedParameters().map { ($0.name, $0.tensor) }),
                threadCount: threads)
            classifier.dropoutSeed = seed
        } else {
            classifier = try BiGRUClassifier(
                configuration: ClassifierConfiguration(
                    vocabularySize: vocabulary.count, embeddingDim: embeddingDim, hidden: hidden,
                    layers: layers, cell: cell.variant, dropout: dropout ?? Self.defaultDropout,
                    embeddingDropout: embeddingDropout ?? Self.defaultEmbeddingDropout),
                seed: seed, embeddingStandardDeviation: embeddingInitStd, threadCount: threads)
            if pretrainEpochs > 0 {
                let documents = trainingTokens.map { vocabulary.ids(for: $0) }
                pretrainedTokens = documents.reduce(0) { $0 + $1.count }
                classifier = try EmbeddingPretraining.pretrained(
                    classifier, documents: documents, epochs: pretrainEpochs, seed: seed,
                    standardDeviation: embeddingInitStd, threads: threads)
            }
        }
        var options = TrainingOptions()
        options.epochs = epochs
        options.patience = patience
        options.batchSize = batch
        options.optimizer = optimizer
        options.learningRate = lr ?? Self.defaultLearningRates[optimizer]!
        options.learningRateDecay = lrDecay ?? Self.defaultLearningRateDecay
        options.clipNorm = clip > 0 ? clip : nil
        options.seed = seed
        options.embeddingAdamMode = lazyAdam ? .lazy : .dense
        options.wordDropout = wordDropout ?? Self.defaultWordDropout
        options.embeddingLearningRateScale =
            embeddingLrScale ?? Self.defaultEmbeddingLearningRateScale(pretrainedTokens: pretrainedTokens)
        if embeddingLrScale == nil && options.embeddingLearningRateScale == 0 {
            FileWriting.printError(
                "train: the pre-trained embedding stays frozen (pre-trained on \(pretrainedTokens) tokens, at "
                    + "least \(Self.frozenEmbeddingTokenThreshold)); --embedding-lr-scale 1 fine-tunes it")
        }
        let averageDecay = ema ?? Self.defaultAverageDecay
        options.averageDecay = averageDecay > 0 ? averageDecay : nil

        var record = TrainingRecord()
        record.programVersion = SentimentCommand.version
        record.trainingFiles = files
        record.validationFiles = valid.isEmpty ? nil : valid
        record.trainingExamples = training.count
        record.validationExamples = validation.count
        record.initializedFrom = initModel
        record.options = [
            "epochs": "\(epochs)", "patience": "\(patience)", "batch": "\(batch)",
            "lr": "\(options.learningRate)", "lr_decay": "\(options.learningRateDecay)",
            "optimizer": optimizer.rawValue, "lazy_adam": "\(lazyAdam)",
            "word_dropout": "\(options.wordDropout)",
            "ema": "\(averageDecay)", "dropout": "\(classifier.configuration.dropout)",
            "embedding_dropout": "\(classifier.configuration.embeddingDropout)", "clip": "\(clip)",
            "seed": "\(seed)", "embedding_init_std": initModel == nil ? "\(embeddingInitStd)" : "from --init",
            "pretrain_epochs": initModel == nil ? "\(pretrainEpochs)" : "0",
            "embedding_lr_scale": "\(options.embeddingLearningRateScale)",
            "min_count": "\(minCount)", "max_vocab": "\(maxVocab)",
            "valid_split": valid.isEmpty ? "\(validSplit)" : "0",
        ]
        func save(
            _ network: BiGRUClassifier, epochsRun: Int, best: Int, metrics: BinaryClassificationMetrics?
        )
            throws
        {
            record.epochsRun = epochsRun
            record.bestEpoch = best
            record.validationAccuracy = metrics?.accuracy
            record.validationLoss = metrics?.logLoss
            record.seconds = Date().timeIntervalSince(start)
            record.finishedAt = ISO8601DateFormatter().string(from: Date())
            let sentimentModel = try SentimentModel(
                tokenizerSettings: settings, vocabulary: vocabulary, classifier: network,
                maxLength: maxLength, headLength: headLength,
                threshold: initial?.threshold ?? ModelFileConfiguration.defaultThreshold,
                trainingRecord: record)
            do {
                try sentimentModel.write(to: modelURL)
            } catch {
                throw CommandFailure("\(model): cannot write the model: \(error)")
            }
        }

        let progress = TrainingProgress(epochs: epochs)
        let trainer = ClassifierTrainer(classifier: classifier, options: options)
        func network(_ parameters: [String: Tensor]) throws -> BiGRUClassifier {
            try BiGRUClassifier(
                configuration: classifier.configuration, parameters: parameters, threadCount: threads)
        }
        let outcome = try trainer.train(training: training, validation: validation) { event in
            progress.handle(event)
            if case .epochFinished(let summary) = event, summary.isBest, summary.validation != nil,
                let parameters = trainer.bestParameters
            {
                try save(
                    network(parameters), epochsRun: summary.epoch, best: summary.epoch,
                    metrics: summary.validation)
            }
        }
        try save(
            network(outcome.bestParameters), epochsRun: outcome.epochsRun, best: outcome.bestEpoch,
            metrics: outcome.bestValidation)

        var summary = "trained \(outcome.epochsRun) epoch\(outcome.epochsRun == 1 ? "" : "s") in "
        summary += TrainingProgress.duration(Date().timeIntervalSince(start))
        if let accuracy = outcome.bestValidation?.accuracy {
            summary +=
                "; best validation accuracy \(TrainingProgress.fixed(accuracy, 4)) at epoch \(outcome.bestEpoch)"
        }
        summary += "; model written to \(model)"
        FileWriting.printError(summary)
    }
}

/// `--cell` values.
enum CellOption: String, ExpressibleByArgument, CaseIterable {
    case resetAfter = "reset-after"
    case resetBefore = "reset-before"

    var variant: GRUCellVariant { self == .resetAfter ? .resetAfter : .resetBefore }
}

extension OptimizerKind: ExpressibleByArgument {}
