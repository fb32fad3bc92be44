import Crypto
import Foundation

/// Reads pre-trained word vectors in the formats people have them in: GloVe's text, word2vec's and
/// fastText's `.vec` text (a `COUNT DIMENSION` first line), word2vec's binary format and this project's
/// compact form, each plain or gzip-compressed; the format is told from the content, not the name.
///
/// Every line is checked, kept or not, so a damaged file stops training before it starts, with the line
/// at fault: ragged dimensions, a value that is not a finite number, a duplicate word, an empty file, a
/// dimension of 0 or beyond `maximumDimension`, a header whose count disagrees with the file.
/// Only the words a caller asks for are kept (`keeping`, and the first `leadingWords` of the file), so
/// a file of millions of words costs the memory of the few thousand a vocabulary needs.
public enum VectorFileReader {
    /// The largest dimension accepted: published vectors have 25 to 1,000; a larger first line is a
    /// damaged or wrong file, not vectors.
    public static let maximumDimension = 10_000

    /// The vectors of the file at `path`: every word for which `keeping` is true, and the first
    /// `leadingWords` words of the file (nil `keeping`: every word).
    public static func read(
        path: String, keeping: ((String) -> Bool)? = nil, leadingWords: Int = 0
    ) throws -> PretrainedVectors {
        try ByteStream.checkIsFile(path)
        let digest = try sha256(ofFileAt: path)
        let name = URL(fileURLWithPath: path).lastPathComponent
        var reader = try Reader(path: path, keeping: keeping, leadingWords: leadingWords)
        let format = try reader.readAll()
        return PretrainedVectors(
            words: reader.words, dimension: reader.dimension, values: reader.values,
            source: VectorSource(name: name, sha256: digest, format: format))
    }

    /// SHA-256 of the file's bytes, in lower-case hex.
    static func sha256(ofFileAt path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw VectorFileError(path: path, reason: "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while true {
            let chunk: Data
            do {
                chunk = try handle.read(upToCount: 1 << 22) ?? Data()
            } catch {
                throw VectorFileError(path: path, reason: "cannot read: \(error.localizedDescription)")
            }
            if chunk.isEmpty { break }
            hasher.update(data: chunk)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// One pass over a file, collecting the kept words' rows.
    private struct Reader {
        let path: String
        let keeping: ((String) -> Bool)?
        let leadingWords: Int
        var words: [String] = []
        var values: [Float] = []
        var dimension = 0
        /// Every word seen, kept or not, to catch duplicates.
        var seen = Set<String>()
        var line = 0
        /// Scratch for one text line's value fields and values, reused line after line.
        var boundaries: [(Int, Int)] = []
        var row: [Float] = []

        init(path: String, keeping: ((String) -> Bool)?, leadingWords: Int) throws {
            self.path = path
            self.keeping = keeping
            self.leadingWords = leadingWords
        }

        func fail(_ reason: String, line: Int? = nil) -> VectorFileError {
            VectorFileError(path: path, line: line, reason: reason)
        }

        mutating func readAll() throws -> VectorFileFormat {
            let probe = try ByteStream(path: path)
            if let magic = try probe.next(CompactVectors.magic.count, { Array($0) }),
                magic == CompactVectors.magic
            {
                return try readCompact()
            }
            let stream = try ByteStream(path: path)
            guard let first = try stream.nextLine({ Array($0) }) else { throw fail("empty file: no vectors") }
            line = 1
            if let header = Self.header(first) {
                try checkDimension(header.dimension, line: 1)
                dimension = header.dimension
                let format: VectorFileFormat = try Self.looksBinary(path: path) ? .word2vecBinary : .word2vecText
                if format == .word2vecBinary {
                    try readBinary(stream, count: header.count)
                } else {
                    try readText(stream, firstLine: nil)
                }
                let read = seen.count
                guard read == header.count else {
                    throw fail(
                        "the first line announces \(header.count) words, the file holds \(read)", line: 1)
                }
                return format
            }
            try readText(stream, firstLine: first)
            return .glove
        }

        /// The first line's `COUNT DIMENSION`, when it is one.
        static func header(_ line: [UInt8]) -> (count: Int, dimension: Int)? {
            let fields = line.split(separator: 0x20, omittingEmptySubsequences: true)
            guard fields.count == 2,
                fields.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }),
                let count = Int(String(decoding: fields[0], as: UTF8.self)),
                let dimension = Int(String(decoding: fields[1], as: UTF8.self))
            else { return nil }
            return (count, dimension)
        }

        /// Whether the record after the header line is binary: its text is not a word followed by
        /// numbers only.
        static func looksBinary(path: String) throws -> Bool {
            let stream = try ByteStream(path: path)
            _ = try stream.nextLine { _ in () }
            let numeric = Set("0123456789.eE+- ".utf8)
            return try stream.nextLine { line -> Bool in
                guard let space = line.firstIndex(of: 0x20) else { return true }
                return !line[(space + 1)...].allSatisfy { numeric.contains($0) }
            } ?? false
        }

        func checkDimension(_ dimension: Int, line: Int) throws {
            guard dimension >= 1 else { throw fail("a dimension of 0: no values", line: line) }
            guard dimension <= VectorFileReader.maximumDimension else {
                throw fail(
                    "a dimension of \(dimension), beyond \(VectorFileReader.maximumDimension): not a vectors file?",
                    line: line)
            }
        }

        /// Whether `word` (the `index`-th of the file, from 0) is kept.
        func wants(_ word: String, index: Int) -> Bool {
            index < leadingWords || (keeping?(word) ?? true)
        }

        /// Records `word`, checking it is new; returns whether its values are kept.
        mutating func admit(_ word: String, line: Int) throws -> Bool {
            guard !word.isEmpty else { throw fail("a line without a word", line: line) }
            guard seen.insert(word).inserted else { throw fail("the word \"\(word)\" again", line: line) }
            guard wants(word, index: seen.count - 1) else { return false }
            words.append(word)
            return true
        }

        mutating func readText(_ stream: ByteStream, firstLine: [UInt8]?) throws {
            var pending = firstLine
            while true {
                let lineNumber = line + (pending == nil ? 1 : 0)
                let parsed: Void?
                if let first = pending {
                    parsed = try first.withUnsafeBufferPointer { try parseTextLine($0, line: 1) }
                    pending = nil
                    line = 1
                } else {
                    parsed = try stream.nextLine { try parseTextLine($0, line: lineNumber) }
                    if parsed != nil { line = lineNumber }
                }
                if parsed == nil { break }
            }
            if seen.isEmpty { throw fail("empty file: no vectors") }
        }

        /// A text line: the word, then the values, separated by spaces (trailing spaces allowed, as
        /// fastText writes them). The values are counted from the right, so a word holding a space
        /// (some GloVe files have them) stays whole.
        mutating func parseTextLine(_ bytes: UnsafeBufferPointer<UInt8>, line: Int) throws {
            var end = bytes.count
            while end > 0 && (bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09) { end -= 1 }
            guard end > 0 else { throw fail("an empty line", line: line) }
            let base = bytes.baseAddress!
            // Field boundaries from the right: `dimension` values, unless the first line sets it.
            boundaries.removeAll(keepingCapacity: true)
            var position = end
            while position > 0 {
                var start = position
                while start > 0 && bytes[start - 1] != 0x20 { start -= 1 }
                if dimension > 0 && boundaries.count == dimension { break }
                boundaries.append((start, position))
                position = start
                while position > 0 && bytes[position - 1] == 0x20 { position -= 1 }
            }
            if dimension == 0 {
                // GloVe's first line sets the dimension: every field but the first is a value.
                guard boundaries.count >= 2 else {
                    throw fail("a word without values (or a value without a word)", line: line)
                }
                boundaries.removeLast()
                try checkDimension(boundaries.count, line: line)
                dimension = boundaries.count
                position = boundaries.last!.0
                while position > 0 && bytes[position - 1] == 0x20 { position -= 1 }
            }
            guard boundaries.count == dimension, position > 0 else {
                let found = position > 0 ? boundaries.count : boundaries.count - 1
                throw fail("\(max(found, 0)) values where the file has \(dimension)", line: line)
            }
            guard let word = String(validating: UnsafeBufferPointer(start: base, count: position), as: UTF8.self)
            else { throw fail("the word is not valid UTF-8", line: line) }
            // A word with a space whose last part is a number is a row with too many values.
            if let space = word.lastIndex(of: " "),
                Float(word[word.index(after: space)...]) != nil
            {
                let extra = word.split(separator: " ").reversed().prefix { Float($0) != nil }.count
                throw fail("\(dimension + extra) values where the file has \(dimension)", line: line)
            }
            let keep = try admit(word, line: line)
            // Every value is checked, kept or not.
            row.removeAll(keepingCapacity: true)
            for (offset, field) in boundaries.reversed().enumerated() {
                guard let value = DecimalParsing.parse(base, field.0, field.1), value.isFinite else {
                    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[field.0..<field.1]), as: UTF8.self)
                    let what = DecimalParsing.isNonFiniteSpelling(base, field.0, field.1)
                        || DecimalParsing.parse(base, field.0, field.1) != nil
                        ? "not a finite number" : "not a number"
                    throw fail("value \(offset + 1) of \"\(word)\", \"\(text)\", is \(what)", line: line)
                }
                row.append(value)
            }
            if keep { values.append(contentsOf: row) }
        }

        /// word2vec's binary records: optional newlines, the word up to a space, then `dimension`
        /// little-endian float32 values.
        mutating func readBinary(_ stream: ByteStream, count: Int) throws {
            var record = 1
            while true {
                while let byte = try stream.peekByte(), byte == 0x0A || byte == 0x0D {
                    _ = try stream.next(1) { _ in () }
                }
                guard try stream.peekByte() != nil else { break }
                record += 1
                var wordBytes: [UInt8] = []
                while true {
                    guard let byte = try stream.next(1, { $0[0] }) else {
                        throw fail("the file ends inside a word", line: record)
                    }
                    if byte == 0x20 { break }
                    wordBytes.append(byte)
                    if wordBytes.count > 4096 { throw fail("a word longer than 4,096 bytes", line: record) }
                }
                guard let word = String(validating: wordBytes, as: UTF8.self) else {
                    throw fail("the word is not valid UTF-8", line: record)
                }
                let keep = try admit(word, line: record)
                let dimension = dimension
                let row = try stream.next(4 * dimension) { raw -> [Float] in
                    var row = [Float](repeating: 0, count: dimension)
                    for index in 0..<dimension {
                        let bits = UInt32(raw[4 * index]) | UInt32(raw[4 * index + 1]) << 8
                            | UInt32(raw[4 * index + 2]) << 16 | UInt32(raw[4 * index + 3]) << 24
                        row[index] = Float(bitPattern: bits)
                    }
                    return row
                }
                guard let row else {
                    throw fail("the file ends inside the values of \"\(word)\"", line: record)
                }
                if let bad = row.firstIndex(where: { !$0.isFinite }) {
                    throw fail("value \(bad + 1) of \"\(word)\" is not a finite number", line: record)
                }
                if keep { values += row }
            }
            if seen.isEmpty && count > 0 { throw fail("no vectors after the first line") }
        }

        mutating func readCompact() throws -> VectorFileFormat {
            let bytes = try ByteStream(path: path).remainingBytes()
            let all = try bytes.withUnsafeBufferPointer {
                try CompactVectors.decode($0, name: path)
            }
            dimension = all.dimension
            for (index, word) in all.words.enumerated() {
                seen.insert(word)
                guard wants(word, index: index) else { continue }
                words.append(word)
                values += all.vector(row: index)
            }
            return .compact
        }
    }
}
