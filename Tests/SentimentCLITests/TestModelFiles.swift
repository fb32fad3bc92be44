import Foundation
import GRUClassifier
import SentimentKit
import Tokenizer

/// Model files and corpora for the end-to-end tests.
enum TestModelFiles {
    /// The repository's root, found from this file's path.
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// corpora/en.tsv: a header and 400 labelled English reviews, 200 of each label.
    static let englishCorpus = repositoryRoot.appendingPathComponent("corpora/en.tsv")

    /// `train` options that keep the network tiny, so training is quick in debug builds.
    static let tinyNetwork = ["--embedding-dim", "8", "--hidden", "8", "--vectors", "none"]

    /// The options of `trained`.
    static let trainedOptions =
        tinyNetwork + ["--epochs", "6", "--lr", "0.02", "--valid-split", "0", "--min-count", "1"]

    /// A model trained once per test run by the `sentiment` binary on corpora/en.tsv (with
    /// `trainedOptions`), for the tests that only read a model. Removed when the test process exits.
    static let trained: Result<URL, any Error> = Result {
        try FileManager.default.createDirectory(at: trainedDirectory, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: TestModelFiles.trainedDirectory) }
        let model = trainedDirectory.appendingPathComponent("en.safetensors")
        let result = try SentimentBinary.run(
            ["train", englishCorpus.path, "--model", model.path] + trainedOptions)
        guard result.status == 0 else { throw TrainingFailed(message: result.standardError) }
        return model
    }

    private static let trainedDirectory = FileManager.default.temporaryDirectory.appendingPathComponent(
        "sentiment-cli-tests-model-\(ProcessInfo.processInfo.processIdentifier)")

    struct TrainingFailed: Error, CustomStringConvertible {
        var message: String
        var description: String { "training the shared test model failed: \(message)" }
    }

    /// The tokens of the constant models' vocabulary.
    static let constantVocabulary = ["<pad>", "<unk>", "good", "bad"]

    /// Writes a model whose logit is `logit` whatever the text (zero output weights), so its probability
    /// σ(logit) tells which model file a command used.
    static func writeConstantModel(
        logit: Float, threshold: Float = 0.5, temperature: Float? = nil, to url: URL
    ) throws {
        let configuration = ClassifierConfiguration(
            vocabularySize: constantVocabulary.count, embeddingDim: 2, hidden: 2)
        var parameters = Dictionary(
            uniqueKeysWithValues: try BiGRUClassifier(configuration: configuration, seed: 1).namedParameters()
                .map { ($0.name, $0.tensor) })
        parameters["out.weight"] = Tensor(zeros: [1, 4])
        parameters["out.bias"] = Tensor(shape: [1], values: [logit])
        let model = try SentimentModel(
            tokenizerSettings: TokenizerSettings(), vocabulary: try Vocabulary(tokens: constantVocabulary),
            classifier: try BiGRUClassifier(configuration: configuration, parameters: parameters),
            threshold: threshold, temperature: temperature)
        try model.write(to: url)
    }
}

/// The lines of a command's output (the text after the last newline, empty for complete output, dropped).
func outputLines(_ text: String) -> [Substring] {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    if lines.last == "" { lines.removeLast() }
    return lines
}

/// The environment of the test process without `SENTIMENT_MODEL`, plus `changes`.
func environment(_ changes: [String: String] = [:]) -> [String: String] {
    var environment = ProcessInfo.processInfo.environment
    environment["SENTIMENT_MODEL"] = nil
    environment.merge(changes) { $1 }
    return environment
}
