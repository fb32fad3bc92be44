import Embedding
import Evaluation
import Foundation

/// A document as the network sees it: token ids, its n-gram buckets for the wide channel (empty
/// without one) and its label (0 negative, 1 positive).
public struct EncodedExample: Sendable, Equatable {
    public var ids: [Int32]
    public var ngrams: [Int32]
    public var label: Float

    public init(ids: [Int32], ngrams: [Int32] = [], label: Float) {
        self.ids = ids
        self.ngrams = ngrams
        self.label = label
    }
}

/// Which update rule training uses.
public enum OptimizerKind: String, Sendable, CaseIterable, Codable {
    case adam, sgd
}

/// How `ClassifierTrainer` trains.
public struct TrainingOptions: Sendable, Equatable {
    /// Maximum number of passes over the training data.
    public var epochs = 10
    /// Stop after this many epochs without a better validation accuracy (0: never stop early).
    public var patience = 2
    /// Documents per training step.
    public var batchSize = 64
    public var optimizer = OptimizerKind.adam
    public var learningRate: Float = 2e-3
    /// Factor applied to the learning rate after each epoch (1: constant).
    public var learningRateDecay: Float = 1
    /// Global gradient-norm bound; nil disables clipping.
    public var clipNorm: Float? = 5
    /// Seed of the batch order and word dropout (dropout masks follow the classifier's own
    /// `dropoutSeed`).
    public var seed: UInt64 = 1
    /// Probability that a training token is replaced by `<unk>` (id 1) in a step: regularises the model
    /// and teaches it what to do with unknown words. 0 disables.
    public var wordDropout: Float = 0
    /// Decay of the exponential moving average of the parameters that is evaluated and kept instead
    /// of the last iterate (e.g. 0.999); nil disables averaging.
    public var averageDecay: Float?
    /// Steps between two updates of the moving average; the decays of the steps in between are
    /// compounded (see `ParameterAverage`). 1 updates it after every step, exactly; 8 makes it nearly
    /// free (it reads every parameter) and changes test accuracy by less than the seed spread.
    public var averageInterval = 8
    /// How Adam updates embedding rows: `.dense` exactly as `torch.optim.Adam` (every row every step, the
    /// updates of rows a batch did not use deferred until the row is used or read), `.lazy` only the rows
    /// a batch used (like `torch.optim.SparseAdam`; a little cheaper on short texts, another trajectory).
    public var embeddingAdamMode = EmbeddingAdamMode.dense
    /// Factor on the learning rate for the embedding table (0 freezes it, keeping pre-trained vectors).
    public var embeddingLearningRateScale: Float = 1
    /// Factor on the learning rate for the wide channel's weights.
    public var wideLearningRateScale: Float = 1
    /// Weight of the auxiliary losses of the BiGRU's and the wide channel's own logits (see
    /// `BiGRUClassifier.lossAndGradients`); 0: none.
    public var branchLossWeight: Float = 0
    /// Size ε of the adversarial perturbation of the embedding rows (see
    /// `BiGRUClassifier.adversarialTrainingLossAndGradients`); 0 disables. Doubles a step's cost.
    public var adversarialEpsilon: Float = 0

    public init() {}
}

/// What happened during training, reported as it happens.
public enum TrainingEvent: Sendable {
    /// A training step finished: `batch` of `batchCount` in `epoch` (1-based), with the tokens trained so
    /// far in this epoch out of `epochTokens`, the mean loss so far and the seconds since the epoch began.
    case batchFinished(
        epoch: Int, batch: Int, batchCount: Int, tokens: Int, epochTokens: Int, meanLoss: Double,
        seconds: Double)
    /// An epoch finished.
    case epochFinished(EpochSummary)
}

/// One epoch's figures.
public struct EpochSummary: Sendable {
    public var epoch: Int
    public var trainingLoss: Double
    /// Metrics on the validation set; nil when there is none.
    public var validation: BinaryClassificationMetrics?
    /// The logit of every validation example, in order (what `validation` was computed from); nil without
    /// validation.
    public var validationLogits: [Float]?
    public var seconds: Double
    public var tokensPerSecond: Double
    /// The learning rate this epoch's steps used.
    public var learningRate: Float
    /// True when the epoch's validation score is the best so far (accuracy, ties broken by lower loss;
    /// always true without validation).
    public var isBest: Bool
}

/// The result of `ClassifierTrainer.train`.
public struct TrainingOutcome: Sendable {
    public var epochsRun: Int
    /// The epoch whose parameters were kept (the last one without validation).
    public var bestEpoch: Int
    /// Validation metrics of the kept epoch.
    public var bestValidation: BinaryClassificationMetrics?
    /// The kept parameters, by name.
    public var bestParameters: [String: Tensor]
    public var seconds: Double
}

/// Trains a classifier for several epochs over length-bucketed, shuffled batches, evaluates on the
/// validation set after each epoch, and keeps the parameters of the best epoch (early stopping).
public final class ClassifierTrainer {
    public let classifier: BiGRUClassifier
    public let options: TrainingOptions
    /// The parameters of the best epoch so far (averaged when averaging is on), set before the
    /// `.epochFinished` event that reports it.
    public private(set) var bestParameters: [String: Tensor]?
    private let optimizer: any ClassifierOptimizer

    public convenience init(classifier: BiGRUClassifier, options: TrainingOptions) {
        let optimizer: any ClassifierOptimizer
        switch options.optimizer {
        case .adam:
            let adam = AdamOptimizer(
                learningRate: options.learningRate, clipNorm: options.clipNorm,
                embeddingMode: options.embeddingAdamMode)
            adam.embeddingLearningRateScale = options.embeddingLearningRateScale
            adam.wideLearningRateScale = options.wideLearningRateScale
            adam.threadCount = classifier.threadCount
            optimizer = adam
        case .sgd:
            let sgd = SGDOptimizer(learningRate: options.learningRate, clipNorm: options.clipNorm)
            sgd.embeddingLearningRateScale = options.embeddingLearningRateScale
            sgd.wideLearningRateScale = options.wideLearningRateScale
            optimizer = sgd
        }
        self.init(classifier: classifier, options: options, optimizer: optimizer)
    }

    /// A trainer that updates with `optimizer` rather than the one `options` describes (its learning rate
    /// and clipping are the optimiser's own; `options.learningRateDecay` still applies).
    public init(classifier: BiGRUClassifier, options: TrainingOptions, optimizer: any ClassifierOptimizer) {
        precondition(options.epochs >= 1 && options.batchSize >= 1 && options.patience >= 0)
        precondition(options.wordDropout >= 0 && options.wordDropout < 1)
        precondition(options.learningRateDecay > 0 && options.learningRateDecay <= 1)
        precondition(options.averageInterval >= 1, "the moving average blends at least every step")
        self.classifier = classifier
        self.options = options
        self.optimizer = optimizer
    }

    /// Trains on `training`, validating on `validation` (which may be empty), reporting through `onEvent`.
    /// The classifier ends with the last epoch's parameters; the best ones are in the outcome.
    public func train(
        training: [EncodedExample], validation: [EncodedExample],
        onEvent: (TrainingEvent) throws -> Void = { _ in }
    ) throws -> TrainingOutcome {
        precondition(!training.isEmpty, "no training examples")
        let start = Date()
        var generator = SplitMix64(seed: options.seed)
        var wordDropoutGenerator = SplitMix64(seed: SplitMix64.mix(options.seed ^ 0x57_6F72_6444_726F))
        let average = options.averageDecay.map {
            ParameterAverage(of: classifier, decay: $0, interval: options.averageInterval)
        }
        let lengths = training.map(\.ids.count)
        let epochTokens = lengths.reduce(0) { $0 + max($1, 1) }
        var stopping = EarlyStopping<ValidationScore>(patience: validation.isEmpty ? 0 : options.patience)
        var best: (epoch: Int, validation: BinaryClassificationMetrics?)?
        var epochsRun = 0
        var batchIDs: [[Int32]] = []
        var batchNGrams: [[Int32]] = []
        var batchLabels: [Float] = []
        let wide = classifier.configuration.hasWideChannel
        for epoch in 1...options.epochs {
            let epochStart = Date()
            let batches = lengthBucketedBatches(
                lengths: lengths, batchSize: options.batchSize, using: &generator)
            var lossSum = 0.0
            var seen = 0
            var tokens = 0
            for (batchIndex, batch) in batches.enumerated() {
                batchIDs.removeAll(keepingCapacity: true)
                batchNGrams.removeAll(keepingCapacity: true)
                batchLabels.removeAll(keepingCapacity: true)
                for index in batch {
                    let ids = training[index].ids
                    batchIDs.append(
                        options.wordDropout > 0
                            ? Self.dropWords(ids, rate: options.wordDropout, using: &wordDropoutGenerator)
                            : ids)
                    if wide { batchNGrams.append(training[index].ngrams) }
                    batchLabels.append(training[index].label)
                    tokens += max(ids.count, 1)
                }
                let loss = try step(batch: batchIDs, ngrams: wide ? batchNGrams : nil, labels: batchLabels)
                if let average, average.recordStep() {
                    optimizer.synchronize(&classifier.parameters)
                    average.blend(from: classifier)
                }
                lossSum += Double(loss) * Double(batch.count)
                seen += batch.count
                try onEvent(
                    .batchFinished(
                        epoch: epoch, batch: batchIndex + 1, batchCount: batches.count, tokens: tokens,
                        epochTokens: epochTokens, meanLoss: lossSum / Double(seen),
                        seconds: Date().timeIntervalSince(epochStart)))
            }
            let trainingSeconds = Date().timeIntervalSince(epochStart)
            epochsRun = epoch
            optimizer.synchronize(&classifier.parameters)
            average?.blend(from: classifier)
            let parameters = average?.parameters(layoutOf: classifier)
            let evaluated =
                try parameters.map {
                    try BiGRUClassifier(
                        configuration: classifier.configuration, parameters: $0,
                        threadCount: classifier.threadCount)
                } ?? classifier
            let validationLogits = validation.isEmpty ? nil : try evaluated.logits(on: validation)
            let metrics = try validationLogits.map {
                try BinaryClassificationMetrics(logits: $0, labels: validation.map { $0.label >= 0.5 })
            }
            // Without validation every epoch counts as the best so far, so the last one is kept.
            let score =
                metrics.map(ValidationScore.init) ?? ValidationScore(accuracy: Double(epoch), logLoss: 0)
            let isBest = stopping.record(score: score, epoch: epoch)
            if isBest {
                best = (epoch, metrics)
                bestParameters = parameters ?? classifier.parameterDictionary()
            }
            try onEvent(
                .epochFinished(
                    EpochSummary(
                        epoch: epoch, trainingLoss: lossSum / Double(max(seen, 1)), validation: metrics,
                        validationLogits: validationLogits,
                        seconds: Date().timeIntervalSince(epochStart),
                        tokensPerSecond: Double(epochTokens) / max(trainingSeconds, 1e-9),
                        learningRate: optimizer.learningRate, isBest: isBest)))
            if stopping.shouldStop { break }
            optimizer.learningRate *= options.learningRateDecay
        }
        return TrainingOutcome(
            epochsRun: epochsRun, bestEpoch: best?.epoch ?? epochsRun, bestValidation: best?.validation,
            bestParameters: bestParameters ?? classifier.parameterDictionary(),
            seconds: Date().timeIntervalSince(start))
    }

    /// One training step on `batch`: the optimiser brings the rows the batch reads up to date, the
    /// network computes the loss and gradients (with dropout), the optimiser updates the parameters.
    /// Returns the batch's loss before the update.
    @discardableResult
    public func step(batch: [[Int32]], ngrams: [[Int32]]? = nil, labels: [Float]) throws -> Float {
        optimizer.prepare(&classifier.parameters, forReading: batch)
        let loss =
            options.adversarialEpsilon > 0
            ? try classifier.adversarialTrainingLossAndGradients(
                batch: batch, ngrams: ngrams, labels: labels, epsilon: options.adversarialEpsilon,
                branchLossWeight: options.branchLossWeight)
            : try classifier.trainingLossAndGradients(
                batch: batch, ngrams: ngrams, labels: labels, branchLossWeight: options.branchLossWeight)
        optimizer.update(&classifier.parameters, with: classifier.gradients)
        return loss
    }

    /// Applies every update the optimiser deferred, so that the classifier's parameters are current.
    public func synchronize() {
        optimizer.synchronize(&classifier.parameters)
    }

    /// `ids` with each id replaced by `<unk>` (1) with probability `rate`.
    static func dropWords(_ ids: [Int32], rate: Float, using generator: inout SplitMix64) -> [Int32] {
        ids.map { generator.nextUnitFloat() < rate ? 1 : $0 }
    }
}

extension BiGRUClassifier {
    /// Metrics on labelled `examples` at a probability `threshold`, scored in length-sorted batches.
    public func metrics(on examples: [EncodedExample], threshold: Double = 0.5, batchSize: Int = 256) throws
        -> BinaryClassificationMetrics
    {
        try BinaryClassificationMetrics(
            logits: logits(on: examples, batchSize: batchSize), labels: examples.map { $0.label >= 0.5 },
            threshold: threshold)
    }

    /// The logit of each of `examples`, in order, scored in length-sorted batches.
    public func logits(on examples: [EncodedExample], batchSize: Int = 256) throws -> [Float] {
        var logits = [Float](repeating: 0, count: examples.count)
        let wide = configuration.hasWideChannel
        for batch in lengthSortedBatches(lengths: examples.map(\.ids.count), batchSize: batchSize) {
            let batchLogits = try self.logits(
                for: batch.map { examples[$0].ids }, ngrams: wide ? batch.map { examples[$0].ngrams } : nil)
            for (position, index) in batch.enumerated() { logits[index] = batchLogits[position] }
        }
        return logits
    }
}
