import Embedding
import Foundation
import Evaluation
import Testing

@Suite struct BestF1ThresholdTests {
    /// Every threshold worth trying, tried: the metrics at each distinct probability.
    private func bruteForce(logits: [Float], labels: [Bool]) throws -> [BinaryClassificationMetrics] {
        try Set(logits.map { 1 / (1 + exp(-Double($0))) }).map {
            try BinaryClassificationMetrics(logits: logits, labels: labels, threshold: $0)
        }
    }

    @Test func handExampleFindsTheLowerThresholdThatCatchesTheLastPositive() throws {
        // Logits 2, 1, 0.5, −0.5, −1 for labels +, −, +, +, −. At 0.5 the positive at −0.5 is missed:
        // TP 2, FP 1, FN 1, F1 4/6. At σ(−0.5): TP 3, FP 1, FN 0, F1 6/7, the best (σ(−1) adds an FP).
        let logits: [Float] = [2, 1, 0.5, -0.5, -1]
        let labels = [true, false, true, true, false]
        let atHalf = try BinaryClassificationMetrics(logits: logits, labels: labels)
        #expect(atHalf.f1 == 4.0 / 6.0)
        let best = try #require(try BinaryClassificationMetrics.maximizingF1(logits: logits, labels: labels))
        #expect(best.f1 == 6.0 / 7.0)
        #expect(best.threshold == 1 / (1 + exp(0.5)))
        #expect(best.confusionMatrix.falseNegatives == 0 && best.confusionMatrix.falsePositives == 1)
    }

    @Test(arguments: [1, 2, 3, 4, 5])
    func matchesTryingEveryThreshold(seed: UInt64) throws {
        var generator = SplitMix64(seed: seed)
        let count = 40 + Int(seed) * 7
        // Coarse logits, so ties occur.
        let logits = (0..<count).map { _ in Float(Int(generator.nextUniform(-3, 3) * 2)) / 2 }
        let labels = logits.map { generator.nextUniform(-3, 3) < $0 }
        let best = try #require(try BinaryClassificationMetrics.maximizingF1(logits: logits, labels: labels))
        let all = try bruteForce(logits: logits, labels: labels)
        let bestF1 = all.compactMap(\.f1).max()
        #expect(best.f1 == bestF1)
        // Among thresholds of equal F1 it has the best accuracy, then the highest threshold.
        let tied = all.filter { $0.f1 == bestF1 }
        let bestAccuracy = tied.compactMap(\.accuracy).max()
        #expect(best.accuracy == bestAccuracy)
        #expect(best.threshold == tied.filter { $0.accuracy == bestAccuracy }.map(\.threshold).max())
    }

    @Test func noPositiveLabelsOrNoExamplesGiveNil() throws {
        #expect(
            try BinaryClassificationMetrics.maximizingF1(logits: [1, -1], labels: [false, false]) == nil)
        #expect(try BinaryClassificationMetrics.maximizingF1(logits: [], labels: []) == nil)
        #expect(throws: MetricsError.self) {
            try BinaryClassificationMetrics.maximizingF1(logits: [.nan], labels: [true])
        }
    }
}
