import SentimentKit
import Testing

/// How `sentiment score` reads line 1 when no text column is given.
@Suite struct FirstLineGuessTests {
    private func guess(_ line: String, idColumn: Int? = nil) throws -> FirstLineGuess {
        try FirstLineGuess(firstLine: Array(line.utf8), idColumn: idColumn, file: "in.tsv")
    }

    @Test func aHeaderNamesTheTextColumn() throws {
        #expect(try guess("label\ttext") == .header(textColumn: 2, name: "text"))
        #expect(try guess("id\treview\tsentiment", idColumn: 1) == .header(textColumn: 2, name: "review"))
    }

    @Test func aLabelledLineWithoutHeaderIsScoredWholeWithAHint() throws {
        #expect(try guess("1\tgreat film") == .labelledLine(textColumn: 2))
        #expect(try guess("17\tgreat film\tpositive", idColumn: 1) == .labelledLine(textColumn: 2))
    }

    @Test func ordinaryLinesAreData() throws {
        #expect(try guess("great film") == .data)
        #expect(try guess("great\tfilm\tindeed") == .data)
        // A line holding a label is no header, whatever column names it also holds.
        #expect(try guess("text\tpositive\tmore") == .data)
    }

    @Test func aHeaderWithoutTextColumnOrWithTheIdAsTextIsRefused() {
        let withoutText = InputError.badLine(
            file: "in.tsv", line: 1,
            message: "a header without a text column (label, id); --text-column N names the column to score")
        #expect(throws: withoutText) { try guess("label\tid") }
        let idAsText = #expect(throws: InputError.self) { try guess("text\tlabel", idColumn: 1) }
        #expect(
            idAsText?.description.hasPrefix(
                "in.tsv:1: a header naming column 1 (\"text\") as the text, but --id-column 1") == true)
    }
}
