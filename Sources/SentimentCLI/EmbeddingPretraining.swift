import Embedding
import Foundation
import GRUClassifier

/// Skip-gram pre-training of a new classifier's embedding on the training texts (`train
/// --pretrain-epochs`): the classification run then starts from word vectors that already place words
/// used alike close together, which its few epochs on labelled data could not learn alone.
enum EmbeddingPretraining {
    /// `classifier` with its embedding replaced by skip-gram vectors trained on `documents` (token ids,
    /// whole documents), rescaled to `standardDeviation`; tokens absent from the documents keep their
    /// random rows. Reports the work and its time on standard error.
    static func pretrained(
        _ classifier: BiGRUClassifier, documents: [[Int32]], epochs: Int, seed: UInt64,
        standardDeviation: Float, threads: Int
    ) throws -> BiGRUClassifier {
        let start = Date()
        let configuration = classifier.configuration
        var options = SkipGramOptions()
        options.epochs = epochs
        options.seed = seed
        let skipGram = SkipGramVectors(
            documents: documents, vocabularySize: configuration.vocabularySize,
            dimension: configuration.embeddingDim, options: options)
        var parameters = Dictionary(
            uniqueKeysWithValues: classifier.namedParameters().map { ($0.name, $0.tensor) })
        let name = "embedding.weight"
        var table = parameters[name]!.values
        let rows = skipGram.copyStandardized(into: &table, standardDeviation: standardDeviation)
        parameters[name] = Tensor(shape: parameters[name]!.shape, values: table)
        let occurrences = skipGram.counts.reduce(0, +)
        FileWriting.printError(
            "train: skip-gram pre-training of the embedding: \(epochs) epoch\(epochs == 1 ? "" : "s") over "
                + "\(occurrences) tokens, \(rows) of \(configuration.vocabularySize) rows, "
                + TrainingProgress.duration(Date().timeIntervalSince(start)))
        let network = try BiGRUClassifier(
            configuration: configuration, parameters: parameters, threadCount: threads)
        network.dropoutSeed = classifier.dropoutSeed
        return network
    }
}
