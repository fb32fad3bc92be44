/// This project's compact form for word vectors, the form of the vectors bundled in the executable:
/// half the size of float32 and a fifth of the text formats, and read without parsing numbers.
///
///     bytes 0–7    "SNTVEC01"
///     then         UInt32 word count N, UInt32 dimension D, UInt32 byte length W of the word list
///                  (all little-endian)
///     then         W bytes: the N words in UTF-8, each followed by "\n"
///     then         N × D IEEE float16 values, little-endian, row after row
///
/// `scripts/make_bundled_vectors.py` writes it; `decode` checks every field as the text readers do.
public enum CompactVectors {
    /// The first eight bytes of a compact vectors file.
    public static let magic = Array("SNTVEC01".utf8)

    /// The vectors held in `bytes`; `name` names them in errors and in their `VectorSource`.
    public static func decode(
        _ bytes: UnsafeBufferPointer<UInt8>, name: String, sha256: String = ""
    ) throws -> PretrainedVectors {
        func fail(_ reason: String) -> VectorFileError { VectorFileError(path: name, reason: reason) }
        func uint32(at offset: Int) -> Int {
            Int(bytes[offset]) | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2]) << 16
                | Int(bytes[offset + 3]) << 24
        }
        let headerSize = magic.count + 12
        guard bytes.count >= headerSize, Array(bytes[0..<magic.count]) == magic else {
            throw fail("not a compact vectors file (no SNTVEC01 header)")
        }
        let count = uint32(at: 8)
        let dimension = uint32(at: 12)
        let wordBytes = uint32(at: 16)
        guard count >= 1 else { throw fail("empty file: no vectors") }
        guard (1...VectorFileReader.maximumDimension).contains(dimension) else {
            throw fail("a dimension of \(dimension): not within 1…\(VectorFileReader.maximumDimension)")
        }
        let valuesSize = count.multipliedReportingOverflow(by: dimension * 2)
        guard !valuesSize.overflow, bytes.count == headerSize + wordBytes + valuesSize.partialValue else {
            throw fail(
                "\(bytes.count) bytes where \(count) words of \(dimension) values need \(headerSize) + "
                    + "\(wordBytes) + \(count * dimension * 2)")
        }
        let wordList = UnsafeBufferPointer(rebasing: bytes[headerSize..<headerSize + wordBytes])
        guard wordList.last == 0x0A else { throw fail("the word list does not end with a line break") }
        var words: [String] = []
        words.reserveCapacity(count)
        var seen = Set<String>(minimumCapacity: count)
        for piece in wordList.dropLast().split(separator: 0x0A, omittingEmptySubsequences: false) {
            guard let word = String(validating: UnsafeBufferPointer(rebasing: piece), as: UTF8.self),
                !word.isEmpty
            else { throw fail("word \(words.count + 1) is empty or not valid UTF-8") }
            guard seen.insert(word).inserted else { throw fail("the word \"\(word)\" again") }
            words.append(word)
        }
        guard words.count == count else { throw fail("\(words.count) words where the header says \(count)") }
        var values = [Float](repeating: 0, count: count * dimension)
        let start = headerSize + wordBytes
        for index in values.indices {
            let bits = UInt16(bytes[start + 2 * index]) | UInt16(bytes[start + 2 * index + 1]) << 8
            let value = Float(Float16(bitPattern: bits))
            guard value.isFinite else {
                throw fail("value \(index % dimension + 1) of \"\(words[index / dimension])\" is not a finite number")
            }
            values[index] = value
        }
        return PretrainedVectors(
            words: words, dimension: dimension, values: values,
            source: VectorSource(name: name, sha256: sha256, format: .compact))
    }

    /// `vectors` in the compact form (values rounded to the nearest float16; beyond its range they
    /// become infinite, which `decode` refuses, so callers scale such vectors first).
    public static func encode(_ vectors: PretrainedVectors) -> [UInt8] {
        var bytes = magic
        func append(_ value: Int) {
            for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> shift)) }
        }
        var wordList: [UInt8] = []
        for word in vectors.words { wordList += Array(word.utf8) + [0x0A] }
        append(vectors.count)
        append(vectors.dimension)
        append(wordList.count)
        bytes += wordList
        bytes.reserveCapacity(bytes.count + vectors.values.count * 2)
        for value in vectors.values {
            let bits = Float16(value).bitPattern
            bytes.append(UInt8(truncatingIfNeeded: bits))
            bytes.append(UInt8(truncatingIfNeeded: bits >> 8))
        }
        return bytes
    }
}
