import SentimentKit
import Testing

/// The built-in suite: what it covers, and that its augment half leaves its test half unseen.
@Suite struct BuiltinSuiteTests {
    private let suite: BehaviouralSuite
    init() throws { suite = try BehaviouralSuite.builtin() }

    /// Every case text (bases and variants) of the tests of `split`, at their own caps.
    private func texts(_ split: SuiteSplit, language: String? = nil) -> [String] {
        suite.tests(in: split).filter { language == nil || $0.language == language }.flatMap {
            suite.cases(of: $0)
        }
        .flatMap(\.texts)
    }

    @Test func everyCapabilityOfIssue22HasHundredsOfCasesInBothLanguages() {
        for language in ["en", "zh"] {
            for capability in ["vocabulary", "negation", "contrast", "intensity", "invariance"] {
                let count = suite.tests(in: .test).filter {
                    $0.language == language && $0.capability == capability
                }
                .reduce(0) { $0 + suite.cases(of: $1).count }
                #expect(count >= 200, "\(language) \(capability): \(count) cases")
            }
        }
        // The kinds of invariance the issue names.
        let invariance = Set(suite.tests(in: .test).filter { $0.capability == "invariance" }.map(\.name))
        #expect(
            invariance == [
                "another person's name", "another place", "another number", "another product name",
                "a neutral URL added", "a typo in a neutral word",
            ])
    }

    @Test func theIssuesExamplesAreAmongTheTestCases() {
        let english = texts(.test, language: "en")
        for pattern in [
            " was not good.", " was never great.", "No one liked the ", " was not bad at all.",
            " was never boring.",
            "No complaints about the ", "I don't think the ", " but ", "Although ", " was very good.",
            " was a bit bad.",
        ] {
            #expect(english.contains { $0.contains(pattern) }, "\(pattern)")
        }
        let chinese = texts(.test, language: "zh")
        for pattern in ["不好。", "不错。", "菜不难吃。", "没有让我失望", "一点也不好。", "虽然", "但是"] {
            #expect(chinese.contains { $0.contains(pattern) }, "\(pattern)")
        }
    }

    @Test func everyTestHasAnAugmentCounterpart() {
        let augment = suite.tests(in: .augment)
        for test in suite.tests(in: .test) {
            #expect(
                augment.contains {
                    $0.name == test.name && $0.language == test.language && $0.capability == test.capability
                        && $0.expectation == test.expectation
                }, "\(test.language) \(test.name)")
        }
        #expect(augment.count == suite.tests(in: .test).count)
    }

    /// The literal text of a half's templates (placeholders removed).
    private func literalText(_ split: SuiteSplit, _ language: String) -> [String] {
        suite.tests(in: split).filter { $0.language == language }.flatMap(\.frames)
            .flatMap(\.templates)
            .map { template in
                template.parts.map { part -> String in
                    if case .text(let text) = part { return text }
                    return " "
                }.joined()
            }
    }

    /// The strings of a half's lexicons.
    private func lexiconStrings(_ split: SuiteSplit, _ language: String) -> Set<String> {
        Set(
            suite.lexicons.values.filter { $0.key.split == split && $0.key.language == language }
                .flatMap(\.words).flatMap(\.strings))
    }

    /// Function words that both halves may share.
    private static let functionWords: Set<String> = [
        "i", "it", "a", "an", "the", "of", "to", "in", "on", "at", "for", "with", "from", "and", "or", "my",
        "me", "we",
        "our", "us", "is", "was", "be", "am", "are", "this", "that", "if", "would", "could", "all", "any",
        "what",
        "one", "after", "had", "out", "will",
    ]

    private func englishWords(_ text: String) -> Set<String> {
        Set(text.lowercased().split { !($0.isLetter || $0 == "'" || $0 == "-") }.map(String.init))
            .subtracting(Self.functionWords)
    }

    @Test func noHalfsWordsOccurInTheOtherHalfsTemplates() {
        for (split, other) in [(SuiteSplit.test, SuiteSplit.augment), (.augment, .test)] {
            let englishLexicon = Set(lexiconStrings(split, "en").flatMap(englishWords))
            let englishLiterals = Set(literalText(other, "en").flatMap(englishWords))
            #expect(
                englishLexicon.intersection(englishLiterals).isEmpty, "\(split) words in \(other) templates")
            // Chinese has no spaces: no lexicon string of one half may occur anywhere in the other's templates.
            let literals = literalText(other, "zh")
            for word in lexiconStrings(split, "zh") {
                #expect(!literals.contains { $0.contains(word) }, "\(split) word \(word)")
            }
        }
    }

    @Test func augmentationSentencesComeFromTheAugmentHalfOnly() {
        let sentences = suite.augmentationSentences(maxPerTest: 100_000)
        let checked = Set(texts(.test))
        #expect(sentences.count > 2000)
        #expect(!sentences.contains { checked.contains($0.text) })
        let augmentTests = suite.tests(in: .augment).filter { $0.expectation.kind == .minimumFunctionality }
        #expect(Set(sentences.map(\.test)) == Set(augmentTests.map(\.name)))
        #expect(Set(sentences.map(\.language)) == ["en", "zh"])
        // Labels: the expectation's, none for "not negative" sentences.
        for sentence in sentences {
            switch sentence.expectation {
            case .positive: #expect(sentence.label == .positive && sentence.document?.label == 1)
            case .negative: #expect(sentence.label == .negative && sentence.document?.label == 0)
            default: #expect(sentence.label == nil && sentence.document == nil)
            }
        }
        #expect(sentences.contains { $0.text == "It was not a marvelous film." && $0.label == .negative })
        // Caps, languages and seeds as asked.
        let few = suite.augmentationSentences(languages: ["zh"], maxPerTest: 5)
        #expect(Set(few.map(\.language)) == ["zh"])
        #expect(
            few.count == 5
                * suite.tests(in: .augment).filter {
                    $0.language == "zh" && $0.expectation.kind == .minimumFunctionality
                }.count)
        #expect(suite.augmentationSentences(languages: ["zh"], maxPerTest: 5, seed: 2) != few)
        #expect(suite.augmentationSentences(languages: ["zh"], maxPerTest: 5) == few)
    }

    @Test func theCheckRunsTheTestHalfOnly() throws {
        let generated = try BehaviouralCheck(suite: suite).generatedTests()
        #expect(generated.allSatisfy { $0.test.split == .test })
        #expect(generated.count == suite.tests(in: .test).count)
    }
}
