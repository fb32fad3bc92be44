import Foundation
import SentimentKit
import Testing
import Tokenizer

@testable import SentimentCLI

@Suite struct TokenizeStreamingTests {
    private func run(_ bytes: [UInt8], blockSize: Int, threads: Int = 2) throws -> (String, Int) {
        let tokenizer = try ParallelLineTokenizer(threads: threads)
        var output: [UInt8] = []
        let invalid = try TokenizeCommand.tokenize(
            InputFile(bytes: bytes, name: "t"), with: tokenizer, blockSize: blockSize
        ) { output += $0 }
        return (String(decoding: output, as: UTF8.self), invalid)
    }

    @Test func smallBlocksGiveTheSameOutputAsOneBlock() throws {
        let lines = (0..<500).map { "Line \($0): GREAT film :) 酒店\($0 % 7 == 0 ? "" : " x")" }
        let text = Array(lines.joined(separator: "\n").utf8)
        let (whole, _) = try run(text, blockSize: 1 << 20)
        for blockSize in [1, 7, 64, 1000] {
            #expect(try run(text, blockSize: blockSize).0 == whole)
        }
        #expect(whole.split(separator: "\n", omittingEmptySubsequences: false).count == lines.count + 1)
    }

    @Test func bomIsDroppedAndInvalidLinesCounted() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("Hi\n".utf8) + [0xFF, 0x0A] + Array("ok".utf8)
        let (output, invalid) = try run(bytes, blockSize: 2)
        #expect(output == "hi\n\u{FFFD}\nok\n")
        #expect(invalid == 1)
    }

    @Test func emptyInputGivesNoOutput() throws {
        #expect(try run([], blockSize: 16).0 == "")
    }
}

@Suite struct TokenizeCommandEndToEndTests {
    @Test func standardInputToStandardOutput() throws {
        let result = try SentimentBinary.run(
            ["tokenize"], input: Array("I didn’t LIKE it :)\n\n这家酒店很好\n".utf8))
        #expect(result.status == 0)
        #expect(result.standardOutput == "i didn't like it :)\n\n这 家 酒店 很好\n")
        #expect(result.standardError == "")
    }

    @Test func filesKeepTheirOrderAndLinesWithThreads() throws {
        try withTemporaryDirectory { directory in
            let first = directory.appendingPathComponent("a.txt")
            let second = directory.appendingPathComponent("b.txt")
            let lines = (0..<30000).map { "Review \($0) was GOOD :)" }
            try Data(lines.joined(separator: "\n").utf8).write(to: first)
            try Data("last\r\n".utf8).write(to: second)
            let result = try SentimentBinary.run(["tokenize", "--threads", "2", first.path, second.path])
            #expect(result.status == 0)
            let output = result.standardOutput.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(output.count == lines.count + 2)
            #expect(output[12345] == "review 12345 was good :)")
            #expect(output[lines.count] == "last")
        }
    }

    @Test func invalidUTF8IsReportedOnStandardError() throws {
        let input = Array("good\n".utf8) + [0xC3] + Array("\nok\n".utf8) + [0xFF, 0xFE, 0x0A]
        let result = try SentimentBinary.run(["tokenize"], input: input)
        #expect(result.status == 0)
        #expect(result.standardOutput == "good\n\u{FFFD}\nok\n\u{FFFD} \u{FFFD}\n")
        #expect(result.standardError == "<stdin>: 2 lines had invalid UTF-8 (replaced with U+FFFD)\n")
    }

    @Test func keepCaseAndLocaleOptions() throws {
        let result = try SentimentBinary.run(
            ["tokenize", "--keep-case", "--locale", "th"], input: Array("Good ภาษาไทย\n".utf8))
        #expect(result.status == 0)
        #expect(result.standardOutput == "Good ภาษา ไทย\n")
    }

    @Test func missingFileIsAOneLineError() throws {
        try withTemporaryDirectory { directory in
            let missing = directory.appendingPathComponent("nothere.txt").path
            let result = try SentimentBinary.run(["tokenize", missing])
            #expect(result.status != 0)
            #expect(result.standardOutput == "")
            #expect(result.standardError == "Error: \(missing): cannot open: No such file or directory\n")
        }
    }

    @Test func helpHasExamples() throws {
        let result = try SentimentBinary.run(["tokenize", "--help"])
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("--keep-case"))
        #expect(result.standardOutput.contains("sentiment tokenize reviews.txt"))
    }

    @Test func badThreadCountIsRejected() throws {
        let result = try SentimentBinary.run(["tokenize", "--threads", "0"])
        #expect(result.status != 0)
        #expect(result.standardError.contains("--threads must be at least 1"))
    }
}
