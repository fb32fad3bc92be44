import Testing

@testable import SentimentCLI

/// The terminal progress line fits the terminal, however narrow: a line as wide as the terminal wraps,
/// and each redraw would stack another line.
@Suite struct TrainingProgressTests {
    private let details = ["loss 0.6931", "12,345 tok/s,", "3.0 s left"]

    @Test(arguments: [1, 8, 12, 20, 30, 40, 50, 60, 80, 120, 200])
    func theLineIsNarrowerThanTheTerminal(columns: Int) {
        let line = TrainingProgress.barLine(
            epoch: "epoch 3/10", fraction: 0.5, details: details, columns: columns)
        #expect(line.count < columns || line.isEmpty, "\(columns) columns: \(line)")
    }

    @Test func aWideTerminalGetsTheWholeLineAndANarrowOneKeepsThePercentage() {
        let wide = TrainingProgress.barLine(
            epoch: "epoch 3/10", fraction: 0.5, details: details, columns: 200)
        #expect(wide == "epoch 3/10 ████████████░░░░░░░░░░░░ 50% loss 0.6931 12,345 tok/s, 3.0 s left")
        let standard = TrainingProgress.barLine(
            epoch: "epoch 3/10", fraction: 0.5, details: details, columns: 80)
        #expect(standard == wide)
        // 60 columns: the bar shrinks before any detail goes.
        let narrower = TrainingProgress.barLine(
            epoch: "epoch 3/10", fraction: 0.5, details: details, columns: 60)
        #expect(narrower.hasSuffix("50% loss 0.6931 12,345 tok/s, 3.0 s left"))
        #expect(narrower.count == 59)
        let narrow = TrainingProgress.barLine(
            epoch: "epoch 3/10", fraction: 0.5, details: details, columns: 30)
        #expect(narrow.hasPrefix("epoch 3/10 ") && narrow.contains("50%"), "\(narrow)")
        let tiny = TrainingProgress.barLine(epoch: "epoch 3/10", fraction: 0.5, details: details, columns: 12)
        #expect(tiny == "50%")
        #expect(
            TrainingProgress.barLine(epoch: "epoch 3/10", fraction: 0.5, details: details, columns: 20)
                == "epoch 3/10 50%")
    }
}
