import Embedding

/// Every parameter of a `BiGRUClassifier`: the embedding table, and every other tensor concatenated in
/// `namedParameters()` order in one flat `dense` vector (so optimisers, clipping and gradient reductions
/// are single loops over contiguous memory).
///
/// This is what an optimiser is handed: `optimizer.update(&classifier.parameters, with: gradients)`.
/// Sizes are fixed by the configuration (the network checks them before each pass); the values are free
/// to change. No property observers: an optimiser's in-place update must not copy the table.
public struct ClassifierParameters: Sendable {
    let layout: ParameterLayout
    /// `embedding.weight`.
    public var embedding: EmbeddingTable
    /// Every other parameter, in `namedParameters()` order; its gradient has the same layout
    /// (`ClassifierGradients.dense`).
    public var dense: [Float]
    /// `wide.weight`: the wide channel's learned weight per n-gram bucket, as a one-column table (its
    /// gradient is sparse like the embedding's); nil without the wide channel.
    public var wide: EmbeddingTable?
    /// `wide.scale`: the fixed factor of each bucket's weight (the naive-Bayes log-count ratio of the
    /// training data); the bucket adds `wide.weight[b] · wide.scale[b]` to the logit. Empty without the
    /// wide channel. Optimisers leave it alone.
    public var wideScale: [Float]

    init(
        layout: ParameterLayout, embedding: EmbeddingTable, dense: [Float], wide: EmbeddingTable?,
        wideScale: [Float]
    ) {
        precondition(dense.count == layout.denseCount)
        self.layout = layout
        self.embedding = embedding
        self.dense = dense
        self.wide = wide
        self.wideScale = wideScale
    }

    /// The sizes and options these parameters belong to.
    public var configuration: ClassifierConfiguration { layout.configuration }
}

extension ClassifierParameters {
    /// Whether the sizes still match the configuration.
    var hasConfiguredSizes: Bool {
        dense.count == layout.denseCount
            && embedding.vocabularySize == layout.configuration.vocabularySize
            && embedding.dimension == layout.configuration.embeddingDim
            && embedding.withRowSource { $0.rows * $0.dimension } == embedding.vocabularySize * embedding.dimension
            && (wide?.weights.count ?? 0) == layout.configuration.ngramBuckets
            && wideScale.count == layout.configuration.ngramBuckets
    }
}
