import ArgumentParser
import Foundation
import SentimentKit

/// `sentiment info`: what a model file holds.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract:
            "Show a model's configuration, storage, vocabulary size, parameter count and training record.",
        discussion: """
            Examples:
              sentiment info
              sentiment info --model film.safetensors --format json
            """
    )

    @Option(
        name: .shortAndLong, help: ArgumentHelp(ModelLocation.optionHelp))
    var model: String?

    @Option(help: "Output format: text or json.")
    var format: InfoOutputFormat = .text

    func run() throws {
        let path = try ModelLocation.resolve(model)
        let sentimentModel = try loadModel(at: path, threads: 1)
        let parameterCount = sentimentModel.classifier.trainableParameterCount
        let configuration = sentimentModel.fileConfiguration
        let network = configuration.network
        switch format {
        case .json:
            try StandardStreams.writeToStandardOutput(ModelInfoReport(model: sentimentModel, path: path).json())
        case .text:
            var lines = [
                "model          \(path)" + (path == BundledModel.name ? ": \(BundledModel.summary)" : ""),
                "network        embedding \(network.embeddingDim), bidirectional GRU hidden \(network.hidden) × \(network.layers) layer\(network.layers == 1 ? "" : "s"), cell \(network.cell.rawValue), dropout \(network.dropout), embedding dropout \(network.embeddingDropout)"
                    + (network.pooling == .final ? "" : ", head reads final states, maximum and mean")
                    + (network.hasWideChannel
                        ? ", wide channel of \(network.ngramBuckets) n-gram buckets" : ""),
                "storage        \(Self.storage(sentimentModel.fileStorage, ngramBuckets: network.ngramBuckets))",
                "vocabulary     \(sentimentModel.vocabulary.count) tokens",
                "parameters     \(parameterCount)",
                "max length     \(configuration.maxLen) tokens" + Self.truncation(configuration),
                "threshold      \(configuration.threshold)",
                "temperature    "
                    + (configuration.temperature.map {
                        "\($0) (the logit is divided by it before the sigmoid)"
                    }
                        ?? "none (1: not calibrated)"),
                "tokenizer      locale \(configuration.tokenizer.locale), \(configuration.tokenizer.keepCase ? "case kept" : "case folded"), emoticons \(configuration.tokenizer.recognizesEmoticons ? "on" : "off")",
            ]
            if let record = configuration.training {
                lines.append("training")
                func add(_ name: String, _ value: String?) {
                    if let value {
                        lines.append("  \(name.padding(toLength: 21, withPad: " ", startingAt: 0))\(value)")
                    }
                }
                add("finished", record.finishedAt)
                add("program version", record.programVersion)
                add("training files", record.trainingFiles?.joined(separator: ", "))
                add("validation files", record.validationFiles?.joined(separator: ", "))
                add("training examples", record.trainingExamples.map(String.init))
                add("validation examples", record.validationExamples.map(String.init))
                add("epochs run", record.epochsRun.map(String.init))
                add("best epoch", record.bestEpoch.map(String.init))
                add("validation accuracy", record.validationAccuracy.map { String(format: "%.4f", $0) })
                add("validation loss", record.validationLoss.map { String(format: "%.4f", $0) })
                add("time", record.seconds.map { TrainingReport.duration($0) })
                add("initialised from", record.initializedFrom)
                add("vectors", record.vectors.map(Self.vectors))
                add(
                    "options",
                    record.options?.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(
                        separator: " "))
            } else {
                lines.append("training       (no record: not trained by sentiment)")
            }
            try StandardStreams.writeToStandardOutput(Array((lines.joined(separator: "\n") + "\n").utf8))
        }
    }
}

extension InfoCommand {
    /// The pre-trained vectors a model's training was offered, e.g. "bundled:glove.6B.50d.100k (50
    /// dimensions, sha256 1ea1d118…), covering 99.0 % of the training tokens: 4,283 rows, 50,000 words
    /// added".
    static func vectors(_ summary: WordVectorsSummary) -> String {
        let what =
            "\(summary.source.name) (\(summary.dimension) dimensions, sha256 \(summary.source.sha256.prefix(12))…), "
            + "covering \(TrainingReport.fixed(summary.coverage * 100, 1)) % of the training tokens"
        guard summary.used else { return what + "; not used: \(summary.notUsedBecause ?? "")" }
        return what + ": \(summary.matchedRows) rows from them, \(summary.addedWords) words added"
    }

    /// How a file stores its model: "float16 (F16), wide channel sparse (81,853 of 1,048,576 buckets
    /// stored), format 2" for a model whose wide channel has `ngramBuckets` buckets (0: none).
    static func storage(_ storage: ModelFileStorage?, ngramBuckets: Int) -> String {
        guard let storage else { return "not loaded from a file" }
        let precision = storage.precision == .f16 ? "float16" : "float32"
        var wide = ""
        if let stored = storage.storedWideBuckets {
            wide =
                ", wide channel sparse (\(TrainingReport.grouped(Double(stored))) of "
                + "\(TrainingReport.grouped(Double(ngramBuckets))) buckets stored)"
        } else if ngramBuckets > 0 {
            wide = ", wide channel dense"
        }
        return
            "\(precision) (\(storage.weightDTypes.joined(separator: ", ")))\(wide), format \(storage.formatVersion)"
    }

    /// How longer documents are cut, e.g. " (longer documents: first 100 + last 300)".
    static func truncation(_ configuration: ModelFileConfiguration) -> String {
        guard let head = configuration.headLen, head < configuration.maxLen else {
            return " (longer documents: the first \(configuration.maxLen))"
        }
        return " (longer documents: first \(head) + last \(configuration.maxLen - head))"
    }
}

/// `--format` values of `info`.
enum InfoOutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
