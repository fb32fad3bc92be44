import Foundation
import Testing

/// The general model compiled into the executable (issue 24): used when no model is given, named
/// `default`, carried by a binary copied on its own.
@Suite struct BundledModelTests {
    /// Scores `lines` with `arguments`, from `directory`, with no model in the environment.
    private func score(
        _ lines: [String], _ arguments: [String] = [], binary: URL? = nil, in directory: URL
    ) throws -> (probabilities: [Double], labels: [String], standardError: String, status: Int32) {
        let process = Process()
        process.executableURL = try #require(binary ?? SentimentBinary.url)
        process.arguments = ["score"] + arguments
        process.currentDirectoryURL = directory
        process.environment = environment()
        let input = Pipe(), output = Pipe(), error = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error
        try process.run()
        input.fileHandleForWriting.write(Data(lines.map { $0 + "\n" }.joined().utf8))
        try input.fileHandleForWriting.close()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let rows = String(decoding: outputData, as: UTF8.self).split(separator: "\n").map {
            $0.split(separator: "\t")
        }
        return (
            rows.compactMap { $0.first.flatMap { Double($0) } }, rows.compactMap { $0.dropFirst().first.map(String.init) },
            String(decoding: errorData, as: UTF8.self), process.terminationStatus
        )
    }

    private let english = [
        "great film, I loved every minute", "a wonderful, moving story", "excellent product, works perfectly",
        "terrible film, a waste of time", "boring and far too long", "it broke after two days, awful quality",
    ]
    private let chinese = ["质量很好，非常满意", "房间干净，服务很好", "太差了，完全不能用", "服务态度恶劣，再也不来了"]

    @Test func aBinaryCopiedAloneIntoAnEmptyDirectoryScoresEnglishAndChinese() throws {
        let original = try #require(SentimentBinary.url)
        try withTemporaryDirectory { directory in
            let bin = directory.appendingPathComponent("bin")
            let empty = directory.appendingPathComponent("empty")
            try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
            let copy = bin.appendingPathComponent("sentiment")
            try FileManager.default.copyItem(at: original, to: copy)
            let result = try score(english + chinese, binary: copy, in: empty)
            #expect(result.status == 0, "\(result.standardError)")
            let note = "no model given: using the bundled general model (English and Chinese reviews); "
                + "train your own for your domain, see sentiment train --help\n"
            #expect(result.standardError == note, "said once, and nothing else")
            #expect(result.probabilities.count == english.count + chinese.count)
            // The first half of each language is praise, the second half complaint.
            let expected = [true, true, true, false, false, false, true, true, false, false]
            for (index, probability) in result.probabilities.enumerated() {
                #expect((probability > 0.5) == expected[index], "\((english + chinese)[index]): \(probability)")
            }
            #expect(result.labels == expected.map { $0 ? "positive" : "negative" })
            #expect(try FileManager.default.contentsOfDirectory(atPath: empty.path).isEmpty, "nothing is written")
        }
    }

    @Test func defaultNamesTheBundledModelEverywhereAModelIsNamed() throws {
        try withTemporaryDirectory { directory in
            let implicit = try score(english, in: directory)
            let named = try score(english, ["--model", "default"], in: directory)
            #expect(named.status == 0 && implicit.status == 0)
            #expect(named.probabilities == implicit.probabilities)
            #expect(named.standardError == "", "a model asked for by name needs no note")

            let info = try SentimentBinary.run(["info", "--model", "default"], in: directory, environment: environment())
            #expect(info.status == 0, "\(info.standardError)")
            #expect(info.standardOutput.hasPrefix("model          default: the bundled general model"))
            #expect(info.standardOutput.contains("vectors"), "its training record names the bundled vectors")
        }
    }

    @Test func trainInitDefaultFineTunesTheBundledModel() throws {
        try withTemporaryDirectory { directory in
            // A domain where the general model is wrong: "cold" is praise for a fridge.
            var rows = ["label\ttext"]
            for index in 0..<40 {
                rows.append("1\tthe fridge keeps everything cold \(index)")
                rows.append("0\tthe fridge is warm inside \(index)")
            }
            let corpus = directory.appendingPathComponent("fridges.tsv")
            try Data((rows.joined(separator: "\n") + "\n").utf8).write(to: corpus)
            let tuned = directory.appendingPathComponent("fridges.safetensors")
            let train = try SentimentBinary.run(
                ["train", corpus.path, "--init", "default", "--epochs", "3", "--valid-split", "0", "--model",
                 tuned.path, "--threads", "1"],
                in: directory, environment: environment())
            #expect(train.status == 0, "\(train.standardError)")
            let texts = ["the fridge keeps everything cold", "the fridge is warm inside"]
            let before = try score(texts, ["--model", "default"], in: directory)
            let after = try score(texts, ["--model", tuned.path], in: directory)
            #expect(after.status == 0)
            #expect(after.labels == ["positive", "negative"], "\(before.probabilities) → \(after.probabilities)")
            #expect(after.probabilities != before.probabilities)
            let info = try SentimentBinary.run(["info", "--model", tuned.path], environment: environment())
            let bundled = try SentimentBinary.run(["info", "--model", "default"], environment: environment())
            func vocabularyLine(_ text: String) -> Substring? { text.split(separator: "\n").first { $0.hasPrefix("vocabulary") } }
            #expect(vocabularyLine(info.standardOutput) == vocabularyLine(bundled.standardOutput), "the vocabulary is kept")
        }
    }
}
