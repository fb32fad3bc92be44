/// A trainable lookup table: row `id` is the dense vector that represents token `id`.
///
/// Stored row-major as one contiguous `[vocabularySize × dimension]` block so a batch's rows can be
/// gathered with plain memory copies into the contiguous input of a matrix product. A table loaded from
/// a model file may read its rows where the file is mapped (`init(vocabularySize:dimension:reading:)`)
/// instead of from a copy: loading then costs no allocation, and the first change to `weights` copies
/// them into an array of its own.
public struct EmbeddingTable: Sendable, Equatable {
    /// Number of rows (distinct token ids `0..<vocabularySize`).
    public let vocabularySize: Int
    /// Length of each row.
    public let dimension: Int
    // The rows: `owned`, or, while it is empty, `borrowed`.
    private var owned: [Float]
    private var borrowed: ReadOnlyFloats?

    /// Row-major `[vocabularySize × dimension]` values. Reading a table that reads borrowed rows returns
    /// a copy (prefer `withRows` for reading); changing it first copies the rows into an array of its own.
    public var weights: [Float] {
        get { borrowed?.array ?? owned }
        set {
            precondition(newValue.count == vocabularySize * dimension, "embedding table given the wrong count")
            owned = newValue
            borrowed = nil
        }
        _modify {
            makeOwned()
            yield &owned
        }
    }

    /// A table with the given values; `weights.count` must be `vocabularySize × dimension`.
    public init(vocabularySize: Int, dimension: Int, weights: [Float]) {
        precondition(vocabularySize > 0 && dimension > 0, "embedding table needs positive sizes")
        precondition(
            weights.count == vocabularySize * dimension,
            "embedding table [\(vocabularySize) × \(dimension)] given \(weights.count) values")
        self.vocabularySize = vocabularySize
        self.dimension = dimension
        self.owned = weights
        self.borrowed = nil
    }

    /// A table that reads its rows from `values` (`vocabularySize × dimension` floats) without copying
    /// them until it is changed.
    public init(vocabularySize: Int, dimension: Int, reading values: ReadOnlyFloats) {
        precondition(vocabularySize > 0 && dimension > 0, "embedding table needs positive sizes")
        precondition(
            values.count == vocabularySize * dimension,
            "embedding table [\(vocabularySize) × \(dimension)] given \(values.count) values")
        self.vocabularySize = vocabularySize
        self.dimension = dimension
        self.owned = []
        self.borrowed = values
    }

    /// The memory the rows are read from when the table does not own them (see `init(reading:)`).
    public var borrowedRows: ReadOnlyFloats? { borrowed }

    /// Copies borrowed rows into an array of the table's own (nothing when it has one already): after
    /// this the table no longer depends on the memory it was loaded from.
    public mutating func makeOwned() {
        guard let borrowed else { return }
        owned = borrowed.array
        self.borrowed = nil
    }

    /// Calls `body` with the `vocabularySize × dimension` row-major values, without copying them.
    public func withRows<Result>(_ body: (UnsafeBufferPointer<Float>) throws -> Result) rethrows -> Result {
        if let borrowed { return try body(UnsafeBufferPointer(start: borrowed.base, count: borrowed.count)) }
        return try owned.withUnsafeBufferPointer(body)
    }

    public static func == (lhs: EmbeddingTable, rhs: EmbeddingTable) -> Bool {
        lhs.vocabularySize == rhs.vocabularySize && lhs.dimension == rhs.dimension
            && lhs.withRows { left in rhs.withRows { right in left.elementsEqual(right) } }
    }

    /// Copies the rows of `ids` one after another into `destination` (`ids.count × dimension` floats).
    /// Every id must lie in `0..<vocabularySize`; callers validate token ids before they get here.
    public func gather(ids: UnsafeBufferPointer<Int32>, into destination: UnsafeMutablePointer<Float>) {
        let dimension = dimension
        withRows { table in
            let base = table.baseAddress!
            for (position, id) in ids.enumerated() {
                (destination + position * dimension).update(
                    from: base + Int(id) * dimension, count: dimension)
            }
        }
    }

    /// The row of token `id` as a new array (for tests and inspection, not for hot loops).
    public func row(_ id: Int) -> [Float] {
        withRows { Array($0[id * dimension..<(id + 1) * dimension]) }
    }
}
