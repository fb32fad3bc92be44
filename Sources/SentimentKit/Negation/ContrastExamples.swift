import Embedding

/// Synthetic training examples: two short training texts of opposite labels joined by a contrast,
/// labelled as the clause after the turn.
///
/// Corpora rarely hold a review that turns ("the food was cold, but the staff were lovely"), and a
/// model that has not seen one weighs both clauses alike. Joining two of the user's own short texts, `A`
/// and `B`, as "A, but B" or "although A, B" (Chinese: "虽然A，但是B") with `B`'s label shows it that the
/// clause after the turn decides (docs/negation.md). The texts joined have at most `maxTokens` tokens,
/// a label of exactly 0 or 1 and no contrast word of their own, and are both Chinese or both not.
public enum ContrastExamples {
    /// The longest text (in tokens) that is joined.
    public static let maxTokens = 12
    /// At most this share of the training texts is added: enough to teach the turn, not so much that
    /// joined texts crowd out real ones.
    public static let share = 0.1

    /// Contrast examples from `documents` (whose tokens are `tokens`), drawn with `generator`.
    public static func documents(
        _ documents: [CorpusDocument], tokens: [[String]], using generator: inout SplitMix64
    ) -> [CorpusDocument] {
        // Candidates by language (Chinese or not) and label.
        var pools = [[[Int]]](repeating: [[], []], count: 2)
        for (index, (document, tokens)) in zip(documents, tokens).enumerated()
        where (document.label == 0 || document.label == 1) && isJoinable(tokens) {
            pools[isChinese(tokens) ? 1 : 0][Int(document.label)].append(index)
        }
        var result = [CorpusDocument]()
        var budget = Int(Double(documents.count) * share)
        for (language, pool) in pools.enumerated() {
            var negatives = pool[0].shuffled(using: &generator)
            var positives = pool[1].shuffled(using: &generator)
            var turn = 0
            while budget > 0, let negative = negatives.popLast(), let positive = positives.popLast() {
                // Alternate which label comes after the turn, and the two forms of the turn.
                let (first, second) = turn % 2 == 0 ? (positive, negative) : (negative, positive)
                let text = joined(
                    clause(tokens[first]), clause(tokens[second]), chinese: language == 1, although: turn % 4 >= 2)
                result.append(CorpusDocument(text: text, label: documents[second].label))
                turn += 1
                budget -= 1
            }
        }
        return result
    }

    static func isJoinable(_ tokens: [String]) -> Bool {
        !tokens.isEmpty && tokens.count <= maxTokens
            && !tokens.contains { NegationCues.contrastWords.contains(NegationCues.folded($0)) }
    }

    static func isChinese(_ tokens: [String]) -> Bool {
        tokens.contains { $0.unicodeScalars.contains(where: NegatedExamples.isHan) }
    }

    /// `tokens` without the punctuation that closes them ("the soup was cold ." → "the soup was cold").
    static func clause(_ tokens: [String]) -> [String] {
        var tokens = tokens
        while tokens.count > 1, let last = tokens.last, NegationCues.endsScope(last) { tokens.removeLast() }
        return tokens
    }

    static func joined(_ first: [String], _ second: [String], chinese: Bool, although: Bool) -> String {
        let (opening, turn): ([String], [String]) =
            switch (chinese, although) {
            case (true, _): (["虽然"], ["，", "但是"])
            case (false, true): (["although"], [","])
            case (false, false): ([], [",", "but"])
            }
        return NegatedExamples.text(of: opening + first + turn + second)
    }
}
