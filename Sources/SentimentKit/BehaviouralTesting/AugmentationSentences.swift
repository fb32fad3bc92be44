/// A sentence generated from the augment half of a suite, for training: never one that
/// `sentiment check` runs, since the halves share no word or template.
public struct AugmentationSentence: Sendable, Equatable {
    public var text: String
    /// The expectation of the test it comes from (a single-text one).
    public var expectation: SuiteExpectation
    public var language: String
    public var capability: String
    public var test: String

    /// The label to train on: positive or negative, nil for `not_negative` and `not_positive` sentences
    /// ("not bad" is not negative, but no label says how positive it is).
    public var label: SentimentLabel? { expectation.trainingLabel }

    /// As a training document (label 1 positive, 0 negative); nil without a label.
    public var document: CorpusDocument? {
        label.map { CorpusDocument(text: text, label: $0 == .positive ? 1 : 0) }
    }

    /// As a training document with the "not …" sentences labelled as the side they lean to ("not bad",
    /// `not_negative`, positive; `not_positive` negative): what `sentiment check --list-augmentation`
    /// writes and `sentiment train` adds (`SuiteExamples`). Nil for a pair's expectation.
    public var leaningDocument: CorpusDocument? {
        switch expectation {
        case .positive, .notNegative: CorpusDocument(text: text, label: 1)
        case .negative, .notPositive: CorpusDocument(text: text, label: 0)
        default: nil
        }
    }
}

extension BehaviouralSuite {
    /// The sentences of the augment half's single-text tests (invariance and directional pairs carry no
    /// label and are left out), in `languages` (all when nil), generated as `cases(of:)` generates a
    /// test's cases, with `maxPerTest` in place of each test's `max_cases` and `seed` in place of its seed
    /// when given (another seed, another sample of the same templates and words).
    public func augmentationSentences(
        languages: [String]? = nil, maxPerTest: Int? = nil, seed: UInt64? = nil
    ) -> [AugmentationSentence] {
        tests(in: .augment).filter {
            $0.expectation.kind == .minimumFunctionality && (languages?.contains($0.language) ?? true)
        }.flatMap { test -> [AugmentationSentence] in
            var test = test
            if let maxPerTest { test.maxCases = max(0, maxPerTest) }
            if let seed { test.seed = seed }
            return cases(of: test).map {
                AugmentationSentence(
                    text: $0.text, expectation: test.expectation, language: test.language,
                    capability: test.capability, test: test.name)
            }
        }
    }
}
