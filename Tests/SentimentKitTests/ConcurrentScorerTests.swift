import Foundation
import SentimentKit
import Testing

/// One `ConcurrentScorer` shared by many tasks gives each exactly what a lone single-threaded
/// `TextScorer` gives for the same texts. (Run under ThreadSanitizer with
/// `swift test --sanitize=thread --filter ConcurrentScorerTests`.)
@Suite struct ConcurrentScorerTests {
    static let modelPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/reference_model.safetensors").path

    /// Texts of many lengths (some past the model's cut of 8 tokens), several scripts, and a few empty.
    static let texts: [String] = (0..<96).map { index in
        let words = [
            "great", "film", "awful", "plot", "酒店", "很好", "😞", "loved", "it", ":)", "never", "again", "",
        ]
        return (0..<(index % 13)).map { words[($0 * 7 + index) % words.count] }.joined(separator: " ")
    }

    /// The batches the callers score: different sizes, each text in one of them.
    static let batches: [[String]] =
        stride(from: 0, to: texts.count, by: 12).map {
            Array(texts[$0..<min($0 + 12, texts.count)])
        } + texts.prefix(20).map { [$0] }

    @Test func manyTasksAtOnceGetWhatOneScorerGetsAlone() async throws {
        let serialScorer = try TextScorer(
            model: SentimentModel(path: Self.modelPath, threadCount: 1), threads: 1)
        let expected = try Self.batches.map { try serialScorer.probabilities(for: $0).map(\.bitPattern) }

        let shared = try ConcurrentScorer(path: Self.modelPath)
        // Every batch scored by 8 tasks at once, each starting at a different batch, three rounds.
        let results = try await withThrowingTaskGroup(of: [(Int, [UInt32])].self) { group in
            for task in 0..<8 {
                group.addTask {
                    var scored: [(Int, [UInt32])] = []
                    for round in 0..<3 {
                        for offset in 0..<Self.batches.count {
                            let index = (offset + task * 5 + round) % Self.batches.count
                            scored.append(
                                (index, try shared.probabilities(for: Self.batches[index]).map(\.bitPattern)))
                        }
                    }
                    return scored
                }
            }
            var all: [(Int, [UInt32])] = []
            for try await scored in group { all += scored }
            return all
        }
        #expect(results.count == 8 * 3 * Self.batches.count)
        for (index, bits) in results {
            #expect(bits == expected[index], "batch \(index)")
        }
    }

    @Test func aDetachedTaskCanScoreAndPredictionsCarryTheLabel() async throws {
        let shared = try ConcurrentScorer(path: Self.modelPath, threshold: 0.5)
        let prediction = try await Task.detached { try shared.prediction(for: "great film") }.value
        let probability = try shared.probabilities(for: ["great film"])[0]
        #expect(prediction.probability == probability)
        #expect(prediction.label == (probability >= 0.5 ? .positive : .negative))
        // The threshold decides the label.
        let high = try ConcurrentScorer(path: Self.modelPath, threshold: 1)
        #expect(try high.prediction(for: "great film").label == .negative)
        let low = try ConcurrentScorer(path: Self.modelPath, threshold: 0)
        #expect(try low.prediction(for: "great film").label == .positive)
        #expect(
            try TextScorer(model: SentimentModel(path: Self.modelPath), threads: 1).predictions(for: [
                "great film"
            ])
                == [Prediction(probability: probability, label: prediction.label)])
    }

    @Test("a threshold outside [0, 1] stops either scorer with its value", arguments: [-0.1, 1.5, Float.nan])
    func aThresholdOutsideTheUnitIntervalIsRefused(threshold: Float) throws {
        let model = try SentimentModel(path: Self.modelPath, threadCount: 1)
        let concurrent = #expect(throws: ScoringError.self) {
            try ConcurrentScorer(model: model, threshold: threshold)
        }
        #expect(concurrent.map { "\($0)" } == "threshold must lie in [0, 1], got \(threshold)")
        #expect(throws: ScoringError.thresholdOutOfRange(1.5)) {
            try TextScorer(model: model, threads: 1, threshold: 1.5)
        }
        #expect(throws: ScoringError.self) { try TextScorer(model: model, threads: 1, threshold: threshold) }
    }

    @Test func laterChangesToTheModelDoNotReachTheScorer() throws {
        let model = try SentimentModel(path: Self.modelPath, threadCount: 1)
        let shared = try ConcurrentScorer(model: model)
        let before = try shared.probabilities(for: Self.texts)
        model.classifier.parameters.dense = model.classifier.parameters.dense.map { $0 + 1 }
        model.threshold = 0.9
        #expect(try shared.probabilities(for: Self.texts) == before)
        #expect(shared.threshold == 0.5)
    }

    @Test func loadingFromAPathStringReadsTheSameModelAndReportsAMissingFile() throws {
        let fromPath = try SentimentModel(path: Self.modelPath)
        let fromURL = try SentimentModel(contentsOf: URL(fileURLWithPath: Self.modelPath))
        #expect(fromPath.vocabulary == fromURL.vocabulary)
        #expect(
            fromPath.classifier.namedParameters().map(\.tensor)
                == fromURL.classifier.namedParameters().map(\.tensor))
        let missing = #expect(throws: SafeTensorsError.self) {
            try SentimentModel(path: "/nonexistent/m.safetensors")
        }
        #expect("\(missing.map { "\($0)" } ?? "")".contains("cannot read the file"))
        #expect(throws: SafeTensorsError.self) { try ConcurrentScorer(path: "/nonexistent/m.safetensors") }
    }
}
