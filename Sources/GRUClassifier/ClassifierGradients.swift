import Embedding

/// The gradient of a batch's loss with respect to every parameter of a `BiGRUClassifier`.
///
/// The embedding gradient is sparse (only the rows the batch used); the other tensors are dense and laid
/// out one after another in `namedParameters()` order.
public struct ClassifierGradients: Sendable {
    let layout: ParameterLayout
    /// Gradient of every parameter except `embedding.weight`, concatenated in `namedParameters()` order.
    public internal(set) var dense: [Float]
    /// Gradient of `embedding.weight`: the rows the batch used.
    public internal(set) var embedding: SparseRowGradient
    /// Gradient of `wide.weight`: the buckets the batch holds (empty without the wide channel).
    public internal(set) var wide: SparseRowGradient

    init(layout: ParameterLayout) {
        self.layout = layout
        dense = [Float](repeating: 0, count: layout.denseCount)
        embedding = SparseRowGradient(dimension: layout.configuration.embeddingDim)
        wide = SparseRowGradient(dimension: 1)
    }

    /// Every gradient as a tensor named like its parameter (the sparse ones made dense), in
    /// `namedParameters()` order; `wide.scale` is fixed and has none.
    public func namedGradients() -> [(name: String, tensor: Tensor)] {
        let configuration = layout.configuration
        let embeddingTensor = Tensor(
            shape: [configuration.vocabularySize, configuration.embeddingDim],
            values: embedding.denseValues(vocabularySize: configuration.vocabularySize))
        return [(ParameterLayout.embeddingName, embeddingTensor)]
            + layout.denseEntries.map { entry in
                let count = entry.shape.reduce(1, *)
                return (
                    entry.name,
                    Tensor(shape: entry.shape, values: Array(dense[entry.offset..<entry.offset + count]))
                )
            }
            + (configuration.hasWideChannel
                ? [
                    (
                        ParameterLayout.wideWeightName,
                        Tensor(
                            shape: [configuration.ngramBuckets],
                            values: wide.denseValues(vocabularySize: configuration.ngramBuckets))
                    )
                ] : [])
    }

    /// The Euclidean norm of all gradients together, as `torch.nn.utils.clip_grad_norm_` measures it
    /// (accumulated in double precision).
    public func globalNorm() -> Float {
        var sum = embedding.squaredNorm()
        dense.withUnsafeBufferPointer { values in
            for value in values { sum += Double(value) * Double(value) }
        }
        if !wide.isEmpty { sum += wide.squaredNorm() }
        return Float(sum.squareRoot())
    }

    /// The factor `clip_grad_norm_(max_norm)` multiplies the gradients by: `max_norm / (norm + 1e-6)`
    /// when that is below 1, else 1.
    public func clippingFactor(maxNorm: Float) -> Float {
        let factor = maxNorm / (globalNorm() + 1e-6)
        return factor < 1 ? factor : 1
    }

    /// Multiplies every gradient by `factor`.
    public mutating func scale(by factor: Float) {
        embedding.scale(by: factor)
        wide.scale(by: factor)
        dense.withUnsafeMutableBufferPointer { values in
            for index in values.indices { values[index] *= factor }
        }
    }

    /// Scales the gradients so their global norm is at most `maxNorm`, like
    /// `torch.nn.utils.clip_grad_norm_`; returns the norm before clipping.
    @discardableResult
    public mutating func clipNorm(to maxNorm: Float) -> Float {
        let norm = globalNorm()
        let factor = maxNorm / (norm + 1e-6)
        if factor < 1 { scale(by: factor) }
        return norm
    }
}
