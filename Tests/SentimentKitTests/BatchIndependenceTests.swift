import Foundation
import GRUClassifier
import SentimentKit
import Testing
import Tokenizer

/// A text's probability is bitwise the same however it is scored: alone, among a few hundred texts of
/// every length, in another order, on one thread or two. A server that batches the texts of several
/// requests, and Spark partitions, rely on this to give exactly `sentiment score`'s figures.
@Suite struct BatchIndependenceTests {
    /// 300 texts from 0 to over 400 tokens: English and Chinese reviews, single words, empty and blank
    /// lines, and runs of several reviews joined (cut at the model's length).
    static let texts: Result<[String], any Error> = Result {
        let english = try TrainingMaterial.english().map(\.text)
        let chinese = try CorpusReader(
            path: TrainingMaterial.repositoryRoot.appendingPathComponent("corpora/zh.tsv").path
        ).readAll().map(\.text)
        var texts = Array(english.prefix(160)) + Array(chinese.prefix(100))
        texts += ["", " \t ", "good", "awful", "不错", "😀", "not bad at all", "the the the the the"]
        for count in 2..<34 {
            let start = (count * 37) % (english.count - count)
            texts.append(english[start..<start + count].joined(separator: " "))
        }
        return texts
    }

    /// An untrained model over the texts' vocabulary, with random weights everywhere (the wide channel's
    /// too). Hidden size 40 gives products of N = 120 columns (not a multiple of 16) and K = 40.
    static func randomModel(
        cell: GRUCellVariant, layers: Int, pooling: HeadPooling, ngramBuckets: Int
    ) throws -> SentimentModel {
        let tokenizer = try Tokenizer(settings: TokenizerSettings())
        var builder = VocabularyBuilder()
        for text in try texts.get() { builder.add(tokenizer.tokens(in: text)) }
        let vocabulary = builder.build(minCount: 1)
        let configuration = ClassifierConfiguration(
            vocabularySize: vocabulary.count, embeddingDim: 24, hidden: 40, layers: layers, cell: cell,
            ngramBuckets: ngramBuckets, pooling: pooling)
        var parameters = try BiGRUClassifier(configuration: configuration, seed: 17).parameterDictionary()
        if ngramBuckets > 0 {
            // Wide weights start at zero; give them values so that the wide channel counts too.
            var state: UInt32 = 12345
            parameters["wide.weight"] = Tensor(
                shape: [ngramBuckets],
                values: (0..<ngramBuckets).map { _ in
                    state = state &* 1_664_525 &+ 1_013_904_223
                    return (Float(state >> 8) / Float(1 << 24) - 0.5) * 0.2
                })
        }
        return try SentimentModel(
            tokenizerSettings: TokenizerSettings(), vocabulary: vocabulary,
            classifier: try BiGRUClassifier(configuration: configuration, parameters: parameters, threadCount: 1))
    }

    @Test(
        "each text alone, all together, reversed, on 1 and 2 threads: the same bits",
        arguments: [
            (GRUCellVariant.resetAfter, 1, HeadPooling.final, 4096),
            (.resetBefore, 2, .finalMaxMean, 0),
        ])
    func probabilitiesDoNotDependOnTheBatch(
        cell: GRUCellVariant, layers: Int, pooling: HeadPooling, ngramBuckets: Int
    ) throws {
        let texts = try Self.texts.get()
        let model = try Self.randomModel(cell: cell, layers: layers, pooling: pooling, ngramBuckets: ngramBuckets)
        let one = try TextScorer(model: model, threads: 1)
        let alone = try texts.map { try one.probabilities(for: [$0])[0].bitPattern }
        // The texts do score differently, so a text given another's score would show.
        #expect(Set(alone).count > 250)
        #expect(try one.probabilities(for: texts).map(\.bitPattern) == alone, "all together, 1 thread")
        let utf8 = try one.probabilities(forUTF8: texts.map { Array($0.utf8)[...] }).probabilities
        #expect(utf8.map(\.bitPattern) == alone, "as UTF-8 bytes, as `sentiment score` reads them")
        let two = try TextScorer(model: model, threads: 2)
        #expect(try two.probabilities(for: texts).map(\.bitPattern) == alone, "all together, 2 threads")
        let reversed = try two.probabilities(for: texts.reversed())
        #expect(reversed.reversed().map(\.bitPattern) == alone, "reversed, 2 threads")
        // Halves and odd-sized chunks: other batch make-ups (other numbers of running sequences per step).
        for chunkSize in [2, 7, 150] {
            let chunked = try stride(from: 0, to: texts.count, by: chunkSize).flatMap {
                try one.probabilities(for: Array(texts[$0..<min($0 + chunkSize, texts.count)]))
            }
            #expect(chunked.map(\.bitPattern) == alone, "in chunks of \(chunkSize)")
        }
    }
}
