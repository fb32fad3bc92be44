import Foundation
import GRUClassifier

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Shows training progress on standard error: a redrawn progress bar per epoch when standard error is a
/// terminal, otherwise one summary line per epoch (logs stay readable).
final class TrainingProgress {
    let epochs: Int
    let isTerminal: Bool
    private var lastDraw = Date.distantPast

    init(epochs: Int, isTerminal: Bool = isatty(2) == 1) {
        self.epochs = epochs
        self.isTerminal = isTerminal
    }

    func handle(_ event: TrainingEvent) {
        switch event {
        case .batchFinished(
            let epoch, let batch, let batchCount, let tokens, let epochTokens, let loss, let seconds):
            guard isTerminal else { return }
            let now = Date()
            guard batch == batchCount || now.timeIntervalSince(lastDraw) >= 0.2 else { return }
            lastDraw = now
            let fraction = Double(tokens) / Double(max(epochTokens, 1))
            let width = 24
            let filled = min(width, Int(fraction * Double(width)))
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            let rate = Double(tokens) / max(seconds, 1e-9)
            let remaining = Double(epochTokens - tokens) / max(rate, 1e-9)
            FileWriting.printError(
                "\r\u{1B}[2Kepoch \(epoch)/\(epochs) \(bar) \(Int(fraction * 100))% loss \(Self.fixed(loss, 4)) "
                    + "\(Self.grouped(rate)) tok/s, \(Self.duration(remaining)) left",
                newline: false)
        case .epochFinished(let summary):
            if isTerminal { FileWriting.printError("\r\u{1B}[2K", newline: false) }
            FileWriting.printError(Self.line(for: summary, epochs: epochs))
        }
    }

    static func line(for summary: EpochSummary, epochs: Int) -> String {
        var line = "epoch \(summary.epoch)/\(epochs): loss \(fixed(summary.trainingLoss, 4))"
        if let validation = summary.validation {
            line += ", valid accuracy \(validation.accuracy.map { fixed($0, 4) } ?? "-")"
            line += ", valid loss \(validation.logLoss.map { fixed($0, 4) } ?? "-")"
        }
        line += ", \(grouped(summary.tokensPerSecond)) tokens/s, \(duration(summary.seconds))"
        if summary.isBest && summary.validation != nil { line += " (best so far)" }
        return line
    }

    static func fixed(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }

    /// 12345.6 → "12,346".
    static func grouped(_ value: Double) -> String {
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
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "-" }
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        let whole = Int(seconds.rounded())
        if whole < 3600 { return String(format: "%d min %02d s", whole / 60, whole % 60) }
        return String(format: "%d h %02d min", whole / 3600, (whole % 3600) / 60)
    }
}
