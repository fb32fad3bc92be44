import CBundledAssets
import Embedding
import Foundation
import GRUClassifier
import Testing
import Tokenizer

@testable import SentimentKit

/// A float32 embedding is read where the model file is mapped instead of being copied
/// (`SentimentModel.init(contentsOf:)`): the model must score exactly as a copied one, copy the rows
/// before anything changes them, and let go of the file when asked.
@Suite struct MappedModelFileTests {
    private static let tokens = ["<pad>", "<unk>", "good", "bad", "film", "not"]

    private static func writtenModel(precision: ModelFilePrecision = .f32) throws -> (ScratchDirectory, URL) {
        let scratch = try ScratchDirectory()
        let url = scratch.url.appendingPathComponent("model.safetensors")
        let configuration = ClassifierConfiguration(
            vocabularySize: tokens.count, embeddingDim: 4, hidden: 3, layers: 1, cell: .resetAfter, ngramBuckets: 64,
            negationTransform: .affine)
        let classifier = try BiGRUClassifier(configuration: configuration, seed: 3)
        let model = try SentimentModel(
            tokenizerSettings: TokenizerSettings(), vocabulary: try Vocabulary(tokens: tokens),
            classifier: classifier, maxLength: 50, headLength: nil, threshold: 0.5, temperature: nil,
            negationScope: .current)
        model.precision = precision
        try model.write(to: url)
        return (scratch, url)
    }

    private static let texts = ["good film", "not good", "bad bad film", "unknown words only", ""]

    private static func probabilities(_ model: SentimentModel) throws -> [UInt32] {
        try TextScorer(model: model).probabilities(for: texts).map(\.bitPattern)
    }

    @Test func aFloat32EmbeddingIsReadInPlaceAndScoresAsACopyDoes() throws {
        let (scratch, url) = try Self.writtenModel()
        let mapped = try SentimentModel(contentsOf: url, threadCount: 1)
        let copied = try SentimentModel(data: try Data(contentsOf: url), threadCount: 1)
        #expect(mapped.classifier.parameters.embedding.borrowedRows != nil)
        #expect(copied.classifier.parameters.embedding.borrowedRows == nil)
        #expect(try Self.probabilities(mapped) == Self.probabilities(copied))
        #expect(mapped.classifier.parameters.embedding == copied.classifier.parameters.embedding)
        _ = scratch
    }

    @Test func aFloat16EmbeddingIsReadInPlaceAndScoresAsAWidenedCopyDoes() throws {
        let (scratch, url) = try Self.writtenModel(precision: .f16)
        let mapped = try SentimentModel(contentsOf: url, threadCount: 1)
        let copied = try SentimentModel(data: try Data(contentsOf: url), threadCount: 1)
        #expect(mapped.classifier.parameters.embedding.borrowedRows?.encoding == .float16)
        #expect(copied.classifier.parameters.embedding.borrowedRows == nil)
        #expect(try Self.probabilities(mapped) == Self.probabilities(copied))
        #expect(mapped.classifier.parameters.embedding == copied.classifier.parameters.embedding)
        // Explanations read the rows through the same source.
        let ids: [Int32] = [2, 3, 4, Int32(Self.tokens.count) + 2]
        #expect(
            try mapped.classifier.inputVectors(for: ids).map(\.bitPattern)
                == copied.classifier.inputVectors(for: ids).map(\.bitPattern))
        mapped.makeIndependentOfFile()
        #expect(mapped.classifier.parameters.embedding.borrowedRows == nil)
        #expect(try Self.probabilities(mapped) == Self.probabilities(copied))
        _ = scratch
    }

    @Test func theBundledModelReadsItsEmbeddingWhereItLiesInTheExecutable() throws {
        let bundled = try BundledModel.load(threadCount: 1)
        #expect(bundled.classifier.parameters.embedding.borrowedRows != nil)
        let bytes = Data(
            bytesNoCopy: UnsafeMutableRawPointer(mutating: sk_bundled_general_model()),
            count: sk_bundled_general_model_size(), deallocator: .none)
        let copied = try SentimentModel(data: bytes, threadCount: 1)
        let texts = ["great film", "not bad at all", "这家酒店很差", "terrible service, would not return"]
        #expect(
            try TextScorer(model: bundled).probabilities(for: texts).map(\.bitPattern)
                == TextScorer(model: copied).probabilities(for: texts).map(\.bitPattern))
    }

    @Test func aModelMadeIndependentOfItsFileScoresOnAfterTheFileIsRewrittenInPlace() throws {
        let (scratch, url) = try Self.writtenModel()
        let model = try SentimentModel(contentsOf: url, threadCount: 1)
        let before = try Self.probabilities(model)
        model.makeIndependentOfFile()
        #expect(model.classifier.parameters.embedding.borrowedRows == nil)
        // Rewriting the mapped file in place would pull the pages from under a model still reading it.
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data(repeating: 0xFF, count: 4096))
        try handle.close()
        #expect(try Self.probabilities(model) == before)
        _ = scratch
    }

    @Test func concurrentScorersShareTheMappedRowsInsteadOfCopyingThem() throws {
        let (scratch, url) = try Self.writtenModel()
        let model = try SentimentModel(contentsOf: url, threadCount: 1)
        let blueprint = ModelBlueprint(model: model, threshold: 0.5)
        let copy = try blueprint.makeModel()
        let original = try #require(model.classifier.parameters.embedding.borrowedRows)
        #expect(copy.classifier.parameters.embedding.borrowedRows === original)
        #expect(try Self.probabilities(copy) == Self.probabilities(model))
        _ = scratch
    }

    @Test func changingATableThatReadsBorrowedRowsCopiesThemFirst() {
        final class Owner {
            let values = UnsafeMutablePointer<Float>.allocate(capacity: 6)
            init() { values.initialize(from: [1, 2, 3, 4, 5, 6], count: 6) }
            deinit { values.deallocate() }
        }
        let owner = Owner()
        let borrowed = ReadOnlyValues(float32: owner.values, count: 6, owner: owner)
        var table = EmbeddingTable(vocabularySize: 3, dimension: 2, reading: borrowed)
        #expect(table.row(1) == [3, 4])
        table.weights[2] = 30
        #expect(table.borrowedRows == nil)
        #expect(table.weights == [1, 2, 30, 4, 5, 6])
        #expect(Array(UnsafeBufferPointer(start: owner.values, count: 6)) == [1, 2, 3, 4, 5, 6])
    }
}
