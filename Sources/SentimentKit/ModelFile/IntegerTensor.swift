/// A tensor of integers (a safetensors `I32` or `I64` tensor), row-major, kept exactly: a model file's
/// sparse wide channel names its buckets with one.
public struct IntegerTensor: Sendable, Equatable {
    /// Extent of each dimension, outermost first.
    public var shape: [Int]
    /// Elements in row-major order; `values.count` equals the product of `shape`.
    public var values: [Int64]

    public init(shape: [Int], values: [Int64]) {
        precondition(
            shape.reduce(1, *) == values.count, "tensor shape \(shape) does not match \(values.count) values")
        self.shape = shape
        self.values = values
    }
}
