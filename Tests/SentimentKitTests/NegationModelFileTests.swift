import Foundation
import GRUClassifier
import SentimentKit
import Testing

/// A model with a negation transform in its file: the scope rule's version and the transform are
/// recorded, kept through a write and a load, and a file that names an unknown rule or only half of the
/// pair is refused with a message.
@Suite struct NegationModelFileTests {
    static let fixture = ReferenceProbabilityTests.fixtures.appendingPathComponent(
        "reference_model_negation_affine.safetensors")
    static let texts = ["the soup was not warm", "I didn't enjoy it, but the cast was great", "我不喜欢这个", ""]

    /// The fixture's bytes with its config (the JSON in the `config` metadata) changed by `change`.
    static func withConfig(_ change: (inout [String: Any]) -> Void) throws -> Data {
        let data = try Data(contentsOf: fixture)
        let headerLength = Int(data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self).littleEndian })
        var header = try #require(
            try JSONSerialization.jsonObject(with: data.subdata(in: 8..<8 + headerLength)) as? [String: Any])
        var metadata = try #require(header["__metadata__"] as? [String: String])
        let configText = try #require(metadata["config"])
        var config = try #require(
            try JSONSerialization.jsonObject(with: Data(configText.utf8)) as? [String: Any])
        change(&config)
        metadata["config"] = String(decoding: try JSONSerialization.data(withJSONObject: config), as: UTF8.self)
        header["__metadata__"] = metadata
        let newHeader = try JSONSerialization.data(withJSONObject: header)
        var bytes = Data()
        withUnsafeBytes(of: UInt64(newHeader.count).littleEndian) { bytes.append(contentsOf: $0) }
        return bytes + newHeader + data.suffix(from: 8 + headerLength)
    }

    static func loadingError(_ data: Data) -> String? {
        do {
            _ = try SentimentModel(data: data, threadCount: 1)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func aWrittenModelKeepsItsRuleAndTransformAndScoresTheSame() throws {
        let model = try SentimentModel(contentsOf: Self.fixture, threadCount: 1)
        let scratch = try ScratchDirectory()
        let copy = scratch.url.appendingPathComponent("copy.safetensors")
        try model.write(to: copy)
        let reloaded = try SentimentModel(contentsOf: copy, threadCount: 1)
        #expect(reloaded.negationScope == .version1)
        #expect(reloaded.classifier.configuration.negationTransform == .affine)
        #expect(reloaded.fileConfiguration == model.fileConfiguration)
        #expect(
            try TextScorer(model: reloaded, threads: 1).probabilities(for: Self.texts)
                == TextScorer(model: model, threads: 1).probabilities(for: Self.texts))
    }

    @Test func theCraftedCopyLoads() throws {
        // The rewriting itself changes nothing a loader sees.
        #expect(Self.loadingError(try Self.withConfig { _ in }) == nil)
    }

    @Test func anUnknownRuleVersionIsRefused() throws {
        let message = Self.loadingError(try Self.withConfig { $0["negation_cues"] = 3 })
        #expect(
            message?.contains("negation_cues 3 is a rule this version of sentiment does not know") == true,
            "\(message ?? "loaded")")
    }

    @Test func halfOfThePairIsRefused() throws {
        let withoutRule = Self.loadingError(try Self.withConfig { $0["negation_cues"] = nil })
        #expect(withoutRule?.contains("negation_transform needs negation_cues") == true, "\(withoutRule ?? "loaded")")
        // Without the transform the network has no place for the file's negation tensors.
        let withoutTransform = Self.loadingError(try Self.withConfig { $0["negation_transform"] = nil })
        #expect(withoutTransform != nil)
        let unknown = Self.loadingError(try Self.withConfig { $0["negation_transform"] = "rotation" })
        #expect(unknown != nil)
    }

    @Test func aModelWithoutTheTransformMarksNothing() throws {
        let plain = try SentimentModel(
            contentsOf: ReferenceProbabilityTests.fixtures.appendingPathComponent("reference_model.safetensors"),
            threadCount: 1)
        #expect(plain.negationScope == nil)
        let tokens = ["the", "soup", "was", "not", "warm"]
        #expect(plain.networkIDs(for: tokens) == plain.vocabulary.ids(for: tokens))
    }
}
