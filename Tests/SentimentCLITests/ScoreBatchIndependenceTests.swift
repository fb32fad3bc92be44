import Foundation
import Testing

/// `sentiment score` prints the same probability for a line whatever else it is scored with: the lines of
/// a file on one thread or two, or the line alone on standard input (as a server answering one request,
/// or a Spark partition, would score it).
@Suite struct ScoreBatchIndependenceTests {
    @Test func aLineScoresTheSameAloneInAFileAndOnAnyThreadCount() throws {
        let corpus = try String(contentsOf: TestModelFiles.englishCorpus, encoding: .utf8)
        // The reviews' texts (without the header and labels), plus a few short and empty lines.
        let texts =
            outputLines(corpus).dropFirst().map { String($0.split(separator: "\t", maxSplits: 1)[1]) }
            + ["", "good", "not good", "awful awful awful"]
        try withTemporaryDirectory { directory in
            // Wider and more trained than the shared tiny model, whose probabilities (hidden 8, all near
            // 0.5) hide last-bit differences of its states: products of N = 120 columns and K = 40, the
            // wide channel, confident scores.
            let model = directory.appendingPathComponent("m.safetensors")
            let training = try SentimentBinary.run(
                ["train", TestModelFiles.englishCorpus.path, "--model", model.path, "--embedding-dim", "24",
                 "--hidden", "40", "--epochs", "30", "--valid-split", "0", "--pretrain-epochs", "0"])
            #expect(training.status == 0, "\(training.standardError)")
            let file = directory.appendingPathComponent("texts.txt")
            try Data((texts.joined(separator: "\n") + "\n").utf8).write(to: file)
            func score(_ arguments: [String], input: String = "") throws -> [Substring] {
                let result = try SentimentBinary.run(
                    ["score", "-m", model.path, "--no-header"] + arguments, input: Array(input.utf8))
                #expect(result.status == 0, "\(result.standardError)")
                return outputLines(result.standardOutput)
            }
            let oneThread = try score(["--threads", "1", file.path])
            #expect(oneThread.count == texts.count)
            // The texts do score differently, so a line given another's score would show.
            #expect(Set(oneThread).count > 300)
            #expect(try score(["--threads", "2", file.path]) == oneThread)
            // Lines of every length (the file's order is the corpus's), each alone on standard input.
            for index in stride(from: 0, to: texts.count, by: 8) {
                let alone = try score(["--threads", "1"], input: texts[index] + "\n")
                #expect(alone == [oneThread[index]], "line \(index + 1): \(texts[index])")
            }
        }
    }
}
