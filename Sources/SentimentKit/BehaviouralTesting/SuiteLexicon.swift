/// Which half of a behavioural suite a lexicon or test belongs to.
///
/// Every lexicon and template set is split in two disjoint halves: `test` is what `sentiment check`
/// runs; `augment` is never run by it, and is there to generate training sentences
/// (`BehaviouralSuite.augmentationSentences`), so a model trained on them is still checked on words and
/// templates it has not seen.
public enum SuiteSplit: String, Sendable, Hashable, CaseIterable, Codable {
    case test
    case augment
}

/// A word of a lexicon: a plain string, or a record of named strings that fill `{lexicon.field}`
/// placeholders together (a thing and an adjective that fits it, say).
public enum LexiconWord: Sendable, Hashable {
    case plain(String)
    case record([String: String])

    /// The text a placeholder with `field` (nil: the word itself) takes from this word; nil when the
    /// word has no such field.
    public func value(field: String?) -> String? {
        switch (self, field) {
        case (.plain(let word), nil): return word
        case (.record(let fields), let field?): return fields[field]
        default: return nil
        }
    }

    /// The strings the word holds (the word, or every field's value).
    public var strings: [String] {
        switch self {
        case .plain(let word): return [word]
        case .record(let fields): return fields.keys.sorted().map { fields[$0]! }
        }
    }
}

/// A named list of words of one language and one split, which placeholders `{name}` draw from.
public struct SuiteLexicon: Sendable, Equatable {
    /// Identifies a lexicon within a suite.
    public struct Key: Sendable, Hashable, Comparable {
        public var name: String
        public var language: String
        public var split: SuiteSplit

        public init(name: String, language: String, split: SuiteSplit) {
            self.name = name
            self.language = language
            self.split = split
        }

        public static func < (lhs: Key, rhs: Key) -> Bool {
            (lhs.language, lhs.name, lhs.split.rawValue) < (rhs.language, rhs.name, rhs.split.rawValue)
        }
    }

    public var key: Key
    /// The words in the order they were given, each once.
    public private(set) var words: [LexiconWord]
    /// The fields of its record words; nil when its words are plain strings.
    public let fields: Set<String>?

    /// An empty lexicon whose words are plain strings (`fields` nil) or records with `fields`.
    public init(key: Key, fields: Set<String>?) {
        self.key = key
        self.fields = fields
        words = []
    }

    /// Adds `word` unless the lexicon has it already; returns whether it was new.
    @discardableResult
    mutating func append(_ word: LexiconWord) -> Bool {
        guard !words.contains(word) else { return false }
        words.append(word)
        return true
    }
}
