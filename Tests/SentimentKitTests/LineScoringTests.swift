import SentimentKit
import Testing

/// `sentiment score`'s path through the library: lines read in batches, their columns cut out, a header
/// row recognised and left unscored, every other line scored as its text alone would be.
@Suite struct LineScoringTests {
    private static func model() throws -> SentimentModel {
        var options = TrainingMaterial.tinyOptions(epochs: 1)
        options.validationSplit = 0
        return try ModelTraining.train(training: try TrainingMaterial.english(), options: options).model
    }

    private static func lines(_ text: String) throws -> [LineReader.Line] {
        let reader = LineReader(file: try InputFile(bytes: Array(text.utf8), name: "in.tsv"))
        var lines: [LineReader.Line] = []
        while let line = try reader.next() { lines.append(line) }
        return lines
    }

    @Test func aHeaderRowIsLeftUnscoredAndTheTextColumnScored() throws {
        let scorer = try TextScorer(model: Self.model(), threads: 1)
        let lines = try Self.lines("id\ttext\n7\tgreat film\n8\tawful plot\n")
        let layout = try LineLayout(textColumn: 2, idColumn: 1)
        let scored = try scorer.score(lines: lines, layout: layout, guessesHeader: true, file: "in.tsv")
        #expect(scored.map(\.id) == ["id", "7", "8"])
        #expect(scored[0].prediction == nil)
        let expected = try scorer.predictions(for: ["great film", "awful plot"])
        #expect(Array(scored.dropFirst().map(\.prediction)) == expected.map(Optional.some))
        #expect(!scored.contains { $0.hadInvalidUTF8 })

        // Without guessing, line 1 is data like any other.
        let unguessed = try scorer.score(lines: lines, layout: layout, guessesHeader: false, file: "in.tsv")
        #expect(unguessed[0].prediction == (try scorer.predictions(for: ["text"]))[0])
    }

    @Test func invalidUTF8IsFlaggedAndAMissingColumnNamesTheLine() throws {
        let scorer = try TextScorer(model: Self.model(), threads: 1)
        // A lone bad byte between words is damage in UTF-8 text, not another encoding.
        var bytes = Array("good\nbad ".utf8)
        bytes += [0xFF] + Array(" here\n".utf8)
        let reader = LineReader(file: try InputFile(bytes: bytes, name: "in.txt"))
        let batch = try #require(try reader.nextBatch(maximumCount: 10))
        let scored = try scorer.score(lines: batch, layout: LineLayout(), guessesHeader: true, file: "in.txt")
        #expect(scored.map(\.hadInvalidUTF8) == [false, true])

        let twoColumns = try LineLayout(textColumn: 2)
        #expect(throws: InputError.self) {
            try scorer.score(
                lines: Self.lines("only one column\n"), layout: twoColumns, guessesHeader: false, file: "x")
        }
    }

    @Test func batchesHoldAtMostTheirCountAndEveryLineInOrder() throws {
        let reader = LineReader(file: try InputFile(bytes: Array("a\nb\nc\nd\ne".utf8), name: "in.txt"))
        var batches: [[Int]] = []
        while let batch = try reader.nextBatch(maximumCount: 2) { batches.append(batch.map(\.number)) }
        #expect(batches == [[1, 2], [3, 4], [5]])
    }

    /// Scores `text` as one stream, returning its output and its notes.
    private static func stream(_ stream: LineScoringStream, _ text: String) throws -> (
        output: String, notes: [String]
    ) {
        var output: [UInt8] = []
        var notes: [String] = []
        _ = try stream.score(
            try InputFile(bytes: Array(text.utf8), name: "in.tsv"), note: { notes.append($0) }
        ) {
            output += $0
        }
        return (String(decoding: output, as: UTF8.self), notes)
    }

    @Test func aStreamScoresTheColumnAHeaderNamesAndWritesAHeaderRowInTSVOnly() throws {
        let scorer = try TextScorer(model: Self.model(), threads: 1)
        let expected = try scorer.predictions(for: ["great film", "awful plot"])
        let file = "label\ttext\n1\tgreat film\n0\tawful plot\n"

        let tsv = try Self.stream(LineScoringStream(scorer: scorer), file)
        #expect(
            tsv.notes == [
                #"in.tsv:1: a header: scoring its column 2 ("text") on every line; --text-column N chooses another"#
            ])
        #expect(
            tsv.output == "probability\tlabel\n"
                + expected.map { "\($0.probability)\t\($0.label)\n" }.joined())

        let jsonl = try Self.stream(LineScoringStream(scorer: scorer, format: .jsonl, withText: true), file)
        let objects = zip(expected, ["great film", "awful plot"]).map { prediction, text in
            #"{"probability":\#(prediction.probability),"label":"\#(prediction.label)","text":"\#(text)"}"# + "\n"
        }
        #expect(jsonl.output == objects.joined())
    }

    @Test func aStreamWithoutHeaderGuessingScoresLineOneAndEchoesIDs() throws {
        let scorer = try TextScorer(model: Self.model(), threads: 1)
        let stream = try LineScoringStream(scorer: scorer, idColumn: 1, guessesHeader: false)
        let result = try Self.stream(stream, "id\ttext\n7\tgreat film\n")
        let expected = try scorer.predictions(for: ["text", "great film"])
        #expect(result.notes.isEmpty)
        let rows = zip(["id", "7"], expected).map { id, prediction in
            "\(id)\t\(prediction.probability)\t\(prediction.label)\n"
        }
        #expect(result.output == rows.joined())
        // A line 1 that looks labelled, with header guessing on, is scored whole and said so.
        let labelled = try Self.stream(LineScoringStream(scorer: scorer), "1\tgreat film\n")
        #expect(labelled.notes.count == 1 && labelled.notes[0].contains("looks like a labelled line"))
    }
}
