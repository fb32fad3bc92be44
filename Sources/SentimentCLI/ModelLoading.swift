import Foundation
import SentimentKit

/// An error that ends a command with a one-line message (already naming the file it concerns).
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Where a command finds its model: `--model`, else the `SENTIMENT_MODEL` environment variable, else
/// `sentiment.safetensors` in the current directory, else the bundled general model (named
/// `BundledModel.name`, "default", which `--model default` also asks for; a file of that name is
/// `./default`).
enum ModelLocation {
    static let defaultPath = "sentiment.safetensors"
    /// `--model`'s help, the same for every command that reads a model.
    static let optionHelp =
        "Model file (default: $SENTIMENT_MODEL, else ./sentiment.safetensors, else the bundled model: `default`)."
    /// The lookup order in words, for the commands' discussions.
    static let lookupDescription = """
        The model comes from --model, else the SENTIMENT_MODEL environment variable, else \
        sentiment.safetensors in the current directory, else the general model bundled in the \
        executable (English and Chinese reviews; --model default names it).
        """
    static let environmentVariable = "SENTIMENT_MODEL"

    static func resolve(_ option: String?) throws -> String {
        if let option { return option }
        if let path = ProcessInfo.processInfo.environment[environmentVariable], !path.isEmpty { return path }
        guard FileManager.default.fileExists(atPath: defaultPath) else {
            StandardStreams.printError(
                "no model given: using \(BundledModel.summary); train your own for your domain, see "
                    + "sentiment train --help")
            return BundledModel.name
        }
        return defaultPath
    }
}

/// Loads the model file at `path` (the bundled model for `BundledModel.name`), with errors that name it.
func loadModel(at path: String, threads: Int) throws -> SentimentModel {
    if path == BundledModel.name {
        do {
            return try BundledModel.load(threadCount: threads)
        } catch {
            throw CommandFailure("the bundled model is damaged: \(error)")
        }
    }
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
