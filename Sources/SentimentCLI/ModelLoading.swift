import Foundation
import SentimentKit

/// An error that ends a command with a one-line message (already naming the file it concerns).
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Where a command finds its model: `--model`, else the `SENTIMENT_MODEL` environment variable, else
/// `sentiment.safetensors` in the current directory.
enum ModelLocation {
    static let defaultPath = "sentiment.safetensors"
    static let environmentVariable = "SENTIMENT_MODEL"

    static func resolve(_ option: String?) throws -> String {
        if let option { return option }
        if let path = ProcessInfo.processInfo.environment[environmentVariable], !path.isEmpty { return path }
        guard FileManager.default.fileExists(atPath: defaultPath) else {
            throw CommandFailure(
                "\(defaultPath): no model here (the default when neither --model nor "
                    + "\(environmentVariable) names one); train one with `sentiment train FILE` "
                    + "(e.g. `sentiment train corpora/en.tsv`)")
        }
        return defaultPath
    }
}

/// Loads the model file at `path`, with errors that name it.
func loadModel(at path: String, threads: Int) throws -> SentimentModel {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw CommandFailure(
            "\(path): no such model file; train one with `sentiment train FILE --model \(path)`")
    }
    guard !isDirectory.boolValue else { throw CommandFailure("\(path): is a directory, not a model file") }
    do {
        return try SentimentModel(contentsOf: URL(fileURLWithPath: path), threadCount: threads)
    } catch {
        throw CommandFailure("\(path): not a usable model file: \(error)")
    }
}
