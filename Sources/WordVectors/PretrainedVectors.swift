/// Word vectors trained elsewhere on large general text (GloVe, word2vec, fastText): a word list and
/// one row of `dimension` values per word, row-major in one contiguous buffer.
public struct PretrainedVectors: Sendable {
    /// The words, in the file's order (for GloVe and fastText files: most frequent first).
    public let words: [String]
    /// Values per word.
    public let dimension: Int
    /// Row-major `[words.count × dimension]` values.
    public let values: [Float]
    /// Where the vectors came from, as a model's training record names them.
    public let source: VectorSource
    private let rowsByWord: [String: Int]

    /// Vectors from their parts; `values.count` must be `words.count × dimension` and the words distinct
    /// (the readers check both and report a file's faults by line).
    public init(words: [String], dimension: Int, values: [Float], source: VectorSource) {
        precondition(dimension > 0 && values.count == words.count * dimension, "vectors of the wrong size")
        self.words = words
        self.dimension = dimension
        self.values = values
        self.source = source
        var rows = [String: Int](minimumCapacity: words.count)
        for (row, word) in words.enumerated() where rows[word] == nil { rows[word] = row }
        rowsByWord = rows
    }

    /// Number of words.
    public var count: Int { words.count }

    /// The row of `word`, if the vectors hold it exactly.
    public func row(of word: String) -> Int? { rowsByWord[word] }

    /// The values of row `row`.
    public func vector(row: Int) -> ArraySlice<Float> {
        values[row * dimension..<(row + 1) * dimension]
    }
}

/// The identity of a vectors file: enough to tell which vectors a model was trained with.
public struct VectorSource: Sendable, Equatable, Codable {
    /// A short name: the file's name, or "bundled:…" for the vectors inside the executable.
    public var name: String
    /// SHA-256 of the file's bytes as stored (compressed, if it is), in lower-case hex, so it can be
    /// compared with `sha256sum FILE`.
    public var sha256: String
    /// The format the file was read as.
    public var format: VectorFileFormat

    public init(name: String, sha256: String, format: VectorFileFormat) {
        self.name = name
        self.sha256 = sha256
        self.format = format
    }
}

/// The vector file formats `VectorFileReader` reads. Any of them may be gzip-compressed.
public enum VectorFileFormat: String, Sendable, Codable, CaseIterable {
    /// GloVe's text: a word and its values per line, space-separated, no header line.
    case glove
    /// word2vec's and fastText's `.vec` text: a first line `COUNT DIMENSION`, then as GloVe.
    case word2vecText = "word2vec_text"
    /// word2vec's binary: the same header line, then each word, a space and `DIMENSION` little-endian
    /// float32 values.
    case word2vecBinary = "word2vec_binary"
    /// This project's compact form (`CompactVectors`): the words, then float16 values.
    case compact
}
