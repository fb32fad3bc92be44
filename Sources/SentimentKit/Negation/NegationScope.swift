/// Which tokens of a text lie inside a negation scope: the rule that marks them for the network
/// (`GRUClassifier.NegationTransform`). A model file records the version it was trained with
/// (`negation_cues`), and scoring marks with that version, so a later change of the rule is a new
/// version and never changes an old model's scores.
///
/// Version 1 (after Das & Chen 2001 and Pang et al. 2002): a negation cue opens a scope over the tokens
/// after it, up to the next punctuation (a token made of punctuation marks and symbols only, Unicode
/// categories P* and S*, other than a hyphen, apostrophe, slash or ampersand, which join words) or
/// contrast word ("but", "however", 但是 …), or the end of the text.
/// A cue inside a scope closes it ("I can't say I didn't enjoy it": "enjoy it" is not negated). Cue
/// tokens themselves are never marked. Tokens are compared case-folded.
/// - English cues: not, no, never, nothing, nobody, none, nor, neither, nowhere, without, hardly,
///   barely, scarcely, cannot, any token ending in "n't" and the apostrophe-less spellings (dont,
///   didnt, cant, …). Pseudo-negations open no scope: "not only", "not just", "no doubt", "no wonder",
///   "no matter".
/// - Chinese cues (tokens as the ICU segmenter cuts them: 我不 / 喜欢, 也不 / 好, 没有 / 让 …): 不, 没,
///   无, 未, 别, 非, 没有 and the tokens of a few more words (毫无, 并非, 从未, 不太, 不是, 不会, …), and any
///   token of two or more characters ending in 不 or 没 (我不, 都不, 从没 …) except 不得不 ("have to")
///   and 要不 ("otherwise"). Lexicalised words such as 不错, 不好 and 不值 carry their own sentiment and
///   open no scope.
/// - Other languages: no cue, nothing is marked.
///
/// Version 2: version 1 with the English cues alone; Chinese text is not marked. Marks on Chinese
/// cost ChnSentiCorp accuracy in every configuration measured, while the English marks gained on CR
/// and SST-2 sentences (BENCHMARKS.md, "Negation and contrast").
public enum NegationScope: Int, Codable, Sendable, CaseIterable {
    case version1 = 1
    case version2 = 2

    /// The rule new models are trained with.
    public static let current = NegationScope.version2

    /// Whether the rule knows the Chinese cues.
    private var marksChinese: Bool { self == .version1 }

    /// Whether each token lies inside a negation scope, in order.
    public func marks(_ tokens: [String]) -> [Bool] {
        var marks = [Bool](repeating: false, count: tokens.count)
        var inScope = false
        for (position, token) in tokens.enumerated() {
            let folded = NegationCues.folded(token)
            if NegationCues.isCue(
                folded, next: position + 1 < tokens.count ? tokens[position + 1] : nil, chinese: marksChinese)
            {
                inScope.toggle()
            } else if NegationCues.endsScope(folded) {
                inScope = false
            } else {
                marks[position] = inScope
            }
        }
        return marks
    }

    /// `ids` (the vocabulary ids of `tokens`) with each token inside a scope marked: `vocabularySize` added
    /// (the network's marked ids, `NegationTransform`).
    public func mark(_ ids: [Int32], tokens: [String], vocabularySize: Int) -> [Int32] {
        precondition(ids.count == tokens.count, "one id per token")
        var marked = ids
        for (position, isMarked) in marks(tokens).enumerated() where isMarked {
            marked[position] += Int32(vocabularySize)
        }
        return marked
    }
}
