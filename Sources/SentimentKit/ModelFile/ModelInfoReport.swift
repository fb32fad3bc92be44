import Foundation

/// What `sentiment info --format json` prints and `sentiment serve` answers at /v1/model: the model's
/// path, vocabulary size, trainable parameter count and its file configuration (training record
/// included).
public struct ModelInfoReport: Encodable, Sendable {
    public var model: String
    public var vocabularySize: Int
    public var parameters: Int
    /// How the file stores its tensors (nil for a model not read from a file).
    public var storage: ModelFileStorage?
    public var config: ModelFileConfiguration

    enum CodingKeys: String, CodingKey {
        case model, vocabularySize = "vocabulary_size", parameters, storage, config
    }

    /// The report of `model`, read from the file at `path`.
    public init(model: SentimentModel, path: String) {
        self.model = path
        vocabularySize = model.vocabulary.count
        parameters = model.classifier.trainableParameterCount
        storage = model.fileStorage
        config = model.fileConfiguration
    }

    /// The report as pretty-printed JSON with sorted keys and a final newline.
    public func json() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self)) + [0x0A]
    }
}
