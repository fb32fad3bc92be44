import Foundation
import GRUClassifier
import SentimentKit
import Testing
import Tokenizer

private func trainedModel() throws -> URL { try TestModelFiles.trained.get() }

/// One parsed `explain --format jsonl` line, with its keys checked to be exactly the documented ones.
private struct ExplainedLine {
    var probability: Double
    var logit: Double
    var baselineLogit: Double
    var method: String
    var tokens: [String]
    var attributions: [Double]

    init(_ line: Substring, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            sourceLocation: sourceLocation)
        #expect(
            Set(object.keys) == ["probability", "logit", "baseline_logit", "method", "tokens"],
            sourceLocation: sourceLocation)
        probability = try #require(object["probability"] as? Double, sourceLocation: sourceLocation)
        logit = try #require(object["logit"] as? Double, sourceLocation: sourceLocation)
        baselineLogit = try #require(object["baseline_logit"] as? Double, sourceLocation: sourceLocation)
        method = try #require(object["method"] as? String, sourceLocation: sourceLocation)
        let entries = try #require(object["tokens"] as? [[String: Any]], sourceLocation: sourceLocation)
        tokens = []
        attributions = []
        for entry in entries {
            #expect(Set(entry.keys) == ["token", "attribution"], sourceLocation: sourceLocation)
            tokens.append(try #require(entry["token"] as? String, sourceLocation: sourceLocation))
            attributions.append(try #require(entry["attribution"] as? Double, sourceLocation: sourceLocation))
        }
    }

    /// `Σ attributions − (logit − baseline_logit)`.
    var completenessError: Double { attributions.reduce(0, +) - (logit - baselineLogit) }
}

/// Lines with an empty one, one of white space, invalid UTF-8, a CRLF end, a JSON-hostile one and one
/// longer than the test model's cut (400 tokens).
private let inputBytes: [UInt8] =
    Array("What a wonderful, heartfelt film.\n\n  \t\nThe food was cold and the staff were rude\r\n".utf8)
    + [0xC3, 0x28] + Array(" awful \"quoted\" \\ back\\slash\n".utf8)
    + Array((String(repeating: "a dull plot ", count: 150) + "but a great ending\n").utf8)
    + Array("no final newline".utf8)
private let inputLineCount = 7

@Suite struct ExplainCommandTests {
    @Test func jsonLinesHaveTheDocumentedShapeOneLinePerInputLine() throws {
        let model = try trainedModel()
        let result = try SentimentBinary.run(
            ["explain", "-m", model.path, "--format", "jsonl"], input: inputBytes)
        #expect(result.status == 0, "\(result.standardError)")
        let lines = try outputLines(result.standardOutput).map { try ExplainedLine($0) }
        #expect(lines.count == inputLineCount)
        #expect(result.standardError.contains("<stdin>: 1 line had invalid UTF-8"))
        // The probabilities `score` prints; the tokens `tokenize` prints, cut as the model cuts.
        let scored = try SentimentBinary.run(["score", "-m", model.path], input: inputBytes)
        let probabilities = outputLines(scored.standardOutput).map { Double($0.split(separator: "\t")[0])! }
        let tokenized = try SentimentBinary.run(["tokenize"], input: inputBytes)
        let tokens = outputLines(tokenized.standardOutput).map {
            $0.split(separator: " ").map(String.init)
        }
        for (index, line) in lines.enumerated() {
            #expect(line.method == "integrated_gradients")
            #expect(abs(line.probability - probabilities[index]) < 1e-6, "line \(index + 1)")
            #expect(abs(line.probability - 1 / (1 + exp(-line.logit))) < 1e-6)
            let expected =
                tokens[index].count > 400
                ? Array(tokens[index].prefix(100) + tokens[index].suffix(300)) : tokens[index]
            #expect(line.tokens == expected, "line \(index + 1)")
            if tokens[index].count <= 400 {
                #expect(abs(line.completenessError) <= 0.05 * abs(line.logit - line.baselineLogit) + 1e-4)
            }
        }
        #expect(lines[1].tokens.isEmpty && lines[2].tokens.isEmpty)
        #expect(lines[4].tokens.contains("\"quoted\"") || lines[4].tokens.contains("quoted"))
        #expect(lines[5].tokens.count == 400)
    }

    @Test func withoutATerminalTheOutputIsTokenAttributionPairs() throws {
        let model = try trainedModel()
        let input = Array("a great film\n\nterrible :)\n".utf8)
        let tsv = try SentimentBinary.run(["explain", "-m", model.path], input: input)
        let jsonl = try SentimentBinary.run(["explain", "-m", model.path, "--format", "jsonl"], input: input)
        #expect(tsv.status == 0 && jsonl.status == 0)
        let explicit = try SentimentBinary.run(
            ["explain", "-m", model.path, "--format", "tsv"], input: input)
        #expect(explicit.standardOutput == tsv.standardOutput)
        let rows = outputLines(tsv.standardOutput)
        #expect(rows.count == 3)
        for (row, json) in zip(rows, try outputLines(jsonl.standardOutput).map { try ExplainedLine($0) }) {
            let fields = row.split(separator: "\t", omittingEmptySubsequences: false)
            #expect(Double(fields[0]).map { abs($0 - json.probability) < 1e-6 } == true)
            #expect(fields[1] == (json.probability >= 0.5 ? "positive" : "negative"))
            let pairs = fields.dropFirst(2).map { field -> (String, Double) in
                let colon = field.lastIndex(of: ":")!
                return (String(field[..<colon]), Double(field[field.index(after: colon)...])!)
            }
            #expect(pairs.map(\.0) == json.tokens)
            #expect(pairs.map(\.1) == json.attributions)
        }
        #expect(rows[1].split(separator: "\t").count == 2)
        #expect(rows[2].contains(":):"))
    }

    @Test func occlusionIsTheLogitChangeOfLeavingATokenOut() throws {
        let model = try trainedModel()
        let text = "the staff were lovely but the food was cold"
        let result = try SentimentBinary.run(
            ["explain", "-m", model.path, "--method", "occlusion", "--format", "jsonl"],
            input: Array(text.utf8))
        let line = try ExplainedLine(try #require(outputLines(result.standardOutput).first))
        #expect(line.method == "occlusion")
        let words = text.split(separator: " ")
        let shorter = words.indices.map { index in
            words.enumerated().filter { $0.offset != index }.map(\.element).joined(separator: " ")
        }
        let scored = try SentimentBinary.run(
            ["score", "-m", model.path], input: Array(([text, ""] + shorter).joined(separator: "\n").utf8))
        let logits = outputLines(scored.standardOutput).map { row -> Double in
            let p = Double(row.split(separator: "\t")[0])!
            return log(p / (1 - p))
        }
        #expect(abs(line.logit - logits[0]) < 1e-4 && abs(line.baselineLogit - logits[1]) < 1e-4)
        #expect(line.tokens == words.map(String.init))
        for (attribution, without) in zip(line.attributions, logits.dropFirst(2)) {
            #expect(abs(attribution - (logits[0] - without)) < 1e-4)
        }
    }

    /// A random model with unit-size embedding rows, far from linear in them (the small trained test
    /// model is nearly linear: one integration point is enough for it).
    static func writeCurvedModel(to url: URL) throws {
        let words = [
            "<pad>", "<unk>", "good", "bad", "film", "plot", "dull", "great", "the", "was", "a", "not",
        ]
        let configuration = ClassifierConfiguration(
            vocabularySize: words.count, embeddingDim: 16, hidden: 16, layers: 2)
        let model = try SentimentModel(
            tokenizerSettings: TokenizerSettings(), vocabulary: try Vocabulary(tokens: words),
            classifier: try BiGRUClassifier(
                configuration: configuration, seed: 3, embeddingStandardDeviation: 1))
        try model.write(to: url)
    }

    @Test func linesThatMissCompletenessAreNamedOnStandardError() throws {
        try withTemporaryDirectory { directory in
            let model = directory.appendingPathComponent("curved.safetensors")
            try Self.writeCurvedModel(to: model)
            try expectWarnings(model: model)
        }
    }

    private func expectWarnings(model: URL) throws {
        // One integration point is too few for most lines of a non-linear network.
        let words = ["good", "bad", "film", "plot", "dull", "great", "the", "was", "a", "not"]
        var lines: [String] = []
        for line in 0..<30 {
            let length = 2 + line * 5 % 8
            let picked: [String] = (0..<length).map { word in words[(line * 7 + word * 3 + line * word) % 10]
            }
            lines.append(picked.joined(separator: " "))
        }
        let input = lines.joined(separator: "\n")
        let result = try SentimentBinary.run(
            ["explain", "-m", model.path, "--steps", "1", "--format", "jsonl"], input: Array(input.utf8))
        #expect(result.status == 0)
        let explained = try outputLines(result.standardOutput).map { try ExplainedLine($0) }
        #expect(explained.count == 30)
        let warned = Set(
            outputLines(result.standardError).compactMap { line -> Int? in
                guard line.hasPrefix("<stdin>:"), line.contains("attributions add up to") else { return nil }
                return Int(String(line.split(separator: ":")[1]))
            })
        var clear = 0
        for (index, line) in explained.enumerated() {
            let relative = abs(line.completenessError) / max(abs(line.logit - line.baselineLogit), 1e-9)
            if relative > 0.06 && abs(line.completenessError) > 1e-4 { #expect(warned.contains(index + 1)) }
            if relative < 0.04 {
                #expect(!warned.contains(index + 1))
                clear += 1
            }
        }
        #expect(warned.count >= 3, "too few lines miss with one step to test the warning")
        #expect(warned.count < 30 || clear == 0)
        #expect(result.standardError.contains("more --steps"))
        // With the default steps no line misses.
        let fine = try SentimentBinary.run(["explain", "-m", model.path], input: Array(input.utf8))
        #expect(!fine.standardError.contains("attributions add up to"), "\(fine.standardError)")
    }

    @Test func htmlPageHasEveryLineAndNoExternalResource() throws {
        let model = try trainedModel()
        try withTemporaryDirectory { directory in
            let page = directory.appendingPathComponent("explained.html")
            let result = try SentimentBinary.run(
                ["explain", "-m", model.path, "--html", page.path], input: inputBytes)
            #expect(result.status == 0, "\(result.standardError)")
            #expect(outputLines(result.standardOutput).count == inputLineCount)
            let html = try String(contentsOf: page, encoding: .utf8)
            #expect(html.components(separatedBy: "<div class=\"entry\"").count == inputLineCount + 1)
            for line in 1...inputLineCount { #expect(html.contains("id=\"line-\(line)\"")) }
            for external in ["http:", "https:", "src=", "href=", "url(", "@import", "<script", "<link"] {
                #expect(!html.contains(external), "the page refers to \(external)")
            }
            #expect(html.contains("&quot;quoted&quot;") || html.contains(">quoted<"))
            #expect(html.contains("tokens cut"))
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["explained.html"])
        }
    }

    @Test func badOptionsAndModelsStopWithAMessage() throws {
        let model = try trainedModel()
        for (arguments, message) in [
            (["--steps", "0"], "--steps must be at least 1"),
            (["--method", "occlusion", "--steps", "10"], "--steps applies to integrated gradients only"),
            (["--method", "shap"], "shap"),
            (["--format", "xml"], "xml"),
        ] {
            let result = try SentimentBinary.run(
                ["explain", "-m", model.path] + arguments, input: Array("good".utf8))
            #expect(result.status != 0 && result.standardError.contains(message), "\(arguments)")
            #expect(result.standardOutput.isEmpty)
        }
        let missing = try SentimentBinary.run(["explain", "-m", "/nonexistent/model.safetensors"], input: [])
        #expect(missing.status != 0 && missing.standardError.contains("/nonexistent/model.safetensors"))
        try withTemporaryDirectory { directory in
            let result = try SentimentBinary.run(
                [
                    "explain", "-m", model.path, "--html",
                    directory.appendingPathComponent("no/such/dir.html").path,
                ],
                input: Array("good".utf8))
            #expect(result.status != 0 && result.standardError.contains("no/such/dir.html"))
        }
    }
}
