import Foundation
import SentimentKit
import Testing

/// `score --no-header` and `--id-column`, and `explain --id-column`: what a pipeline feeding lines from
/// a program (Spark's `RDD.pipe`, Hadoop Streaming) relies on.
@Suite struct LineLayoutOptionTests {
    private func trainedModel() throws -> URL { try TestModelFiles.trained.get() }

    /// The probabilities `score` prints for `texts`, one text per line, read whole (each text is a line).
    private func scored(_ texts: [String], model: URL) throws -> [String] {
        let result = try SentimentBinary.run(
            ["score", "-m", model.path, "--no-header"],
            input: Array((texts.joined(separator: "\n") + "\n").utf8))
        #expect(result.status == 0, "\(result.standardError)")
        return outputLines(result.standardOutput).map { String($0.split(separator: "\t")[0]) }
    }

    @Test func noHeaderScoresAHeaderLikeFirstLineAsText() throws {
        let model = try trainedModel()
        let input = Array("label\ttext\ngreat film\n".utf8)
        // Guessed as a header, the second line has no column 2 and the run stops (the trap in a pipe).
        let guessed = try SentimentBinary.run(["score", "-m", model.path], input: input)
        #expect(guessed.status != 0)
        #expect(guessed.standardError.contains("<stdin>:2: has no column 2"), "\(guessed.standardError)")

        let plain = try SentimentBinary.run(["score", "-m", model.path, "--no-header"], input: input)
        #expect(plain.status == 0, "\(plain.standardError)")
        #expect(plain.standardError == "")
        let lines = outputLines(plain.standardOutput)
        #expect(lines.count == 2)
        let probabilities = try TextScorer(
            model: SentimentModel(contentsOf: model, threadCount: 1), threads: 1
        )
        .probabilities(for: ["label\ttext", "great film"])
        let printed = lines.compactMap { Float($0.split(separator: "\t")[0]) }
        #expect(printed.count == 2)
        #expect(
            zip(printed, probabilities).allSatisfy { abs($0 - $1) <= 1e-5 }, "\(printed) \(probabilities)")

        // With --text-column too, a first row whose column is named "text" is scored, not a header.
        let column = try SentimentBinary.run(
            ["score", "-m", model.path, "--no-header", "--text-column", "2", "--with-text"],
            input: Array("1\ttext\n0\tawful\n".utf8))
        #expect(column.status == 0, "\(column.standardError)")
        let rows = outputLines(column.standardOutput)
        #expect(rows.count == 2)
        #expect(rows.map { $0.split(separator: "\t").last } == ["text", "awful"])
    }

    @Test func idColumnIsEchoedFirstAndTheRestOfTheLineScored() throws {
        let model = try trainedModel()
        let texts = ["A heavenly tiramisu", "rude\tstaff, cold food", "", "label\ttext"]
        let ids = ["r-1", "17", "007", "x y"]
        let input = Array(zip(ids, texts).map { "\($0)\t\($1)\n" }.joined().utf8)
        let expected = try scored(texts, model: model)
        #expect(Set(expected).count == texts.count)

        let tsv = try SentimentBinary.run(
            ["score", "-m", model.path, "--no-header", "--id-column", "1", "--with-text"], input: input)
        #expect(tsv.status == 0, "\(tsv.standardError)")
        let rows = outputLines(tsv.standardOutput).map {
            $0.split(separator: "\t", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
        }
        #expect(rows.map { $0[0] } == ids)
        #expect(rows.map { $0[1] } == expected)
        #expect(rows.map { $0[3] } == texts)

        let jsonl = try SentimentBinary.run(
            ["score", "-m", model.path, "--no-header", "--id-column", "1", "--format", "jsonl"], input: input)
        #expect(jsonl.status == 0, "\(jsonl.standardError)")
        let objects = try outputLines(jsonl.standardOutput).map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(objects.map { Set($0.keys) } == Array(repeating: ["id", "probability", "label"], count: 4))
        // Ids stay strings ("007" is not the number 7).
        #expect(objects.map { $0["id"] as? String } == ids)
        #expect(objects.map { ($0["probability"] as? NSNumber)?.floatValue } == expected.map { Float($0) })

        // The id in the middle of the line: the text is the columns around it.
        let middle = try SentimentBinary.run(
            ["score", "-m", model.path, "--no-header", "--id-column", "2"],
            input: Array("rude\t9\tstaff, cold food\n".utf8))
        #expect(
            outputLines(middle.standardOutput).map { $0.split(separator: "\t").prefix(2).map(String.init) }
                == [
                    ["9", expected[1]]
                ])
    }

    @Test func idAndTextColumnsTogetherWithAHeaderRow() throws {
        let model = try trainedModel()
        let table = "review_id\tlabel\ttext\n41\t1\tA heavenly tiramisu\n42\t0\tRude staff\n"
        let expected = try scored(["A heavenly tiramisu", "Rude staff"], model: model)
        let explicit = try SentimentBinary.run(
            ["score", "-m", model.path, "--id-column", "1", "--text-column", "3"], input: Array(table.utf8))
        #expect(explicit.status == 0, "\(explicit.standardError)")
        let lines = outputLines(explicit.standardOutput).map { $0.split(separator: "\t").map(String.init) }
        #expect(lines.first == ["review_id", "probability", "label"])
        #expect(lines.dropFirst().map { [$0[0], $0[1]] } == [["41", expected[0]], ["42", expected[1]]])

        // Without --text-column the header's text column is found, as without --id-column.
        let guessed = try SentimentBinary.run(
            ["score", "-m", model.path, "--id-column", "1"], input: Array(table.utf8))
        #expect(guessed.status == 0, "\(guessed.standardError)")
        #expect(guessed.standardOutput == explicit.standardOutput)
        #expect(guessed.standardError.contains("<stdin>:1: a header: scoring its column 3"))

        // A header naming the id column as the text stops the run before any output.
        let clash = try SentimentBinary.run(
            ["score", "-m", model.path, "--id-column", "1"], input: Array("text\tid\nfine\t1\n".utf8))
        #expect(clash.status != 0)
        #expect(clash.standardOutput == "")
        #expect(
            clash.standardError
                == "Error: <stdin>:1: a header naming column 1 (\"text\") as the text, but --id-column 1 is the id; "
                + "--text-column N names the column to score\n")
    }

    @Test func aLineWithoutItsIdStopsTheRunNamingFileAndLine() throws {
        let model = try trainedModel()
        try withTemporaryDirectory { directory in
            let input = directory.appendingPathComponent("ids.tsv")
            try Data("1\tgood\n2\tbad\n\n4\tfine\n".utf8).write(to: input)
            let output = directory.appendingPathComponent("scores.tsv")
            let result = try SentimentBinary.run(
                ["score", "-m", model.path, "--no-header", "--id-column", "1", input.path, "-o", output.path])
            #expect(result.status == 1)
            #expect(
                result.standardError
                    == "Error: \(input.path):3: has no tab: --id-column 1 needs the id and, in other columns, the text\n"
            )
            #expect(!FileManager.default.fileExists(atPath: output.path))

            let invalid = try SentimentBinary.run(["score", "--id-column", "0", input.path])
            #expect(invalid.status == 64)
            #expect(invalid.standardError.hasPrefix("Error: --id-column must be at least 1\n"))
            let same = try SentimentBinary.run([
                "score", "--id-column", "2", "--text-column", "2", input.path,
            ])
            #expect(same.status == 64)
            #expect(same.standardError.contains("--id-column and --text-column are both 2"))
        }
    }

    @Test func anIdWithInvalidUTF8IsRepairedSoTheOutputStaysUTF8() throws {
        let model = try trainedModel()
        let input: [UInt8] = [0x37, 0xFF, 0x09] + Array("great film\n8\tawful\n".utf8)
        let result = try SentimentBinary.run(
            ["score", "-m", model.path, "--no-header", "--id-column", "1", "--format", "jsonl"], input: input)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(String(validating: result.standardOutputBytes, as: UTF8.self) != nil)
        #expect(result.standardOutput.hasPrefix("{\"id\":\"7\u{FFFD}\",\"probability\":"))
        #expect(result.standardError == "<stdin>: 1 line had invalid UTF-8 (replaced with U+FFFD)\n")
    }

    @Test func explainEchoesTheIdAndExplainsTheRestOfTheLine() throws {
        let model = try trainedModel()
        let texts = ["A heavenly\ttiramisu", "Rude staff", ""]
        let bare = try SentimentBinary.run(
            ["explain", "-m", model.path, "--method", "occlusion", "--format", "tsv"],
            input: Array(texts.map { "\($0)\n" }.joined().utf8))
        #expect(bare.status == 0, "\(bare.standardError)")
        let withIDs = try SentimentBinary.run(
            ["explain", "-m", model.path, "--method", "occlusion", "--format", "tsv", "--id-column", "1"],
            input: Array(texts.enumerated().map { "\($0.offset)\t\($0.element)\n" }.joined().utf8))
        #expect(withIDs.status == 0, "\(withIDs.standardError)")
        #expect(
            outputLines(withIDs.standardOutput).map(String.init)
                == outputLines(bare.standardOutput).enumerated().map { "\($0.offset)\t\($0.element)" })
        #expect(outputLines(withIDs.standardOutput).count == texts.count)

        let jsonl = try SentimentBinary.run(
            ["explain", "-m", model.path, "--method", "occlusion", "--format", "jsonl", "--id-column", "1"],
            input: Array("a-1\tgreat film\n".utf8))
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(jsonl.standardOutputBytes)) as? [String: Any])
        #expect(object["id"] as? String == "a-1")
        #expect(Set(object.keys) == ["id", "probability", "logit", "baseline_logit", "method", "tokens"])

        let missing = try SentimentBinary.run(
            ["explain", "-m", model.path, "--id-column", "1", "--format", "tsv"],
            input: Array("1\tgood\nbad\n".utf8))
        #expect(missing.status == 1)
        #expect(missing.standardError.contains("<stdin>:2: has no tab"), "\(missing.standardError)")
    }
}
