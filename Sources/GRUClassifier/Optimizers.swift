import Embedding

/// An update rule for a `BiGRUClassifier`'s parameters.
public protocol ClassifierOptimizer: AnyObject {
    /// Step size.
    var learningRate: Float { get set }
    /// When set, gradients are first scaled so their global norm is at most this value, as
    /// `torch.nn.utils.clip_grad_norm_(parameters, clipNorm)` does; the gradients passed in are not
    /// modified.
    var clipNorm: Float? { get set }
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
        model.embedding.applySGD(gradients.embedding, learningRate: learningRate, gradientScale: factor)
    }
}

/// Adam as `torch.optim.Adam` computes it (defaults β1 0.9, β2 0.999, ε 1e-8, bias correction, no weight
/// decay, no AMSGrad), with optional gradient-norm clipping.
///
/// Embedding rows follow `embeddingMode`: `.dense` (the default) reproduces PyTorch's dense Adam on
/// `nn.Embedding` exactly — every row's moments decay each step and rows used earlier keep moving —
/// at the cost of one pass over the table per step; `.lazy` touches only the rows the batch used, like
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
    /// Number of updates applied so far (Adam's `t` of the last step).
    public private(set) var stepCount = 0

    private var owner: ObjectIdentifier?
    private var firstMoments: [Float] = []
    private var secondMoments: [Float] = []
    private var embeddingState: EmbeddingAdamState?

    /// Adam with PyTorch's defaults unless given otherwise.
    public init(
        learningRate: Float = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
        clipNorm: Float? = nil, embeddingMode: EmbeddingAdamMode = .dense
    ) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.clipNorm = clipNorm
        self.embeddingMode = embeddingMode
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
                dimension: model.configuration.embeddingDim)
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
        embeddingState!.apply(
            gradients.embedding, to: &model.embedding, step: step, mode: embeddingMode, gradientScale: factor,
            threads: model.threadCount)
    }
}
