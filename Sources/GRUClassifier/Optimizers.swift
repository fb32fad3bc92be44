import Embedding

/// An update rule for a `BiGRUClassifier`'s parameters.
public protocol ClassifierOptimizer: AnyObject {
    /// Step size.
    var learningRate: Float { get set }
    /// When set, gradients are first scaled so their global norm is at most this value, as
    /// `torch.nn.utils.clip_grad_norm_(parameters, clipNorm)` does; the gradients passed in are not
    /// modified.
    var clipNorm: Float? { get set }
    /// Factor on `learningRate` for the embedding table (1: the same rate; 0: the embedding is frozen).
    /// Set it before the first update.
    var embeddingLearningRateScale: Float { get set }
    /// Applies one update with `gradients` (from `model.lossAndGradients`) to `model`'s parameters.
    func update(_ model: BiGRUClassifier, with gradients: ClassifierGradients)
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

    /// Plain SGD with step size `learningRate` and optional clipping.
    public init(learningRate: Float, clipNorm: Float? = nil) {
        self.learningRate = learningRate
        self.clipNorm = clipNorm
    }

    /// `p ← p − lr·g` for every parameter (with `g` clipped first when `clipNorm` is set).
    public func update(_ model: BiGRUClassifier, with gradients: ClassifierGradients) {
        precondition(gradients.layout == model.layout, "gradients belong to a different model configuration")
        let factor = clipNorm.map { gradients.clippingFactor(maxNorm: $0) } ?? 1
        let learningRate = learningRate
        model.dense.withUnsafeMutableBufferPointer { parameters in
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
        guard embeddingLearningRateScale != 0 else { return }
        let embeddingRate = learningRate * embeddingLearningRateScale
        model.modifyEmbedding {
            $0.applySGD(gradients.embedding, learningRate: embeddingRate, gradientScale: factor)
        }
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
/// The moment estimates belong to the first model updated; use one optimiser per model.
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
    /// Number of updates applied so far (Adam's `t` of the last step).
    public private(set) var stepCount = 0
    /// False only for the eager reference that tests compare the deferred `.dense` update against: it
    /// walks the whole embedding table every step.
    let defersEmbeddingUpdates: Bool

    private var owner: ObjectIdentifier?
    private var firstMoments: [Float] = []
    private var secondMoments: [Float] = []
    private var embeddingState: EmbeddingAdamState?

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

    /// One Adam step (step count + 1) on every parameter of `model`.
    public func update(_ model: BiGRUClassifier, with gradients: ClassifierGradients) {
        precondition(gradients.layout == model.layout, "gradients belong to a different model configuration")
        if owner == nil {
            owner = ObjectIdentifier(model)
            firstMoments = [Float](repeating: 0, count: model.layout.denseCount)
            secondMoments = firstMoments
            embeddingState = EmbeddingAdamState(
                vocabularySize: model.configuration.vocabularySize,
                dimension: model.configuration.embeddingDim, mode: embeddingMode,
                defersUpdates: defersEmbeddingUpdates)
        }
        precondition(owner == ObjectIdentifier(model), "an AdamOptimizer updates one model only")
        let factor = clipNorm.map { gradients.clippingFactor(maxNorm: $0) } ?? 1
        stepCount += 1
        let step = AdamStep(
            learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon, step: stepCount)
        model.dense.withUnsafeMutableBufferPointer { parameters in
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
        guard embeddingLearningRateScale != 0 else { return }
        let embeddingStep =
            embeddingLearningRateScale == 1
            ? step
            : AdamStep(
                learningRate: learningRate * embeddingLearningRateScale, beta1: beta1, beta2: beta2,
                epsilon: epsilon, step: stepCount)
        let state = embeddingState!
        model.updateEmbedding(deferringTo: state) { table in
            state.apply(
                gradients.embedding, to: &table, step: embeddingStep, gradientScale: factor,
                threads: model.threadCount)
        }
    }

    /// Every moment estimate, with `model`'s deferred embedding updates brought up to date first: the dense
    /// parameters' (in `ParameterLayout` order) and the embedding table's. For tests.
    func moments(of model: BiGRUClassifier) -> (
        first: [Float], second: [Float], embeddingFirst: [Float], embeddingSecond: [Float]
    ) {
        precondition(
            owner == nil || owner == ObjectIdentifier(model), "an AdamOptimizer updates one model only")
        model.applyDeferredUpdates()
        let embedding = embeddingState?.moments
        return (firstMoments, secondMoments, embedding?.first ?? [], embedding?.second ?? [])
    }
}
