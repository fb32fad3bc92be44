import Foundation
import GRUClassifier
import SentimentKit
import Testing

/// One parsed "probability<TAB>label[<TAB>text]" line of `score`.
private struct ScoreLine {
    var probability: Float
    var label: String
    var text: String?

    init?(_ line: Substring) {
        let fields = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false)
        guard fields.count >= 2, let probability = Float(fields[0]),
            fields[1] == "positive" || fields[1] == "negative"
        else { return nil }
        self.probability = probability
        self.label = String(fields[1])
        self.text = fields.count == 3 ? String(fields[2]) : nil
    }
}

/// The score lines of `output`, recording an issue for each line that does not parse.
private func scoreLines(_ output: String, sourceLocation: SourceLocation = #_sourceLocation) -> [ScoreLine] {
    outputLines(output).compactMap { line in
        let parsed = ScoreLine(line)
        if parsed == nil {
            Issue.record("not a score line: \(line.debugDescription)", sourceLocation: sourceLocation)
        }
        return parsed
    }
}

private func trainedModel() throws -> URL { try TestModelFiles.trained.get() }

/// Probabilities of `texts` computed in this process with the model file at `url`.
private func referenceProbabilities(_ texts: [String], model url: URL) throws -> [Float] {
    try TextScorer(model: SentimentModel(contentsOf: url, threadCount: 1), threads: 1).probabilities(
        for: texts)
}

/// The command's probabilities are exactly the library's: a text scores the same bits in any batch (the
/// command cuts its input into batches of its own), and `score` prints a probability in full (the shortest
/// decimal that reads back as the same float).
private func expectSameBits(
    _ actual: [Float], _ expected: [Float], sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(
        actual.map(\.bitPattern) == expected.map(\.bitPattern), "\(actual) vs \(expected)",
        sourceLocation: sourceLocation)
}

@Suite struct ScoreCommandTests {
    @Test func oneLineOutPerLineInAcrossFilesInOrder() throws {
        let model = try trainedModel()
        try withTemporaryDirectory { directory in
            let first = directory.appendingPathComponent("a.txt")
            let second = directory.appendingPathComponent("b.txt")
            let firstBytes =
                Array("The staff were lovely.\n\n".utf8) + [0xC3, 0x28] + Array(" awful food\nrude".utf8)
            try Data(firstBytes).write(to: first)
            try Data("Terrible service, never again.\r\nA heavenly tiramisu\n\n".utf8).write(to: second)
            let result = try SentimentBinary.run(["score", "-m", model.path, first.path, second.path])
            #expect(result.status == 0, "\(result.standardError)")
            #expect(
                result.standardError == "\(first.path): 1 line had invalid UTF-8 (replaced with U+FFFD)\n")
            let lines = scoreLines(result.standardOutput)
            #expect(lines.count == 7)
            #expect(lines.allSatisfy { ($0.probability >= 0.5) == ($0.label == "positive") })
            let texts = [
                "The staff were lovely.", "", "\u{FFFD}( awful food", "rude",
                "Terrible service, never again.",
                "A heavenly tiramisu", "",
            ]
            let expected = try referenceProbabilities(texts, model: model)
            // Distinct texts score differently, so a line out of order would show.
            #expect(Set(expected.dropLast()).count == 6)
            expectSameBits(lines.map(\.probability), expected)
        }
    }

    @Test func standardInputAndDashAreTheSame() throws {
        let model = try trainedModel()
        let input = Array("great film\nawful\n".utf8)
        let implicit = try SentimentBinary.run(["score", "-m", model.path], input: input)
        let dash = try SentimentBinary.run(["score", "-m", model.path, "-"], input: input)
        #expect(implicit.status == 0 && dash.status == 0)
        #expect(implicit.standardOutput == dash.standardOutput)
        #expect(scoreLines(implicit.standardOutput).count == 2)
        #expect(try SentimentBinary.run(["score", "-m", model.path], input: []).standardOutput == "")
    }

    @Test func jsonLinesParseWithANumericProbabilityAndTheText() throws {
        let model = try trainedModel()
        let texts = [
            "plain", "quote \" and backslash \\ and tab \t here", "control \u{01} 😀 日本語", "",
        ]
        let input = Array((texts.joined(separator: "\n") + "\n").utf8)
        let result = try SentimentBinary.run(
            ["score", "-m", model.path, "--format", "jsonl", "--with-text"], input: input)
        #expect(result.status == 0, "\(result.standardError)")
        let lines = outputLines(result.standardOutput)
        #expect(lines.count == texts.count)
        var probabilities: [Float] = []
        for (line, text) in zip(lines, texts) {
            #expect(line.hasPrefix("{\"probability\":"))
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
            #expect(Set(object.keys) == ["probability", "label", "text"])
            let probability = try #require(object["probability"] as? NSNumber)
            #expect(!(object["probability"] is String))
            let label = try #require(object["label"] as? String)
            #expect(label == (probability.floatValue >= 0.5 ? "positive" : "negative"))
            #expect(object["text"] as? String == text)
            probabilities.append(probability.floatValue)
        }
        expectSameBits(probabilities, try referenceProbabilities(texts, model: model))

        let bare = try SentimentBinary.run(["score", "-m", model.path, "--format", "jsonl"], input: input)
        for line in outputLines(bare.standardOutput) {
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(Set(object.keys) == ["probability", "label"])
        }
    }

    @Test func withTextAddsTheLineAsAThirdColumn() throws {
        let model = try trainedModel()
        let texts = ["Great film!", "", "not good :("]
        let result = try SentimentBinary.run(
            ["score", "-m", model.path, "--with-text"], input: Array(texts.joined(separator: "\n").utf8))
        #expect(result.status == 0)
        let lines = scoreLines(result.standardOutput)
        #expect(lines.map(\.text) == texts)
    }

    @Test func outputFileIsWrittenAtomically() throws {
        let model = try trainedModel()
        try withTemporaryDirectory { directory in
            let input = directory.appendingPathComponent("in.txt")
            try Data("good\nbad\nfine\n".utf8).write(to: input)
            let output = directory.appendingPathComponent("scores.tsv")
            try Data("old scores\n".utf8).write(to: output)
            let result = try SentimentBinary.run(["score", "-m", model.path, input.path, "-o", output.path])
            #expect(result.status == 0, "\(result.standardError)")
            #expect(result.standardOutput == "")
            let written = try String(contentsOf: output, encoding: .utf8)
            #expect(scoreLines(written).count == 3)
            let toStandardOutput = try SentimentBinary.run(["score", "-m", model.path, input.path])
            #expect(written == toStandardOutput.standardOutput)
            #expect(
                try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == [
                    "in.txt", "scores.tsv",
                ])
        }
    }

    @Test func failedRunLeavesNoOutputFileAndKeepsAnOldOne() throws {
        let model = try trainedModel()
        try withTemporaryDirectory { directory in
            // Line 3 has no second column: scoring stops there, after earlier lines were scored.
            let input = directory.appendingPathComponent("in.tsv")
            try Data("1\tgood\n0\tbad\nno column here\n1\tfine\n".utf8).write(to: input)
            let fresh = directory.appendingPathComponent("fresh.tsv")
            let result = try SentimentBinary.run(
                ["score", "-m", model.path, "--text-column", "2", input.path, "-o", fresh.path])
            #expect(result.status != 0)
            #expect(
                result.standardError.contains("\(input.path):3: has no column 2"), "\(result.standardError)")
            #expect(!FileManager.default.fileExists(atPath: fresh.path))

            let existing = directory.appendingPathComponent("existing.tsv")
            try Data("keep me\n".utf8).write(to: existing)
            let again = try SentimentBinary.run(
                ["score", "-m", model.path, "--text-column", "2", input.path, "-o", existing.path])
            #expect(again.status != 0)
            #expect(try String(contentsOf: existing, encoding: .utf8) == "keep me\n")
            #expect(
                try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == [
                    "existing.tsv", "in.tsv",
                ])

            let unwritable = directory.appendingPathComponent("no/such/dir/out.tsv").path
            let badPath = try SentimentBinary.run(["score", "-m", model.path, input.path, "-o", unwritable])
            #expect(badPath.status != 0)
            #expect(badPath.standardError.contains(unwritable), "\(badPath.standardError)")
        }
    }

    @Test func textColumnScoresThatColumnAndHandlesTheHeaderRow() throws {
        let model = try trainedModel()
        try withTemporaryDirectory { directory in
            let table = directory.appendingPathComponent("test.tsv")
            try Data("label\ttext\tid\n1\tA heavenly tiramisu\t7\n0\tRude staff\t8\n".utf8).write(to: table)
            let tsv = try SentimentBinary.run(["score", "-m", model.path, "--text-column", "2", table.path])
            #expect(tsv.status == 0, "\(tsv.standardError)")
            let lines = outputLines(tsv.standardOutput)
            #expect(lines.first == "probability\tlabel")
            #expect(lines.count == 3)
            let scored = scoreLines(lines.dropFirst().joined(separator: "\n"))
            expectSameBits(
                scored.map(\.probability),
                try referenceProbabilities(["A heavenly tiramisu", "Rude staff"], model: model))

            let withText = try SentimentBinary.run(
                ["score", "-m", model.path, "--text-column", "2", "--with-text", table.path])
            let withTextLines = outputLines(withText.standardOutput)
            #expect(withTextLines.first == "probability\tlabel\ttext")
            #expect(
                withTextLines.dropFirst().map { ScoreLine($0)?.text } == [
                    "A heavenly tiramisu", "Rude staff",
                ])

            // JSON Lines has no header row: the header is skipped.
            let jsonl = try SentimentBinary.run(
                ["score", "-m", model.path, "--text-column", "2", "--format", "jsonl", table.path])
            #expect(outputLines(jsonl.standardOutput).count == 2)

            // Without a header every row is scored.
            let headless = directory.appendingPathComponent("headless.tsv")
            try Data("1\tA heavenly tiramisu\n0\tRude staff\n".utf8).write(to: headless)
            let plain = try SentimentBinary.run([
                "score", "-m", model.path, "--text-column", "2", headless.path,
            ])
            #expect(outputLines(plain.standardOutput) == lines.dropFirst().map { $0 })
        }
    }

    @Test func aLabelledTSVWithAHeaderHasItsTextColumnScoredWithoutTextColumn() throws {
        let model = try trainedModel()
        try withTemporaryDirectory { directory in
            let table = directory.appendingPathComponent("test.tsv")
            try Data("label\ttext\tid\n1\tA heavenly tiramisu\t7\n0\tRude staff\t8\n".utf8).write(to: table)
            let automatic = try SentimentBinary.run(["score", "-m", model.path, "--with-text", table.path])
            #expect(automatic.status == 0, "\(automatic.standardError)")
            #expect(
                automatic.standardError
                    == "\(table.path):1: a header: scoring its column 2 (\"text\") on every line; --text-column N "
                    + "chooses another\n")
            let explicit = try SentimentBinary.run(
                ["score", "-m", model.path, "--with-text", "--text-column", "2", table.path])
            #expect(automatic.standardOutput == explicit.standardOutput)
            // The labels never reach the scorer.
            #expect(
                outputLines(automatic.standardOutput).dropFirst().map { ScoreLine($0)?.text } == [
                    "A heavenly tiramisu", "Rude staff",
                ])

            let noText = directory.appendingPathComponent("ids.tsv")
            try Data("label\tid\n1\t7\n".utf8).write(to: noText)
            let refused = try SentimentBinary.run(["score", "-m", model.path, noText.path])
            #expect(refused.status == 1)
            #expect(
                refused.standardError
                    == "Error: \(noText.path):1: a header without a text column (label, id); --text-column N names "
                    + "the column to score\n")
            #expect(refused.standardOutput == "")

            // Headerless labelled lines are scored whole, with a warning that says how to score the text.
            let headless = directory.appendingPathComponent("headless.tsv")
            try Data("1\tA heavenly tiramisu\n".utf8).write(to: headless)
            let warned = try SentimentBinary.run(["score", "-m", model.path, headless.path])
            #expect(warned.status == 0)
            #expect(outputLines(warned.standardOutput).count == 1)
            #expect(warned.standardError.contains("(--text-column 2 scores the text alone)"))
        }
    }

    @Test func textColumnScoresEmptyLinesAndStopsAtARowWithoutTheColumn() throws {
        let model = try trainedModel()
        try withTemporaryDirectory { directory in
            let table = directory.appendingPathComponent("gaps.tsv")
            try Data("1\tA heavenly tiramisu\n\n0\tRude staff\n".utf8).write(to: table)
            let scored = try SentimentBinary.run([
                "score", "-m", model.path, "--text-column", "2", table.path,
            ])
            #expect(scored.status == 0, "\(scored.standardError)")
            let probabilities = scoreLines(scored.standardOutput).map(\.probability)
            expectSameBits(
                probabilities,
                try referenceProbabilities(["A heavenly tiramisu", "", "Rude staff"], model: model))

            let ragged = directory.appendingPathComponent("ragged.tsv")
            try Data("1\tA heavenly tiramisu\nno tab here\n".utf8).write(to: ragged)
            let failed = try SentimentBinary.run([
                "score", "-m", model.path, "--text-column", "2", ragged.path,
            ])
            #expect(failed.status != 0)
            #expect(failed.standardError.contains("\(ragged.path):2:"), "\(failed.standardError)")
        }
    }

    @Test func thresholdOptionAndTheModelsThreshold() throws {
        try withTemporaryDirectory { directory in
            // σ(1) ≈ 0.731 for every text.
            let model = directory.appendingPathComponent("constant.safetensors")
            try TestModelFiles.writeConstantModel(logit: 1, threshold: 0.75, to: model)
            func labels(_ options: [String], model: URL) throws -> [String] {
                let result = try SentimentBinary.run(
                    ["score", "-m", model.path] + options, input: Array("good\nbad\n".utf8))
                #expect(result.status == 0, "\(result.standardError)")
                return scoreLines(result.standardOutput).map(\.label)
            }
            #expect(try labels([], model: model) == ["negative", "negative"])  // the model's 0.75
            #expect(try labels(["--threshold", "0.7"], model: model) == ["positive", "positive"])
            #expect(try labels(["--threshold", "0.8"], model: model) == ["negative", "negative"])
            #expect(try labels(["--threshold", "0"], model: model) == ["positive", "positive"])

            let invalid = try SentimentBinary.run(["score", "-m", model.path, "--threshold", "1.5"])
            #expect(invalid.status == 64)
            #expect(invalid.standardError.contains("--threshold must be in [0, 1]"))
        }
    }

    @Test func modelIsFoundByOptionThenEnvironmentThenWorkingDirectory() throws {
        try withTemporaryDirectory { directory in
            let byOption = directory.appendingPathComponent("option.safetensors")
            let byEnvironment = directory.appendingPathComponent("environment.safetensors")
            let workingDirectory = directory.appendingPathComponent("work")
            try FileManager.default.createDirectory(at: workingDirectory, withIntermediateDirectories: true)
            let byDefault = workingDirectory.appendingPathComponent("sentiment.safetensors")
            try TestModelFiles.writeConstantModel(logit: -2, to: byOption)
            try TestModelFiles.writeConstantModel(logit: 0, to: byEnvironment)
            try TestModelFiles.writeConstantModel(logit: 2, to: byDefault)

            func probability(_ arguments: [String], _ environment: [String: String]) throws -> Double? {
                let result = try SentimentBinary.run(
                    ["score"] + arguments, input: Array("good\n".utf8), in: workingDirectory,
                    environment: environment)
                #expect(result.status == 0, "\(result.standardError)")
                return scoreLines(result.standardOutput).first.map { Double($0.probability) }
            }
            func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }
            let withVariable = environment(["SENTIMENT_MODEL": byEnvironment.path])
            let all = try #require(try probability(["--model", byOption.path], withVariable))
            #expect(abs(all - sigmoid(-2)) < 1e-6)
            let variable = try #require(try probability([], withVariable))
            #expect(abs(variable - sigmoid(0)) < 1e-6)
            let local = try #require(try probability([], environment()))
            #expect(abs(local - sigmoid(2)) < 1e-6)
            let emptyVariable = try #require(try probability([], environment(["SENTIMENT_MODEL": ""])))
            #expect(abs(emptyVariable - sigmoid(2)) < 1e-6)

            try FileManager.default.removeItem(at: byDefault)
            let none = try SentimentBinary.run(
                ["score"], input: Array("good\n".utf8), in: workingDirectory, environment: environment())
            #expect(none.status != 0)
            #expect(none.standardOutput == "")
            #expect(
                none.standardError.hasPrefix(
                    "Error: sentiment.safetensors: no model here (the default when neither")
            )
            #expect(
                none.standardError.contains("sentiment train"), "the message should tell how to train one")
            let missingVariable = try SentimentBinary.run(
                ["score"], input: Array("good\n".utf8), in: workingDirectory,
                environment: environment([
                    "SENTIMENT_MODEL": directory.appendingPathComponent("gone.safetensors").path
                ]))
            #expect(missingVariable.status != 0)
            #expect(missingVariable.standardError.contains("gone.safetensors: no such model file"))
        }
    }

    @Test func unusableModelFilesAreNamed() throws {
        let trained = try trainedModel()
        try withTemporaryDirectory { directory in
            let garbage = directory.appendingPathComponent("garbage.safetensors")
            try Data("this is not a model\n".utf8).write(to: garbage)
            let truncated = directory.appendingPathComponent("truncated.safetensors")
            let bytes = try Data(contentsOf: trained)
            try bytes.prefix(bytes.count / 2).write(to: truncated)
            let safetensorsOnly = directory.appendingPathComponent("plain.safetensors")
            try SafeTensorsFile(tensors: [("x", Tensor(shape: [1], values: [1]))]).write(to: safetensorsOnly)
            for file in [garbage, truncated, safetensorsOnly] {
                let result = try SentimentBinary.run(["score", "-m", file.path], input: Array("good\n".utf8))
                #expect(result.status != 0)
                #expect(result.standardOutput == "")
                #expect(
                    result.standardError.hasPrefix("Error: \(file.path): not a usable model file: "),
                    "\(result.standardError)")
                #expect(outputLines(result.standardError).count == 1)
            }
            let folder = try SentimentBinary.run(
                ["score", "-m", directory.path], input: Array("good\n".utf8))
            #expect(folder.status != 0)
            #expect(folder.standardError.contains("\(directory.path): is a directory"))
        }
    }

    @Test func twentyThousandLinesGiveTwentyThousandLines() throws {
        let model = try trainedModel()
        let texts = (0..<20_000).map { index in
            index % 3 == 0 ? "" : "review \(index): the food was \(index % 2 == 0 ? "lovely" : "awful")"
        }
        let result = try SentimentBinary.run(
            ["score", "-m", model.path], input: Array(texts.joined(separator: "\n").utf8))
        #expect(result.status == 0, "\(result.standardError)")
        let lines = scoreLines(result.standardOutput)
        #expect(lines.count == 20_000)
        // Lines on both sides of the 1,024-line batch boundary keep their place.
        let samples = [0, 1, 1023, 1024, 1025, 12_345, 19_999]
        expectSameBits(
            samples.map { lines[$0].probability },
            try referenceProbabilities(samples.map { texts[$0] }, model: model))
    }

    @Test func linesAreAnsweredBeforeTheInputEnds() throws {
        let model = try trainedModel()
        let process = try InteractiveSentiment(["score", "-m", model.path])
        try process.send("A heavenly tiramisu\n")
        let first = try #require(process.readLine(timeout: 60), "no output line before standard input closed")
        #expect(ScoreLine(first[...]) != nil, "\(first)")
        try process.send("Rude staff\n")
        let second = try #require(
            process.readLine(timeout: 60), "no second line before standard input closed")
        #expect(ScoreLine(second[...]) != nil, "\(second)")
        #expect(try process.finish(timeout: 60) == 0)
        expectSameBits(
            [first, second].compactMap { ScoreLine($0[...])?.probability },
            try referenceProbabilities(["A heavenly tiramisu", "Rude staff"], model: model))
    }
}
