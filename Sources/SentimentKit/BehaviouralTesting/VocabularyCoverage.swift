import Tokenizer

extension BehaviouralCheck {
    /// Per language of `tests`, the share of the tokens of its texts (a sample: up to 20 cases a test)
    /// that the scorer's model has in its vocabulary.
    public static func vocabularyCoverage(of scorer: TextScorer, on tests: [GeneratedTest]) -> [String:
        Double]
    {
        var byLanguage: [String: [String]] = [:]
        for generated in tests {
            byLanguage[generated.test.language, default: []] += generated.cases.prefix(20).map(\.text)
        }
        let vocabularySize = Int32(scorer.model.vocabulary.count)
        return byLanguage.mapValues { texts in
            let ids = scorer.tokenIDs(for: texts).joined()
            // A token inside a negation scope has a marked id: its plain id plus the vocabulary size.
            let known = ids.filter { $0 % vocabularySize != Vocabulary.unknownID }.count
            return ids.isEmpty ? 0 : Double(known) / Double(ids.count)
        }
    }
}
