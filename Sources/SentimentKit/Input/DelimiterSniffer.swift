/// Finds the field separator of a CSV file from its first lines, as Python's `csv.Sniffer` does: the
/// candidate (comma, semicolon, tab) that splits every sampled line into the same number of fields, at
/// least two. When several do, the one whose first line has a label or column name at either end wins,
/// then tab, comma, semicolon in that order.
enum DelimiterSniffer {
    static let candidates: [UInt8] = [0x09, 0x2C, 0x3B]
    /// Lines looked at (fewer when the file is shorter).
    static let sampleLines = 10

    /// The separator of `lines` (the first non-blank lines of a file), or nil when no candidate splits
    /// them consistently into two fields or more; `named` says whether the first line then has a label
    /// or a column name at either end (what tells columns from sentences that happen to hold a comma).
    static func sniff(_ lines: [[UInt8]]) -> (separator: UInt8, named: Bool)? {
        guard let first = lines.first else { return nil }
        let consistent = candidates.filter { separator in
            let counts = lines.map { fieldCount($0, separator: separator) }
            return counts[0] >= 2 && counts.allSatisfy { $0 == counts[0] }
        }
        let named = consistent.first { separator in
            let fields = fields(first, separator: separator)
            return [fields.first!, fields.last!].contains { field in
                let text = String(String(decoding: field, as: UTF8.self).trimmingASCIISpaces())
                    .trimmingCharacters(in: "\"").lowercased()
                return LabelParser.parse(Substring(text)) != nil || ColumnNames.isLabelName(text)
                    || ColumnNames.isTextName(text)
            }
        }
        if let named { return (named, true) }
        return consistent.first.map { ($0, false) }
    }

    /// How `separator` is named in messages and on the command line.
    static func name(_ separator: UInt8) -> String {
        switch separator {
        case 0x09: return "tab"
        case 0x2C: return "','"
        case 0x3B: return "';'"
        default: return "'\(Character(Unicode.Scalar(separator)))'"
        }
    }

    /// Fields of one line split at `separator` outside double quotes (a sample line may end inside an
    /// open quote; the count is then what the line shows).
    static func fields(_ line: [UInt8], separator: UInt8) -> [ArraySlice<UInt8>] {
        var result: [ArraySlice<UInt8>] = []
        var start = 0
        var inQuotes = false
        for (index, byte) in line.enumerated() {
            if byte == 0x22 {
                inQuotes.toggle()
            } else if byte == separator && !inQuotes {
                result.append(line[start..<index])
                start = index + 1
            }
        }
        result.append(line[start...])
        return result
    }

    static func fieldCount(_ line: [UInt8], separator: UInt8) -> Int {
        fields(line, separator: separator).count
    }
}

extension String {
    fileprivate func trimmingCharacters(in characters: String) -> String {
        var result = Substring(self)
        while let first = result.first, characters.contains(first) { result = result.dropFirst() }
        while let last = result.last, characters.contains(last) { result = result.dropLast() }
        return String(result)
    }
}
