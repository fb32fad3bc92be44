import SentimentKit
import Testing

/// Filling templates: every combination under the cap, a seeded sample over it, shared between templates.
@Suite struct CaseGenerationTests {
    /// A suite with the lexicons a (4 words), b (3 words) and r (records), and one test of `templates`.
    private func suite(_ templates: [String], maxCases: Int? = nil, seed: Int? = nil) throws -> (
        BehaviouralSuite, SuiteTest
    ) {
        var suite = BehaviouralSuite()
        let list = templates.map { "\"\($0)\"" }.joined(separator: ", ")
        let options =
            (maxCases.map { ", \"max_cases\": \($0)" } ?? "") + (seed.map { ", \"seed\": \($0)" } ?? "")
        try suite.read(
            jsonLines: """
                {"lexicon": "a", "language": "en", "words": ["a1", "a2", "a3", "a4"]}
                {"lexicon": "b", "language": "en", "words": ["b1", "b2", "b3"]}
                {"lexicon": "r", "language": "en", "words": [{"x": "x1", "y": "y1"}, {"x": "x2", "y": "y2"}]}
                {"test": "t", "capability": "c", "language": "en", "expect": "positive", "templates": [\(list)]\(options)}
                """, file: "s.jsonl")
        return (suite, suite.tests[0])
    }

    @Test func underTheCapEveryCombinationOnce() throws {
        let (suite, test) = try suite(["{a} {b}"])
        let texts = suite.cases(of: test).map(\.text)
        #expect(texts.count == 12)
        #expect(
            Set(texts)
                == Set(["a1", "a2", "a3", "a4"].flatMap { a in ["b1", "b2", "b3"].map { "\(a) \($0)" } }))
        #expect(texts.first == "a1 b1")
    }

    @Test func differentDrawsOfALexiconTakeDifferentWords() throws {
        let (suite, test) = try suite(["{a} vs {a:2}, {a} again"])
        let texts = suite.cases(of: test).map(\.text)
        // 4 · 3 ordered pairs of different words; a draw repeated in a template is the same word.
        #expect(texts.count == 12)
        for text in texts {
            let words = text.split(whereSeparator: { $0 == " " || $0 == "," })
            #expect(words[0] != words[2] && words[0] == words[3], "\(text)")
        }
    }

    @Test func recordFieldsOfOneDrawComeFromTheSameRecord() throws {
        let (suite, test) = try suite(["{r.x}={r.y} {{literal}}"])
        #expect(suite.cases(of: test).map(\.text) == ["x1=y1 {literal}", "x2=y2 {literal}"])
    }

    @Test func overTheCapASeededSampleOfDistinctCases() throws {
        let (suite, test) = try suite(["{a} {b} {a:2} {b:2}"], maxCases: 20, seed: 3)
        let cases = suite.cases(of: test)
        #expect(cases.count == 20)
        #expect(Set(cases).count == 20)
        // The same seed gives the same sample; another seed another one.
        #expect(suite.cases(of: test) == cases)
        var reseeded = test
        reseeded.seed = 4
        let other = suite.cases(of: reseeded)
        #expect(other.count == 20 && other != cases)
        // Every drawn case is a valid filling: different words for different draws.
        for generated in cases {
            let words = generated.text.split(separator: " ")
            #expect(words[0] != words[2] && words[1] != words[3])
        }
    }

    @Test func theCapIsSharedBetweenTemplatesAndSmallTemplatesGiveTheirRest() throws {
        // Template 1 has 2 fillings, template 2 has 4 · 3 · 3 · 2 = 72, template 3 has 12.
        let (suite, test) = try suite(
            ["{r.x} one", "{a} {b} {a:2} {b:2} two", "{a} {b} three"], maxCases: 30)
        let texts = suite.cases(of: test).map(\.text)
        #expect(texts.count == 30)
        #expect(texts.filter { $0.hasSuffix("one") }.count == 2)
        // Of the 28 left, template 3's share (14) is more than its 12 fillings: it gets them all, and
        // template 2 the remaining 16.
        #expect(texts.filter { $0.hasSuffix("three") }.count == 12)
        #expect(texts.filter { $0.hasSuffix("two") }.count == 16)
    }

    @Test func pairsShareTheirWordsBetweenBaseAndVariant() throws {
        var suite = BehaviouralSuite()
        try suite.read(
            jsonLines: """
                {"lexicon": "name", "language": "en", "words": ["Ann", "Bob", "Cy"]}
                {"test": "n", "capability": "invariance", "language": "en", "expect": "same_label", "pairs": [["{name} came.", "{name:2} came."]]}
                """, file: "s.jsonl")
        let cases = suite.cases(of: suite.tests[0])
        #expect(cases.count == 6)
        #expect(cases.contains(GeneratedCase(text: "Ann came.", variant: "Bob came.")))
        #expect(cases.allSatisfy { $0.text != $0.variant })
    }

    @Test func textsGeneratedTwiceCountOnce() throws {
        let (suite, test) = try suite(["{a} here", "{a} here"])
        #expect(suite.cases(of: test).count == 4)
    }
}
