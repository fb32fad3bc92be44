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
    /// Why a vocabulary table could not be read; `line` counts from 1.
    public struct TableError: Error, Equatable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    /// Reads the text `sentiment vocab` writes: one `token<TAB>count` line per id, `<pad>` and `<unk>`
    /// first. The counts are checked to be integers but not kept. A final newline and CRLF line ends are
    /// accepted.
    /// - Throws: `TableError` naming the line of the first problem.
    public init(table: String) throws {
        var tokens: [String] = []
        var seen: [String: Int] = [:]
        // "\r\n" is one Character in Swift, so both line ends are separators.
        var lines = table.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        if lines.last == "" { lines.removeLast() }
        for (index, line) in lines.enumerated() {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 2, !fields[0].isEmpty, Int(fields[1]) != nil else {
                throw TableError(line: index + 1, message: "expected token<TAB>count")
            }
            let token = String(fields[0])
            if let previous = seen.updateValue(index + 1, forKey: token) {
                throw TableError(
                    line: index + 1, message: "token \"\(token)\" already appears on line \(previous)")
            }
            tokens.append(token)
        }
        guard tokens.count >= 2, tokens[0] == Self.paddingToken, tokens[1] == Self.unknownToken else {
            throw TableError(line: 1, message: "the table must start with <pad> and <unk>")
        }
        self.init(validatedTokens: tokens)
    }
}
