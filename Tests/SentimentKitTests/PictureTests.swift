import Foundation
import GRUClassifier
import SentimentKit
import Testing

/// The SVG pictures of `eval --plots` and `train --plots`, read back as XML.
@Suite struct PictureTests {
    /// Scores of 300 texts: positives drawn higher than negatives, with ties.
    static let sample: (probabilities: [Float], labels: [Bool]) = {
        var probabilities: [Float] = []
        var labels: [Bool] = []
        var state: UInt64 = 42
        func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        for index in 0..<300 {
            let positive = index % 3 != 0
            let value = min(1, max(0, (positive ? 0.62 : 0.35) + (next() - 0.5) * 0.7))
            probabilities.append(Float((value * 50).rounded() / 50))
            labels.append(positive)
        }
        return (probabilities, labels)
    }()

    static func pictures() throws -> [String: SVGPicture] {
        let pictures = try EvaluationPlots.pictures(
            probabilities: sample.probabilities, labels: sample.labels, title: "a <test> & more")
        #expect(
            pictures.map(\.name) == [
                "roc.svg", "precision_recall.svg", "calibration.svg", "score_histogram.svg",
            ])
        return try Dictionary(uniqueKeysWithValues: pictures.map { ($0.name, try SVGPicture($0.svg)) })
    }

    /// Every drawn coordinate of every panel lies inside its axes.
    static func expectInsideAxes(_ picture: SVGPicture, sourceLocation: SourceLocation = #_sourceLocation) {
        for panel in picture.panels {
            #expect(panel.axes.width > 100 && panel.axes.height > 100, sourceLocation: sourceLocation)
            for curve in panel.series + panel.references {
                #expect(!curve.points.isEmpty, sourceLocation: sourceLocation)
                for point in curve.points {
                    #expect(
                        panel.contains(point.x, point.y), "\(curve.name): \(point)",
                        sourceLocation: sourceLocation)
                }
            }
            for circle in panel.circles {
                #expect(panel.contains(circle.x, circle.y), sourceLocation: sourceLocation)
            }
            for bar in panel.bars {
                #expect(panel.contains(bar.x, bar.y), sourceLocation: sourceLocation)
                #expect(panel.contains(bar.x + bar.width, bar.y + bar.height), sourceLocation: sourceLocation)
            }
            for marker in panel.markers {
                #expect(panel.contains(marker, panel.axes.y), sourceLocation: sourceLocation)
            }
            // Both axes are labelled.
            #expect(panel.texts.count >= 8, sourceLocation: sourceLocation)
        }
    }

    @Test func rocCurveRunsCornerToCornerAndItsAreaIsTheAUC() throws {
        let picture = try #require(try Self.pictures()["roc.svg"])
        Self.expectInsideAxes(picture)
        let panel = try #require(picture.panels.first)
        #expect(picture.panels.count == 1)
        #expect(panel.series.map(\.name) == ["model"] && panel.references.map(\.name) == ["chance"])
        let curve = panel.series[0].points.map { panel.data($0, x: 0...1, y: 0...1) }
        #expect(abs(curve.first!.x) < 1e-3 && abs(curve.first!.y) < 1e-3)
        #expect(abs(curve.last!.x - 1) < 1e-3 && abs(curve.last!.y - 1) < 1e-3)
        var area = 0.0
        for (a, b) in zip(curve, curve.dropFirst()) { area += (b.x - a.x) * (a.y + b.y) / 2 }
        let metrics = try BinaryClassificationMetrics(
            probabilities: Self.sample.probabilities, labels: Self.sample.labels)
        let auc = try #require(metrics.rocAUC)
        #expect(abs(area - auc) < 0.005, "\(area) vs \(auc)")
        #expect(panel.texts.contains(String(format: "AUC %.4f", auc)))
        #expect(panel.texts.contains("ROC curve · a <test> & more"))
        #expect(panel.texts.contains("false positive rate") && panel.texts.contains("true positive rate"))
    }

    @Test func precisionRecallCurveHasOneSeriesAndTheShareOfPositivesAsItsBaseline() throws {
        let picture = try #require(try Self.pictures()["precision_recall.svg"])
        Self.expectInsideAxes(picture)
        let panel = try #require(picture.panels.first)
        #expect(panel.series.count == 1 && panel.references.count == 1)
        let baseline = panel.references[0].points.map { panel.data($0, x: 0...1, y: 0...1) }
        #expect(baseline.allSatisfy { abs($0.y - 200.0 / 300) < 1e-3 })
        let curve = panel.series[0].points.map { panel.data($0, x: 0...1, y: 0...1) }
        // Recall never falls; at recall 1 the precision is the share of positives.
        #expect(zip(curve, curve.dropFirst()).allSatisfy { $1.x >= $0.x - 1e-6 })
        #expect(abs(curve.last!.x - 1) < 1e-3 && abs(curve.last!.y - 200.0 / 300) < 1e-3)
        let average = try #require(
            ClassificationCurves.averagePrecision(
                scores: Self.sample.probabilities, labels: Self.sample.labels))
        #expect(panel.texts.contains(String(format: "average precision %.4f", average)))
    }

    @Test func reliabilityDiagramsPlotEachBinAndTheECE() throws {
        let picture = try #require(try Self.pictures()["calibration.svg"])
        Self.expectInsideAxes(picture)
        #expect(picture.panels.count == 2)
        let values = Self.sample.probabilities.map(Double.init)
        let metrics = try BinaryClassificationMetrics(
            probabilities: Self.sample.probabilities, labels: Self.sample.labels)
        let expectations: [(ReliabilityBins, ClosedRange<Double>)] = [
            (ReliabilityBins.topLabel(probabilities: values, labels: Self.sample.labels), 0.5...1),
            (ReliabilityBins(probabilities: values, outcomes: Self.sample.labels), 0...1),
        ]
        for (panel, (bins, xRange)) in zip(picture.panels, expectations) {
            #expect(panel.series.count == 1 && panel.references.count == 1)
            let filled = bins.bins.filter { $0.count > 0 }
            let points = panel.series[0].points.map { panel.data($0, x: xRange, y: 0...1) }
            #expect(points.count == filled.count)
            for (point, bin) in zip(points, filled) {
                #expect(
                    abs(point.x - bin.meanProbability!) < 2e-3 && abs(point.y - bin.observedFrequency!) < 2e-3
                )
            }
            #expect(panel.circles.count == filled.count && panel.bars.count == filled.count)
        }
        #expect(
            picture.panels[0].texts.contains(String(format: "ECE %.4f", metrics.expectedCalibrationError!)))
    }

    @Test func histogramHasOneOutlinePerClassEachSummingToOne() throws {
        let picture = try #require(try Self.pictures()["score_histogram.svg"])
        Self.expectInsideAxes(picture)
        let panel = try #require(picture.panels.first)
        #expect(panel.series.map(\.name) == ["negative (100)", "positive (200)"])
        for curve in panel.series {
            // Steps: a flat segment per bin; the flat tops' heights are the bins' shares, summing to 1.
            let pixels = curve.points
            let yTop = panel.axes.y
            let yBottom = panel.axes.y + panel.axes.height
            var heights: [Double] = []
            for (a, b) in zip(pixels, pixels.dropFirst()) where abs(a.y - b.y) < 1e-6 && b.x > a.x {
                heights.append((yBottom - a.y) / (yBottom - yTop))
            }
            #expect(heights.count == 20, "\(curve.name)")
            let total = heights.reduce(0, +)
            #expect(total > 0)
            // Relative heights are the shares: their ratios match the data's.
            let label = curve.name.hasPrefix("positive")
            var counts = [Int](repeating: 0, count: 20)
            for (p, actual) in zip(Self.sample.probabilities, Self.sample.labels) where actual == label {
                counts[min(19, Int(Double(p) * 20))] += 1
            }
            let shares = counts.map { Double($0) / Double(counts.reduce(0, +)) }
            for (height, share) in zip(heights, shares) { #expect(abs(height / total - share) < 1e-3) }
        }
    }

    @Test func trainingPictureShowsEveryEpochAndMarksTheKeptOne() throws {
        let documents = try TrainingMaterial.english()
        var options = TrainingMaterial.tinyOptions(epochs: 4)
        options.training.patience = 0
        let outcome = try ModelTraining.train(
            training: documents.enumerated().filter { $0.offset % 5 != 0 }.map(\.element),
            validation: documents.enumerated().filter { $0.offset % 5 == 0 }.map(\.element), options: options)
        let picture = try SVGPicture(
            TrainingPlot.picture(epochs: outcome.epochs, keptEpoch: outcome.bestEpoch))
        Self.expectInsideAxes(picture)
        #expect(picture.panels.count == 2)
        let loss = picture.panels[0]
        let accuracy = picture.panels[1]
        #expect(loss.series.map(\.name) == ["training loss", "validation loss"])
        #expect(accuracy.series.map(\.name) == ["validation accuracy"])
        for panel in [loss, accuracy] {
            #expect(panel.series.allSatisfy { $0.points.count == 4 })
            // The marker stands on the kept epoch's point.
            let kept = panel.series[0].points[outcome.bestEpoch - 1]
            #expect(panel.markers.count == 1 && abs(panel.markers[0] - kept.x) < 0.02)
            #expect(panel.texts.contains("kept: epoch \(outcome.bestEpoch)") && panel.texts.contains("epoch"))
        }
        // The loss axis starts at 0, so heights are proportional to the losses.
        let bottom = loss.axes.y + loss.axes.height
        let trainingHeights = loss.series[0].points.map { bottom - $0.y }
        let validationHeights = loss.series[1].points.map { bottom - $0.y }
        let trainingLosses = outcome.epochs.map(\.trainingLoss)
        let validationLosses = outcome.epochs.map { $0.validation!.logLoss! }
        let scale = trainingHeights[0] / trainingLosses[0]
        for (height, value) in zip(trainingHeights + validationHeights, trainingLosses + validationLosses) {
            #expect(abs(height - value * scale) < 0.05)
        }
        // Accuracy rises upwards: the highest point is the best accuracy.
        let best = outcome.epochs.map { $0.validation!.accuracy! }
        let highest = accuracy.series[0].points.enumerated().min { $0.element.y < $1.element.y }!.offset
        #expect(best[highest] == best.max())
    }

    @Test func withoutValidationTheTrainingPictureHasTheLossAlone() throws {
        var options = TrainingMaterial.tinyOptions(epochs: 2)
        options.validationSplit = 0
        let outcome = try ModelTraining.train(training: try TrainingMaterial.english(), options: options)
        let picture = try SVGPicture(
            TrainingPlot.picture(epochs: outcome.epochs, keptEpoch: outcome.bestEpoch))
        Self.expectInsideAxes(picture)
        #expect(picture.panels.count == 1)
        #expect(picture.panels[0].series.map(\.name) == ["training loss"])
        #expect(picture.panels[0].texts.contains("no validation set"))
    }

    @Test func picturesAreWrittenIntoADirectoryMadeForThem() throws {
        let scratch = try ScratchDirectory()
        let directory = scratch.url.appendingPathComponent("deep/plots")
        let paths = try PictureFiles.write([("a.svg", "<svg/>"), ("b.svg", "<svg/>")], to: directory)
        #expect(paths == ["a.svg", "b.svg"].map { directory.appendingPathComponent($0).path })
        #expect(try String(contentsOfFile: paths[0], encoding: .utf8) == "<svg/>")
        let file = scratch.url.appendingPathComponent("file")
        try Data().write(to: file)
        #expect(throws: PictureFileError.self) { try PictureFiles.prepare(file) }
        #expect(throws: PictureFileError.self) {
            try PictureFiles.prepare(file.appendingPathComponent("sub"))
        }
    }
}
