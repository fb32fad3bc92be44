import Foundation
import GRUClassifier
import SentimentKit
import Tokenizer

/// The bundled corpus and small training set-ups shared by the training and scoring tests.
enum TrainingMaterial {
    /// The repository's root, found from this file's path.
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// corpora/en.tsv: a header and 400 labelled English reviews, 200 of each label.
    static let englishCorpus = repositoryRoot.appendingPathComponent("corpora/en.tsv")

    private static let englishDocuments: Result<[CorpusDocument], any Error> = Result {
        try CorpusReader(path: englishCorpus.path).readAll().map { document in
            guard let label = document.label else { throw MissingLabel(line: document.line) }
            return CorpusDocument(text: document.text, label: label)
        }
    }

    /// The 400 documents of corpora/en.tsv, in file order.
    static func english() throws -> [CorpusDocument] { try englishDocuments.get() }

    struct MissingLabel: Error, CustomStringConvertible {
        var line: Int
        var description: String { "corpora/en.tsv:\(line) has no label" }
    }

    /// Options for a network small enough that a run over the corpus takes a fraction of a second: embedding
    /// and hidden size 8, `epochs` epochs at learning rate 0.02, no pre-training, no pre-trained vectors,
    /// one thread.
    static func tinyOptions(epochs: Int = 2, threads: Int = 1) -> ModelTrainingOptions {
        var options = ModelTrainingOptions()
        options.vectors = .none
        options.embeddingDim = 8
        options.hidden = 8
        options.pretrainEpochs = 0
        options.threads = threads
        options.learningRate = 0.02
        options.training.epochs = epochs
        return options
    }
}

/// The bit patterns of every parameter of `model`, by name in `namedParameters()` order: equal only when
/// the two models are identical bit for bit (NaN payloads and signed zeros included).
func parameterBits(_ model: SentimentModel) -> [String: [UInt32]] {
    Dictionary(
        uniqueKeysWithValues: model.classifier.namedParameters().map {
            ($0.name, $0.tensor.values.map(\.bitPattern))
        })
}

/// The names of the tensors whose bits differ between two parameter snapshots (every name when the second
/// is missing), for failure messages that name tensors instead of printing them.
func differingTensors(_ a: [String: [UInt32]], _ b: [String: [UInt32]]?) -> [String] {
    guard let b else { return a.keys.sorted() }
    return Set(a.keys).union(b.keys).sorted().filter { a[$0] != b[$0] }
}

/// The rows of the embedding table of `model`.
func embeddingRows(_ model: SentimentModel) -> [[Float]] {
    let table = model.classifier.namedParameters()[0]
    precondition(table.name == "embedding.weight")
    let dimension = table.tensor.shape[1]
    return stride(from: 0, to: table.tensor.count, by: dimension).map {
        Array(table.tensor.values[$0..<$0 + dimension])
    }
}

/// The largest absolute difference between two models' parameters of the same shape.
func largestParameterDifference(_ a: SentimentModel, _ b: SentimentModel) -> Float {
    zip(a.classifier.namedParameters(), b.classifier.namedParameters()).map { a, b in
        zip(a.tensor.values, b.tensor.values).map { abs($0 - $1) }.max() ?? 0
    }.max() ?? 0
}

/// A training record without the fields that depend on the clock.
func timeless(_ record: TrainingRecord?) -> TrainingRecord? {
    guard var record else { return nil }
    record.finishedAt = nil
    record.seconds = nil
    return record
}
