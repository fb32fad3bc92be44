import ArgumentParser
import Foundation
import SentimentKit

/// `sentiment train`: trains a model on labelled corpus files and writes it as a safetensors file.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a sentiment model on labelled files and write it as a safetensors file.",
        discussion: """
            Reads TSV, CSV (RFC 4180; separated by ',', ';' or tab, found from the first lines, or \
            --delimiter), JSON Lines ("text"/"label") and fastText (__label__X text); labels \
            are 0/1, neg/pos, negative/positive or false/true in any case. A header row is detected by its \
            column names (label/sentiment/polarity, text/review/sentence/…); without one the label is in \
            the first or last column. A file that reads as plain text (one sentence per line) has no labels \
            and is refused. Text in another encoding than UTF-8 (Latin-1, GB18030, UTF-16 with a byte \
            order mark, …) is detected, decoded and named on standard error; --encoding NAME sets it. \
            Bad lines stop the run with file and line, unless --skip-bad-lines. Training \
            documents, a --valid file or a validation split of one class only stop the run.

            Before any work the model's directory is checked and the model locked (flock on MODEL.lock): \
            a second run writing the same --model stops at once.

            The vocabulary is built from the training documents. A validation set (--valid, or a \
            stratified --valid-split of the training files) is scored after each epoch; training stops \
            after --patience epochs without a better validation accuracy (ties broken by lower validation \
            loss), and the best epoch's parameters \
            are kept. The model file is rewritten (atomically) each time validation improves, so an \
            interrupted run still leaves its best model so far. SIGINT (Ctrl-C) or SIGTERM stops after \
            the current step, makes sure the model file holds the best epoch so far, says so on stderr \
            and exits 130 (SIGINT) or 143 (SIGTERM); a second signal stops at once. Each model written \
            carries a temperature fitted on the validation set (temperature scaling: the logit is divided \
            by it, which makes the probabilities calibrated without changing a label at 0.5). --plots DIR \
            writes training.svg (losses and validation accuracy per epoch, the kept epoch marked).

            With --optimizer sgd --clip 0 --dropout 0 --ema 0, each batch makes exactly the step p ← p − lr·∇L, \
            L the batch's mean binary cross-entropy (with 2 million training tokens or more, add \
            --embedding-lr-scale 1, or the pre-trained embedding stays frozen).

            Examples:
              sentiment train reviews.tsv
              sentiment train train.tsv --valid dev.tsv --epochs 5 --model film.safetensors
              sentiment train more.csv --init film.safetensors --lr 0.0005 \\
                  --model film2.safetensors
            """
    )

    @Argument(help: "Labelled training files (\"-\" for standard input).")
    var files: [String]

    @Option(name: .shortAndLong, help: "Where to write the model.")
    var model = "sentiment.safetensors"

    @Option(help: "Labelled validation file (repeatable); replaces --valid-split.")
    var valid: [String] = []

    @Option(
        parsing: .unconditional,
        help: "Share of the training documents held out for validation (stratified, seeded); 0 disables.")
    var validSplit = ModelTrainingOptions().validationSplit

    @Option(parsing: .unconditional, help: "Maximum number of epochs.")
    var epochs = ModelTrainingOptions().training.epochs

    @Option(
        parsing: .unconditional,
        help: "Stop after this many epochs without a better validation accuracy (0: never stop early).")
    var patience = ModelTrainingOptions().training.patience

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

    @Option(parsing: .unconditional, help: "Documents per training step.")
    var batch = ModelTrainingOptions().training.batchSize

    @Option(
        parsing: .unconditional,
        help: """
            Learning rate (default: \(ModelTrainingOptions.defaultLearningRates[.adam]!) for adam, \
            \(ModelTrainingOptions.defaultLearningRates[.sgd]!) for sgd).
            """)
    var lr: Float?

    @Option(
        parsing: .unconditional,
        help: """
            Factor applied to the learning rate after each epoch, in (0, 1] (default 1: a constant \
            rate).
            """)
    var lrDecay: Float?

    @Option(help: "Optimizer: adam or sgd (plain, no momentum).")
    var optimizer = ModelTrainingOptions().training.optimizer

    @Option(
        parsing: .unconditional,
        help: """
            Dropout between layers and before the output layer (default: \(ModelTrainingOptions.defaultDropout), \
            or the --init model's).
            """)
    var dropout: Float?

    @Option(
        parsing: .unconditional,
        help: """
            Dropout on the embedding rows a training step reads: each distinct token of a batch gets one \
            mask over its row (default 0, or the --init model's; measured in BENCHMARKS.md).
            """)
    var embeddingDropout: Float?

    @Option(
        parsing: .unconditional,
        help: """
            Probability of replacing a training token by <unk> in each step (default 0).
            """)
    var wordDropout: Float?

    @Option(
        parsing: .unconditional,
        help: """
            Decay of the moving average of the parameters that is validated and kept instead of the last \
            step's, blended in every \(ModelTrainingOptions().training.averageInterval) steps (default \
            \(ModelTrainingOptions.defaultAverageDecay); 0: off, keep the last step's).
            """)
    var ema: Float?

    @Flag(
        help: """
            With adam, update only the embedding rows a batch uses (like torch.optim.SparseAdam) instead \
            of every row every step; a little faster on short texts, a different trajectory from dense Adam.
            """)
    var lazyAdam = false

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
        help: """
            Unlabelled text (repeatable): one document per line, or any corpus file (its labels are not \
            read). It joins the training texts in the vocabulary and the skip-gram pre-training. Not with \
            --init or --pretrain-epochs 0.
            """)
    var unlabelled: [String] = []

    @Option(
        parsing: .unconditional,
        help: """
            Factor on the learning rate for the embedding; 0 freezes it, keeping the pre-trained \
            vectors as they start (default: \(ModelTrainingOptions.vectorsEmbeddingLearningRateScale) when \
            pre-trained --vectors start it; otherwise 0 when skip-gram pre-trained on training texts of \
            at least 2 million tokens, else 1).
            """)
    var embeddingLrScale: Float?

    @Option(
        parsing: .unconditional,
        help: """
            Buckets of the wide channel beside the GRU: each document's token unigrams and bigrams, hashed, \
            with a learned weight each scaled by its naive-Bayes log-count ratio, added to the logit; 0 \
            trains the pure BiGRU (which PyTorch's nn.GRU reproduces). Ignored with --init.
            """)
    var ngramBuckets = ModelTrainingOptions().ngramBuckets

    @Option(parsing: .unconditional, help: "Factor on the learning rate for the wide channel's weights.")
    var wideLrScale = ModelTrainingOptions().wideLearningRateScale

    @Option(
        parsing: .unconditional,
        help: """
            Weight of the extra losses that train the BiGRU and the wide channel each to predict alone as \
            well as together (0: the joint loss only; default: \(ModelTrainingOptions.vectorsBranchLossWeight) \
            when pre-trained vectors start the embedding, else 0).
            """)
    var branchLoss: Float?

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

    @Flag(
        inversion: .prefixedNo,
        help: """
            Add a negated copy, with the opposite label, of each short training text that a rule can \
            negate safely ("the plot was thin" -> "the plot was not thin", 很好 -> 不好; docs/negation.md).
            """)
    var negatedExamples = ModelTrainingOptions().negatedExamples

    @Flag(
        inversion: .prefixedNo,
        help: """
            Add training texts that join two short training texts of opposite labels by a contrast \
            ("A, but B", "although A, B", 虽然A，但是B), labelled as the clause after the turn \
            (docs/negation.md).
            """)
    var contrastExamples = ModelTrainingOptions().contrastExamples

    @Flag(
        inversion: .prefixedNo,
        help: """
            Add the labelled sentences of the built-in behavioural suite's augment half in the training \
            texts' languages (never a sentence `sentiment check` runs; docs/negation.md).
            """)
    var suiteExamples = ModelTrainingOptions().suiteExamples

    @Option(
        help: """
            How the model file stores the weights: f32, or f16 (half the size; training is float32 \
            either way, and scoring converts back). See also sentiment convert.
            """)
    var precision = ModelTrainingOptions().precision

    @Option(
        parsing: .unconditional,
        help: "Adversarial training: move the embedding rows by this much along their loss gradient (0: off)."
    )
    var adversarial = ModelTrainingOptions().training.adversarialEpsilon

    @Option(parsing: .unconditional, help: "Clip the global gradient norm to this value; 0 disables.")
    var clip: Float = ModelTrainingOptions().training.clipNorm ?? 0

    @Option(
        parsing: .unconditional, help: "Seed of initialisation, validation split, batch order and dropout.")
    var seed = ModelTrainingOptions().training.seed

    @Option(
        name: .customLong("init"),
        help: "Start from this model (keeps its vocabulary, tokenizer and shape) to fine-tune it; `default` is the bundled general model.")
    var initModel: String?

    @Option(
        help:
            "Write training.svg (loss and validation accuracy per epoch, the kept epoch marked) to this directory."
    )
    var plots: String?

    @OptionGroup var threadOptions: ThreadOptions

    @OptionGroup(title: "Tokenizer (ignored with --init, which keeps the model's)")
    var tokenizerOptions: TokenizerOptions

    @OptionGroup(title: "Input") var corpusOptions: CorpusOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one training file") }
        // The library holds the rules; the model --init names is loaded only when the run starts.
        do {
            try flagOptions().validate(fineTuning: initModel != nil, unlabelledTexts: !unlabelled.isEmpty)
        } catch {
            throw ValidationError(error.message(naming: Self.flagName))
        }
    }

    /// The flag of a library option.
    static func flagName(_ field: ModelTrainingOptions.Field) -> String { flagNames[field] ?? field.rawValue }

    private static let flagNames: [ModelTrainingOptions.Field: String] = [
        .validationSplit: "--valid-split", .epochs: "--epochs", .patience: "--patience", .batchSize: "--batch",
        .embeddingDim: "--embedding-dim", .hidden: "--hidden", .layers: "--layers", .maxLength: "--max-len",
        .headLength: "--head-len", .minCount: "--min-count", .maxVocabulary: "--max-vocab",
        .vectors: "--vectors", .vectorVocabularyExtension: "--vector-vocabulary", .learningRate: "--lr",
        .learningRateDecay: "--lr-decay", .dropout: "--dropout", .embeddingDropout: "--embedding-dropout",
        .wordDropout: "--word-dropout", .averageDecay: "--ema", .embeddingInitStd: "--embedding-init-std",
        .pretrainEpochs: "--pretrain-epochs", .unlabelled: "--unlabelled", .initialModel: "--init",
        .embeddingLearningRateScale: "--embedding-lr-scale", .ngramBuckets: "--ngram-buckets",
        .wideLearningRateScale: "--wide-lr-scale", .branchLossWeight: "--branch-loss",
        .adversarialEpsilon: "--adversarial", .clipNorm: "--clip",
    ]

    func run() throws {
        let start = Date()
        // Before any work: the model's directory must take the file, and no other run may be writing it.
        let destination = try ModelDestination(URL(fileURLWithPath: model))
        defer { destination.release() }
        // SIGINT and SIGTERM stop the run after the current step (or, while reading and preparing, at the
        // first step), keeping the best epoch so far.
        let interrupts = InterruptSignals(.stopAfterStep)
        let readerOptions = corpusOptions.readerOptions(requiresLabels: true)
        let training = try CorpusReader.readLabelledDocuments(files, options: readerOptions)
        guard !training.isEmpty else {
            throw CommandFailure("\(files.joined(separator: ", ")): no documents to train on")
        }
        let validation = try CorpusReader.readLabelledDocuments(valid, options: readerOptions)
        if !valid.isEmpty && validation.isEmpty {
            throw CommandFailure("\(valid.joined(separator: ", ")): no documents to validate on")
        }
        let unlabelledTexts = try readUnlabelledTexts()
        let plotDirectory = plots.map { URL(fileURLWithPath: $0) }
        if let plotDirectory {
            do { try PictureFiles.prepare(plotDirectory) } catch { throw CommandFailure("\(error)") }
        }
        let progress = TrainingProgress(epochs: epochs)
        let outcome: ModelTrainingOutcome
        do {
            outcome = try train(
                training, validation, unlabelledTexts, destination: destination, progress: progress,
                interrupts: interrupts)
        } catch ModelTrainingError.singleClass(let set, let positive, let count) {
            throw CommandFailure(singleClassMessage(set, positive: positive, count: count))
        } catch ModelTrainingError.interrupted(var interruption) {
            // The path as the user gave it.
            if interruption.modelPath != nil { interruption.modelPath = model }
            FileWriting.printError(interruption.description)
            throw ExitCode(InterruptSignals.exitStatus(for: interrupts.received ?? SIGINT))
        }
        FileWriting.printError("train: " + TrainingReport.calibrationLine(outcome))
        FileWriting.printError(
            TrainingReport.summaryLine(outcome, seconds: Date().timeIntervalSince(start), modelPath: model))
        if let plotDirectory {
            let picture = TrainingPlot.picture(epochs: outcome.epochs, keptEpoch: outcome.bestEpoch)
            do {
                let paths = try PictureFiles.write([("training.svg", picture)], to: plotDirectory)
                FileWriting.printError("train: \(paths[0]) written")
            } catch {
                throw CommandFailure("\(error)")
            }
        }
    }

    /// A set of one class, named by its files and options.
    private func singleClassMessage(_ set: DocumentSet, positive: Bool, count: Int) -> String {
        let reason = ModelTrainingError.singleClassReason(positive: positive, count: count)
        switch set {
        case .training:
            return "\(files.joined(separator: ", ")): \(reason); training needs documents of both classes"
        case .validation:
            return "\(valid.joined(separator: ", ")): \(reason); validation needs documents of both classes"
        case .validationSplit:
            return
                "\(files.joined(separator: ", ")): the validation split (--valid-split \(validSplit)): \(reason); "
                + "give --valid FILE with both classes, or more documents of the rarer class"
        }
    }

    /// The texts of the `--unlabelled` files (labels, where a file has them, are not read).
    private func readUnlabelledTexts() throws -> [String] {
        guard !unlabelled.isEmpty else { return [] }
        let texts = try CorpusReader.unlabelledTexts(
            unlabelled, options: corpusOptions.readerOptions(requiresLabels: false),
            opened: { $0.reportEncoding() }, finished: { $0.reportSkippedAndRepairedLines() })
        FileWriting.printError(
            "train: \(texts.count) unlabelled documents from \(unlabelled.joined(separator: ", ")) join the "
                + "vocabulary and the pre-training")
        return texts
    }

    /// Runs the library's training, reporting its events on standard error.
    private func train(
        _ training: [CorpusDocument], _ validation: [CorpusDocument], _ unlabelledTexts: [String],
        destination: ModelDestination, progress: TrainingProgress, interrupts: InterruptSignals
    ) throws -> ModelTrainingOutcome {
        try ModelTraining.train(
            training: training, validation: validation, unlabelled: unlabelledTexts,
            options: try trainingOptions(), writingTo: destination
        ) { event in
            switch event {
            case .pretraining(let step): progress.handlePretraining(step)
            case .training(let event): progress.handle(event)
            default:
                if let line = TrainingReport.line(for: event, naming: Self.flagName) {
                    FileWriting.printError("train: " + line)
                }
            }
            // Checked after the report, not before: an epoch that finished counts as kept when the signal
            // stops the run, so its line must be on standard error before the run stops.
            if interrupts.received != nil { throw ModelTrainingCancellation() }
        }
    }

    /// The library's options from the command line's, with the --init model loaded.
    private func trainingOptions() throws -> ModelTrainingOptions {
        var options = flagOptions()
        options.initialModel = try initModel.map { try loadModel(at: $0, threads: threadOptions.count) }
        return options
    }

    /// The library's options from the command line's, all but the --init model; unset options keep the
    /// library's default rules. Off (0) for --clip and --ema is the library's nil.
    private func flagOptions() -> ModelTrainingOptions {
        var options = ModelTrainingOptions()
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
        options.tokenizerSettings = tokenizerOptions.settings
        options.validationSplit = validSplit
        options.learningRate = lr
        options.embeddingLearningRateScale = embeddingLrScale
        options.ngramBuckets = ngramBuckets
        options.precision = precision
        options.wideLearningRateScale = wideLrScale
        options.branchLossWeight = branchLoss
        options.dropout = dropout
        options.embeddingDropout = embeddingDropout
        options.embeddingInitStd = embeddingInitStd
        options.pretrainEpochs = pretrainEpochs
        options.threads = threadOptions.count
        options.training.epochs = epochs
        options.training.patience = patience
        options.training.batchSize = batch
        options.training.optimizer = optimizer
        options.training.learningRateDecay = lrDecay ?? 1
        options.training.clipNorm = clip == 0 ? nil : clip
        options.training.seed = seed
        options.training.embeddingAdamMode = lazyAdam ? .lazy : .dense
        options.training.wordDropout = wordDropout ?? 0
        options.pooling = pooling.headPooling
        options.negationTransform = negation.transform
        options.negatedExamples = negatedExamples
        options.contrastExamples = contrastExamples
        options.suiteExamples = suiteExamples
        options.training.adversarialEpsilon = adversarial
        if let ema { options.training.averageDecay = ema == 0 ? nil : ema }
        options.record.programVersion = SentimentCommand.version
        options.record.trainingFiles = files
        options.record.validationFiles = valid.isEmpty ? nil : valid
        options.record.unlabelledFiles = unlabelled.isEmpty ? nil : unlabelled
        options.record.initializedFrom = initModel
        return options
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

extension OptimizerKind: ExpressibleByArgument {}
