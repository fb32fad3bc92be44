/// Vocabularies as JSON (a list of tokens in id order, for model files) and as the `token<TAB>count`
/// text that `sentiment vocab` writes.
extension Vocabulary: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let tokens = try container.decode([String].self)
        do {
            try self.init(tokens: tokens)
        } catch let error as ValidationError {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(tokens)
    }
}

extension Vocabulary {
    /// Why a vocabulary table could not be read; `line` counts from 1. Described as `FILE:LINE: reason`,
    /// like every input error.
    public struct TableError: Error, Equatable, CustomStringConvertible {
        /// The table's name in messages (its path).
        public var file: String
        public var line: Int
        public var message: String
        public var description: String { "\(file):\(line): \(message)" }

        public init(file: String = Vocabulary.defaultTableName, line: Int, message: String) {
            self.file = file
            self.line = line
            self.message = message
        }
    }

    /// The name a table's errors give it when its reader names none.
    public static let defaultTableName = "<vocabulary>"

    /// Reads the text `sentiment vocab` writes: one `token<TAB>count` line per id, `<pad>` and `<unk>`
    /// first. The counts are checked to be integers but not kept. A final newline and CRLF line ends are
    /// accepted. `name` (the file's path) names the table in errors.
    /// - Throws: `TableError` naming the line of the first problem.
    public init(table: String, name: String = Vocabulary.defaultTableName) throws {
        var tokens: [String] = []
        var seen: [String: Int] = [:]
        // "\r\n" is one Character in Swift, so both line ends are separators.
        var lines = table.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        if lines.last == "" { lines.removeLast() }
        for (index, line) in lines.enumerated() {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 2, !fields[0].isEmpty, Int(fields[1]) != nil else {
                throw TableError(file: name, line: index + 1, message: "expected token<TAB>count")
            }
            let token = String(fields[0])
            if let previous = seen.updateValue(index + 1, forKey: token) {
                throw TableError(
                    file: name, line: index + 1,
                    message: "token \"\(token)\" already appears on line \(previous)")
            }
            tokens.append(token)
        }
        guard tokens.count >= 2, tokens[0] == Self.paddingToken, tokens[1] == Self.unknownToken else {
            throw TableError(file: name, line: 1, message: "the table must start with <pad> and <unk>")
        }
        self.init(validatedTokens: tokens)
    }
}

extension Vocabulary {
    /// The text `sentiment vocab` writes and `init(table:name:)` reads: "token<TAB>count" per line in id
    /// order, the counts from `counts`; `<pad>` counts 0 and `<unk>` the token occurrences the
    /// vocabulary does not keep.
    public func table(counts: VocabularyBuilder) -> [UInt8] {
        var keptOccurrences = 0
        for token in tokens.dropFirst(2) { keptOccurrences += counts.count(of: token) }
        var bytes: [UInt8] = []
        for (id, token) in tokens.enumerated() {
            let count: Int
            switch id {
            case Int(Vocabulary.paddingID): count = 0
            case Int(Vocabulary.unknownID): count = counts.totalCount - keptOccurrences
            default: count = counts.count(of: token)
            }
            bytes.append(contentsOf: token.utf8)
            bytes.append(0x09)
            bytes.append(contentsOf: String(count).utf8)
            bytes.append(0x0A)
        }
        return bytes
    }
}
