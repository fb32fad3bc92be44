/// A named float32 array with a shape, row-major: the unit in which parameters are stored and exchanged
/// (model files, the golden reference, optimiser state).
public struct Tensor: Sendable, Equatable {
    /// Extent of each dimension, outermost first.
    public var shape: [Int]
    /// Elements in row-major order; `values.count` equals the product of `shape`.
    public var values: [Float]

    public init(shape: [Int], values: [Float]) {
        precondition(
            shape.reduce(1, *) == values.count, "tensor shape \(shape) does not match \(values.count) values")
        self.shape = shape
        self.values = values
    }

    /// A tensor of zeros with the given shape.
    public init(zeros shape: [Int]) {
        self.init(shape: shape, values: [Float](repeating: 0, count: shape.reduce(1, *)))
    }

    /// Number of elements.
    public var count: Int { values.count }
}
