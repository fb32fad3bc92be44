import Testing

@testable import SentimentKit

@Suite struct JSONLinesReaderTests {
    @Test func labelsAsNumbersBooleansAndStrings() throws {
        let text = """
            {"text": "good", "label": 1}
            {"label": 0, "text": "bad"}

            {"text": "fine", "label": true}
            {"text": "meh", "label": false, "id": 7}
            {"text": "great", "label": "Positive"}
            {"text": "awful", "label": " neg "}
            {"text": "ok", "label": 1.0}
            """
        let docs = try documents(text, name: "r.jsonl")
        #expect(
            pairs(docs) == [
                p("good", 1), p("bad", 0), p("fine", 1), p("meh", 0), p("great", 1), p("awful", 0),
                p("ok", 1),
            ])
        #expect(docs.map(\.line) == [1, 2, 4, 5, 6, 7, 8])
    }

    @Test func escapesAndUnicodeInText() throws {
        let docs = try documents(#"{"text": "line\nbreak \"q\" \u00e9 酒店 👍", "label": 1}"#, name: "r.ndjson")
        #expect(pairs(docs) == [p("line\nbreak \"q\" é 酒店 👍", 1)])
    }

    @Test func errorsNameFileAndLine() throws {
        #expect(
            inputErrorMessage {
                _ = try documents("{\"text\": \"a\", \"label\": 1}\n{oops\n", name: "r.jsonl")
            } == "r.jsonl:2: not valid JSON")
        #expect(
            inputErrorMessage { _ = try documents("[1, 2]\n", name: "r.jsonl") }
                == "r.jsonl:1: expected a JSON object")
        #expect(
            inputErrorMessage { _ = try documents("{\"label\": 1}\n", name: "r.jsonl") }
                == #"r.jsonl:1: no "text" string"#)
        #expect(
            inputErrorMessage { _ = try documents("{\"text\": \"a\"}\n", name: "r.jsonl") }
                == #"r.jsonl:1: no "label" key"#)
        #expect(
            inputErrorMessage { _ = try documents("{\"text\": \"a\", \"label\": null}\n", name: "r.jsonl") }
                == #"r.jsonl:1: "label" is null: every document needs a label (0/1, neg/pos, negative/positive, false/true)"#
        )
        #expect(
            inputErrorMessage { _ = try documents("{\"text\": \"a\", \"label\": 2}\n", name: "r.jsonl") }
                == #"r.jsonl:1: label "2" is not one of 0/1, neg/pos, negative/positive, false/true"#)
        #expect(
            inputErrorMessage { _ = try documents("{\"text\": \"a\", \"label\": [1]}\n", name: "r.jsonl") }
                == "r.jsonl:1: label is neither a number, a boolean nor a string")
    }

    @Test func labelOptionalAndKeysChosen() throws {
        var options = CorpusReaderOptions()
        options.requiresLabels = false
        #expect(
            pairs(try documents("{\"text\": \"a\"}\n", name: "r.jsonl", options: options)) == [p("a", nil)])
        options.textColumn = .name("body")
        options.labelColumn = .name("stars")
        #expect(
            pairs(try documents("{\"body\": \"b\", \"stars\": \"pos\"}\n", name: "r.jsonl", options: options))
                == [p("b", 1)])
    }

    @Test func invalidUTF8IsReplacedAndCounted() throws {
        let bytes = Array(#"{"text": "bad "#.utf8) + [0xC0, 0xAF] + Array(#"", "label": 0}"#.utf8)
        let corpus = try reader(bytes: bytes, name: "r.jsonl")
        let docs = try corpus.readAll()
        #expect(docs.count == 1)
        #expect(docs[0].text.hasPrefix("bad \u{FFFD}"))
        #expect(corpus.documentsWithInvalidUTF8 == 1)
    }
}

@Suite struct FastTextReaderTests {
    @Test func labelsAndText() throws {
        let docs = try documents(
            "__label__pos great film\n__label__0   dull\r\n\n__label__NEGATIVE\n", name: "r.ft")
        #expect(pairs(docs) == [p("great film", 1), p("dull", 0), p("", 0)])
        #expect(docs.map(\.line) == [1, 2, 4])
    }

    @Test func errors() throws {
        #expect(
            inputErrorMessage { _ = try documents("no label here\n", name: "r.ft") }
                == "r.ft:1: line does not start with __label__")
        #expect(
            inputErrorMessage { _ = try documents("__label__1 ok\n__label__maybe x\n", name: "r.ft") }
                == #"r.ft:2: label "maybe" is not one of 0/1, neg/pos, negative/positive, false/true"#)
        #expect(
            inputErrorMessage { _ = try documents("__label__1 __label__0 x\n", name: "r.ft") }
                == "r.ft:1: more than one label (a binary label is expected)")
    }
}

/// Options that let labels be absent, as `vocab` reads.
private let unlabelled = CorpusReaderOptions(requiresLabels: false)

@Suite struct PlainTextReaderTests {
    @Test func oneDocumentPerNonBlankLine() throws {
        let docs = try documents(
            "\u{FEFF}first line\r\n\n  \nsecond, with comma\nlast", name: "notes.txt", options: unlabelled)
        #expect(pairs(docs) == [p("first line", nil), p("second, with comma", nil), p("last", nil)])
        #expect(docs.map(\.line) == [1, 4, 5])
    }

    @Test func invalidUTF8IsCounted() throws {
        // A stray byte apart from any word is damage in UTF-8, not a letter of another encoding.
        let corpus = try reader(
            bytes: [0x61, 0x20, 0x80, 0x0A, 0x62, 0x0A], name: "x.txt", options: unlabelled)
        #expect(pairs(try corpus.readAll()) == [p("a \u{FFFD}", nil), p("b", nil)])
        #expect(corpus.documentsWithInvalidUTF8 == 1)
    }

    @Test func aLabelledReadOfPlainTextIsRefusedAtItsFirstLine() throws {
        // Training on it would make every line a negative example.
        let message = inputErrorMessage { _ = try documents("\n  \ngreat film\nawful\n", name: "notes.txt") }
        #expect(
            message?.hasPrefix("notes.txt:3: no label: a labelled corpus needs one on every line") == true)
        #expect(message?.contains("semicolon") == false)
        // Not a bad line that --skip-bad-lines would skip, line after line.
        var skipping = CorpusReaderOptions()
        skipping.skipBadLines = true
        #expect(throws: InputError.self) {
            _ = try documents("great film\n", name: "a.txt", options: skipping)
        }
        var plain = CorpusReaderOptions()
        plain.format = .text
        #expect(throws: InputError.self) { _ = try documents("great film\n", name: "a.tsv", options: plain) }
        // However many blank lines come first.
        let late = inputErrorMessage {
            _ = try documents(String(repeating: "\n", count: 100) + "great film\n", name: "notes.txt")
        }
        #expect(late?.hasPrefix("notes.txt:101: no label") == true, "\(late ?? "")")
        // An empty file is no corpus, but no error either.
        #expect(try documents("\n\n", name: "empty.txt").isEmpty)
    }

    @Test func aSemicolonSeparatedFileWithoutLabelsAtItsEndsGetsAHint() throws {
        let message = inputErrorMessage {
            _ = try documents("great;film\nawful;plot\n", name: "reviews.txt")
        }
        #expect(message?.hasPrefix("reviews.txt:1: no label") == true)
        #expect(message?.hasSuffix("for columns separated by semicolons, pass --delimiter ';'") == true)
    }

    @Test func aLabelledCorpusNamedTxtIsReadAsItsFirstLineShows() throws {
        #expect(
            pairs(try documents("1\tgreat\n0\tawful\n", name: "train.txt")) == [p("great", 1), p("awful", 0)])
        #expect(pairs(try documents("label,text\npos,fine\n", name: "train.txt")) == [p("fine", 1)])
    }
}

@Suite struct FormatDetectionTests {
    @Test(arguments: [
        ("a.tsv", CorpusFormat.tsv), ("a.TSV", .tsv), ("a.csv", .csv), ("a.jsonl", .jsonl),
        ("a.ndjson", .jsonl),
        ("a.ft", .fasttext),
    ])
    func byExtension(name: String, format: CorpusFormat) throws {
        #expect(CorpusFormat.fromExtension(of: name) == format)
    }

    @Test func noExtensionMeansSniffing() {
        #expect(CorpusFormat.fromExtension(of: "data") == nil)
        #expect(CorpusFormat.fromExtension(of: "dir.v2/data") == nil)
        #expect(CorpusFormat.fromExtension(of: "a.txt") == nil)
    }

    @Test(arguments: [
        ("{\"text\": \"a\", \"label\": 1}", CorpusFormat.jsonl), ("__label__1 hi", .fasttext),
        ("label\ttext", .tsv),
        ("1,hello", .csv), ("text,label", .csv), ("hello, world", .text), ("just words", .text), ("", .text),
    ])
    func sniffing(line: String, format: CorpusFormat) {
        #expect(CorpusFormat.sniff(firstLine: line) == format)
    }

    @Test func readersUseSniffingWithoutExtension() throws {
        #expect(try reader("\n\n{\"text\": \"a\", \"label\": 1}\n", name: "<stdin>").format == .jsonl)
        #expect(try reader("label,text\n1,a\n", name: "data").format == .csv)
        #expect(try reader("__label__1 a\n", name: "train.txt").format == .fasttext)
        #expect(try reader("1\ta\n", name: "train.txt", options: unlabelled).format == .text)
        #expect(try reader("1\ta\n", name: "train.txt").format == .tsv)
    }

    @Test func formatOptionWins() throws {
        var options = unlabelled
        options.format = .text
        let docs = try documents("label\ttext\n", name: "a.tsv", options: options)
        #expect(pairs(docs) == [p("label\ttext", nil)])
    }

    @Test func columnSelectorArguments() {
        #expect(ColumnSelector(argument: "2") == .index(2))
        #expect(ColumnSelector(argument: "review") == .name("review"))
        #expect(ColumnSelector(argument: "0") == nil)
        #expect(ColumnSelector(argument: "") == nil)
    }
}
