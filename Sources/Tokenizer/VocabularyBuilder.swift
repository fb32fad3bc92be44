/// Counts tokens in one streaming pass and turns the counts into a `Vocabulary`.
///
/// Builders can count parts of a corpus separately (e.g. one per thread) and be merged; the result does
/// not depend on the order in which tokens were added or builders merged.
public struct VocabularyBuilder: Sendable {
    private var counts: [String: Int] = [:]
    /// Number of tokens added, repeats included.
    public private(set) var totalCount = 0

    public init() {}

    /// Counts each token of `tokens`.
    public mutating func add<S: Sequence>(_ tokens: S) where S.Element == String {
        for token in tokens {
            counts[token, default: 0] += 1
            totalCount += 1
        }
    }

    /// Adds the counts of `other`.
    public mutating func merge(_ other: VocabularyBuilder) {
        counts.merge(other.counts, uniquingKeysWith: +)
        totalCount += other.totalCount
    }

    /// How often `token` was added.
    public func count(of token: String) -> Int { counts[token] ?? 0 }

    /// Number of distinct tokens added.
    public var distinctCount: Int { counts.count }

    /// The tokens that `build(minCount:maxSize:)` keeps, after `<pad>` and `<unk>`, with their counts:
    /// tokens added at least `minCount` times, by descending count and then by the bytes of their UTF-8
    /// form, at most `maxSize - 2` of them. Literal "<pad>"/"<unk>" and tokens that cannot be stored
    /// (empty, or containing a tab or line break) are left out. A token for which `keepingRare` is true
    /// is kept however rarely it was added (a word with a pre-trained vector, say, whose one occurrence
    /// is worth a row).
    public func keptTokens(
        minCount: Int = 2, maxSize: Int = 30000, keepingRare: ((String) -> Bool)? = nil
    ) -> [(token: String, count: Int)] {
        let limit = max(maxSize, 2) - 2
        let minimum = max(minCount, 1)
        var entries: [(token: String, count: Int)] = []
        for (token, count) in counts
        where (count >= minimum || keepingRare?(token) == true) && token != Vocabulary.paddingToken
            && token != Vocabulary.unknownToken && Vocabulary.isStorable(token)
        {
            entries.append((token, count))
        }
        entries.sort { lhs, rhs in
            if lhs.count != rhs.count { return lhs.count > rhs.count }
            return lhs.token.utf8.lexicographicallyPrecedes(rhs.token.utf8)
        }
        if entries.count > limit { entries.removeLast(entries.count - limit) }
        return entries
    }

    /// A vocabulary of `<pad>`, `<unk>`, this builder's kept tokens (see `keptTokens`), then, while
    /// `maxSize` allows, the tokens `supplement` adds: those kept from both builders' counts together,
    /// in that order, that are not in yet. Text counted in `supplement` (unlabelled text, say) thus widens
    /// the vocabulary without pushing out a token this builder keeps.
    public func build(
        minCount: Int = 2, maxSize: Int = 30000, supplementedBy supplement: VocabularyBuilder,
        keepingRare: ((String) -> Bool)? = nil
    ) -> Vocabulary {
        let first = keptTokens(minCount: minCount, maxSize: maxSize, keepingRare: keepingRare).map(\.token)
        var tokens = [Vocabulary.paddingToken, Vocabulary.unknownToken] + first
        var present = Set(first)
        var combined = self
        combined.merge(supplement)
        for (token, _) in combined.keptTokens(minCount: minCount, maxSize: Int.max, keepingRare: keepingRare) {
            guard tokens.count < max(maxSize, 2) else { break }
            if present.insert(token).inserted { tokens.append(token) }
        }
        return Vocabulary(validatedTokens: tokens)
    }

    /// A vocabulary of `<pad>`, `<unk>` and then the kept tokens (see `keptTokens`). `maxSize` counts
    /// `<pad>` and `<unk>`, so the result has at most `max(maxSize, 2)` entries; `minCount` below 1 means 1.
    public func build(minCount: Int = 2, maxSize: Int = 30000, keepingRare: ((String) -> Bool)? = nil)
        -> Vocabulary
    {
        let kept = keptTokens(minCount: minCount, maxSize: maxSize, keepingRare: keepingRare)
        let tokens = [Vocabulary.paddingToken, Vocabulary.unknownToken] + kept.map(\.token)
        // The special tokens come first and kept tokens are distinct and storable: no validation needed.
        return Vocabulary(validatedTokens: tokens)
    }
}
