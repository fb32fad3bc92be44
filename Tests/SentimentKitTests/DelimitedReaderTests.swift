import Testing

@testable import SentimentKit

@Suite struct TSVReaderTests {
    @Test func headerWithLabelAndText() throws {
        let docs = try documents("label\ttext\n0\tBad film\n1\tGood film\n", name: "a.tsv")
        #expect(pairs(docs) == [p("Bad film", 0), p("Good film", 1)])
        #expect(docs.map(\.line) == [2, 3])
    }

    @Test func headerNamesAreCaseInsensitiveAndInAnyOrder() throws {
        let docs = try documents("Review\tSentiment\nloved it\tPositive\nhated it\tnegative\n", name: "a.tsv")
        #expect(pairs(docs) == [p("loved it", 1), p("hated it", 0)])
    }

    @Test func headerlessLabelFirstOrLast() throws {
        #expect(pairs(try documents("1\tnice\n0\tnasty\n", name: "a.tsv")) == [p("nice", 1), p("nasty", 0)])
        #expect(
            pairs(try documents("nice\tpos\nnasty\tneg\n", name: "a.tsv")) == [p("nice", 1), p("nasty", 0)])
    }

    @Test func extraTabsBelongToTheLastTextColumn() throws {
        let docs = try documents("label\ttext\n1\ta\tb\tc\n", name: "a.tsv")
        #expect(pairs(docs) == [p("a\tb\tc", 1)])
    }

    @Test func quotesAreOrdinaryCharactersInTSV() throws {
        let docs = try documents("label\ttext\n1\t\"quoted\" and 5\" tall\n", name: "a.tsv")
        #expect(pairs(docs) == [p("\"quoted\" and 5\" tall", 1)])
    }

    @Test func bomCRLFAndBlankLines() throws {
        let text = "\u{FEFF}label\ttext\r\n\r\n1\tgood\r\n   \r\n0\tbad\r\n\r\n"
        let docs = try documents(text, name: "a.tsv")
        #expect(pairs(docs) == [p("good", 1), p("bad", 0)])
        #expect(docs.map(\.line) == [3, 5])
    }

    @Test func badLabelNamesFileAndLine() throws {
        let message = inputErrorMessage {
            _ = try documents("label\ttext\n1\tok\n\nmaybe\tso-so\n", name: "reviews.tsv")
        }
        #expect(
            message
                == #"reviews.tsv:4: label "maybe" is not one of 0/1, neg/pos, negative/positive, false/true"#)
    }

    @Test func missingColumnNamesFileAndLine() throws {
        let message = inputErrorMessage { _ = try documents("text\tlabel\nonly one field\n", name: "r.tsv") }
        #expect(message == "r.tsv:2: expected 2 fields, found 1")
    }

    @Test func skipBadLinesCountsThem() throws {
        var options = CorpusReaderOptions()
        options.skipBadLines = true
        let corpus = try reader(
            "label\ttext\n1\tok\n7\tseven\nmaybe\tx\n0\tfine\n", name: "r.tsv", options: options)
        #expect(pairs(try corpus.readAll()) == [p("ok", 1), p("fine", 0)])
        #expect(corpus.skippedLineCount == 2)
        #expect(corpus.skippedLineMessages.first?.hasPrefix("r.tsv:3: label \"7\"") == true)
    }

    @Test func headerlessWithoutLabelsIsAnError() throws {
        let message = inputErrorMessage { _ = try documents("just\twords\n", name: "x.tsv") }
        #expect(message?.hasPrefix("x.tsv:1: neither the first nor the last field is a label") == true)
        let header = inputErrorMessage { _ = try documents("id\ttext\tscore\n1\tx\t0\n", name: "x.tsv") }
        #expect(header?.hasPrefix("x.tsv:1: the header names no label column") == true)
        // A file whose columns cannot be found is not a bad line to skip.
        var options = CorpusReaderOptions()
        options.skipBadLines = true
        let skipping = inputErrorMessage {
            _ = try documents("\nid\ttext\tscore\n1\tx\t0\n", name: "x.tsv", options: options)
        }
        #expect(skipping?.hasPrefix("x.tsv:2: the header names no label column") == true)
    }

    @Test func columnsChosenByIndexOrName() throws {
        var options = CorpusReaderOptions()
        options.labelColumn = .index(3)
        options.textColumn = .index(2)
        let byIndex = try documents("7\tgreat\tpos\n8\tawful\tneg\n", name: "a.tsv", options: options)
        #expect(pairs(byIndex) == [p("great", 1), p("awful", 0)])

        options.labelColumn = .name("stars")
        options.textColumn = .name("Body Text")
        let byName = try documents("id\tbody text\tstars\n1\tsuper\t1\n", name: "a.tsv", options: options)
        #expect(pairs(byName) == [p("super", 1)])
    }

    @Test func unknownColumnName() throws {
        var options = CorpusReaderOptions()
        options.textColumn = .name("words")
        let message = inputErrorMessage {
            _ = try documents("label\ttext\n1\tx\n", name: "a.tsv", options: options)
        }
        #expect(message == #"a.tsv: no header column named "words""#)
    }

    @Test func columnIndexOutOfRange() throws {
        var options = CorpusReaderOptions()
        options.textColumn = .index(5)
        let message = inputErrorMessage { _ = try documents("1\tx\n", name: "a.tsv", options: options) }
        #expect(message == "a.tsv: text column 5 does not exist (the file has 2 columns)")
    }

    @Test func labelsOptionalForVocabulary() throws {
        var options = CorpusReaderOptions()
        options.requiresLabels = false
        #expect(
            pairs(try documents("text\nsome words\n", name: "a.tsv", options: options)) == [
                p("some words", nil)
            ])
        #expect(
            pairs(try documents("1\tsome words\n", name: "a.tsv", options: options)) == [p("some words", 1)])
    }

    @Test func invalidUTF8InTextIsReplacedAndCounted() throws {
        let bytes = Array("label\ttext\n1\tgood ".utf8) + [0xFF] + Array("\n0\tbad\n".utf8)
        let corpus = try reader(bytes: bytes, name: "a.tsv")
        let docs = try corpus.readAll()
        #expect(pairs(docs) == [p("good \u{FFFD}", 1), p("bad", 0)])
        #expect(corpus.documentsWithInvalidUTF8 == 1)
    }

    @Test func linesLongerThanTheReadChunkStream() throws {
        let long = String(repeating: "word ", count: (LineReader.chunkSize / 5) + 1000)
        let text = "label\ttext\n" + (0..<3).map { "\($0 % 2)\t\(long)\($0)" }.joined(separator: "\n")
        let docs = try documents(text, name: "big.tsv")
        #expect(docs.count == 3)
        #expect(docs.map(\.line) == [2, 3, 4])
        #expect(docs[2].text == long + "2")
    }
}

@Suite struct CSVReaderTests {
    @Test func quotedFieldsWithCommasQuotesAndNewlines() throws {
        let text = """
            label,text
            1,"Great, really great"
            0,"He said ""no"" and left"
            1,"line one
            line two"
            0,plain
            """
        let docs = try documents(text, name: "r.csv")
        #expect(
            pairs(docs) == [
                p("Great, really great", 1), p("He said \"no\" and left", 0), p("line one\nline two", 1),
                p("plain", 0),
            ])
        #expect(docs.map(\.line) == [2, 3, 4, 6])
    }

    @Test func crlfInsideAndOutsideQuotes() throws {
        let docs = try documents("text,label\r\n\"a\r\nb\",pos\r\nc,neg\r\n", name: "r.csv")
        #expect(pairs(docs) == [p("a\nb", 1), p("c", 0)])
    }

    @Test func headerlessCSV() throws {
        #expect(
            pairs(try documents("pos,\"good, fun\"\nneg,dull\n", name: "r.csv")) == [
                p("good, fun", 1), p("dull", 0),
            ])
    }

    @Test func emptyFieldsAndQuotedEmptyText() throws {
        #expect(pairs(try documents("label,text\n1,\"\"\n0,\n", name: "r.csv")) == [p("", 1), p("", 0)])
    }

    @Test func unterminatedQuoteNamesTheRecordLine() throws {
        let message = inputErrorMessage {
            _ = try documents("label,text\n1,ok\n0,\"never closed\n1,x\n", name: "r.csv")
        }
        #expect(message == "r.csv:3: quoted field 2 is not closed before the end of the file")
    }

    @Test func textAfterClosingQuote() throws {
        let message = inputErrorMessage { _ = try documents("label,text\n1,\"a\"b\n", name: "r.csv") }
        #expect(message == "r.csv:2: unexpected text after the closing quote of field 2")
    }

    @Test func badLabelInCSV() throws {
        let message = inputErrorMessage {
            _ = try documents("label,text\n1,a\n2,\"b\nc\"\nmaybe,d\n", name: "reviews.csv")
        }
        #expect(
            message == #"reviews.csv:3: label "2" is not one of 0/1, neg/pos, negative/positive, false/true"#)
    }

    @Test func wrongFieldCount() throws {
        let message = inputErrorMessage { _ = try documents("label,text\n1,a,b\n", name: "r.csv") }
        #expect(message == "r.csv:2: expected 2 fields, found 3")
    }

    @Test func recordsAfterASkippedMultilineRecordKeepTheirLines() throws {
        var options = CorpusReaderOptions()
        options.skipBadLines = true
        let corpus = try reader("label,text\nx,\"a\nb\"\n1,ok\n", name: "r.csv", options: options)
        let docs = try corpus.readAll()
        #expect(pairs(docs) == [p("ok", 1)])
        #expect(docs.map(\.line) == [4])
        #expect(corpus.skippedLineCount == 1)
    }
}

@Suite struct HeaderDetectionTests {
    @Test func aDataLineWhoseTextIsAHeaderWordIsData() throws {
        #expect(
            pairs(try documents("1\treview\n0\ttext\n", name: "a.tsv")) == [p("review", 1), p("text", 0)])
    }

    @Test func jsonLinesRejectColumnNumbers() throws {
        var options = CorpusReaderOptions()
        options.textColumn = .index(2)
        let message = inputErrorMessage {
            _ = try documents("{\"text\": \"a\", \"label\": 1}\n", name: "r.jsonl", options: options)
        }
        #expect(message == "r.jsonl: JSON Lines has no column numbers: give the text key's name")
    }
}
