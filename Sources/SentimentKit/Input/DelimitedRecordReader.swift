// Records of TSV and CSV files.
//
// CSV is read by a hand-written RFC 4180 state machine rather than a library: the reader must report the
// line where each record starts (a quoted field can span lines) and stream files of any size, and the
// CSV libraries available to the project parse whole strings without line numbers.

/// A record: its fields as raw bytes and the line where it starts.
struct DelimitedRecord {
    var fields: [[UInt8]]
    var line: Int
}

/// Reads records from lines. TSV: fields split at tabs, no quoting. CSV: fields split at the separator
/// (a comma, semicolon or tab); a field
/// that starts with a double quote is quoted: it ends at the next lone quote, may contain commas and
/// newlines, and "" inside it stands for one quote. A quote inside an unquoted field is kept as it is.
/// Blank lines between records are skipped.
struct DelimitedRecordReader {
    enum Dialect: Equatable {
        case tsv
        case csv(separator: UInt8)

        /// The byte between fields.
        var separator: UInt8 {
            switch self {
            case .tsv: return 0x09
            case .csv(let separator): return separator
            }
        }
    }

    let lines: LineReader
    let dialect: Dialect

    /// The next record; nil at the end of the input.
    /// - Throws: `InputError.badLine` for text after a closing quote or an unterminated quoted field.
    func next() throws -> DelimitedRecord? {
        var line: LineReader.Line
        repeat {
            guard let next = try lines.next() else { return nil }
            line = next
        } while line.isBlank
        switch dialect {
        case .tsv:
            return DelimitedRecord(
                fields: line.bytes.split(separator: 0x09, omittingEmptySubsequences: false).map(Array.init),
                line: line.number)
        case .csv(let separator):
            return try parseCSV(startingWith: line, separator: separator)
        }
    }

    private enum State {
        case fieldStart
        case unquoted
        case quoted
        case quoteInQuoted
    }

    private func parseCSV(startingWith first: LineReader.Line, separator comma: UInt8) throws
        -> DelimitedRecord
    {
        let quote: UInt8 = 0x22
        var fields: [[UInt8]] = []
        var field: [UInt8] = []
        var state = State.fieldStart
        var line = first
        while true {
            for byte in line.bytes {
                switch state {
                case .fieldStart:
                    if byte == quote {
                        state = .quoted
                    } else if byte == comma {
                        fields.append(field)
                        field.removeAll(keepingCapacity: true)
                    } else {
                        field.append(byte)
                        state = .unquoted
                    }
                case .unquoted:
                    if byte == comma {
                        fields.append(field)
                        field.removeAll(keepingCapacity: true)
                        state = .fieldStart
                    } else {
                        field.append(byte)
                    }
                case .quoted:
                    if byte == quote { state = .quoteInQuoted } else { field.append(byte) }
                case .quoteInQuoted:
                    if byte == quote {
                        field.append(quote)
                        state = .quoted
                    } else if byte == comma {
                        fields.append(field)
                        field.removeAll(keepingCapacity: true)
                        state = .fieldStart
                    } else if byte == 0x20 || (byte == 0x09 && comma != 0x09) {
                        // Spaces after a closing quote are tolerated and dropped.
                    } else {
                        throw InputError.badLine(
                            file: lines.file.name, line: line.number,
                            message: "unexpected text after the closing quote of field \(fields.count + 1)")
                    }
                }
            }
            guard state == .quoted else { break }
            // A quoted field goes on on the next line; the line break is part of it.
            guard let next = try lines.next() else {
                throw InputError.badLine(
                    file: lines.file.name, line: first.number,
                    message: "quoted field \(fields.count + 1) is not closed before the end of the file")
            }
            field.append(0x0A)
            line = next
        }
        fields.append(field)
        return DelimitedRecord(fields: fields, line: first.number)
    }
}
