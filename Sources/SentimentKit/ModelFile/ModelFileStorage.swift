/// How a model file stores the weights: float32 (`F32` tensors) or float16 (`F16`, half the size;
/// loading converts them to float32 exactly). Scoring always computes in float32.
public enum ModelFilePrecision: String, CaseIterable, Sendable, Encodable {
    case f32
    case f16

    /// The safetensors dtype of the weight tensors.
    public var dtype: SafeTensorsDType { self == .f32 ? .f32 : .f16 }
}

/// How the file a model was loaded from stores it, as `sentiment info` reports it.
public struct ModelFileStorage: Sendable, Equatable, Encodable {
    /// The dtypes of the file's weight (floating-point) tensors, distinct, sorted: `["F16"]` for a
    /// float16 file; a file written elsewhere may mix several.
    public var weightDTypes: [String]
    /// How many buckets a sparse wide channel stores (`wide.indices`); nil when the wide channel is
    /// stored dense or the model has none.
    public var storedWideBuckets: Int?
    /// The file's `format_version` (1 when absent).
    public var formatVersion: Int

    public init(weightDTypes: [String], storedWideBuckets: Int?, formatVersion: Int) {
        self.weightDTypes = weightDTypes
        self.storedWideBuckets = storedWideBuckets
        self.formatVersion = formatVersion
    }

    /// The precision `write(to:)` keeps for a model loaded from this file: float16 when every weight
    /// tensor is F16, else float32 (which holds F32, BF16 and F16 values exactly).
    public var precision: ModelFilePrecision {
        weightDTypes == [SafeTensorsDType.f16.rawValue] ? .f16 : .f32
    }

    private enum CodingKeys: String, CodingKey {
        case precision, weightDTypes = "weight_dtypes", storedWideBuckets = "stored_wide_buckets",
            formatVersion = "format_version"
    }

    /// `precision`, `weight_dtypes`, `stored_wide_buckets` (null: dense or no wide channel) and
    /// `format_version`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(precision, forKey: .precision)
        try container.encode(weightDTypes, forKey: .weightDTypes)
        try container.encode(storedWideBuckets, forKey: .storedWideBuckets)
        try container.encode(formatVersion, forKey: .formatVersion)
    }
}
