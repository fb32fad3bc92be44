/// The gradient of a loss with respect to an embedding table, stored as the rows a batch used.
///
/// The dense gradient is zero on every row that no token of the batch looked up, so it is kept as a list
/// of distinct row ids and, for each, its summed gradient row. `rows` is row-major
/// `[rowIDs.count × dimension]`, row `k` belonging to `rowIDs[k]`.
public struct SparseRowGradient: Sendable, Equatable {
    /// Length of each row.
    public let dimension: Int
    /// Distinct ids of the rows that have a gradient, in order of first use.
    public internal(set) var rowIDs: [Int32]
    /// Gradient rows, one per entry of `rowIDs`.
    public internal(set) var rows: [Float]

    /// An empty gradient (no row touched).
    public init(dimension: Int) {
        self.dimension = dimension
        rowIDs = []
        rows = []
    }

    /// A gradient with the given rows; ids must be distinct and `rows.count == rowIDs.count × dimension`.
    public init(dimension: Int, rowIDs: [Int32], rows: [Float]) {
        precondition(rows.count == rowIDs.count * dimension, "sparse gradient rows do not match its ids")
        precondition(Set(rowIDs).count == rowIDs.count, "sparse gradient ids must be distinct")
        self.dimension = dimension
        self.rowIDs = rowIDs
        self.rows = rows
    }

    /// True when no row has a gradient.
    public var isEmpty: Bool { rowIDs.isEmpty }

    /// The equivalent dense `[vocabularySize × dimension]` gradient (zeros on untouched rows).
    public func denseValues(vocabularySize: Int) -> [Float] {
        var dense = [Float](repeating: 0, count: vocabularySize * dimension)
        for (slot, id) in rowIDs.enumerated() {
            for column in 0..<dimension {
                dense[Int(id) * dimension + column] = rows[slot * dimension + column]
            }
        }
        return dense
    }

    /// Sum of the squares of every element, accumulated in double precision.
    public func squaredNorm() -> Double {
        rows.withUnsafeBufferPointer { values in
            var sum = 0.0
            for value in values { sum += Double(value) * Double(value) }
            return sum
        }
    }

    /// Multiplies every element by `factor`.
    public mutating func scale(by factor: Float) {
        rows.withUnsafeMutableBufferPointer { values in
            for index in values.indices { values[index] *= factor }
        }
    }

    /// Removes every row, keeping the memory for reuse.
    public mutating func removeAll() {
        rowIDs.removeAll(keepingCapacity: true)
        rows.removeAll(keepingCapacity: true)
    }
}

/// Builds a `SparseRowGradient` by summing gradient rows under their token ids, merging repeated ids.
///
/// It keeps a slot map over the whole vocabulary (`-1` for rows not yet seen) and resets only the entries
/// it touched, so one accumulator serves batch after batch without allocating once its arrays have grown.
public final class SparseRowAccumulator {
    /// Number of rows of the table the gradient belongs to.
    public let vocabularySize: Int
    /// Length of each row.
    public let dimension: Int
    /// The gradient accumulated since the last `reset()`.
    public private(set) var gradient: SparseRowGradient
    /// Empty until the first `add`: a model loaded only to score never fills it (the wide channel's
    /// 2^20 buckets made this 4 MB of a scoring run's start-up).
    private var slotOfRow: [Int32] = []

    /// An empty accumulator for a `[vocabularySize × dimension]` table.
    public init(vocabularySize: Int, dimension: Int) {
        self.vocabularySize = vocabularySize
        self.dimension = dimension
        gradient = SparseRowGradient(dimension: dimension)
    }

    /// Forgets the accumulated gradient (keeping memory for the next batch).
    public func reset() {
        slotOfRow.withUnsafeMutableBufferPointer { slots in
            for id in gradient.rowIDs { slots[Int(id)] = -1 }
        }
        gradient.removeAll()
    }

    /// Adds row `k` of `rows` (row stride `rowStride`) to the gradient of row `ids[k]`, for every `k`.
    /// Ids must lie in `0..<vocabularySize`.
    public func add(ids: UnsafeBufferPointer<Int32>, rows source: UnsafePointer<Float>, rowStride: Int) {
        let dimension = dimension
        if slotOfRow.isEmpty { slotOfRow = [Int32](repeating: -1, count: vocabularySize) }
        slotOfRow.withUnsafeMutableBufferPointer { slots in
            // First give every new id a slot, then add all rows through one pointer.
            let oldCount = gradient.rowIDs.count
            for id in ids where slots[Int(id)] < 0 {
                slots[Int(id)] = Int32(gradient.rowIDs.count)
                gradient.rowIDs.append(id)
            }
            gradient.rows.append(
                contentsOf: repeatElement(0, count: (gradient.rowIDs.count - oldCount) * dimension))
            gradient.rows.withUnsafeMutableBufferPointer { rows in
                guard let base = rows.baseAddress else { return }
                for (position, id) in ids.enumerated() {
                    let row = source + position * rowStride
                    let target = base + Int(slots[Int(id)]) * dimension
                    for column in 0..<dimension { target[column] += row[column] }
                }
            }
        }
    }

    /// Adds every row of `other` (same dimension) to the accumulated gradient.
    public func add(_ other: SparseRowGradient) {
        precondition(other.dimension == dimension, "sparse gradient dimension mismatch")
        other.rowIDs.withUnsafeBufferPointer { ids in
            other.rows.withUnsafeBufferPointer { rows in
                guard let base = rows.baseAddress else { return }
                add(ids: ids, rows: base, rowStride: dimension)
            }
        }
    }

    /// Multiplies the accumulated gradient by `factor` (gradient-norm clipping).
    public func scale(by factor: Float) {
        gradient.scale(by: factor)
    }
}

extension SparseRowAccumulator {
    /// Copies the accumulated gradient into `target`, reusing `target`'s memory.
    public func copyGradient(into target: inout SparseRowGradient) {
        precondition(target.dimension == dimension, "sparse gradient dimension mismatch")
        target.rowIDs.removeAll(keepingCapacity: true)
        target.rowIDs.append(contentsOf: gradient.rowIDs)
        target.rows.removeAll(keepingCapacity: true)
        target.rows.append(contentsOf: gradient.rows)
    }
}
