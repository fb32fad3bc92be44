import Foundation

extension CheckReport {
    /// The report as `sentiment check` prints it: a line per capability (language, capability, cases,
    /// failure rate), under it a line per test (name, expectation, cases, failure rate; the probability
    /// shift of invariance tests, the tolerance or margin of directional ones), and under each test its worst
    /// failures with their probabilities and labels.
    public func table() -> String {
        let allTests = capabilities.flatMap(\.tests)
        let nameWidth =
            max(
                capabilities.map { $0.language.count + $0.capability.count + 1 }.max() ?? 0,
                (allTests.map { $0.name.count + 2 }.max() ?? 0)) + 2
        let expectWidth = SuiteExpectation.allCases.map(\.rawValue.count).max()! + 2
        func padded(_ text: String, _ width: Int) -> String {
            text + String(repeating: " ", count: max(1, width - text.count))
        }
        func counts(_ cases: Int, _ rate: Double) -> String {
            let casesText = String(cases)
            let rateText = Self.percent(rate)
            return String(repeating: " ", count: max(1, 7 - casesText.count)) + casesText
                + String(repeating: " ", count: max(1, 9 - rateText.count)) + rateText
        }
        var lines: [String] = []
        let thresholdText = threshold.map { ", threshold \(Self.number($0))" } ?? ""
        lines.append(
            "\(system)\(thresholdText): \(cases) cases in \(allTests.count) tests "
                + "(\(languages.joined(separator: ", "))), \(Self.percent(failureRate)) failed")
        for skipped in skippedLanguages {
            lines.append("skipped \(skipped.language): \(skipped.reason)")
        }
        lines.append("")
        lines.append(padded("", nameWidth + expectWidth) + "  cases   failed")
        for capability in capabilities {
            lines.append(
                padded("\(capability.language) \(capability.capability)", nameWidth + expectWidth)
                    + counts(capability.cases, capability.failureRate))
            for test in capability.tests {
                var line =
                    padded("  " + test.name, nameWidth) + padded(test.expectation.rawValue, expectWidth)
                    + counts(test.cases, test.failureRate)
                if let shift = test.shift {
                    line +=
                        "   shift mean \(Self.number(Float(shift.mean))), max \(Self.number(Float(shift.max)))"
                }
                if let tolerance = test.tolerance { line += "   tolerance \(Self.number(tolerance))" }
                if let margin = test.margin { line += "   margin \(Self.number(margin))" }
                lines.append(line)
                for example in test.examples { lines.append("      " + Self.describe(example)) }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `0.9712 positive  text`, or for a pair `0.95 positive -> 0.81 positive  base -> variant`.
    static func describe(_ example: FailingExample) -> String {
        let base = "\(number(example.probability)) \(example.label.rawValue)"
        guard let variant = example.variant, let probability = example.variantProbability,
            let label = example.variantLabel
        else { return "\(base)  \(example.text)" }
        return "\(base) -> \(number(probability)) \(label.rawValue)  \(example.text) -> \(variant)"
    }

    static func percent(_ rate: Double) -> String { String(format: "%.1f %%", rate * 100) }

    static func number(_ value: Float) -> String { String(format: "%.4f", value) }
}
