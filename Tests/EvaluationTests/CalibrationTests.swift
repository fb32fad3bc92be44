import Embedding
import Foundation
import Evaluation
import Testing

/// Expected calibration error, the Brier score and temperature scaling.
@Suite("Calibration")
struct CalibrationTests {
    @Test("the reliability bins hold each prediction's count, mean and observed frequency")
    func reliabilityBins() {
        let bins = ReliabilityBins(
            probabilities: [0.05, 0.15, 0.12, 0.55, 0.95, 1.0, 0.0],
            outcomes: [false, true, false, true, true, true, false])
        #expect(bins.bins.count == 10 && bins.count == 7)
        #expect(bins.bins[0].count == 2 && bins.bins[0].observedFrequency == 0)
        #expect(abs(bins.bins[0].meanProbability! - 0.025) < 1e-12)
        #expect(bins.bins[1].count == 2 && bins.bins[1].observedFrequency == 0.5)
        #expect(bins.bins[5].count == 1 && bins.bins[9].count == 2)
        #expect(bins.bins[2].count == 0 && bins.bins[2].meanProbability == nil)
        // Σ n_b/N · |frequency − mean|: bin 0 2/7·0.025, bin 1 2/7·|0.5 − 0.135|, bin 5 1/7·0.45, bin 9 2/7·0.025.
        let expected = (2 * 0.025 + 2 * 0.365 + 0.45 + 2 * 0.025) / 7
        #expect(abs(bins.expectedCalibrationError! - expected) < 1e-12)
        #expect(ReliabilityBins(probabilities: [], outcomes: []).expectedCalibrationError == nil)
    }

    @Test("top-label bins hold the confidence in the predicted label and whether it is right")
    func topLabelBins() {
        let bins = ReliabilityBins.topLabel(
            probabilities: [0.15, 0.35, 0.75, 0.95, 0.5], labels: [false, true, true, false, false])
        // Confidences 0.85, 0.65, 0.75, 0.95 and 0.5 (0.5 predicts positive: wrong here).
        #expect(bins.bins.map(\.count) == [0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
        #expect(bins.bins.map(\.observedFrequency) == [nil, nil, nil, nil, nil, 0, 0, 1, 1, 0])
        #expect(abs(bins.bins[8].meanProbability! - 0.85) < 1e-12)
    }

    @Test("metrics report the ECE of the confidence and the Brier score, from probabilities and logits alike")
    func metricsReportCalibration() throws {
        let probabilities: [Float] = [0.15, 0.35, 0.75, 0.95]
        let labels = [false, true, true, false]
        let metrics = try BinaryClassificationMetrics(probabilities: probabilities, labels: labels)
        let brier = zip(probabilities, labels).map { pow(Double($0) - ($1 ? 1 : 0), 2) }.reduce(0, +) / 4
        #expect(abs(metrics.brierScore! - brier) < 1e-7)
        // Confidences 0.85 (right), 0.65 (wrong), 0.75 (right), 0.95 (wrong), one per bin.
        #expect(abs(metrics.expectedCalibrationError! - (0.15 + 0.65 + 0.25 + 0.95) / 4) < 1e-7)
        let fromLogits = try BinaryClassificationMetrics(
            logits: probabilities.map { log($0 / (1 - $0)) }, labels: labels)
        #expect(abs(fromLogits.brierScore! - brier) < 1e-6)
        #expect(abs(fromLogits.expectedCalibrationError! - metrics.expectedCalibrationError!) < 1e-6)
        let empty = try BinaryClassificationMetrics(logits: [], labels: [])
        #expect(empty.brierScore == nil && empty.expectedCalibrationError == nil)
    }

    /// Labels drawn as Bernoulli(σ(z / trueTemperature)) for logits z spread over [−6, 6].
    static func sample(count: Int, trueTemperature: Double, seed: UInt64) -> (logits: [Float], labels: [Bool])
    {
        var generator = SplitMix64(seed: seed)
        var logits: [Float] = []
        var labels: [Bool] = []
        for _ in 0..<count {
            let z = generator.nextUniform(-6, 6)
            logits.append(z)
            labels.append(Double(generator.nextUnitFloat()) < 1 / (1 + exp(-Double(z) / trueTemperature)))
        }
        return (logits, labels)
    }

    static func meanNLL(_ logits: [Float], _ labels: [Bool], temperature: Float) -> Double {
        zip(logits, labels).reduce(0.0) { sum, pair in
            let z = Double(pair.0 / temperature)
            return sum + (pair.1 ? log1p(exp(-z)) : log1p(exp(z)))
        } / Double(logits.count)
    }

    /// The mean cross-entropy of σ(z / T) against Platt's targets, (N₊ + 1)/(N₊ + 2) and 1/(N₋ + 2),
    /// written out here rather than taken from `TemperatureScaling.targets`.
    static func meanPlattLoss(_ logits: [Float], _ labels: [Bool], temperature: Float) -> Double {
        let positives = Double(labels.filter { $0 }.count)
        let negatives = Double(labels.count) - positives
        return zip(logits, labels).reduce(0.0) { sum, pair in
            let z = Double(pair.0 / temperature)
            let target = pair.1 ? (positives + 1) / (positives + 2) : 1 / (negatives + 2)
            return sum + target * log1p(exp(-z)) + (1 - target) * log1p(exp(z))
        } / Double(logits.count)
    }

    @Test("the fitted temperature recovers the one the labels were drawn with", arguments: [0.5, 1, 2.5])
    func recoversTheTemperature(trueTemperature: Double) {
        let (logits, labels) = Self.sample(count: 20000, trueTemperature: trueTemperature, seed: 3)
        let fitted = TemperatureScaling.fit(logits: logits, labels: labels)
        #expect(abs(Double(fitted) / trueTemperature - 1) < 0.05, "\(fitted) for \(trueTemperature)")
    }

    @Test("the fitted temperature minimises the loss against Platt's targets and keeps every label at 0.5")
    func minimisesTheLogLoss() throws {
        let (logits, labels) = Self.sample(count: 500, trueTemperature: 1.7, seed: 9)
        let fitted = TemperatureScaling.fit(logits: logits, labels: labels)
        let best = Self.meanPlattLoss(logits, labels, temperature: fitted)
        for factor: Float in [0.9, 0.99, 1.01, 1.1] {
            #expect(best <= Self.meanPlattLoss(logits, labels, temperature: fitted * factor))
        }
        // On 500 examples the targets (0.996 and 0.004 here) barely move the fit: on the hard labels its
        // NLL beats the unscaled logits' and is within 1e-4 of the least a scan of temperatures finds.
        let hardLabelLoss = Self.meanNLL(logits, labels, temperature: fitted)
        #expect(hardLabelLoss < Self.meanNLL(logits, labels, temperature: 1))
        let scanned = stride(from: 0.7, through: 1.4, by: 0.005).map {
            Self.meanNLL(logits, labels, temperature: fitted * Float($0))
        }
        #expect(hardLabelLoss - scanned.min()! < 1e-4, "\(hardLabelLoss) against \(scanned.min()!)")
        let before = try BinaryClassificationMetrics(logits: logits, labels: labels)
        let after = try BinaryClassificationMetrics(logits: logits.map { $0 / fitted }, labels: labels)
        #expect(after.confusionMatrix == before.confusionMatrix && after.rocAUC == before.rocAUC)
        #expect(after.logLoss! < before.logLoss!)
    }

    @Test("nothing to fit gives 1; every logit on the wrong side is held to the range")
    func edgeCases() {
        #expect(TemperatureScaling.fit(logits: [], labels: []) == 1)
        #expect(TemperatureScaling.fit(logits: [0, 0], labels: [true, false]) == 1)
        // Every logit on the wrong side: as flat as allowed.
        #expect(
            TemperatureScaling.fit(logits: [1, -2], labels: [false, true])
                == TemperatureScaling.range.upperBound)
    }

    @Test("a small perfectly separated set gets Platt's confidence, not probabilities of 0 and 1")
    func separableSetsStayShortOfCertainty() {
        // Ten positives at +5 and ten negatives at −5: the loss is least where σ(5 / T) equals the positive
        // target 11/12 (and σ(−5 / T) the negative one, 1/12), so T = 5 / ln 11.
        let logits = [Float](repeating: 5, count: 10) + [Float](repeating: -5, count: 10)
        let labels = [Bool](repeating: true, count: 10) + [Bool](repeating: false, count: 10)
        let fitted = TemperatureScaling.fit(logits: logits, labels: labels)
        #expect(abs(Double(fitted) - 5 / log(11.0)) < 1e-5, "\(fitted)")
        // Uneven counts and spread logits: still inside the range, and still the loss's minimum.
        let spread: [Float] = [-1, 2, 3, 0.5, -4]
        let spreadLabels = [false, true, true, true, false]
        let fittedSpread = TemperatureScaling.fit(logits: spread, labels: spreadLabels)
        #expect(TemperatureScaling.range.contains(fittedSpread) && fittedSpread > 0.1)
        let best = Self.meanPlattLoss(spread, spreadLabels, temperature: fittedSpread)
        for factor: Float in [0.95, 1.05] {
            #expect(best < Self.meanPlattLoss(spread, spreadLabels, temperature: fittedSpread * factor))
        }
        #expect(TemperatureScaling.targets(positives: 10, negatives: 2) == (11.0 / 12, 0.25))
    }
}

/// ROC and precision–recall curves.
@Suite("Classification curves")
struct ClassificationCurveTests {
    @Test("the ROC curve's trapezoid area is the ROC-AUC, ties included")
    func rocArea() throws {
        let scores: [Float] = [0.9, 0.8, 0.8, 0.7, 0.6, 0.6, 0.4, 0.3, 0.3, 0.1]
        let labels = [true, true, false, true, false, true, false, true, false, false]
        let points = try #require(ClassificationCurves.roc(scores: scores, labels: labels))
        #expect(points.first == .init(falsePositiveRate: 0, truePositiveRate: 0))
        #expect(points.last == .init(falsePositiveRate: 1, truePositiveRate: 1))
        #expect(points.count == 8)  // the origin and 7 distinct scores
        var area = 0.0
        for (a, b) in zip(points, points.dropFirst()) {
            area +=
                (b.falsePositiveRate - a.falsePositiveRate) * (a.truePositiveRate + b.truePositiveRate) / 2
        }
        let auc = try #require(try BinaryClassificationMetrics(probabilities: scores, labels: labels).rocAUC)
        #expect(abs(area - auc) < 1e-12)
        #expect(ClassificationCurves.roc(scores: [0.5], labels: [true]) == nil)
    }

    @Test("precision–recall points and average precision of a hand-worked case")
    func precisionRecall() throws {
        // Sorted: 0.9 pos, 0.8 neg, 0.7 pos, 0.6 pos (tied with a neg), 0.2 neg.
        let scores: [Float] = [0.8, 0.9, 0.6, 0.2, 0.6, 0.7]
        let labels = [false, true, true, false, false, true]
        let points = try #require(ClassificationCurves.precisionRecall(scores: scores, labels: labels))
        let expected: [(Double, Double)] = [
            (1.0 / 3, 1), (1.0 / 3, 0.5), (2.0 / 3, 2.0 / 3), (1, 0.6), (1, 0.5),
        ]
        #expect(points.count == expected.count)
        for (point, (recall, precision)) in zip(points, expected) {
            #expect(abs(point.recall - recall) < 1e-12 && abs(point.precision - precision) < 1e-12)
        }
        let average = try #require(ClassificationCurves.averagePrecision(scores: scores, labels: labels))
        #expect(abs(average - (1.0 / 3 * 1 + 1.0 / 3 * 2.0 / 3 + 1.0 / 3 * 0.6)) < 1e-12)
        #expect(ClassificationCurves.precisionRecall(scores: [0.2], labels: [false]) == nil)
    }
}
