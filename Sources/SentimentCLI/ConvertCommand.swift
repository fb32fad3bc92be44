import ArgumentParser
import Foundation
import SentimentKit

/// `sentiment convert`: rewrites a model file in the current format, optionally in another precision.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Rewrite a model file: the wide channel sparse, the weights in float32 or float16.",
        discussion: """
            The vocabulary, config and training record are kept. float16 halves the size of the \
            weights; scoring converts them back to float32. A weight beyond float16's range (±65504) \
            is refused, naming its tensor. Without --precision the model keeps its file's.

            Examples:
              sentiment convert old.safetensors -o new.safetensors
              sentiment convert film.safetensors -o film-f16.safetensors --precision f16
            """
    )

    @Argument(help: "The model file to read.")
    var input: String

    @Option(name: .shortAndLong, help: "Where to write the converted model (may be the input).")
    var output: String

    @Option(help: "How to store the weights: f32 or f16 (default: as the input stores them).")
    var precision: ModelFilePrecision?

    func run() throws {
        let model = try loadModel(at: input, threads: 1)
        let written: ModelFileStorage
        do {
            written = try model.convert(to: URL(fileURLWithPath: output), precision: precision)
        } catch let error as ModelFileError {
            throw CommandFailure("\(output): \(error)")
        }
        let buckets = model.classifier.configuration.ngramBuckets
        StandardStreams.printError(
            "converted \(input) (\(InfoCommand.storage(model.fileStorage, ngramBuckets: buckets)), "
                + "\(Self.size(input))) to \(output) (\(InfoCommand.storage(written, ngramBuckets: buckets)), "
                + "\(Self.size(output)))")
    }

    /// "16,214,404 bytes".
    private static func size(_ path: String) -> String {
        let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue
        return "\(TrainingReport.grouped(Double(bytes ?? 0))) bytes"
    }
}
