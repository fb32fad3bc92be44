/// The word lists of `NegationScope` (version 2 leaves the Chinese ones out). Frozen: a change is a new
/// version of the rule.
enum NegationCues {
    /// English cue words (besides any token ending in "n't").
    static let english: Set<String> = [
        "not", "no", "never", "nothing", "nobody", "none", "nor", "neither", "nowhere", "without", "hardly",
        "barely", "scarcely", "cannot", "n't",
        // Without the apostrophe, as people type them.
        "dont", "doesnt", "didnt", "isnt", "wasnt", "werent", "arent", "cant", "couldnt", "wouldnt",
        "shouldnt", "wont", "havent", "hasnt", "hadnt", "aint", "mustnt", "neednt",
    ]
    /// Cue words followed by these words open no scope: "not only", "no doubt" …
    static let pseudoNegations: [String: Set<String>] = [
        "not": ["only", "just"], "no": ["doubt", "wonder", "matter"],
    ]
    /// Chinese cue tokens (besides the tokens of two or more characters ending in 不 or 没).
    static let chinese: Set<String> = [
        "不", "没", "无", "未", "别", "非", "莫", "勿", "没有", "毫无", "并无", "从无", "并非", "绝非", "从未", "并未",
        "尚未", "未曾", "毫不", "绝不", "决不", "从不", "并没有", "从来没有", "不太", "不怎么", "不是", "不会",
        "不能", "不用", "不必", "不再", "不够", "不要", "不算", "没什么", "别再",
    ]
    /// Tokens ending in 不 or 没 that are no negation.
    static let chineseExceptions: Set<String> = ["不得不", "要不"]
    /// Words that end a scope: the clause after them is a new one.
    static let contrastWords: Set<String> = [
        "but", "however", "although", "though", "yet", "whereas", "while", "nevertheless", "nonetheless",
        "except", "但", "但是", "可是", "不过", "然而", "却", "只是",
    ]
    /// Punctuation that does not end a scope: it joins words ("no-one", "and/or").
    static let joiningPunctuation: Set<String> = ["-", "'", "/", "&"]

    /// `token` lower-cased when it has ASCII capitals (models trained with `keep_case`): every cue and
    /// contrast word is ASCII or Chinese.
    static func folded(_ token: String) -> String {
        token.utf8.contains { $0 >= 0x41 && $0 <= 0x5A } ? token.lowercased() : token
    }

    /// Whether the case-folded `token`, followed by the token `next`, is a negation cue (a Chinese one
    /// only when `chinese`).
    static func isCue(_ token: String, next: String?, chinese: Bool) -> Bool {
        if english.contains(token) || token.hasSuffix("n't") {
            if let next, let blocked = pseudoNegations[token], blocked.contains(folded(next)) { return false }
            return true
        }
        guard chinese else { return false }
        if Self.chinese.contains(token) { return true }
        guard let last = token.last, last == "不" || last == "没", token.count >= 2 else { return false }
        return !chineseExceptions.contains(token)
    }

    /// Whether the case-folded `token` ends a scope: a contrast word, or punctuation (every character a
    /// punctuation mark or symbol, Unicode general categories P* and S*: ",", "…", ":)", emoji).
    static func endsScope(_ token: String) -> Bool {
        if contrastWords.contains(token) { return true }
        if joiningPunctuation.contains(token) { return false }
        return !token.unicodeScalars.contains { !isPunctuationOrSymbol($0) }
    }

    private static func isPunctuationOrSymbol(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation, .mathSymbol, .currencySymbol,
            .modifierSymbol, .otherSymbol:
            true
        default: false
        }
    }
}
