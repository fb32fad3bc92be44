/// The labelled sentences of the built-in behavioural suite's augment half, as extra training texts.
///
/// Templates such as "The {thing} was hardly {pos_adj}." or "While a few moments were {neg_adj}, the
/// {thing} as a whole was {pos_adj}." show a model negations and turns in everyday review language that
/// a corpus holds few of. They come from the augment half only, which shares no word and no template
/// with the half `sentiment check` runs (docs/check.md), so the check still measures sentences the
/// model has not seen. A suite language is added when the training texts' vocabulary knows at least
/// `minimumCoverage` of its sentences' tokens, the rule by which `check` picks the languages it runs:
/// an English corpus gets the English sentences, a Chinese one the Chinese, a German one none.
public enum SuiteExamples {
    /// The share of a language's sentence tokens the training texts must hold for it to be added.
    public static let minimumCoverage = 0.5

    /// The augment half's sentences (`AugmentationSentence.leaningDocument`) in the languages the training
    /// tokens cover, with their tokens, cut by `tokenize`.
    static func documents(
        trainingTokens: [[String]], tokenize: ([String]) -> [[String]]
    ) throws -> (documents: [CorpusDocument], tokens: [[String]]) {
        let known = Set(trainingTokens.joined())
        var documents = [CorpusDocument]()
        var tokens = [[String]]()
        let sentences = try BehaviouralSuite.builtin().augmentationSentences()
        for language in Set(sentences.map(\.language)).sorted() {
            let inLanguage = sentences.filter { $0.language == language }.compactMap(\.leaningDocument)
            let languageTokens = tokenize(inLanguage.map(\.text))
            let all = languageTokens.joined()
            let covered = all.filter(known.contains).count
            guard !all.isEmpty, Double(covered) >= minimumCoverage * Double(all.count) else { continue }
            documents += inLanguage
            tokens += languageTokens
        }
        return (documents, tokens)
    }
}
