import Foundation
import Testing
import Tokenizer

@testable import SentimentKit

/// Labelled lines written in the tests' own encodings: French with accents, and Chinese.
private let frenchLines = [
    "label\ttext", "1\tcafé très réussi", "0\tl'accueil était décevant", "1\tà refaire",
]
private let chineseLines = ["label\ttext", "1\t这家酒店很好，服务周到", "0\t房间太小了，很失望", "1\t早餐非常丰富", "0\t再也不会来了"]

/// The GB18030 bytes of `chineseLines`' texts, written out by hand (GB18030 = GBK for these characters).
private let chineseGB18030: [[UInt8]] = [
    [
        0xD5, 0xE2, 0xBC, 0xD2, 0xBE, 0xC6, 0xB5, 0xEA, 0xBA, 0xDC, 0xBA, 0xC3, 0xA3, 0xAC, 0xB7, 0xFE, 0xCE,
        0xF1, 0xD6, 0xDC, 0xB5, 0xBD,
    ],
    [
        0xB7, 0xBF, 0xBC, 0xE4, 0xCC, 0xAB, 0xD0, 0xA1, 0xC1, 0xCB, 0xA3, 0xAC, 0xBA, 0xDC, 0xCA, 0xA7, 0xCD,
        0xFB,
    ],
    [0xD4, 0xE7, 0xB2, 0xCD, 0xB7, 0xC7, 0xB3, 0xA3, 0xB7, 0xE1, 0xB8, 0xBB],
    [0xD4, 0xD9, 0xD2, 0xB2, 0xB2, 0xBB, 0xBB, 0xE1, 0xC0, 0xB4, 0xC1, 0xCB],
]

/// Short reviews in non-Latin alphabets, and the bytes of some in legacy single-byte charsets that
/// Foundation cannot write (written out by Python's codecs, not by ICU): KOI8-R for the Russian,
/// windows-1255 for the Hebrew, windows-1256 for the Arabic.
private let russianLines = [
    "Отличный фильм, очень понравился", "Ужасный сюжет и плохая игра", "Смотрел с удовольствием",
    "Скучно и слишком длинно",
]
private let russianKOI8R: [[UInt8]] = [
    [
        0xEF, 0xD4, 0xCC, 0xC9, 0xDE, 0xCE, 0xD9, 0xCA, 0x20, 0xC6, 0xC9, 0xCC, 0xD8, 0xCD, 0x2C, 0x20, 0xCF,
        0xDE, 0xC5, 0xCE, 0xD8, 0x20, 0xD0, 0xCF, 0xCE, 0xD2, 0xC1, 0xD7, 0xC9, 0xCC, 0xD3, 0xD1,
    ],
    [
        0xF5, 0xD6, 0xC1, 0xD3, 0xCE, 0xD9, 0xCA, 0x20, 0xD3, 0xC0, 0xD6, 0xC5, 0xD4, 0x20, 0xC9, 0x20, 0xD0,
        0xCC, 0xCF, 0xC8, 0xC1, 0xD1, 0x20, 0xC9, 0xC7, 0xD2, 0xC1,
    ],
    [
        0xF3, 0xCD, 0xCF, 0xD4, 0xD2, 0xC5, 0xCC, 0x20, 0xD3, 0x20, 0xD5, 0xC4, 0xCF, 0xD7, 0xCF, 0xCC, 0xD8,
        0xD3, 0xD4, 0xD7, 0xC9, 0xC5, 0xCD,
    ],
    [
        0xF3, 0xCB, 0xD5, 0xDE, 0xCE, 0xCF, 0x20, 0xC9, 0x20, 0xD3, 0xCC, 0xC9, 0xDB, 0xCB, 0xCF, 0xCD, 0x20,
        0xC4, 0xCC, 0xC9, 0xCE, 0xCE, 0xCF,
    ],
]
private let greekLines = ["Πολύ καλή ταινία", "Βαρετή και πολύ μεγάλη", "Μου άρεσε πάρα πολύ"]
private let hebrewLines = ["סרט מצוין מאוד", "משעמם וארוך מדי"]
private let hebrewWindows1255: [[UInt8]] = [
    [0xF1, 0xF8, 0xE8, 0x20, 0xEE, 0xF6, 0xE5, 0xE9, 0xEF, 0x20, 0xEE, 0xE0, 0xE5, 0xE3],
    [0xEE, 0xF9, 0xF2, 0xEE, 0xED, 0x20, 0xE5, 0xE0, 0xF8, 0xE5, 0xEA, 0x20, 0xEE, 0xE3, 0xE9],
]
private let arabicLines = ["فيلم رائع جدا", "ممل وطويل جدا"]
private let arabicWindows1256: [[UInt8]] = [
    [0xDD, 0xED, 0xE1, 0xE3, 0x20, 0xD1, 0xC7, 0xC6, 0xDA, 0x20, 0xCC, 0xCF, 0xC7],
    [0xE3, 0xE3, 0xE1, 0x20, 0xE6, 0xD8, 0xE6, 0xED, 0xE1, 0x20, 0xCC, 0xCF, 0xC7],
]

/// A labelled file: the header, then each text's bytes under alternating labels 1 and 0.
private func labelledFile(_ texts: [[UInt8]]) -> [UInt8] {
    var bytes = Array("label\ttext\n".utf8)
    for (index, text) in texts.enumerated() {
        bytes += Array("\(index % 2 == 0 ? 1 : 0)\t".utf8) + text + [0x0A]
    }
    return bytes
}

/// `lines` joined with `ending`, in Foundation's encoding `encoding`, after `mark`.
private func encoded(
    _ lines: [String], _ encoding: String.Encoding, mark: [UInt8] = [], ending: String = "\n"
) throws -> [UInt8] {
    let text = lines.joined(separator: ending) + ending
    return mark + [UInt8](try #require(text.data(using: encoding)))
}

/// The Chinese corpus in GB18030 (the header is ASCII, the same in both).
private func chineseInGB18030() -> [UInt8] {
    var bytes = Array("label\ttext\n".utf8)
    for (index, text) in chineseGB18030.enumerated() {
        bytes += Array("\(index % 2 == 0 ? 1 : 0)\t".utf8) + text + [0x0A]
    }
    return bytes
}

private func corpus(_ bytes: [UInt8], name: String, options: CorpusReaderOptions = .init()) throws -> (
    documents: [CorpusRecord], reader: CorpusReader
) {
    let reader = try CorpusReader(
        file: InputFile(bytes: bytes, name: name, encoding: options.encoding), options: options)
    return (try reader.readAll(), reader)
}

private func tokens(_ documents: [CorpusRecord]) throws -> [[String]] {
    let tokenizer = try Tokenizer()
    return documents.map { tokenizer.tokens(in: $0.text) }
}

@Suite struct InputEncodingTests {
    @Test(arguments: [
        ("Latin-1", String.Encoding.isoLatin1, [UInt8](), "windows-1252"),
        ("windows-1252", .windowsCP1252, [], "windows-1252"),
        ("UTF-16 LE with a byte order mark", .utf16LittleEndian, [0xFF, 0xFE], "UTF-16LE"),
        ("UTF-16 BE with a byte order mark", .utf16BigEndian, [0xFE, 0xFF], "UTF-16BE"),
        ("UTF-32 LE with a byte order mark", .utf32LittleEndian, [0xFF, 0xFE, 0x00, 0x00], "UTF-32LE"),
        ("UTF-32 BE with a byte order mark", .utf32BigEndian, [0x00, 0x00, 0xFE, 0xFF], "UTF-32BE"),
        ("UTF-8 with a byte order mark", .utf8, [0xEF, 0xBB, 0xBF], "UTF-8"),
    ])
    func frenchInEachEncodingGivesTheTokensOfUTF8(
        _ what: String, encoding: String.Encoding, mark: [UInt8], expected: String
    ) throws {
        let reference = try corpus(Array((frenchLines.joined(separator: "\n") + "\n").utf8), name: "fr.tsv")
        let (documents, reader) = try corpus(try encoded(frenchLines, encoding, mark: mark), name: "fr.tsv")
        #expect(documents.map(\.label) == [1, 0, 1], "\(what)")
        #expect(try tokens(documents) == tokens(reference.documents), "\(what)")
        #expect(try tokens(documents)[0] == ["café", "très", "réussi"], "\(what)")
        #expect(reader.encoding?.name == expected, "\(what)")
        #expect(reader.documentsWithInvalidUTF8 == 0)
        #expect((reader.encodingNote != nil) == (expected != "UTF-8"), "\(what)")
    }

    @Test(arguments: [
        ("Russian in windows-1251", russianLines, "windows-1251"),
        ("Russian in KOI8-R", russianLines, "KOI8-R"),
        ("Greek in windows-1253", greekLines, "windows-1253"),
        ("Hebrew in windows-1255", hebrewLines, "windows-1255"),
    ])
    func shortTextInANonLatinSingleByteCharsetIsReadInItsAlphabet(
        _ what: String, lines: [String], charset: String
    ) throws {
        let bytes: [[UInt8]] =
            switch charset {
            case "windows-1251": try lines.map { [UInt8](try #require($0.data(using: .windowsCP1251))) }
            case "KOI8-R": russianKOI8R
            case "windows-1255": hebrewWindows1255
            default: try lines.map { [UInt8](try #require($0.data(using: .windowsCP1253))) }
            }
        let (documents, reader) = try corpus(labelledFile(bytes), name: "reviews.tsv")
        // Too short for ucsdet to be sure (it gives these 5-30 %), but the bytes form whole words.
        #expect(documents.map(\.text) == lines, "\(what): read as \(String(describing: reader.encoding))")
        #expect(documents.map(\.label) == lines.indices.map { $0 % 2 == 0 ? 1 : 0 })
        #expect(reader.encodingNote?.contains("(detected, confidence") == true, "\(what)")
    }

    @Test func shortArabicStillNeedsItsEncodingNamed() throws {
        // ucsdet ties two alphabets for these two lines (Greek and Arabic, 7 % each): nothing to go on, so
        // the guess stays windows-1252, which the note says, and --encoding reads them.
        let (_, reader) = try corpus(labelledFile(arabicWindows1256), name: "reviews.tsv")
        #expect(reader.encoding == TextEncoding(name: "windows-1252", source: .guessed))
        let named = try corpus(
            labelledFile(arabicWindows1256), name: "reviews.tsv",
            options: CorpusReaderOptions(encoding: "windows-1256"))
        #expect(named.documents.map(\.text) == arabicLines)
    }

    @Test func latinTextWithAccentsInsideWordsStaysWindows1252() throws {
        // Runs of two accented letters inside words, and a one-letter accented word: Latin, not an alphabet
        // of its own.
        let lines = ["1\tsehr süß und schön", "0\tdie Größe enttäuscht", "1\tà bientôt"]
        let (documents, reader) = try corpus(try encoded(lines, .isoLatin1), name: "de.tsv")
        #expect(documents.map(\.text) == ["sehr süß und schön", "die Größe enttäuscht", "à bientôt"])
        #expect(reader.encoding?.name == "windows-1252")
    }

    @Test func windows1252PunctuationIsRead() throws {
        let lines = ["1\t“great” value — 5 €", "0\tnot worth it…"]
        let (documents, reader) = try corpus(try encoded(lines, .windowsCP1252), name: "quotes.tsv")
        #expect(documents.map(\.text) == ["“great” value — 5 €", "not worth it…"])
        #expect(reader.encoding?.name == "windows-1252")
    }

    @Test func chineseInGB18030GivesTheTokensOfUTF8() throws {
        let reference = try corpus(Array((chineseLines.joined(separator: "\n") + "\n").utf8), name: "zh.tsv")
        let (documents, reader) = try corpus(chineseInGB18030(), name: "zh.tsv")
        #expect(documents.map(\.text) == reference.documents.map(\.text))
        #expect(try tokens(documents) == tokens(reference.documents))
        #expect(reader.encoding?.name == "GB18030")
        #expect(reader.encodingNote?.hasPrefix("zh.tsv: not UTF-8: read as GB18030") == true)
    }

    @Test func aUTF16SpreadsheetExportWithCRLFIsRead() throws {
        // Excel's "Unicode text": UTF-16 LE with a byte order mark, tabs, CRLF line ends.
        let lines = ["sentiment\treview", "positive\tcafé très réussi", "negative\t这家酒店很差"]
        let bytes = try encoded(lines, .utf16LittleEndian, mark: [0xFF, 0xFE], ending: "\r\n")
        for name in ["export.txt", "export.csv", "export"] {
            let (documents, reader) = try corpus(bytes, name: name)
            #expect(documents.map(\.text) == ["café très réussi", "这家酒店很差"], "\(name)")
            #expect(documents.map(\.label) == [1, 0], "\(name)")
            #expect(reader.encoding == TextEncoding(name: "UTF-16LE", source: .byteOrderMark))
        }
    }

    @Test(arguments: [
        (String.Encoding.utf16LittleEndian, "UTF-16LE"), (.utf16BigEndian, "UTF-16BE"),
        (.utf32LittleEndian, "UTF-32LE"), (.utf32BigEndian, "UTF-32BE"),
    ])
    func utf16And32WithoutAByteOrderMarkAreToldByTheirZeroBytes(
        encoding: String.Encoding, expected: String
    ) throws {
        let (documents, reader) = try corpus(try encoded(frenchLines, encoding), name: "fr.tsv")
        #expect(reader.encoding == TextEncoding(name: expected, source: .guessed))
        #expect(documents.map(\.text) == ["café très réussi", "l'accueil était décevant", "à refaire"])
    }

    @Test func decodingCarriesCharactersAcrossBlocks() throws {
        // Far more than one sample block, shifted by one byte so that two-byte characters straddle it.
        var gb = Array("label\ttext\nx".utf8)
        var utf8 = gb
        for index in 0..<6000 {
            let line = Array("\n\(index % 2)\t".utf8)
            gb += line + chineseGB18030[index % 4]
            utf8 += line + Array(chineseLines[1 + index % 4].split(separator: "\t")[1].utf8)
        }
        #expect(gb.count > InputFile.sampleSize * 3 / 2)
        let (documents, reader) = try corpus(gb, name: "big.tsv", options: .init(skipBadLines: true))
        let reference = try corpus(utf8, name: "big.tsv", options: .init(skipBadLines: true))
        #expect(reader.encoding?.name == "GB18030")
        #expect(documents.count == 6000)
        let differing = zip(documents, reference.documents).filter { $0.text != $1.text }
        #expect(
            differing.isEmpty,
            "\(differing.count) texts differ, the first \(differing.first.map { "\($0.0.line)" } ?? "")")
    }

    @Test func utf8WithAFewBadBytesStaysUTF8AndIsCounted() throws {
        var bytes = Array("label\ttext\n1\tcafé très réussi\n0\tdéçu ".utf8) + [0xFF]
        bytes += Array("\n1\tgood\n".utf8)
        let (documents, reader) = try corpus(bytes, name: "mostly.tsv")
        #expect(reader.encoding?.name == "UTF-8")
        #expect(reader.encodingNote == nil)
        #expect(documents.map(\.text) == ["café très réussi", "déçu \u{FFFD}", "good"])
        #expect(reader.documentsWithInvalidUTF8 == 1)
    }

    @Test func aGivenEncodingOverridesTheDetection() throws {
        let utf8 = Array("1\tcafé\n".utf8)
        let (asLatin1, reader) = try corpus(utf8, name: "a.tsv", options: .init(encoding: "latin1"))
        #expect(asLatin1.map(\.text) == ["cafÃ©"])
        #expect(reader.encoding?.source == .requested)
        #expect(reader.encodingNote == nil)
        // Latin-1 bytes read as Latin-2: è (0xE8) is č there.
        let latin1 = try encoded(["1\ttrès"], .isoLatin1)
        #expect(
            try corpus(latin1, name: "b.tsv", options: .init(encoding: "ISO-8859-2")).documents[0].text
                == "trčs")
        // A byte order mark the named encoding does not consume is dropped all the same.
        let utf16 = try encoded(["1\tok"], .utf16LittleEndian, mark: [0xFF, 0xFE])
        #expect(
            try corpus(utf16, name: "c.tsv", options: .init(encoding: "UTF-16LE")).documents[0].text == "ok")
    }

    @Test func anUnknownEncodingIsAClearError() throws {
        let message = inputErrorMessage {
            _ = try CorpusReader(path: "reviews.tsv", options: .init(encoding: "klingon-8"))
        }
        #expect(
            message?.hasPrefix("reviews.tsv: unknown encoding \"klingon-8\": give a name ICU knows") == true)
        #expect(throws: InputError.unknownEncoding(file: "x", name: "")) {
            _ = try InputFile(bytes: [], name: "x", encoding: "")
        }
    }

    // MARK: Delimiters

    @Test(arguments: [("semicolon.csv", ";"), ("tab.csv", "\t"), ("comma.csv", ","), ("semicolon", ";")])
    func theSeparatorIsFoundFromTheFirstLines(name: String, separator: String) throws {
        let text =
            ["label", "text"].joined(separator: separator) + "\n"
            + ["1", "\"très bien\(separator == "," ? ";" : ",") merci\""].joined(separator: separator) + "\n"
            + ["0", "nul"].joined(separator: separator) + "\n"
        let reader = try reader(text, name: name)
        #expect(
            pairs(try reader.readAll()) == [
                p("très bien\(separator == "," ? ";" : ",") merci", 1), p("nul", 0),
            ])
        #expect(reader.delimiter == UInt8(ascii: separator.unicodeScalars.first!))
        #expect(reader.format == .csv)
    }

    @Test func aSemicolonCSVInLatin1FromASpreadsheetIsRead() throws {
        let bytes = try encoded(["Note;Review;Sentiment", "5;café très réussi;positif"], .isoLatin1)
        let message = inputErrorMessage { _ = try corpus(bytes, name: "avis.csv") }
        // Split at semicolons, the header names the columns; "positif" is no label it knows.
        #expect(message?.hasPrefix("avis.csv:2: label \"positif\"") == true, "\(message ?? "")")
        let labelled = try encoded(["label;text", "1;café très réussi", "0;décevant"], .isoLatin1)
        #expect(
            try corpus(labelled, name: "avis.csv").documents.map(\.text) == ["café très réussi", "décevant"])
    }

    @Test func theDelimiterOptionOverridesTheSniffer() throws {
        // Each line has one comma and one semicolon; the sniffer would take the semicolon (labels at the ends).
        let text = "label;text,more\n1;good,fine\n0;bad,awful\n"
        let sniffed = try reader(text, name: "x.csv")
        #expect(pairs(try sniffed.readAll()) == [p("good,fine", 1), p("bad,awful", 0)])
        let message = inputErrorMessage {
            _ = try documents(text, name: "x.csv", options: .init(delimiter: UInt8(ascii: ",")))
        }
        #expect(
            message
                == "x.csv:1: neither the first nor the last field is a label (\(LabelParser.accepted)); name the "
                + "columns in a header line or use --label-column; read with the separator ',', it has 2 fields: \"label;text\", \"more\"; "
                + "--delimiter ',', ';' or tab sets the separator")
    }

    @Test func aLabelColumnNotFoundNamesTheFieldsAndTheSeparator() throws {
        let message = inputErrorMessage { _ = try documents("good;1;x\nbad;0\n", name: "odd.csv") }
        #expect(message?.hasPrefix("odd.csv:1: neither the first nor the last field is a label") == true)
        #expect(
            message?.hasSuffix(
                "read with the separator ',', it has 1 field: \"good;1;x\"; --delimiter ',', ';' or tab sets the separator"
            )
                == true, "\(message ?? "")")
    }
}
