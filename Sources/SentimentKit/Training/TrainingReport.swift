import Foundation
import GRUClassifier

/// The lines that report a training run ("epoch 2/5: loss 0.4123, …"), worded once so every front end
/// says the same; where a line points at an option, the caller names it (the CLI by its flag).
public enum TrainingReport {
    /// The line an event of `ModelTraining.train` is reported by; nil for events reported otherwise
    /// (per-step progress, finished epochs, checkpoints).
    public static func line(
        for event: ModelTrainingEvent, naming name: (ModelTrainingOptions.Field) -> String
    ) -> String? {
        switch event {
        case .prepared(let trainingCount, let validationCount, let vocabularySize, let threads):
            return "\(trainingCount) training and \(validationCount) validation documents, "
                + "vocabulary \(vocabularySize) tokens, \(threads) thread\(threads == 1 ? "" : "s")"
        case .pretrained(let summary):
            return "skip-gram pre-training of the embedding: \(summary.epochs) "
                + "epoch\(summary.epochs == 1 ? "" : "s") over \(summary.tokens) tokens, \(summary.rows) of "
                + "\(summary.vocabularySize) rows, \(duration(summary.seconds))"
        case .embeddingFrozen(let tokens):
            return "the pre-trained embedding stays frozen (the training texts hold \(tokens) tokens, "
                + "at least \(ModelTrainingOptions.frozenEmbeddingTokenThreshold)); "
                + "\(name(.embeddingLearningRateScale)) 1 fine-tunes it"
        case .vectors(let summary): return vectorsLine(summary, naming: name)
        case .pretraining, .training, .checkpointWritten: return nil
        }
    }

    /// What became of the pre-trained vectors, in one line.
    public static func vectorsLine(
        _ summary: WordVectorsSummary, naming name: (ModelTrainingOptions.Field) -> String
    ) -> String {
        let coverage = fixed(summary.coverage * 100, 1) + " %"
        guard summary.used else {
            return "the bundled English vectors are not used: \(summary.notUsedBecause ?? "")"
                + " (\(name(.vectors)) FILE gives others, \(name(.vectors)) none silences this)"
        }
        return "vectors \(summary.source.name) (\(summary.dimension) dimensions) cover \(coverage) of "
            + "the training tokens; \(summary.matchedRows) vocabulary rows start from them, "
            + "\(summary.addedWords) of their words added, \(duration(summary.seconds))"
    }

    /// A finished epoch of `epochs`: its loss, its validation, its speed and whether it is the best.
    public static func epochLine(_ summary: EpochSummary, epochs: Int) -> String {
        var line = "epoch \(summary.epoch)/\(epochs): loss \(fixed(summary.trainingLoss, 4))"
        if let validation = summary.validation {
            line += ", valid accuracy \(validation.accuracy.map { fixed($0, 4) } ?? "-")"
            line += ", valid loss \(validation.logLoss.map { fixed($0, 4) } ?? "-")"
        }
        line += ", \(grouped(summary.tokensPerSecond)) tokens/s, \(duration(summary.seconds))"
        if summary.isBest && summary.validation != nil { line += " (best so far)" }
        return line
    }

    /// The temperature fitted and what it did to the validation set's log loss and calibration error,
    /// or that without validation none was fitted.
    public static func calibrationLine(_ outcome: ModelTrainingOutcome) -> String {
        guard let temperature = outcome.temperature, let before = outcome.bestValidation,
            let after = outcome.calibratedValidation
        else {
            return "no validation set, so no temperature is fitted (probabilities as trained)"
        }
        func figure(_ value: Double?) -> String { value.map { fixed($0, 4) } ?? "-" }
        return "temperature \(fixed(Double(temperature), 3)) fitted on the validation set: "
            + "log loss \(figure(before.logLoss)) → \(figure(after.logLoss)), "
            + "ECE \(figure(before.expectedCalibrationError)) → \(figure(after.expectedCalibrationError))"
    }

    /// The run in one line: epochs, time (`seconds`), the best epoch and where the model is.
    public static func summaryLine(_ outcome: ModelTrainingOutcome, seconds: Double, modelPath: String) -> String {
        var summary = "trained \(outcome.epochsRun) epoch\(outcome.epochsRun == 1 ? "" : "s") in "
        summary += duration(seconds)
        if let accuracy = outcome.bestValidation?.accuracy {
            summary += "; best validation accuracy \(fixed(accuracy, 4)) at epoch \(outcome.bestEpoch)"
        }
        return summary + "; model written to \(modelPath)"
    }

    /// `value` with `digits` decimals.
    public static func fixed(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }

    /// 12345.6 → "12,346".
    public static func grouped(_ value: Double) -> String {
        guard value.isFinite else { return "-" }
        let digits = String(Int(value.rounded()))
        var result = ""
        for (index, character) in digits.reversed().enumerated() {
            if index > 0 && index % 3 == 0 && character != "-" { result.append(",") }
            result.append(character)
        }
        return String(result.reversed())
    }

    /// Seconds as "42.0 s", "3 min 05 s" or "1 h 02 min".
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "-" }
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        let whole = Int(seconds.rounded())
        if whole < 3600 { return String(format: "%d min %02d s", whole / 60, whole % 60) }
        return String(format: "%d h %02d min", whole / 3600, (whole % 3600) / 60)
    }
}
