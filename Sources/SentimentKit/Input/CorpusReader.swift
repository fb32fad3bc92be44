import Foundation

/// How to read a corpus file.
public struct CorpusReaderOptions: Sendable, Equatable {
    /// The layout; nil picks it from the extension, then from the first line.
    public var format: CorpusFormat?
    /// The label column of TSV/CSV (or key of JSON Lines); nil finds it from a header or the data.
    public var labelColumn: ColumnSelector?
    /// The text column of TSV/CSV (or key of JSON Lines); nil finds it from a header or the data.
    public var textColumn: ColumnSelector?
    /// Whether every document must have a label (training, evaluation) or labels may be absent (`vocab`).
    public var requiresLabels = true
    /// Skip lines that cannot be read (and count them) instead of stopping at the first.
    public var skipBadLines = false
    /// The character encoding (any name ICU's converters know); nil detects it (see `TextEncoding`).
    public var encoding: String?
    /// The field separator of CSV (a tab, comma, semicolon, …); nil finds it from the first lines.
    /// Given for a file of no other format, it makes the file delimited.
    public var delimiter: UInt8?

    /// Options; every one has a default.
    public init(
        format: CorpusFormat? = nil, labelColumn: ColumnSelector? = nil, textColumn: ColumnSelector? = nil,
        requiresLabels: Bool = true, skipBadLines: Bool = false, encoding: String? = nil,
        delimiter: UInt8? = nil
    ) {
        self.encoding = encoding
        self.delimiter = delimiter
        self.format = format
        self.labelColumn = labelColumn
        self.textColumn = textColumn
        self.requiresLabels = requiresLabels
        self.skipBadLines = skipBadLines
    }
}

/// Reads the documents of one corpus file in order, streaming it: TSV, CSV, JSON Lines, fastText or plain
/// text (see `CorpusFormat`). Blank lines are skipped; a line that cannot be read is an
/// `InputError.badLine` naming the file and line, or, with `skipBadLines`, is skipped and counted.
/// Invalid UTF-8 in a text becomes U+FFFD and is counted.
public final class CorpusReader {
    public let options: CorpusReaderOptions
    /// The format in use (given, or detected).
    public let format: CorpusFormat
    /// Lines (records) skipped because they could not be read, with `skipBadLines`.
    public private(set) var skippedLineCount = 0
    /// The messages of the first skipped lines (at most `maximumKeptMessages`).
    public private(set) var skippedLineMessages: [String] = []
    static let maximumKeptMessages = 10
    /// Documents whose text had invalid UTF-8.
    public private(set) var documentsWithInvalidUTF8 = 0

    /// The name used in messages: the path as given, or "<stdin>".
    public var fileName: String { lines.file.name }
    /// The encoding the file is read in.
    public var encoding: TextEncoding? { lines.file.encoding }
    /// A line for standard error when the file is not read as UTF-8 and no encoding was given.
    public var encodingNote: String? { lines.file.encodingNote }
    /// The field separator of a TSV or CSV file (given, or found from its first lines); nil for the
    /// other formats.
    public var delimiter: UInt8? { records?.dialect.separator }

    private let lines: LineReader
    private let records: DelimitedRecordReader?
    private var layout: ColumnLayout?

    /// Opens `path` ("-" for standard input).
    public convenience init(path: String, options: CorpusReaderOptions = CorpusReaderOptions()) throws {
        try self.init(file: InputFile(path: path, encoding: options.encoding), options: options)
    }

    /// Reads `file` (whose own encoding setting applies, not `options.encoding`).
    public init(file: InputFile, options: CorpusReaderOptions = CorpusReaderOptions()) throws {
        self.options = options
        lines = LineReader(file: file)
        try file.decideEncoding()
        var separator = options.delimiter
        if let format = options.format ?? CorpusFormat.fromExtension(of: file.name) {
            self.format = format
        } else if let delimiter = options.delimiter {
            format = delimiter == 0x09 ? .tsv : .csv
        } else {
            let sniffed = CorpusFormat.sniff(firstLine: try Self.firstNonBlankLine(of: lines)?.text ?? "")
            // For `vocab` a ".txt" file is plain text unless it is clearly fastText; a labelled corpus
            // named ".txt" is read as whatever its first line shows.
            if CorpusFormat.isTextExtension(file.name) && !options.requiresLabels {
                format = sniffed == .fasttext ? .fasttext : .text
            } else if sniffed == .text || sniffed == .csv,
                let found = DelimiterSniffer.sniff(try Self.firstNonBlankLines(of: lines)), found.named
            {
                // Columns separated by a semicolon, say, with labels or column names at the ends.
                format = .csv
                separator = found.separator
            } else {
                format = sniffed
            }
        }
        if format == .csv && separator == nil {
            separator = DelimiterSniffer.sniff(try Self.firstNonBlankLines(of: lines))?.separator ?? 0x2C
        }
        if format == .text && options.requiresLabels, let first = try Self.firstNonBlankLine(of: lines) {
            // Plain text has no labels; reading it as labelled would make every line negative.
            throw InputError.unreadableLayout(
                file: file.name, line: first.number, message: Self.unlabelledMessage(first.text))
        }
        switch format {
        case .tsv:
            records = DelimitedRecordReader(
                lines: lines,
                dialect: separator == nil || separator == 0x09 ? .tsv : .csv(separator: separator!))
        case .csv: records = DelimitedRecordReader(lines: lines, dialect: .csv(separator: separator ?? 0x2C))
        default: records = nil
        }
    }

    /// The first line that is not blank among the first 64 (without consuming it), and its number.
    private static func firstNonBlankLine(of lines: LineReader) throws -> (text: String, number: Int)? {
        for offset in 1...64 {
            let peeked = try lines.peek(offset)
            guard peeked.count == offset else { return nil }
            let line = peeked[offset - 1]
            if !line.isBlank { return (TextDecoder.decode(line.bytes).text, line.number) }
        }
        return nil
    }

    /// The first non-blank lines (at most `DelimiterSniffer.sampleLines`) among the first 64, without
    /// consuming them.
    private static func firstNonBlankLines(of lines: LineReader) throws -> [[UInt8]] {
        try lines.peek(64).filter { !$0.isBlank }.prefix(DelimiterSniffer.sampleLines).map(\.bytes)
    }

    /// Why a plain-text line cannot be a labelled document, with a hint when it looks
    /// semicolon-separated.
    static func unlabelledMessage(_ line: String) -> String {
        var message =
            "no label: a labelled corpus needs one on every line (label<TAB>text, CSV with a label column, "
            + "JSON Lines with \"label\", or __label__X text), and this reads as plain text"
        if line.contains(";") {
            message += "; for columns separated by semicolons, pass --delimiter ';'"
        }
        return message
    }

    /// The next document, or nil at the end of the file.
    /// - Throws: `InputError` for a line that cannot be read (unless skipped) or a file whose columns
    ///   cannot be found.
    public func next() throws -> CorpusRecord? {
        while true {
            do {
                return try readDocument()
            } catch InputError.badLine(let file, let line, let message) where options.skipBadLines {
                skippedLineCount += 1
                if skippedLineMessages.count < Self.maximumKeptMessages {
                    skippedLineMessages.append(
                        InputError.badLine(file: file, line: line, message: message).description)
                }
            }
        }
    }

    /// All remaining documents.
    public func readAll() throws -> [CorpusRecord] {
        var documents: [CorpusRecord] = []
        while let document = try next() { documents.append(document) }
        return documents
    }

    private func readDocument() throws -> CorpusRecord? {
        if let records {
            guard let record = try records.next() else { return nil }
            if layout == nil {
                let (decided, isHeader) = try ColumnLayout.decide(
                    firstRecord: record, options: options, file: fileName,
                    separator: records.dialect.separator)
                layout = decided
                if isHeader {
                    guard let data = try records.next() else { return nil }
                    return try document(from: data, layout: decided)
                }
            }
            return try document(from: record, layout: layout!)
        }
        var line: LineReader.Line
        repeat {
            guard let next = try lines.next() else { return nil }
            line = next
        } while line.isBlank
        switch format {
        case .jsonl: return try jsonDocument(line)
        case .fasttext: return try fastTextDocument(line)
        default:
            // Past the first 64 lines the opening check did not see: plain text has no labels either way.
            if options.requiresLabels {
                throw InputError.unreadableLayout(
                    file: fileName, line: line.number,
                    message: Self.unlabelledMessage(TextDecoder.decode(line.bytes).text))
            }
            return makeDocument(text: line.bytes[...], label: nil, line: line.number)
        }
    }

    private func makeDocument(text bytes: ArraySlice<UInt8>, label: Float?, line: Int) -> CorpusRecord {
        let (text, repaired) = TextDecoder.decode(bytes)
        if repaired { documentsWithInvalidUTF8 += 1 }
        return CorpusRecord(text: text, label: label, line: line)
    }

    private func bad(_ line: Int, _ message: String) -> InputError {
        InputError.badLine(file: fileName, line: line, message: message)
    }

    // MARK: TSV and CSV

    private func document(from record: DelimitedRecord, layout: ColumnLayout) throws -> CorpusRecord {
        var fields = record.fields
        if fields.count != layout.columnCount {
            // Tabs inside a last text column of a TSV file are part of the text.
            if format == .tsv && layout.text == layout.columnCount - 1 && fields.count > layout.columnCount {
                let tail = fields[layout.text...].joined(separator: [0x09])
                fields.removeSubrange(layout.text...)
                fields.append(Array(tail))
            } else {
                throw bad(record.line, "expected \(layout.columnCount) fields, found \(fields.count)")
            }
        }
        var label: Float?
        if let column = layout.label {
            guard let parsed = LabelParser.parse(bytes: fields[column][...]) else {
                throw bad(record.line, LabelParser.message(for: TextDecoder.decode(fields[column]).text))
            }
            label = parsed
        }
        return makeDocument(text: fields[layout.text][...], label: label, line: record.line)
    }

    // MARK: JSON Lines

    private func jsonDocument(_ line: LineReader.Line) throws -> CorpusRecord {
        let (repairedText, repaired) = TextDecoder.decode(line.bytes)
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(
                with: Data(repairedText.utf8), options: [.fragmentsAllowed])
        } catch {
            throw bad(line.number, "not valid JSON")
        }
        guard let dictionary = object as? [String: Any] else {
            throw bad(line.number, "expected a JSON object")
        }
        if case .index = options.textColumn {
            throw InputError.badFile(
                file: fileName, message: "JSON Lines has no column numbers: give the text key's name")
        }
        if case .index = options.labelColumn {
            throw InputError.badFile(
                file: fileName, message: "JSON Lines has no column numbers: give the label key's name")
        }
        let textKey = key(options.textColumn, default: "text", alternatives: ColumnNames.text, in: dictionary)
        guard let textKey, let text = dictionary[textKey] as? String else {
            throw bad(line.number, "no \"\(options.textColumn.flatMap(Self.name) ?? "text")\" string")
        }
        let labelKey = key(
            options.labelColumn, default: "label", alternatives: ColumnNames.label, in: dictionary)
        var label: Float?
        if let labelKey, let value = dictionary[labelKey], !(value is NSNull) {
            label = try jsonLabel(value, line: line.number)
        } else if options.requiresLabels {
            if let labelKey, dictionary[labelKey] is NSNull {
                throw bad(
                    line.number,
                    "\"\(labelKey)\" is null: every document needs a label (\(LabelParser.accepted))")
            }
            throw bad(line.number, "no \"\(options.labelColumn.flatMap(Self.name) ?? "label")\" key")
        }
        if repaired && text.contains("\u{FFFD}") { documentsWithInvalidUTF8 += 1 }
        return CorpusRecord(text: text, label: label, line: line.number)
    }

    private static func name(_ selector: ColumnSelector) -> String? {
        if case .name(let name) = selector { return name }
        return nil
    }

    /// The key to use: the one named on the command line, else `preferred`, else a recognised alternative.
    private func key(
        _ selector: ColumnSelector?, default preferred: String, alternatives: Set<String>,
        in object: [String: Any]
    ) -> String? {
        if let selector { return Self.name(selector) }
        if object[preferred] != nil { return preferred }
        return object.keys.sorted().first { alternatives.contains($0.lowercased()) }
    }

    private func jsonLabel(_ value: Any, line: Int) throws -> Float {
        if let string = value as? String {
            guard let label = LabelParser.parse(string) else {
                throw bad(line, LabelParser.message(for: string))
            }
            return label
        }
        if let number = value as? NSNumber {
            let double = number.doubleValue
            if double == 0 || double == 1 { return Float(double) }
            throw bad(line, LabelParser.message(for: "\(number)"))
        }
        throw bad(line, "label is neither a number, a boolean nor a string")
    }

    // MARK: fastText

    private func fastTextDocument(_ line: LineReader.Line) throws -> CorpusRecord {
        let prefix = Array("__label__".utf8)
        var bytes = line.bytes[...]
        while let first = bytes.first, first == 0x20 || first == 0x09 { bytes = bytes.dropFirst() }
        guard bytes.starts(with: prefix) else {
            throw bad(line.number, "line does not start with __label__")
        }
        bytes = bytes.dropFirst(prefix.count)
        let labelEnd = bytes.firstIndex { $0 == 0x20 || $0 == 0x09 } ?? bytes.endIndex
        let labelBytes = bytes[..<labelEnd]
        guard let label = LabelParser.parse(bytes: labelBytes) else {
            throw bad(line.number, LabelParser.message(for: TextDecoder.decode(labelBytes).text))
        }
        var text = bytes[labelEnd...]
        while let first = text.first, first == 0x20 || first == 0x09 { text = text.dropFirst() }
        if text.starts(with: prefix) {
            throw bad(line.number, "more than one label (a binary label is expected)")
        }
        return makeDocument(text: text, label: label, line: line.number)
    }
}

/// Which columns of a TSV/CSV file hold the label and the text.
struct ColumnLayout: Equatable {
    var label: Int?
    var text: Int
    var columnCount: Int

    /// What a record was read as, for messages: its fields (the first few, shortened) and the separator,
    /// with the option that reads another separator.
    static func seen(_ record: DelimitedRecord, separator: UInt8) -> String {
        let shown = record.fields.prefix(6).map { field -> String in
            let text = TextDecoder.decode(field).text
            return "\"" + (text.count > 30 ? text.prefix(30) + "…" : text) + "\""
        }
        let more = record.fields.count > 6 ? ", …" : ""
        let count = record.fields.count
        return "read with the separator \(DelimiterSniffer.name(separator)), it has \(count) "
            + "field\(count == 1 ? "" : "s"): \(shown.joined(separator: ", "))\(more); "
            + "--delimiter ',', ';' or tab sets the separator"
    }

    /// The layout implied by the first record (a header, or the first data record) and the options, and
    /// whether that record is a header.
    static func decide(
        firstRecord record: DelimitedRecord, options: CorpusReaderOptions, file: String, separator: UInt8
    ) throws -> (ColumnLayout, isHeader: Bool) {
        let names = record.fields.map { TextDecoder.decode($0).text.trimmingASCIISpaces().lowercased() }
        let count = names.count
        func named(_ selector: ColumnSelector?) -> String? {
            if case .name(let name) = selector { return name.lowercased() }
            return nil
        }
        // A header names a column and holds no label value: a first data line "1<TAB>review" is data.
        let isHeader =
            (names.contains { ColumnNames.isLabelName($0) || ColumnNames.isTextName($0) }
                || [named(options.labelColumn), named(options.textColumn)].contains {
                    $0 != nil && names.contains($0!)
                })
            && !names.contains(where: { LabelParser.parse(Substring($0)) != nil })

        func resolve(_ selector: ColumnSelector?, what: String) throws -> Int? {
            switch selector {
            case .index(let index):
                guard index <= count else {
                    throw InputError.badFile(
                        file: file,
                        message: "\(what) column \(index) does not exist (the file has \(count) columns)")
                }
                return index - 1
            case .name(let name):
                guard isHeader, let index = names.firstIndex(of: name.lowercased()) else {
                    throw InputError.badFile(file: file, message: "no header column named \"\(name)\"")
                }
                return index
            case nil:
                return nil
            }
        }
        var label = try resolve(options.labelColumn, what: "label")
        var text = try resolve(options.textColumn, what: "text")
        if isHeader {
            if label == nil && options.labelColumn == nil {
                label = names.indices.first { ColumnNames.isLabelName(names[$0]) && $0 != text }
            }
            if text == nil { text = names.indices.first { ColumnNames.isTextName(names[$0]) && $0 != label } }
            if count == 2 {
                if label == nil, let text, options.requiresLabels { label = 1 - text }
                if text == nil, let label { text = 1 - label }
            }
        } else {
            if label == nil && options.labelColumn == nil && count >= 2 {
                let candidates: [Int] = [0, count - 1].filter { text == nil || $0 != text! }
                label = candidates.first(where: { LabelParser.parse(bytes: record.fields[$0][...]) != nil })
            }
            if text == nil {
                if count == 1 {
                    text = 0
                } else if let label, label == 0 || label == count - 1 {
                    text = label == 0 ? count - 1 : 0
                }
            }
        }
        if label == nil && options.requiresLabels {
            throw InputError.unreadableLayout(
                file: file, line: record.line,
                message: (isHeader
                    ? "the header names no label column (\(ColumnNames.label.sorted().joined(separator: ", "))); use --label-column"
                    : "neither the first nor the last field is a label (\(LabelParser.accepted)); name the columns in a header line or use --label-column")
                    + "; " + seen(record, separator: separator)
            )
        }
        guard let text else {
            throw InputError.badFile(
                file: file, message: "cannot tell which column holds the text; use --text-column")
        }
        if label == text {
            throw InputError.badFile(file: file, message: "the label and the text column are the same column")
        }
        return (ColumnLayout(label: label, text: text, columnCount: count), isHeader)
    }
}
