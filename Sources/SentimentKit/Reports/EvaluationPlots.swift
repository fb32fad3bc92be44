import Foundation
import Evaluation

/// The pictures of `sentiment eval --plots`: ROC curve, precision–recall curve, reliability diagrams and
/// score histograms of a model's probabilities against the true labels, each a standalone SVG file.
public enum EvaluationPlots {
    static let positiveColor = "#1a9850"
    static let negativeColor = "#d73027"
    static let modelColor = "#2c7bb6"
    static let guideColor = "#888888"

    /// The four pictures, by file name (`roc.svg`, `precision_recall.svg`, `calibration.svg`,
    /// `score_histogram.svg`), for `probabilities` of the positive class and the true `labels`.
    /// `title` names what was evaluated (e.g. the file).
    public static func pictures(probabilities: [Float], labels: [Bool], title: String) throws -> [(
        name: String, svg: String
    )] {
        let metrics = try BinaryClassificationMetrics(probabilities: probabilities, labels: labels)
        return [
            ("roc.svg", roc(probabilities: probabilities, labels: labels, metrics: metrics, title: title)),
            (
                "precision_recall.svg",
                precisionRecall(probabilities: probabilities, labels: labels, title: title)
            ),
            (
                "calibration.svg",
                calibration(probabilities: probabilities, labels: labels, metrics: metrics, title: title)
            ),
            ("score_histogram.svg", histogram(probabilities: probabilities, labels: labels, title: title)),
        ]
    }

    static func unitAxis(_ label: String) -> SVGChart.Axis { SVGChart.Axis(label: label, range: 0...1) }

    static func roc(
        probabilities: [Float], labels: [Bool], metrics: BinaryClassificationMetrics, title: String
    ) -> String {
        var chart = SVGChart(
            title: "ROC curve · \(title)", xAxis: unitAxis("false positive rate"),
            yAxis: unitAxis("true positive rate"))
        if let points = ClassificationCurves.roc(scores: probabilities, labels: labels) {
            chart.series = [
                SVGChart.Series(
                    name: "model", points: points.map { ($0.falsePositiveRate, $0.truePositiveRate) },
                    color: modelColor)
            ]
        }
        chart.references = [SVGChart.Series(name: "chance", points: [(0, 0), (1, 1)], color: guideColor)]
        chart.notes = [metrics.rocAUC.map { String(format: "AUC %.4f", $0) } ?? "AUC undefined (one class)"]
        return SVGChart.document([chart])
    }

    static func precisionRecall(probabilities: [Float], labels: [Bool], title: String) -> String {
        var chart = SVGChart(
            title: "Precision–recall · \(title)", xAxis: unitAxis("recall"), yAxis: unitAxis("precision"))
        if let points = ClassificationCurves.precisionRecall(scores: probabilities, labels: labels) {
            chart.series = [
                SVGChart.Series(
                    name: "model", points: points.map { ($0.recall, $0.precision) }, color: modelColor)
            ]
            let share = Double(labels.filter { $0 }.count) / Double(labels.count)
            chart.references = [
                SVGChart.Series(
                    name: "chance (share positive)", points: [(0, share), (1, share)], color: guideColor)
            ]
        }
        chart.notes = [
            ClassificationCurves.averagePrecision(scores: probabilities, labels: labels).map {
                String(format: "average precision %.4f", $0)
            } ?? "no positive label"
        ]
        return SVGChart.document([chart])
    }

    /// Two reliability diagrams: the confidence in the predicted label against its accuracy (what the ECE
    /// measures), and the probability of "positive" against the share of texts that are positive.
    static func calibration(
        probabilities: [Float], labels: [Bool], metrics: BinaryClassificationMetrics, title: String
    ) -> String {
        let values = probabilities.map(Double.init)
        let topLabel = ReliabilityBins.topLabel(probabilities: values, labels: labels)
        var confidence = SVGChart(
            title: "Reliability: confidence · \(title)",
            xAxis: SVGChart.Axis(label: "confidence in the predicted label", range: 0.5...1),
            yAxis: unitAxis("accuracy"))
        confidence.references = [
            SVGChart.Series(name: "perfectly calibrated", points: [(0.5, 0.5), (1, 1)], color: guideColor)
        ]
        confidence.series = [reliabilitySeries(topLabel)]
        confidence.bars = shareBars(topLabel)
        confidence.notes = [
            metrics.expectedCalibrationError.map { String(format: "ECE %.4f", $0) } ?? "no documents",
            "bars: share of documents",
        ]

        let positive = ReliabilityBins(probabilities: values, outcomes: labels)
        var byScore = SVGChart(
            title: "Reliability: score · \(title)", xAxis: unitAxis("probability of positive"),
            yAxis: unitAxis("share positive"))
        byScore.references = [
            SVGChart.Series(name: "perfectly calibrated", points: [(0, 0), (1, 1)], color: guideColor)
        ]
        byScore.series = [reliabilitySeries(positive)]
        byScore.bars = shareBars(positive)
        byScore.notes = [
            positive.expectedCalibrationError.map { String(format: "its ECE %.4f", $0) } ?? "no documents",
            "bars: share of documents",
        ]
        return SVGChart.document([confidence, byScore], columns: 2)
    }

    /// Each non-empty bin's mean probability against its observed frequency.
    static func reliabilitySeries(_ bins: ReliabilityBins) -> SVGChart.Series {
        let points = bins.bins.compactMap { bin -> (x: Double, y: Double)? in
            guard let mean = bin.meanProbability, let frequency = bin.observedFrequency else { return nil }
            return (mean, frequency)
        }
        return SVGChart.Series(
            name: "model (bins of 0.1)", points: points, color: modelColor, showsPoints: true)
    }

    /// Each bin's share of the predictions, as a pale bar over the bin.
    static func shareBars(_ bins: ReliabilityBins) -> [SVGChart.Bar] {
        bins.bins.filter { $0.count > 0 }.map {
            SVGChart.Bar(
                x0: $0.lower + 0.005, x1: $0.upper - 0.005,
                height: Double($0.count) / Double(max(bins.count, 1)),
                color: "#c6dbef")
        }
    }

    /// The distribution of the probability, one outline per true class, in 20 bins.
    static func histogram(probabilities: [Float], labels: [Bool], title: String) -> String {
        let binCount = 20
        func shares(_ label: Bool) -> [Double] {
            var counts = [Int](repeating: 0, count: binCount)
            var total = 0
            for (probability, actual) in zip(probabilities, labels) where actual == label {
                counts[min(binCount - 1, max(0, Int(Double(probability) * Double(binCount))))] += 1
                total += 1
            }
            return counts.map { total == 0 ? 0 : Double($0) / Double(total) }
        }
        let negative = shares(false)
        let positive = shares(true)
        let top = max(negative.max() ?? 0, positive.max() ?? 0)
        let yRange =
            0...max(
                0.05, SVGChart.niceTicks(0...top * 1.08).last.map { $0 >= top * 1.08 ? $0 : top * 1.08 } ?? 1)
        var chart = SVGChart(
            title: "Scores by true class · \(title)", xAxis: unitAxis("probability of positive"),
            yAxis: SVGChart.Axis(label: "share of the class's documents", range: yRange))
        func steps(_ shares: [Double]) -> [(x: Double, y: Double)] {
            var points: [(x: Double, y: Double)] = [(0, 0)]
            for (index, share) in shares.enumerated() {
                points.append((Double(index) / Double(binCount), share))
                points.append((Double(index + 1) / Double(binCount), share))
            }
            points.append((1, 0))
            return points
        }
        let counts = (labels.filter { !$0 }.count, labels.filter { $0 }.count)
        chart.series = [
            SVGChart.Series(
                name: "negative (\(counts.0))", points: steps(negative), color: negativeColor, fillDownTo: 0),
            SVGChart.Series(
                name: "positive (\(counts.1))", points: steps(positive), color: positiveColor, fillDownTo: 0),
        ]
        return SVGChart.document([chart])
    }
}
