/// Float32 or float16 values another object owns and keeps in place, read without copying them: a
/// tensor inside a memory-mapped model file, or inside the executable. The owner is kept alive as long
/// as this is.
public final class ReadOnlyValues: @unchecked Sendable {
    /// How the values are stored.
    public enum Encoding: Sendable, Equatable {
        case float32
        case float16
    }

    /// The first value; `count` values follow, never written while this object lives.
    public let base: UnsafeRawPointer
    /// Number of values.
    public let count: Int
    public let encoding: Encoding
    // Holds the memory (an unmapping object, for instance) for as long as `base` is read.
    private let owner: AnyObject

    /// Float32 values at `base`, which `owner` keeps valid and unchanged for its lifetime.
    public init(float32 base: UnsafePointer<Float>, count: Int, owner: AnyObject) {
        self.base = UnsafeRawPointer(base)
        self.count = count
        self.encoding = .float32
        self.owner = owner
    }

    /// Float16 values (IEEE binary16 bit patterns, native byte order) at `base`, likewise.
    public init(float16 base: UnsafePointer<UInt16>, count: Int, owner: AnyObject) {
        self.base = UnsafeRawPointer(base)
        self.count = count
        self.encoding = .float16
        self.owner = owner
    }

    /// The float32 values in place; nil for float16 values.
    public var floats: UnsafeBufferPointer<Float>? {
        encoding == .float32 ? UnsafeBufferPointer(start: base.assumingMemoryBound(to: Float.self), count: count) : nil
    }

    /// The float16 bit patterns in place; nil for float32 values.
    public var halves: UnsafeBufferPointer<UInt16>? {
        encoding == .float16 ? UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt16.self), count: count) : nil
    }

    /// The values as a new float32 array (float16 ones widened, exactly).
    public var array: [Float] {
        if let floats { return Array(floats) }
        return halves!.map(HalfPrecision.float(fromBits:))
    }
}
