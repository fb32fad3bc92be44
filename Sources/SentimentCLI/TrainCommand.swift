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
        help: """
            Unlabelled text (repeatable): one document per line, or any corpus file (its labels are not \
            read). It joins the training texts in the vocabulary and the skip-gram pre-training. Not with \
            --init or --pretrain-epochs 0.
            """)
    var unlabelled: [String] = []

    @Option(
        name: .customLong("init"),
        help: "Start from this model (keeps its vocabulary, tokenizer and shape) to fine-tune it; `default` is the bundled general model.")
    var initModel: String?

    @Option(
        help:
            "Write training.svg (loss and validation accuracy per epoch, the kept epoch marked) to this directory."
    )
    var plots: String?

    @OptionGroup(title: "Model") var modelOptions: TrainModelOptions

    @OptionGroup(title: "Training") var procedure: TrainingProcedureOptions

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
        let progress = TrainingProgress(epochs: procedure.epochs)
        let outcome: ModelTrainingOutcome
        do {
            outcome = try train(
                training, validation, unlabelledTexts, destination: destination, progress: progress,
                interrupts: interrupts)
        } catch ModelTrainingError.singleClass(let set, let positive, let count) {
            throw CommandFailure(singleClassMessage(set, positive: positive, count: count))
        } catch ModelTrainingError.invalidOption(let error) {
            // A rule only the data can test (the vectors' dimension), worded with the flags.
            throw CommandFailure("invalid training options: " + error.message(naming: Self.flagName))
        } catch ModelTrainingError.interrupted(var interruption) {
            // The path as the user gave it.
            if interruption.modelPath != nil { interruption.modelPath = model }
            StandardStreams.printError(interruption.description)
            throw ExitCode(InterruptSignals.exitStatus(for: interrupts.received ?? SIGINT))
        }
        StandardStreams.printError("train: " + TrainingReport.calibrationLine(outcome))
        StandardStreams.printError(
            TrainingReport.summaryLine(outcome, seconds: Date().timeIntervalSince(start), modelPath: model))
        if let plotDirectory {
            let picture = TrainingPlot.picture(epochs: outcome.epochs, keptEpoch: outcome.bestEpoch)
            do {
                let paths = try PictureFiles.write([("training.svg", picture)], to: plotDirectory)
                StandardStreams.printError("train: \(paths[0]) written")
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
                "\(files.joined(separator: ", ")): the validation split (--valid-split \(procedure.validSplit)): \(reason); "
                + "give --valid FILE with both classes, or more documents of the rarer class"
        }
    }

    /// The texts of the `--unlabelled` files (labels, where a file has them, are not read).
    private func readUnlabelledTexts() throws -> [String] {
        guard !unlabelled.isEmpty else { return [] }
        let texts = try CorpusReader.unlabelledTexts(
            unlabelled, options: corpusOptions.readerOptions(requiresLabels: false),
            opened: { $0.reportEncoding() }, finished: { $0.reportSkippedAndRepairedLines() })
        StandardStreams.printError(
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
                    StandardStreams.printError("train: " + line)
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

    /// The library's options from the command line's, all but the --init model.
    private func flagOptions() -> ModelTrainingOptions {
        var options = ModelTrainingOptions()
        modelOptions.apply(to: &options)
        procedure.apply(to: &options)
        options.tokenizerSettings = tokenizerOptions.settings
        options.threads = threadOptions.count
        options.record.programVersion = SentimentCommand.version
        options.record.trainingFiles = files
        options.record.validationFiles = valid.isEmpty ? nil : valid
        options.record.unlabelledFiles = unlabelled.isEmpty ? nil : unlabelled
        options.record.initializedFrom = initModel
        return options
    }
}
