/// The element types of safetensors tensors that this package reads: four floating-point types,
/// delivered as Float, and two integer types, delivered exactly (`IntegerTensor`).
public enum SafeTensorsDType: String, CaseIterable, Sendable {
    case f64 = "F64"
    case i64 = "I64"
    case f32 = "F32"
    case i32 = "I32"
    case bf16 = "BF16"
    case f16 = "F16"

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .f16, .bf16: 2
        case .f32, .i32: 4
        case .f64, .i64: 8
        }
    }

    /// Whether the elements are integers (read into an `IntegerTensor` rather than a `Tensor`).
    public var isInteger: Bool { self == .i32 || self == .i64 }

    /// The types the writer stores: F32 and F16 for floating-point tensors, I32 and I64 for integers.
    public var isWritable: Bool { self != .f64 && self != .bf16 }

    /// The type's place in the Python library's own dtype order (increasing alignment, then as
    /// declared there). Its writer lays tensors out by this rank, highest first, then by name, which
    /// keeps every tensor aligned to its element size; this writer does the same.
    var pythonOrder: Int {
        switch self {
        case .f16: 0
        case .bf16: 1
        case .i32: 2
        case .f32: 3
        case .f64: 4
        case .i64: 5
        }
    }
}
