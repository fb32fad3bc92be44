import Foundation
import SentimentKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Shows training progress on standard error: a redrawn progress bar per epoch (and one for the
/// embedding's pre-training) when standard error is a terminal, otherwise one summary line per epoch
/// (logs stay readable; `train` prints the pre-training's summary line itself).
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
            let rate = Double(tokens) / max(seconds, 1e-9)
            let remaining = Double(epochTokens - tokens) / max(rate, 1e-9)
            let line = Self.barLine(
                epoch: "epoch \(epoch)/\(epochs)", fraction: fraction,
                details: [
                    "loss \(TrainingReport.fixed(loss, 4))", "\(TrainingReport.grouped(rate)) tok/s,",
                    "\(TrainingReport.duration(remaining)) left",
                ], columns: TerminalWidth.columns(of: 2))
            StandardStreams.printError("\r\u{1B}[2K" + line, newline: false)
        case .epochFinished(let summary):
            if isTerminal { StandardStreams.printError("\r\u{1B}[2K", newline: false) }
            StandardStreams.printError(TrainingReport.epochLine(summary, epochs: epochs))
        }
    }

    /// Draws the pre-training's bar on a terminal (throttled), and clears it when the pre-training ends.
    func handlePretraining(_ progress: EmbeddingPretrainingProgress) {
        guard isTerminal else { return }
        let finished = progress.tokens >= progress.totalTokens
        if finished {
            StandardStreams.printError("\r\u{1B}[2K", newline: false)
            return
        }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= 0.2 else { return }
        lastDraw = now
        let fraction = Double(progress.tokens) / Double(max(progress.totalTokens, 1))
        let rate = Double(progress.tokens) / max(progress.seconds, 1e-9)
        let remaining = Double(progress.totalTokens - progress.tokens) / max(rate, 1e-9)
        let line = Self.barLine(
            epoch: "pre-training \(progress.epoch)/\(progress.epochs)", fraction: fraction,
            details: ["\(TrainingReport.grouped(rate)) tok/s,", "\(TrainingReport.duration(remaining)) left"],
            columns: TerminalWidth.columns(of: 2))
        StandardStreams.printError("\r\u{1B}[2K" + line, newline: false)
    }

    /// The widest bar drawn.
    static let maximumBarWidth = 24

    /// The progress line for a terminal `columns` wide: the epoch, a bar, the percentage and as many of
    /// `details` as fit. Always narrower than the terminal (a line that reaches its last column would
    /// wrap, and every redraw would then stack a new line): the bar shrinks first, then details go.
    static func barLine(epoch: String, fraction: Double, details: [String], columns: Int) -> String {
        let room = columns - 1
        let percent = "\(Int(fraction * 100))%"
        for kept in stride(from: details.count, through: 0, by: -1) {
            let tail = ([percent] + details.prefix(kept)).joined(separator: " ")
            let barWidth = min(maximumBarWidth, room - epoch.count - tail.count - 2)
            if barWidth >= 5 {
                let filled = min(barWidth, Int(fraction * Double(barWidth)))
                let bar =
                    String(repeating: "█", count: filled) + String(repeating: "░", count: barWidth - filled)
                return "\(epoch) \(bar) \(tail)"
            }
        }
        return ["\(epoch) \(percent)", percent].first { $0.count <= room } ?? ""
    }
}

/// The width of the terminal progress is drawn on.
enum TerminalWidth {
    /// When neither the terminal nor `COLUMNS` tells.
    static let fallback = 80

    /// The columns of the terminal on `descriptor` (asked each time: the window may be resized), else
    /// the `COLUMNS` environment variable, else `fallback`.
    static func columns(of descriptor: Int32) -> Int {
        var size = winsize()
        if ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 { return Int(size.ws_col) }
        if let value = ProcessInfo.processInfo.environment["COLUMNS"], let columns = Int(value), columns > 0 {
            return columns
        }
        return fallback
    }
}
