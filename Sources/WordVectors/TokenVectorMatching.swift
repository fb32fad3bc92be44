/// Finds a vector for a token of this project's tokenizer in vectors made by another one.
///
/// GloVe's words come from the Stanford tokenizer: `didn't` is `did` + `n't`, `it's` is `it` + `'s`,
/// `e.g.` keeps its final dot; ICU keeps `didn't` and `it's` whole and leaves the final dot off `e.g`.
/// So a token with no vector of its own is looked up, in order: as it is; case-folded, for vectors
/// that kept case; as the mean of its clitic parts (`ca` + `n't` for `can't`, `we` + `'re`), when
/// every part has a vector; with a final dot, when it holds a dot. Nothing is guessed beyond that:
/// a token of another script, or a made-up word, finds nothing.
public struct TokenVectorMatching: Sendable {
    public let vectors: PretrainedVectors
    /// The first row of each case-folded word, for tokens that only match when case is ignored.
    private let foldedRows: [String: Int]

    /// Matching against `vectors`; `fold` case-folds a word as the tokenizer does.
    public init(vectors: PretrainedVectors, fold: (String) -> String = { $0.lowercased() }) {
        self.vectors = vectors
        var folded = [String: Int](minimumCapacity: vectors.count)
        for (row, word) in vectors.words.enumerated() {
            let key = fold(word)
            if folded[key] == nil { folded[key] = row }
        }
        foldedRows = folded
    }

    /// The rows whose mean is `token`'s vector, or nil when it finds none.
    public func rows(for token: String) -> [Int]? {
        if let row = exactRow(token) { return [row] }
        if let parts = Self.cliticParts(of: token) {
            let rows = parts.compactMap(exactRow)
            if rows.count == parts.count { return rows }
        }
        if token.contains("."), !token.hasSuffix("."), let row = exactRow(token + ".") { return [row] }
        return nil
    }

    /// `token`'s vector (the mean of its rows) written into `destination`, or false when it has none.
    public func vector(for token: String, into destination: UnsafeMutableBufferPointer<Float>) -> Bool {
        guard let rows = rows(for: token) else { return false }
        let dimension = vectors.dimension
        precondition(destination.count == dimension, "destination of the wrong size")
        let scale = 1 / Float(rows.count)
        for index in 0..<dimension { destination[index] = 0 }
        vectors.values.withUnsafeBufferPointer { values in
            for row in rows {
                for index in 0..<dimension { destination[index] += values[row * dimension + index] * scale }
            }
        }
        return true
    }

    /// The words a vectors file needs to hold for `tokens` to find their vectors (each token, its
    /// clitic parts, its dotted form), for reading only those rows of a large file.
    public static func candidateWords<S: Sequence>(for tokens: S) -> Set<String> where S.Element == String {
        var words = Set<String>()
        for token in tokens {
            words.insert(token)
            if let parts = cliticParts(of: token) { words.formUnion(parts) }
            if token.contains("."), !token.hasSuffix(".") { words.insert(token + ".") }
        }
        return words
    }

    private func exactRow(_ word: String) -> Int? {
        vectors.row(of: word) ?? foldedRows[word]
    }

    /// The Stanford tokenizer's split of an English contraction: `can't` → `ca` `n't`, `didn't` → `did`
    /// `n't`, `it's` → `it` `'s`, `they'll` → `they` `'ll`; nil for a token that is not one.
    static func cliticParts(of token: String) -> [String]? {
        if token.count > 3 && token.hasSuffix("n't") { return [String(token.dropLast(3)), "n't"] }
        guard let apostrophe = token.lastIndex(of: "'"), apostrophe != token.startIndex else { return nil }
        let clitic = String(token[apostrophe...])
        guard clitic.count > 1 else { return nil }
        return [String(token[..<apostrophe]), clitic]
    }
}
