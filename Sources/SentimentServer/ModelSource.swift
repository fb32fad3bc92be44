import SentimentKit

/// Where the served model comes from: a name for responses and logs, and how to load it. The server
/// calls `load` at start and on every reload (SIGHUP, POST /v1/reload), so a reload reads the file again.
public struct ModelSource: Sendable {
    /// What responses call the model (`"model"` in /v1/score, `model` in /v1/model): the path as given.
    public var name: String
    /// Reads the model; throws an error that names what is wrong with it.
    public var load: @Sendable () throws -> SentimentModel

    public init(name: String, load: @escaping @Sendable () throws -> SentimentModel) {
        self.name = name
        self.load = load
    }

    /// The model file at `path`. The loaded model keeps nothing mapped from the file, so a server lives
    /// through the file being rewritten in place before a reload.
    public static func file(_ path: String) -> ModelSource {
        ModelSource(name: path) {
            let model = try SentimentModel(path: path, threadCount: 1)
            model.makeIndependentOfFile()
            return model
        }
    }
}
