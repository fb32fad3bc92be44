import Testing

@testable import SentimentKit

/// The id and text `layout` finds in `line` (as strings), or the error message.
private func read(_ line: String, _ layout: LineLayout) -> (id: String?, text: String)? {
    guard let fields = try? layout.fields(of: Array(line.utf8), file: "f.tsv", number: 3) else { return nil }
    return (
        fields.id.map { String(decoding: $0, as: UTF8.self) }, String(decoding: fields.text, as: UTF8.self)
    )
}

private func message(_ line: String, _ layout: LineLayout) -> String? {
    do {
        _ = try layout.fields(of: Array(line.utf8), file: "f.tsv", number: 3)
        return nil
    } catch {
        return error.description
    }
}

@Suite struct LineLayoutTests {
    @Test func withoutColumnsTheWholeLineIsTheText() throws {
        let layout = try LineLayout()
        #expect(read("label\ttext", layout)! == (nil, "label\ttext"))
        #expect(read("", layout)! == (nil, ""))
    }

    @Test func aTextColumnAloneScoresThatFieldAndEmptyLinesAsEmptyText() throws {
        let layout = try LineLayout(textColumn: 2)
        #expect(read("1\tgreat film\t7", layout)! == (nil, "great film"))
        #expect(read("1\t", layout)! == (nil, ""))
        #expect(read("", layout)! == (nil, ""))
        #expect(message("no tab", layout) == "f.tsv:3: has no column 2 (it has 1)")
    }

    @Test func anIdColumnLeavesTheRestOfTheLineAsTheTextTabsIncluded() throws {
        #expect(read("17\tgreat\tfilm", try LineLayout(idColumn: 1))! == ("17", "great\tfilm"))
        #expect(read("17\t", try LineLayout(idColumn: 1))! == ("17", ""))
        #expect(read("great\tfilm\t17", try LineLayout(idColumn: 3))! == ("17", "great\tfilm"))
        #expect(read("great\t17\tfilm", try LineLayout(idColumn: 2))! == ("17", "great\tfilm"))
        #expect(read("\tgreat", try LineLayout(idColumn: 1))! == ("", "great"))
    }

    @Test func aLineWithoutItsIdOrWithoutATabBesideItIsAnError() throws {
        let first = try LineLayout(idColumn: 1)
        let expected = "f.tsv:3: has no tab: --id-column 1 needs the id and, in other columns, the text"
        #expect(message("17", first) == expected)
        // An empty line has no id: unlike --text-column alone, it is not empty text.
        #expect(message("", first)?.hasPrefix("f.tsv:3: has no tab") == true)
        #expect(message("a\tb", try LineLayout(idColumn: 3)) == "f.tsv:3: has no column 3 (it has 2)")
    }

    @Test func idAndTextColumnsTogetherNeedBoth() throws {
        let layout = try LineLayout(textColumn: 3, idColumn: 1)
        #expect(read("17\tpositive\tgreat film\textra", layout)! == ("17", "great film"))
        #expect(message("17\tpositive", layout) == "f.tsv:3: has no column 3 (it has 2)")
        #expect(message("", layout) == "f.tsv:3: has no column 3 (it has 1)")
    }

    @Test func invalidLayouts() throws {
        #expect(throws: LineLayout.Invalid.columnBelowOne(name: "--id-column")) {
            try LineLayout(idColumn: 0)
        }
        #expect(throws: LineLayout.Invalid.columnBelowOne(name: "--text-column")) {
            try LineLayout(textColumn: 0)
        }
        #expect(throws: LineLayout.Invalid.sameColumn(2)) { try LineLayout(textColumn: 2, idColumn: 2) }
        #expect(throws: LineLayout.Invalid.sameColumn(1)) { try LineLayout(idColumn: 1).scoring(column: 1) }
        #expect(try LineLayout(idColumn: 1).scoring(column: 3) == (try LineLayout(textColumn: 3, idColumn: 1)))
    }

    @Test func anIdWithInvalidUTF8IsRepairedAndSaysSo() throws {
        let fields = try LineLayout(idColumn: 1).fields(of: [0x41, 0xFF, 0x09, 0x62], file: "f", number: 1)
        #expect(fields.decodedID()! == ("A\u{FFFD}", true))
        #expect(
            try LineLayout(idColumn: 1).fields(of: Array("7\tb".utf8), file: "f", number: 1).decodedID()! == (
                "7", false
            ))
        #expect(try LineLayout().fields(of: Array("7\tb".utf8), file: "f", number: 1).decodedID() == nil)
    }
}
