/// Floats another object owns and keeps in place, read without copying them: a tensor inside a
/// memory-mapped model file, say. The owner is kept alive as long as this is.
public final class ReadOnlyFloats: @unchecked Sendable {
    /// The first value; `count` values follow, never written while this object lives.
    public let base: UnsafePointer<Float>
    /// Number of values.
    public let count: Int
    // Holds the memory (an unmapping object, for instance) for as long as `base` is read.
    private let owner: AnyObject

    /// Floats at `base`, which `owner` keeps valid and unchanged for its lifetime.
    public init(base: UnsafePointer<Float>, count: Int, owner: AnyObject) {
        self.base = base
        self.count = count
        self.owner = owner
    }

    /// A copy of the values.
    public var array: [Float] { Array(UnsafeBufferPointer(start: base, count: count)) }
}
