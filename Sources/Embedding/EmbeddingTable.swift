/// A trainable lookup table: row `id` is the dense vector that represents token `id`.
///
/// Stored row-major as one contiguous `[vocabularySize × dimension]` block so a batch's rows can be
/// gathered with plain memory copies into the contiguous input of a matrix product.
public struct EmbeddingTable: Sendable, Equatable {
    /// Number of rows (distinct token ids `0..<vocabularySize`).
    public let vocabularySize: Int
    /// Length of each row.
    public let dimension: Int
    /// Row-major `[vocabularySize × dimension]` values.
    public var weights: [Float]

    /// A table with the given values; `weights.count` must be `vocabularySize × dimension`.
    public init(vocabularySize: Int, dimension: Int, weights: [Float]) {
        precondition(vocabularySize > 0 && dimension > 0, "embedding table needs positive sizes")
        precondition(
            weights.count == vocabularySize * dimension,
            "embedding table [\(vocabularySize) × \(dimension)] given \(weights.count) values")
        self.vocabularySize = vocabularySize
        self.dimension = dimension
        self.weights = weights
    }

    /// Copies the rows of `ids` one after another into `destination` (`ids.count × dimension` floats).
    /// Every id must lie in `0..<vocabularySize`; callers validate token ids before they get here.
    public func gather(ids: UnsafeBufferPointer<Int32>, into destination: UnsafeMutablePointer<Float>) {
        let dimension = dimension
        weights.withUnsafeBufferPointer { table in
            let base = table.baseAddress!
            for (position, id) in ids.enumerated() {
                (destination + position * dimension).update(
                    from: base + Int(id) * dimension, count: dimension)
            }
        }
    }

    /// The row of token `id` as a new array (for tests and inspection, not for hot loops).
    public func row(_ id: Int) -> [Float] {
        Array(weights[id * dimension..<(id + 1) * dimension])
    }
}
