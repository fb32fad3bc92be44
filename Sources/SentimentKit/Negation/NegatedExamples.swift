/// Synthetic training examples: short labelled texts negated by a rule, with the opposite label.
///
/// A corpus has few negated sentences of each kind ("not good" and "not bad" alike), so a model learns
/// "not" as a negative word rather than as what turns the words after it round. From each training text
/// where a rule can negate safely, one copy is made with the negation added or taken away and the label
/// flipped (docs/negation.md):
/// - at most `maxTokens` tokens, a label of exactly 0 or 1, no contrast word ("but", 但是 …), and the
///   pivot's scope reaching to the end of the text (no punctuation after it but at the very end);
/// - English, no negation cue: one copula ("is", "was", "are", "were"), and "not" goes after it ("the
///   plot was thin" → "the plot was not thin");
/// - English, one cue that is "not" or "n't" after a copula or auxiliary: it is taken away ("is not
///   funny" → "is funny", "isn't funny" → "is funny", "did n't work" → "did work");
/// - Chinese, no cue: one token starting with 很 ("very"), which becomes 不 ("not"): 很好 → 不好.
/// Every other text gives no copy.
public enum NegatedExamples {
    /// The longest text (in tokens) that gets a negated copy: the longer a text, the likelier that its
    /// label rests on more than the clause a rule negates.
    public static let maxTokens = 20

    static let copulas: Set<String> = ["is", "was", "are", "were"]
    /// Joined "n't" forms whose plain form is a word.
    static let contractions: [String: String] = [
        "isn't": "is", "wasn't": "was", "aren't": "are", "weren't": "were", "doesn't": "does",
        "didn't": "did", "don't": "do", "hasn't": "has", "haven't": "have", "hadn't": "had",
        "couldn't": "could", "wouldn't": "would", "shouldn't": "should", "isnt": "is", "wasnt": "was",
        "doesnt": "does", "didnt": "did", "dont": "do",
    ]
    /// Words before a separate "n't" (as SST-2 writes "is n't") that stay a word without it.
    static let auxiliaries: Set<String> = copulas.union([
        "does", "did", "do", "has", "have", "had", "could", "would", "should",
    ])

    /// The tokens of `tokens` negated (or made plain) by the rules above, or nil where no rule applies
    /// safely. Tokens are compared case-folded, as the scope rule compares them.
    public static func negated(_ tokens: [String]) -> [String]? {
        guard !tokens.isEmpty, tokens.count <= maxTokens else { return nil }
        let folded = tokens.map(NegationCues.folded)
        if folded.contains(where: NegationCues.contrastWords.contains) { return nil }
        let cues = folded.indices.filter { position in
            NegationCues.isCue(
                folded[position], next: position + 1 < tokens.count ? tokens[position + 1] : nil, chinese: true)
        }
        if cues.count > 1 { return nil }
        var result = tokens
        let pivot: Int
        if let cue = cues.first {
            let token = folded[cue]
            if token == "not" || token == "n't" {
                guard token == "not" || (cue > 0 && auxiliaries.contains(folded[cue - 1])) else { return nil }
                result.remove(at: cue)
            } else if let plain = contractions[token] {
                result[cue] = plain
            } else {
                return nil
            }
            pivot = cue
        } else {
            let copulas = folded.indices.filter { Self.copulas.contains(folded[$0]) }
            let intensifiers = folded.indices.filter { folded[$0].hasPrefix("很") }
            if copulas.count == 1, intensifiers.isEmpty {
                pivot = copulas[0] + 1
                result.insert("not", at: pivot)
            } else if intensifiers.count == 1, copulas.isEmpty {
                pivot = intensifiers[0]
                let rest = String(tokens[pivot].dropFirst())
                result[pivot] = "不" + rest
            } else {
                return nil
            }
        }
        // The negated words must be all of the text after the pivot: punctuation may only close it.
        var scope = folded[min(cues.isEmpty ? pivot : pivot + 1, folded.count)...]
        while let last = scope.last, NegationCues.endsScope(last) { scope = scope.dropLast() }
        guard !scope.isEmpty, !scope.contains(where: NegationCues.endsScope) else { return nil }
        return result
    }

    /// `tokens` as a text the tokenizer cuts back into them: a space between two tokens unless both
    /// touch at Chinese characters or CJK punctuation.
    public static func text(of tokens: [String]) -> String {
        var text = ""
        for token in tokens {
            if let last = text.unicodeScalars.last, let first = token.unicodeScalars.first,
                !(joinsWithoutSpace(last) && joinsWithoutSpace(first))
            {
                text += " "
            }
            text += token
        }
        return text
    }

    static func isHan(_ scalar: Unicode.Scalar) -> Bool {
        (0x4E00...0x9FFF).contains(scalar.value) || (0x3400...0x4DBF).contains(scalar.value)
    }

    /// Han characters and the CJK and full-width punctuation written between them without spaces.
    static func joinsWithoutSpace(_ scalar: Unicode.Scalar) -> Bool {
        isHan(scalar) || (0x3000...0x303F).contains(scalar.value) || (0xFF00...0xFFEF).contains(scalar.value)
    }

    /// The negated copies of the documents whose tokens (`tokens[i]` of `documents[i]`) a rule negates
    /// safely, labelled `1 − label`.
    public static func documents(_ documents: [CorpusDocument], tokens: [[String]]) -> [CorpusDocument] {
        zip(documents, tokens).compactMap { document, tokens in
            guard document.label == 0 || document.label == 1, let negated = negated(tokens) else { return nil }
            return CorpusDocument(text: text(of: negated), label: 1 - document.label)
        }
    }
}
