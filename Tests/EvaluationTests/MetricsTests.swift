import Embedding
import Foundation
import Evaluation
import Testing

@Suite struct MetricsTests {
    /// Eight examples worked out by hand: at threshold 0.5 the top four are predicted positive.
    @Test func handComputedExample() throws {
        let metrics = try BinaryClassificationMetrics(
            probabilities: [0.9, 0.8, 0.7, 0.6, 0.4, 0.3, 0.2, 0.1],
            labels: [true, true, false, true, false, true, false, false])
        #expect(metrics.count == 8)
        #expect(
            metrics.confusionMatrix
                == ConfusionMatrix(truePositives: 3, falsePositives: 1, trueNegatives: 3, falseNegatives: 1))
        #expect(metrics.accuracy == 0.75)
        #expect(metrics.precision == 0.75)
        #expect(metrics.recall == 0.75)
        #expect(metrics.f1 == 0.75)
        // Positives 0.9, 0.8, 0.6, 0.3 beat 4, 4, 3 and 2 of the four negatives: 13 of 16 pairs.
        #expect(metrics.rocAUC == 13.0 / 16.0)
        // Probabilities of the true class: 0.9, 0.8, 0.3, 0.6, 0.6, 0.3, 0.8, 0.9, whose geometric mean
        // is 0.6, so the mean negative log is −ln 0.6 ≈ 0.5108256.
        #expect(abs(try #require(metrics.logLoss) - 0.510_825_6) < 1e-6)
    }

    @Test func unevenCountsGiveDistinctPrecisionRecallAndF1() throws {
        // TP 1, FP 2, FN 1, TN 1: precision 1/3, recall 1/2, F1 = 2·1/(2 + 2 + 1) = 0.4.
        let metrics = try BinaryClassificationMetrics(
            probabilities: [0.9, 0.8, 0.7, 0.2, 0.1], labels: [true, false, false, true, false])
        #expect(metrics.precision == 1.0 / 3.0)
        #expect(metrics.recall == 0.5)
        #expect(abs(try #require(metrics.f1) - 0.4) < 1e-15)
        #expect(metrics.accuracy == 0.4)
    }

    @Test func probabilityEqualToTheThresholdCountsAsPositive() throws {
        let metrics = try BinaryClassificationMetrics(
            probabilities: [0.25, 0.25], labels: [true, false], threshold: 0.25)
        #expect(metrics.confusionMatrix.truePositives == 1)
        #expect(metrics.confusionMatrix.falsePositives == 1)
        let stricter = try BinaryClassificationMetrics(
            probabilities: [0.25, 0.25], labels: [true, false], threshold: 0.3)
        #expect(stricter.confusionMatrix.falseNegatives == 1)
        #expect(stricter.confusionMatrix.trueNegatives == 1)
        #expect(stricter.threshold == 0.3)
    }

    @Test func tiedScoresCountHalf() throws {
        let allTied = try BinaryClassificationMetrics(
            probabilities: [0.5, 0.5, 0.5, 0.5], labels: [true, false, true, false])
        #expect(allTied.rocAUC == 0.5)
        // Pairs (positive, negative): (0.8, 0.5) win, (0.8, 0.2) win, (0.5, 0.5) tie, (0.5, 0.2) win.
        let partlyTied = try BinaryClassificationMetrics(
            probabilities: [0.8, 0.5, 0.5, 0.2], labels: [true, true, false, false])
        #expect(partlyTied.rocAUC == 3.5 / 4)
    }

    @Test func perfectAndInvertedClassifiers() throws {
        let probabilities: [Float] = [0.1, 0.35, 0.4, 0.8, 0.9]
        let perfect = try BinaryClassificationMetrics(
            probabilities: probabilities, labels: [false, false, false, true, true])
        #expect(perfect.rocAUC == 1)
        #expect(perfect.accuracy == 1)
        #expect(perfect.f1 == 1)
        let inverted = try BinaryClassificationMetrics(
            probabilities: probabilities, labels: [true, true, true, false, false])
        #expect(inverted.rocAUC == 0)
        #expect(inverted.accuracy == 0)
        #expect(inverted.precision == 0)
        #expect(inverted.recall == 0)
        #expect(inverted.f1 == 0)
    }

    @Test func singleClassLeavesUndefinedMetricsNil() throws {
        // Only negatives, all predicted negative: nothing positive exists on either side.
        let negatives = try BinaryClassificationMetrics(
            probabilities: [0.1, 0.2, 0.3], labels: [false, false, false])
        #expect(negatives.accuracy == 1)
        #expect(negatives.precision == nil)
        #expect(negatives.recall == nil)
        #expect(negatives.f1 == nil)
        #expect(negatives.rocAUC == nil)
        #expect(negatives.logLoss != nil)

        // Only positives, one predicted negative: precision and recall exist, AUC still does not.
        let positives = try BinaryClassificationMetrics(probabilities: [0.9, 0.2], labels: [true, true])
        #expect(positives.precision == 1)
        #expect(positives.recall == 0.5)
        #expect(positives.rocAUC == nil)

        // Positives exist but none is predicted: precision is undefined, F1 is 0.
        let missed = try BinaryClassificationMetrics(probabilities: [0.1, 0.2], labels: [true, false])
        #expect(missed.precision == nil)
        #expect(missed.recall == 0)
        #expect(missed.f1 == 0)
    }

    @Test func emptyInputHasCountZeroAndNoMetrics() throws {
        let metrics = try BinaryClassificationMetrics(probabilities: [], labels: [])
        #expect(metrics.count == 0)
        #expect(metrics.accuracy == nil)
        #expect(metrics.precision == nil)
        #expect(metrics.recall == nil)
        #expect(metrics.f1 == nil)
        #expect(metrics.rocAUC == nil)
        #expect(metrics.logLoss == nil)
    }

    @Test func logLossClampsCertainMistakes() throws {
        let wrong = try BinaryClassificationMetrics(probabilities: [0, 1], labels: [true, false])
        #expect(abs(try #require(wrong.logLoss) - -log(1e-7)) < 1e-9)
        let right = try BinaryClassificationMetrics(probabilities: [1, 0], labels: [true, false])
        let loss = try #require(right.logLoss)
        #expect(loss > 0 && loss < 1.1e-7)
    }

    @Test func logitsGiveExactLossWithoutClamping() throws {
        // −log σ(2) = ln(1 + e⁻²), −log(1 − σ(−1)) = ln(1 + e⁻¹), −log σ(0) = ln 2.
        let metrics = try BinaryClassificationMetrics(logits: [2, -1, 0], labels: [true, false, true])
        let expected = (0.126_928_011_042_973 + 0.313_261_687_518_223 + 0.693_147_180_559_945) / 3
        #expect(abs(try #require(metrics.logLoss) - expected) < 1e-12)
        #expect(metrics.accuracy == 1, "logit 0 is probability 0.5, which counts as positive")

        // Confident mistakes cost their full logit, which clamped probabilities could not express.
        let confident = try BinaryClassificationMetrics(logits: [100, -100], labels: [false, true])
        #expect(abs(try #require(confident.logLoss) - 100) < 1e-9)
    }

    @Test func logitsKeepRankingWhereFloatProbabilitiesSaturate() throws {
        // Both logits give probability 1.0 in Float, so probabilities tie while logits still rank.
        let logits: [Float] = [30, 40]
        let probabilities = logits.map { 1 / (1 + exp(-$0)) }
        #expect(probabilities[0] == probabilities[1])
        let labels = [false, true]
        #expect(try BinaryClassificationMetrics(logits: logits, labels: labels).rocAUC == 1)
        #expect(try BinaryClassificationMetrics(probabilities: probabilities, labels: labels).rocAUC == 0.5)
    }

    @Test func aucMatchesBruteForcePairCountingOnRandomData() throws {
        var generator = SplitMix64(seed: 42)
        for trial in 0..<20 {
            let count = 50 + trial * 37
            // Few distinct levels so that many scores tie.
            let levels = 2 + trial
            let probabilities = (0..<count).map { _ in
                Float(generator.next() % UInt64(levels)) / Float(levels)
            }
            let labels = (0..<count).map { index in
                // Labels correlated with the score, but noisily.
                Float(generator.next() % 1000) / 1000 < 0.3 + 0.4 * probabilities[index]
            }
            var wins = 0.0
            var pairs = 0.0
            for i in 0..<count where labels[i] {
                for j in 0..<count where !labels[j] {
                    pairs += 1
                    if probabilities[i] > probabilities[j] {
                        wins += 1
                    } else if probabilities[i] == probabilities[j] {
                        wins += 0.5
                    }
                }
            }
            let metrics = try BinaryClassificationMetrics(probabilities: probabilities, labels: labels)
            let auc = try #require(metrics.rocAUC, "trial \(trial) should have both classes")
            #expect(abs(auc - wins / pairs) < 1e-12, "trial \(trial)")
        }
    }

    @Test func invalidInputIsRejected() {
        #expect(throws: MetricsError.countMismatch(predictions: 2, labels: 1)) {
            try BinaryClassificationMetrics(probabilities: [0.1, 0.2], labels: [true])
        }
        #expect(throws: MetricsError.self) {
            try BinaryClassificationMetrics(probabilities: [0.1, .nan], labels: [true, false])
        }
        #expect(throws: MetricsError.invalidProbability(index: 0, value: 1.5)) {
            try BinaryClassificationMetrics(probabilities: [1.5], labels: [true])
        }
        #expect(throws: MetricsError.invalidThreshold(2)) {
            try BinaryClassificationMetrics(probabilities: [0.5], labels: [true], threshold: 2)
        }
        #expect(throws: MetricsError.self) {
            try BinaryClassificationMetrics(probabilities: [0.5], labels: [true], threshold: .nan)
        }
        #expect(throws: MetricsError.invalidLogit(index: 1, value: .infinity)) {
            try BinaryClassificationMetrics(logits: [0, .infinity], labels: [true, false])
        }
        #expect(MetricsError.invalidProbability(index: 3, value: 1.5).description.contains("index 3"))
    }

    @Test func jsonHasEveryKeyWithNullForUndefinedMetrics() throws {
        let metrics = try BinaryClassificationMetrics(probabilities: [0.2, 0.9], labels: [false, false])
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(metrics)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(
            Set(object.keys)
                == [
                    "count", "threshold", "confusion_matrix", "accuracy", "precision", "recall", "f1",
                    "roc_auc", "log_loss", "ece", "brier",
                ])
        #expect(object["roc_auc"] is NSNull)
        #expect(object["recall"] is NSNull)
        #expect(object["precision"] as? Double == 0)
        let confusion = try #require(object["confusion_matrix"] as? [String: Int])
        #expect(
            confusion == [
                "true_positives": 0, "false_positives": 1, "true_negatives": 1, "false_negatives": 0,
            ])
        #expect(try JSONDecoder().decode(BinaryClassificationMetrics.self, from: data) == metrics)
    }
}
