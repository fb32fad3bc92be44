import Foundation
import GRUClassifier

/// The picture of `sentiment train --plots`: per epoch, the training loss and the validation loss (one
/// chart) and the validation accuracy (another), with the kept epoch marked.
public enum TrainingPlot {
    /// `training.svg` for `epochs` (in order), `keptEpoch` the one whose parameters were kept.
    public static func picture(epochs: [EpochSummary], keptEpoch: Int) -> String {
        let last = Double(max(epochs.map(\.epoch).max() ?? 1, 1))
        // A little room on both sides, so that the first and last epochs' points and marker stay off
        // the frame.
        let xRange = 0.7...(last + 0.3)
        let xTicks = epochTicks(count: Int(last))
        func xAxis() -> SVGChart.Axis { SVGChart.Axis(label: "epoch", range: xRange, ticks: xTicks) }
        let marker = (x: Double(keptEpoch), label: "kept: epoch \(keptEpoch)")

        let trainingLoss = epochs.map { (x: Double($0.epoch), y: $0.trainingLoss) }
        let validationLoss = epochs.compactMap { summary in
            summary.validation?.logLoss.map { (x: Double(summary.epoch), y: $0) }
        }
        let losses = (trainingLoss + validationLoss).map(\.y)
        let lossTop = (losses.max() ?? 1) * 1.1
        var loss = SVGChart(
            title: "Loss per epoch", xAxis: xAxis(),
            yAxis: SVGChart.Axis(label: "binary cross-entropy", range: 0...(lossTop > 0 ? lossTop : 1)))
        loss.series = [
            SVGChart.Series(name: "training loss", points: trainingLoss, color: "#2c7bb6", showsPoints: true)
        ]
        if !validationLoss.isEmpty {
            loss.series.append(
                SVGChart.Series(
                    name: "validation loss", points: validationLoss, color: "#d7191c", showsPoints: true))
        }
        loss.markers = [marker]

        let accuracy = epochs.compactMap { summary in
            summary.validation?.accuracy.map { (x: Double(summary.epoch), y: $0) }
        }
        guard !accuracy.isEmpty else {
            loss.notes = ["no validation set"]
            return SVGChart.document([loss], cellWidth: 720, cellHeight: 440)
        }
        let values = accuracy.map(\.y)
        let margin = max(0.01, ((values.max() ?? 1) - (values.min() ?? 0)) * 0.2)
        let range = max(0, (values.min() ?? 0) - margin)...min(1, (values.max() ?? 1) + margin)
        var accuracyChart = SVGChart(
            title: "Validation accuracy per epoch", xAxis: xAxis(),
            yAxis: SVGChart.Axis(label: "accuracy", range: range))
        accuracyChart.series = [
            SVGChart.Series(
                name: "validation accuracy", points: accuracy, color: "#1a9641", showsPoints: true)
        ]
        accuracyChart.markers = [marker]
        if let kept = accuracy.first(where: { Int($0.x) == keptEpoch }) {
            accuracyChart.notes = [String(format: "kept: %.4f", kept.y)]
        }
        return SVGChart.document([loss, accuracyChart], cellWidth: 720, cellHeight: 400)
    }

    /// Whole epochs, at most about ten of them labelled.
    static func epochTicks(count: Int) -> [Double] {
        let step = max(1, Int((Double(count) / 10).rounded(.up)))
        return stride(from: 1, through: count, by: step).map(Double.init)
    }
}
