import Embedding

/// An update rule for a `BiGRUClassifier`'s parameters. It is handed the parameters to update and the
/// gradients (the shape of mlx-swift's `Optimizer.update(model:gradients:)`); the network never calls it.
///
/// An optimiser may defer part of an update (as `AdamOptimizer` does for embedding rows a step did not
/// use): then, until `prepare(_:forReading:)` or `synchronize(_:)` has run, those rows lag behind. The
/// training loop calls the first before each step's forward pass and the second before anything reads
/// the whole model (validation, averaging, saving).
public protocol ClassifierOptimizer: AnyObject {
    /// Step size.
    var learningRate: Float { get set }
    /// Applies one update with `gradients` (from `BiGRUClassifier.lossAndGradients` or
    /// `trainingLossAndGradients`) to `parameters`.
    func update(_ parameters: inout ClassifierParameters, with gradients: ClassifierGradients)
    /// Brings up to date every deferred update of the embedding rows `batch` uses.
    func prepare(_ parameters: inout ClassifierParameters, forReading batch: [[Int32]])
    /// Brings up to date every deferred update.
    func synchronize(_ parameters: inout ClassifierParameters)
}

extension ClassifierOptimizer {
    /// Nothing to do for an optimiser that never defers.
    public func prepare(_ parameters: inout ClassifierParameters, forReading batch: [[Int32]]) {}
    /// Nothing to do for an optimiser that never defers.
    public func synchronize(_ parameters: inout ClassifierParameters) {}
}

/// Plain stochastic gradient descent: `p ← p − lr·g`, no momentum, no weight decay. Without clipping the
/// update is exactly that float expression for every parameter, embedding rows included (unused rows
/// have a zero gradient and do not move).
public final class SGDOptimizer: ClassifierOptimizer {
    /// Step size `lr`.
    public var learningRate: Float
    /// Maximum global gradient norm, or `nil` for no clipping.
    public var clipNorm: Float?

    /// Factor on `learningRate` for the embedding table; 0 freezes it.
    public var embeddingLearningRateScale: Float = 1
    /// Factor on `learningRate` for the wide channel's weights.
    public var wideLearningRateScale: Float = 1

    /// Plain SGD with step size `learningRate` and optional clipping.
    public init(learningRate: Float, clipNorm: Float? = nil) {
        self.learningRate = learningRate
        self.clipNorm = clipNorm
    }

    /// `p ← p − lr·g` for every parameter (with `g` clipped first when `clipNorm` is set).
    public func update(_ parameters: inout ClassifierParameters, with gradients: ClassifierGradients) {
        precondition(
            gradients.layout == parameters.layout, "gradients belong to a different model configuration")
        let factor = clipNorm.map { gradients.clippingFactor(maxNorm: $0) } ?? 1
        let learningRate = learningRate
        parameters.dense.withUnsafeMutableBufferPointer { parameters in
            gradients.dense.withUnsafeBufferPointer { gradient in
                if factor == 1 {
                    for index in parameters.indices { parameters[index] -= learningRate * gradient[index] }
                } else {
                    for index in parameters.indices {
                        parameters[index] -= learningRate * (gradient[index] * factor)
                    }
                }
            }
        }
        if parameters.wide != nil {
            parameters.wide!.applySGD(
                gradients.wide, learningRate: learningRate * wideLearningRateScale, gradientScale: factor)
        }
        guard embeddingLearningRateScale != 0 else { return }
        let embeddingRate = learningRate * embeddingLearningRateScale
        parameters.embedding.applySGD(gradients.embedding, learningRate: embeddingRate, gradientScale: factor)
    }
}

/// Adam as `torch.optim.Adam` computes it (defaults β1 0.9, β2 0.999, ε 1e-8, bias correction, no weight
/// decay, no AMSGrad), with optional gradient-norm clipping.
///
/// Embedding rows follow `embeddingMode`: `.dense` (the default) reproduces PyTorch's dense Adam on
/// `nn.Embedding` exactly — every row's moments decay each step and rows used earlier keep moving — but
/// defers the updates of rows a step did not use until the model uses or reads them again (bitwise the
/// same values, see `EmbeddingAdamState`); `.lazy` touches only the rows the batch used, like
/// `torch.optim.SparseAdam`.
///
/// The moment estimates belong to the first parameters updated; use one optimiser per model. The deferred
/// updates of embedding rows are this optimiser's state: `prepare(_:forReading:)` and `synchronize(_:)`
/// apply them.
public final class AdamOptimizer: ClassifierOptimizer {
    /// Step size `lr`.
    public var learningRate: Float
    /// Maximum global gradient norm, or `nil` for no clipping.
    public var clipNorm: Float?
    /// Hyperparameters in double precision, as PyTorch keeps them (Python floats).
    public let beta1: Double
    public let beta2: Double
    public let epsilon: Double
    /// How embedding rows the batch did not use are treated.
    public let embeddingMode: EmbeddingAdamMode
    /// Factor on `learningRate` for the embedding table; 0 freezes it (no moments are kept for it).
    public var embeddingLearningRateScale: Float = 1
    /// Factor on `learningRate` for the wide channel's weights, which Adam updates lazily: only the
    /// buckets a batch holds (like `torch.optim.SparseAdam`), since most of a million buckets are idle.
    public var wideLearningRateScale: Float = 1
    /// Number of updates applied so far (Adam's `t` of the last step).
    public private(set) var stepCount = 0
    /// Threads that large catch-ups of deferred embedding rows are split across (results do not depend
    /// on it: each row is replayed on one thread).
    public var threadCount = 1
    /// False only for the eager reference that tests compare the deferred `.dense` update against: it
    /// walks the whole embedding table every step.
    let defersEmbeddingUpdates: Bool

    private var owner: ParameterLayout?
    private var firstMoments: [Float] = []
    private var secondMoments: [Float] = []
    private var embeddingState: EmbeddingAdamState?
    private var wideState: EmbeddingAdamState?

    /// Adam with PyTorch's defaults unless given otherwise.
    public convenience init(
        learningRate: Float = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
        clipNorm: Float? = nil, embeddingMode: EmbeddingAdamMode = .dense
    ) {
        self.init(
            learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon, clipNorm: clipNorm,
            embeddingMode: embeddingMode, defersEmbeddingUpdates: true)
    }

    /// Adam whose `.dense` embedding update is deferred or, with `defersEmbeddingUpdates` false, the eager
    /// whole-table walk kept as the reference implementation for tests.
    init(
        learningRate: Float, beta1: Double, beta2: Double, epsilon: Double, clipNorm: Float?,
        embeddingMode: EmbeddingAdamMode, defersEmbeddingUpdates: Bool
    ) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.clipNorm = clipNorm
        self.embeddingMode = embeddingMode
        self.defersEmbeddingUpdates = defersEmbeddingUpdates
    }

    /// One Adam step (step count + 1) on every parameter.
    public func update(_ parameters: inout ClassifierParameters, with gradients: ClassifierGradients) {
        precondition(
            gradients.layout == parameters.layout, "gradients belong to a different model configuration")
        if owner == nil {
            owner = parameters.layout
            firstMoments = [Float](repeating: 0, count: parameters.layout.denseCount)
            secondMoments = firstMoments
            embeddingState = EmbeddingAdamState(
                vocabularySize: parameters.configuration.vocabularySize,
                dimension: parameters.configuration.embeddingDim, mode: embeddingMode,
                defersUpdates: defersEmbeddingUpdates)
            if parameters.configuration.hasWideChannel {
                wideState = EmbeddingAdamState(
                    vocabularySize: parameters.configuration.ngramBuckets, dimension: 1, mode: .lazy)
            }
        }
        precondition(owner == parameters.layout, "an AdamOptimizer updates one model only")
        let factor = clipNorm.map { gradients.clippingFactor(maxNorm: $0) } ?? 1
        stepCount += 1
        let step = AdamStep(
            learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon, step: stepCount)
        parameters.dense.withUnsafeMutableBufferPointer { parameters in
            gradients.dense.withUnsafeBufferPointer { gradient in
                firstMoments.withUnsafeMutableBufferPointer { m in
                    secondMoments.withUnsafeMutableBufferPointer { v in
                        step.update(
                            parameters: parameters.baseAddress!, gradients: gradient.baseAddress!,
                            gradientScale: factor,
                            firstMoments: m.baseAddress!, secondMoments: v.baseAddress!,
                            count: parameters.count)
                    }
                }
            }
        }
        if let wideState, parameters.wide != nil {
            let wideStep = AdamStep(
                learningRate: learningRate * wideLearningRateScale, beta1: beta1, beta2: beta2,
                epsilon: epsilon,
                step: stepCount)
            wideState.apply(gradients.wide, to: &parameters.wide!, step: wideStep, gradientScale: factor)
        }
        guard embeddingLearningRateScale != 0 else { return }
        let embeddingStep =
            embeddingLearningRateScale == 1
            ? step
            : AdamStep(
                learningRate: learningRate * embeddingLearningRateScale, beta1: beta1, beta2: beta2,
                epsilon: epsilon, step: stepCount)
        embeddingState!.apply(
            gradients.embedding, to: &parameters.embedding, step: embeddingStep, gradientScale: factor,
            threads: threadCount)
    }

    /// Replays the deferred zero-gradient updates of the embedding rows `batch` uses.
    public func prepare(_ parameters: inout ClassifierParameters, forReading batch: [[Int32]]) {
        let rows = Int32(parameters.configuration.vocabularySize)
        // A marked token (`NegationTransform`) reads the row of its plain id.
        embeddingState?.catchUp(
            rows: batch.joined().lazy.map { $0 >= rows ? $0 - rows : $0 }, in: &parameters.embedding,
            threads: threadCount)
    }

    /// True while some embedding rows lag behind the steps applied (until `synchronize(_:)`).
    public var hasDeferredUpdates: Bool { embeddingState?.hasDeferredUpdates ?? false }

    /// Replays every deferred update of the embedding table.
    public func synchronize(_ parameters: inout ClassifierParameters) {
        embeddingState?.catchUpAll(in: &parameters.embedding, threads: threadCount)
    }

    /// Every moment estimate, with the deferred embedding updates brought up to date first: the dense
    /// parameters' (in `ParameterLayout` order) and the embedding table's. For tests.
    func moments(synchronizing parameters: inout ClassifierParameters) -> (
        first: [Float], second: [Float], embeddingFirst: [Float], embeddingSecond: [Float]
    ) {
        synchronize(&parameters)
        let embedding = embeddingState?.moments
        return (firstMoments, secondMoments, embedding?.first ?? [], embedding?.second ?? [])
    }
}
