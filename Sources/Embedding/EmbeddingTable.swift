/// A trainable lookup table: row `id` is the dense vector that represents token `id`.
///
/// Stored row-major as one contiguous `[vocabularySize × dimension]` block so a batch's rows can be
/// gathered with plain memory copies into the contiguous input of a matrix product. A table loaded from
/// a model file may read its rows where the file lies (`init(vocabularySize:dimension:reading:)`),
/// float32 or float16, instead of from a copy: loading then costs no allocation, and the first change
/// to `weights` copies them into a float32 array of its own.
public struct EmbeddingTable: Sendable, Equatable {
    /// Number of rows (distinct token ids `0..<vocabularySize`).
    public let vocabularySize: Int
    /// Length of each row.
    public let dimension: Int
    // The rows: `owned`, or, while it is empty, `borrowed`.
    private var owned: [Float]
    private var borrowed: ReadOnlyValues?

    /// Row-major `[vocabularySize × dimension]` values. Reading a table that reads borrowed rows returns
    /// a copy (prefer `withRowSource` for reading); changing it first copies the rows into an array of
    /// its own.
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

    /// A table that reads its rows from `values` (`vocabularySize × dimension` of them) without copying
    /// them until it is changed.
    public init(vocabularySize: Int, dimension: Int, reading values: ReadOnlyValues) {
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
    public var borrowedRows: ReadOnlyValues? { borrowed }

    /// Copies borrowed rows into a float32 array of the table's own (nothing when it has one already):
    /// after this the table no longer depends on the memory it was loaded from.
    public mutating func makeOwned() {
        guard let borrowed else { return }
        owned = borrowed.array
        self.borrowed = nil
    }

    /// Calls `body` with where the rows are, without copying them.
    public func withRowSource<Result>(_ body: (EmbeddingRows) throws -> Result) rethrows -> Result {
        if let borrowed {
            return try body(EmbeddingRows(dimension: dimension, rows: vocabularySize, values: borrowed))
        }
        return try owned.withUnsafeBufferPointer {
            try body(EmbeddingRows(dimension: dimension, floats: $0.baseAddress!, rows: vocabularySize))
        }
    }

    public static func == (lhs: EmbeddingTable, rhs: EmbeddingTable) -> Bool {
        lhs.vocabularySize == rhs.vocabularySize && lhs.dimension == rhs.dimension && lhs.weights == rhs.weights
    }

    /// Copies the rows of `ids` one after another into `destination` (`ids.count × dimension` floats).
    /// Every id must lie in `0..<vocabularySize`; callers validate token ids before they get here.
    public func gather(ids: UnsafeBufferPointer<Int32>, into destination: UnsafeMutablePointer<Float>) {
        let dimension = dimension
        withRowSource { rows in
            for (position, id) in ids.enumerated() {
                rows.copyRow(Int(id), into: destination + position * dimension)
            }
        }
    }

    /// The row of token `id` as a new array (for tests and inspection, not for hot loops).
    public func row(_ id: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: dimension) { buffer, count in
            withRowSource { $0.copyRow(id, into: buffer.baseAddress!) }
            count = dimension
        }
    }
}

/// Where a table's rows are read during a pass: float32 values, or float16 ones widened row by row as
/// they are read. Valid only inside `EmbeddingTable.withRowSource` (or while the floats it was made
/// from live).
public struct EmbeddingRows: @unchecked Sendable {
    /// Length of each row.
    public let dimension: Int
    /// Number of rows.
    public let rows: Int
    private let floats: UnsafePointer<Float>?
    private let halves: UnsafePointer<UInt16>?

    /// Rows of float32 values at `floats`.
    public init(dimension: Int, floats: UnsafePointer<Float>, rows: Int) {
        self.dimension = dimension
        self.rows = rows
        self.floats = floats
        self.halves = nil
    }

    init(dimension: Int, rows: Int, values: ReadOnlyValues) {
        self.dimension = dimension
        self.rows = rows
        self.floats = values.floats?.baseAddress
        self.halves = values.halves?.baseAddress
    }

    /// The float32 rows in place; nil when they are float16 (the rows of a training pass are always
    /// float32: training owns its table).
    public var floatRows: UnsafePointer<Float>? { floats }

    /// Writes row `id` (in `0..<rows`) to `destination` as `dimension` floats.
    @inline(__always)
    public func copyRow(_ id: Int, into destination: UnsafeMutablePointer<Float>) {
        if let floats {
            destination.update(from: floats + id * dimension, count: dimension)
        } else if let halves {
            let source = halves + id * dimension
            for column in 0..<dimension { destination[column] = HalfPrecision.float(fromBits: source[column]) }
        }
    }
}
