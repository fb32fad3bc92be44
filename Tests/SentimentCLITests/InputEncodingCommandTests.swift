import Foundation
import Testing

/// `lines` joined with "\n" (or `ending`) in Foundation's `encoding`, after `mark`.
private func encoded(
    _ lines: [String], _ encoding: String.Encoding, mark: [UInt8] = [], ending: String = "\n"
) throws -> Data {
    let text = lines.joined(separator: ending) + ending
    return Data(mark) + (try #require(text.data(using: encoding)))
}

private let frenchReviews = ["café très réussi", "l'accueil était décevant", "à refaire, vraiment"]

/// `frenchReviews` written in `directory` as UTF-8, Latin-1 and a UTF-16 LE export (mark, CRLF).
private func writeFrenchReviews(in directory: URL) throws -> (utf8: URL, latin1: URL, utf16: URL) {
    let utf8 = directory.appendingPathComponent("utf8.txt")
    let latin1 = directory.appendingPathComponent("latin1.txt")
    let utf16 = directory.appendingPathComponent("utf16.txt")
    try encoded(frenchReviews, .utf8).write(to: utf8)
    try encoded(frenchReviews, .isoLatin1).write(to: latin1)
    try encoded(frenchReviews, .utf16LittleEndian, mark: [0xFF, 0xFE], ending: "\r\n").write(to: utf16)
    return (utf8, latin1, utf16)
}

@Suite struct InputEncodingCommandTests {
    @Test func tokenizeReadsLatin1AndUTF16AsTheirUTF8() throws {
        try withTemporaryDirectory { directory in
            let (utf8, latin1, utf16) = try writeFrenchReviews(in: directory)
            let reference = try SentimentBinary.run(["tokenize", utf8.path])
            #expect(reference.standardOutput.hasPrefix("café très réussi\n"))
            #expect(reference.standardError == "")
            for (file, encoding) in [(latin1, "windows-1252"), (utf16, "UTF-16LE")] {
                let result = try SentimentBinary.run(["tokenize", file.path])
                #expect(result.status == 0)
                #expect(result.standardOutput == reference.standardOutput)
                #expect(result.standardError.hasPrefix("\(file.path): not UTF-8: read as \(encoding) ("))
                // The same bytes through a pipe are decoded the same way.
                let piped = try SentimentBinary.run(["tokenize"], input: [UInt8](try Data(contentsOf: file)))
                #expect(piped.standardOutput == reference.standardOutput)
                #expect(piped.standardError.hasPrefix("<stdin>: not UTF-8: read as \(encoding)"))
            }
        }
    }

    @Test func explainReadsLatin1AndUTF16LikeTheirUTF8() throws {
        let model = try TestModelFiles.trained.get()
        try withTemporaryDirectory { directory in
            let (utf8, latin1, utf16) = try writeFrenchReviews(in: directory)
            let explain = ["explain", "-m", model.path, "--format", "jsonl", "--method", "occlusion"]
            let reference = try SentimentBinary.run(explain + [utf8.path])
            #expect(reference.status == 0, "\(reference.standardError)")
            #expect(reference.standardOutput.contains("\"token\": \"café\""))
            for (file, encoding) in [(latin1, "windows-1252"), (utf16, "UTF-16LE")] {
                let result = try SentimentBinary.run(explain + [file.path])
                #expect(result.standardOutput == reference.standardOutput)
                #expect(result.standardError.hasPrefix("\(file.path): not UTF-8: read as \(encoding) ("))
            }
            let overridden = try SentimentBinary.run(explain + ["--encoding", "latin1", utf8.path])
            #expect(overridden.standardOutput != reference.standardOutput, "UTF-8 read as Latin-1 differs")
        }
    }

    @Test func theEncodingOptionOverridesAndABadNameIsRefused() throws {
        let utf8 = [UInt8]("café\n".utf8)
        let overridden = try SentimentBinary.run(["tokenize", "--encoding", "latin1"], input: utf8)
        #expect(overridden.standardOutput == "cafã ©\n")
        #expect(overridden.standardError == "")
        let gb = try SentimentBinary.run(
            ["tokenize", "--encoding", "gb18030"], input: [0xBE, 0xC6, 0xB5, 0xEA, 0x0A])
        #expect(gb.standardOutput == "酒店\n")
        for command in [
            ["tokenize"], ["score"], ["train", "x.tsv"], ["eval", "x.tsv"], ["vocab", "x.tsv"],
        ] {
            let result = try SentimentBinary.run(command + ["--encoding", "klingon"], input: utf8)
            #expect(result.status != 0, "\(command)")
            #expect(
                result.standardError.contains(
                    "--encoding: unknown encoding \"klingon\": give a name ICU knows, such as utf-8, latin1"),
                "\(command): \(result.standardError)")
            #expect(result.standardOutput == "")
        }
    }

    @Test func trainAndScoreReadAUTF16SpreadsheetExportLikeItsUTF8() throws {
        try withTemporaryDirectory { directory in
            // corpora/en.tsv as a spreadsheet saves it as "Unicode text": UTF-16 LE, byte order mark, CRLF.
            let text = try String(contentsOf: TestModelFiles.englishCorpus, encoding: .utf8)
            let lines = text.split(separator: "\n").map(String.init)
            let export = directory.appendingPathComponent("export.txt")
            try encoded(lines, .utf16LittleEndian, mark: [0xFF, 0xFE], ending: "\r\n").write(to: export)
            let options =
                TestModelFiles.tinyNetwork + ["--epochs", "1", "--pretrain-epochs", "1", "--seed", "2"]
            var probabilities: [String] = []
            for (name, file) in [("utf8", TestModelFiles.englishCorpus), ("utf16", export)] {
                let model = directory.appendingPathComponent("\(name).safetensors").path
                let trained = try SentimentBinary.run(["train", file.path, "--model", model] + options)
                #expect(trained.status == 0, "\(trained.standardError)")
                #expect(trained.standardError.contains("train: 360 training and 40 validation documents"))
                let scored = try SentimentBinary.run(
                    ["score", "-m", model], input: [UInt8]("great film\nawful acting\n".utf8))
                #expect(scored.status == 0)
                probabilities.append(scored.standardOutput)
            }
            #expect(probabilities[0] == probabilities[1])
            // Scoring a Latin-1 file: one line out per line in, the encoding on stderr.
            let latin1 = directory.appendingPathComponent("avis.txt")
            try encoded(frenchReviews, .isoLatin1).write(to: latin1)
            let model = directory.appendingPathComponent("utf16.safetensors").path
            let scored = try SentimentBinary.run(["score", "-m", model, "--with-text", latin1.path])
            #expect(scored.status == 0)
            #expect(
                scored.standardOutput.split(separator: "\n").map { $0.split(separator: "\t").last! }
                    == frenchReviews.map { Substring($0) })
            #expect(scored.standardError.hasPrefix("\(latin1.path): not UTF-8: read as windows-1252"))
        }
    }

    @Test func evalReadsSemicolonAndTabCSVAndTheDelimiterOption() throws {
        let model = try TestModelFiles.trained.get()
        try withTemporaryDirectory { directory in
            let rows = [
                ("1", "great film, loved it"), ("0", "awful acting; boring plot"), ("1", "wonderful"),
            ]
            for (name, separator) in [("semicolon.csv", ";"), ("tab.csv", "\t")] {
                let file = directory.appendingPathComponent(name)
                let body = (["label" + separator + "text"] + rows.map { "\($0.0)\(separator)\"\($0.1)\"" })
                try encoded(body, .windowsCP1252).write(to: file)
                let result = try SentimentBinary.run(["eval", "-m", model.path, file.path])
                #expect(result.status == 0, "\(name): \(result.standardError)")
                #expect(result.standardOutput.contains("documents   3  ("), "\(result.standardOutput)")
            }
            // A semicolon file read with commas: the message shows what was seen and what to pass.
            let semicolons = directory.appendingPathComponent("semicolon.csv")
            let forced = try SentimentBinary.run([
                "eval", "-m", model.path, semicolons.path, "--delimiter", ",",
            ])
            #expect(forced.status != 0)
            #expect(forced.standardError.contains("\(semicolons.path):1: "), "\(forced.standardError)")
            #expect(
                forced.standardError.contains("read with the separator ',', it has 1 field: \"label;text\""))
            #expect(forced.standardError.contains("--delimiter ',', ';' or tab sets the separator"))
            let bad = try SentimentBinary.run([
                "eval", "-m", model.path, semicolons.path, "--delimiter", "ab",
            ])
            #expect(bad.status != 0)
            #expect(bad.standardError.contains("--delimiter"))
        }
    }
}
