import ArgumentParser
import Foundation
import SentimentKit

/// `sentiment eval`: a model's metrics on labelled files.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a model on labelled files: accuracy, F1, ROC-AUC, log loss, calibration.",
        // The full list of options is too wide for an 80-column terminal; OPTIONS lists them.
        usage: "sentiment eval [<options>] <files> ...",
        discussion: """
            Reads the labelled formats `train` reads. Precision, recall and F1 are those of the positive \
            class at the threshold; ROC-AUC ranks by the model's logits; log loss is the mean binary \
            cross-entropy. ECE is the expected calibration error (Guo et al. 2017): the confidence in \
            the predicted label, max(p, 1 − p), in 10 equal-width bins, each bin's gap between its mean \
            confidence and its accuracy weighted by its share of the documents; Brier is the mean of \
            (probability − label)². A metric that is undefined on \
            the data (e.g. ROC-AUC with one class only) shows as "-" (null in JSON).

            --plots DIR writes four standalone SVG pictures there: roc.svg (ROC curve with its AUC), \
            precision_recall.svg (with the average precision), calibration.svg (reliability diagrams: \
            confidence against accuracy with the ECE, and probability against the share of positives) and \
            score_histogram.svg (the probabilities of each true class).

            Beside the metrics at the model's threshold (or --threshold), the threshold that maximises \
            F1 on these files is reported with its metrics (JSON "best_f1"). --errors N lists the N \
            most confidently misclassified documents with their file:line, label, probability and text \
            (JSON "errors").

            Examples:
              sentiment eval test.tsv
              sentiment eval --model film.safetensors --format json test.csv
              sentiment eval --errors 10 test.tsv
              sentiment eval test.tsv --plots pictures/
            """
    )

    @Argument(help: "Labelled files (\"-\" for standard input).")
    var files: [String]

    @Option(
        name: .shortAndLong, help: ArgumentHelp(ModelLocation.optionHelp))
    var model: String?

    @Option(
        parsing: .unconditional,
        help: "Probability at or above which a text is labelled positive (default: the model's).")
    var threshold: Float?

    @Option(help: "Output format: table or json.")
    var format: EvalOutputFormat = .table

    @Option(
        parsing: .unconditional,
        help: "List the N most confidently misclassified documents (file:line, label, probability, text).")
    var errors: Int?

    @Option(
        help:
            "Write roc.svg, precision_recall.svg, calibration.svg and score_histogram.svg to this directory.")
    var plots: String?

    @OptionGroup var threadOptions: ThreadOptions

    @OptionGroup(title: "Input") var corpusOptions: CorpusOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one labelled file") }
        if let threshold, !(threshold >= 0 && threshold <= 1) {
            throw ValidationError("--threshold must be in [0, 1]")
        }
        if let errors, errors < 0 { throw ValidationError("--errors must be at least 0") }
    }

    func run() throws {
        let modelPath = try ModelLocation.resolve(model)
        let scorer = try TextScorer(
            model: loadModel(at: modelPath, threads: threadOptions.count), threads: threadOptions.count,
            threshold: threshold)
        let corpus = try CorpusReader.readLabelledCorpus(
            files, options: corpusOptions.readerOptions(requiresLabels: true))
        guard !corpus.documents.isEmpty else {
            throw CommandFailure("\(files.joined(separator: ", ")): no documents")
        }
        let plotDirectory = plots.map { URL(fileURLWithPath: $0) }
        if let plotDirectory {
            do { try PictureFiles.prepare(plotDirectory) } catch { throw CommandFailure("\(error)") }
        }
        let evaluation = try ModelEvaluation(scorer: scorer, corpus: corpus, errors: errors ?? 0)
        let misclassified = errors.map { _ in evaluation.mostConfidentErrors }
        if let plotDirectory {
            let pictures = try EvaluationPlots.pictures(
                probabilities: evaluation.probabilities, labels: evaluation.positives,
                title: files.map { URL(fileURLWithPath: $0).lastPathComponent }.joined(separator: ", "))
            do { try PictureFiles.write(pictures, to: plotDirectory) } catch {
                throw CommandFailure("\(error)")
            }
            StandardStreams.printError(
                "eval: \(pictures.map(\.name).joined(separator: ", ")) written to \(plotDirectory.path)")
        }
        let metrics = evaluation.metrics
        let bestF1 = evaluation.bestF1
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let report = EvalReport(
                model: modelPath, files: files, metrics: metrics, bestF1: bestF1, errors: misclassified)
            try StandardStreams.writeToStandardOutput(Array(encoder.encode(report)) + [0x0A])
        case .table:
            var text = Self.table(metrics, files: files, bestF1: bestF1)
            if let misclassified { text += Self.table(misclassified) }
            try StandardStreams.writeToStandardOutput(Array(text.utf8))
        }
    }

    static func table(
        _ metrics: BinaryClassificationMetrics, files: [String], bestF1: BinaryClassificationMetrics? = nil
    ) -> String {
        func value(_ number: Double?) -> String { number.map { String(format: "%.4f", $0) } ?? "-" }
        let matrix = metrics.confusionMatrix
        let width = max(9, String(max(matrix.actualNegatives, matrix.actualPositives)).count + 2)
        func cell(_ count: Int) -> String {
            String(repeating: " ", count: max(0, width - String(count).count)) + String(count)
        }
        return """
            documents   \(metrics.count)  (\(files.joined(separator: ", ")))
            threshold   \(String(format: "%.4g", metrics.threshold))
            accuracy    \(value(metrics.accuracy))
            precision   \(value(metrics.precision))
            recall      \(value(metrics.recall))
            F1          \(value(metrics.f1))
            ROC-AUC     \(value(metrics.rocAUC))
            log loss    \(value(metrics.logLoss))
            ECE         \(value(metrics.expectedCalibrationError))
            Brier       \(value(metrics.brierScore))
            best F1     \(bestF1.map { best in
                "\(value(best.f1)) at threshold \(String(format: "%.4g", best.threshold)) (accuracy "
                    + "\(value(best.accuracy)), precision \(value(best.precision)), recall \(value(best.recall)))"
            } ?? "-")

            confusion matrix   \(String(repeating: " ", count: width - 8))pred neg\(String(repeating: " ", count: width - 8))pred pos
              actual negative  \(cell(matrix.trueNegatives))\(cell(matrix.falsePositives))
              actual positive  \(cell(matrix.falseNegatives))\(cell(matrix.truePositives))

            """
    }
}

extension EvalCommand {
    /// Longest text shown in the table of misclassified documents (JSON has it whole).
    static let tableTextLength = 160

    /// The table's section of misclassified documents: a heading and one line per document.
    static func table(_ documents: [MisclassifiedDocument]) -> String {
        var text = "\nmost confidently misclassified (\(documents.count) shown)\n"
        for document in documents {
            var shown = document.text.map { $0.isNewline || $0 == "\t" ? " " : $0 }
            if shown.count > tableTextLength { shown = Array(shown.prefix(tableTextLength - 1)) + ["…"] }
            text +=
                "  \(document.file):\(document.line)  \(document.label)  "
                + String(format: "%.4f", document.probability) + "  \(String(shown))\n"
        }
        return text
    }
}

/// `--format` values of `eval`.
enum EvalOutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json
}

/// What `eval --format json` prints.
struct EvalReport: Encodable {
    var model: String
    var files: [String]
    /// At the model's threshold (or --threshold).
    var metrics: BinaryClassificationMetrics
    /// At the threshold that maximises F1 on the files; null without positive labels.
    var bestF1: BinaryClassificationMetrics?
    /// With --errors only.
    var errors: [MisclassifiedDocument]?

    private enum CodingKeys: String, CodingKey {
        case model, files, metrics, bestF1 = "best_f1", errors
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(model, forKey: .model)
        try container.encode(files, forKey: .files)
        try container.encode(metrics, forKey: .metrics)
        try container.encode(bestF1, forKey: .bestF1)
        try container.encodeIfPresent(errors, forKey: .errors)
    }
}
