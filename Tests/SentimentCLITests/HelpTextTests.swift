import Foundation
import Testing

/// `--help` on an 80-column terminal: nothing wider, and no example broken in the middle of a command
/// (pasting it would run half a command).
@Suite struct HelpTextTests {
    static let width = 80

    @Test(arguments: [[], ["train"], ["score"], ["explain"], ["eval"], ["check"], ["info"], ["tokenize"], ["vocab"], ["serve"]])
    func everyLineFitsAndExamplesWrapOnlyAsShellContinuations(command: [String]) throws {
        let result = try SentimentBinary.run(
            command + ["--help"], environment: environment(["COLUMNS": "\(Self.width)"]))
        #expect(result.status == 0)
        let lines = outputLines(result.standardOutput)
        #expect(lines.count > 5)
        for line in lines {
            #expect(line.count <= Self.width || line.hasSuffix(" \\"), "too wide: \(line)")
        }
        // Example lines are indented commands; a line the help printer wrapped would start at column 0.
        var inExamples = false
        var continues = false
        var examples = 0
        for line in lines {
            if line == "Examples:" || line.hasSuffix(" it:") || line.hasSuffix("with it:") {
                inExamples = true
                continue
            }
            guard inExamples else { continue }
            if line.isEmpty {
                inExamples = false
                continue
            }
            #expect(line.hasPrefix(continues ? "      " : "  "), "an example broken mid-command: \(line)")
            #expect(line.count <= Self.width)
            continues = line.hasSuffix(" \\")
            examples += 1
        }
        #expect(examples >= 2, "no examples found in the help of \(command)")
        #expect(!continues, "the last example ends in a continuation")
    }
}
