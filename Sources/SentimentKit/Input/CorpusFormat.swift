/// The layouts of corpus files the commands read.
public enum CorpusFormat: String, CaseIterable, Sendable {
    /// Tab-separated columns, no quoting (a field cannot hold a tab or newline, except that extra tabs
    /// in a last text column are kept as part of the text).
    case tsv
    /// Comma-separated columns with RFC 4180 quoting.
    case csv
    /// One JSON object per line with "text" and "label" keys.
    case jsonl
    /// fastText lines: "__label__X text".
    case fasttext
    /// Plain text: one document per line, no labels.
    case text

    /// The format an extension implies; nil when it implies none (".txt" may be fastText or plain text,
    /// so it is sniffed too).
    public static func fromExtension(of path: String) -> CorpusFormat? {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        switch path[path.index(after: dot)...].lowercased() {
        case "tsv", "tab": return .tsv
        case "csv": return .csv
        case "jsonl", "ndjson": return .jsonl
        case "ft", "fasttext": return .fasttext
        default: return nil
        }
    }

    /// Whether the extension says "some kind of text file": sniffed, plain text unless it looks like
    /// fastText.
    static func isTextExtension(_ path: String) -> Bool {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return false }
        return path[path.index(after: dot)...].lowercased() == "txt"
    }

    /// A guess from the first non-blank line: "{" means JSON Lines, "__label__" fastText, a tab TSV, a
    /// comma with a label or header word at either end CSV; anything else plain text.
    public static func sniff(firstLine: String) -> CorpusFormat {
        let line = firstLine.trimmingASCIISpaces()
        if line.hasPrefix("{") { return .jsonl }
        if line.hasPrefix("__label__") { return .fasttext }
        if line.contains("\t") { return .tsv }
        let fields = line.split(separator: ",", omittingEmptySubsequences: false)
        if fields.count >= 2 {
            let ends = [fields.first!, fields.last!].map {
                $0.trimmingCharacters(in: "\" ").lowercased()
            }
            if ends.contains(where: {
                LabelParser.parse(Substring($0)) != nil || ColumnNames.isLabelName($0)
                    || ColumnNames.isTextName($0)
            }) {
                return .csv
            }
        }
        return .text
    }
}

/// Header names recognised for the label and the text column (compared case-insensitively).
public enum ColumnNames {
    static let label: Set<String> = ["label", "labels", "sentiment", "polarity", "target", "class", "y"]
    static let text: Set<String> = [
        "text", "review", "sentence", "content", "comment", "document", "tweet", "body", "message",
    ]

    public static func isLabelName(_ name: some StringProtocol) -> Bool {
        label.contains(name.trimmingASCIISpaces().lowercased())
    }

    public static func isTextName(_ name: some StringProtocol) -> Bool {
        text.contains(name.trimmingASCIISpaces().lowercased())
    }
}

/// A column chosen on the command line: a 1-based index or a header name.
public enum ColumnSelector: Equatable, Sendable {
    case index(Int)
    case name(String)

    /// A 1-based index when `argument` is a positive number, else a header name.
    public init?(argument: String) {
        if let number = Int(argument) {
            guard number >= 1 else { return nil }
            self = .index(number)
        } else {
            guard !argument.isEmpty else { return nil }
            self = .name(argument)
        }
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in characters: String) -> Substring {
        var result = self
        while let first = result.first, characters.contains(first) { result = result.dropFirst() }
        while let last = result.last, characters.contains(last) { result = result.dropLast() }
        return result
    }
}
