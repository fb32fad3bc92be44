import ArgumentParser
import SentimentKit

/// `sentiment train`'s flags for how the model is trained: validation and stopping, batches and
/// optimiser, regularisation, extra training texts and the seed. Defaults are read from
/// `ModelTrainingOptions`, never restated.
struct TrainingProcedureOptions: ParsableArguments {
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
            Factor on the learning rate for the embedding; 0 freezes it, keeping the pre-trained \
            vectors as they start (default: \(ModelTrainingOptions.vectorsEmbeddingLearningRateScale) when \
            pre-trained --vectors start it; otherwise 0 when skip-gram pre-trained on training texts of \
            at least 2 million tokens, else 1).
            """)
    var embeddingLrScale: Float?

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
        parsing: .unconditional,
        help: "Adversarial training: move the embedding rows by this much along their loss gradient (0: off)."
    )
    var adversarial = ModelTrainingOptions().training.adversarialEpsilon

    @Option(parsing: .unconditional, help: "Clip the global gradient norm to this value; 0 disables.")
    var clip: Float = ModelTrainingOptions().training.clipNorm ?? 0

    @Option(
        parsing: .unconditional, help: "Seed of initialisation, validation split, batch order and dropout.")
    var seed = ModelTrainingOptions().training.seed

    /// Sets the library options these flags stand for; an unset flag keeps the library's default rule.
    /// Off (0) for --clip and --ema is the library's nil.
    func apply(to options: inout ModelTrainingOptions) {
        options.validationSplit = validSplit
        options.learningRate = lr
        options.embeddingLearningRateScale = embeddingLrScale
        options.wideLearningRateScale = wideLrScale
        options.branchLossWeight = branchLoss
        options.dropout = dropout
        options.embeddingDropout = embeddingDropout
        options.negatedExamples = negatedExamples
        options.contrastExamples = contrastExamples
        options.suiteExamples = suiteExamples
        options.training.epochs = epochs
        options.training.patience = patience
        options.training.batchSize = batch
        options.training.optimizer = optimizer
        options.training.learningRateDecay = lrDecay ?? 1
        options.training.clipNorm = clip == 0 ? nil : clip
        options.training.seed = seed
        options.training.embeddingAdamMode = lazyAdam ? .lazy : .dense
        options.training.wordDropout = wordDropout ?? 0
        options.training.adversarialEpsilon = adversarial
        if let ema { options.training.averageDecay = ema == 0 ? nil : ema }
    }
}

extension OptimizerKind: ExpressibleByArgument {}
