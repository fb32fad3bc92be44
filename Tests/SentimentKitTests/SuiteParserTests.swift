import Foundation
import SentimentKit
import Testing

/// Reading suite files: what a good file gives, and the `FILE:LINE: reason` of every kind of bad line.
@Suite struct SuiteParserTests {
    private static let lexicons = """
        {"lexicon": "thing", "language": "en", "words": ["film", "meal"]}
        {"lexicon": "pos", "language": "en", "words": ["good", "great"]}
        {"lexicon": "attr", "language": "en", "words": [{"thing": "room", "adj": "clean"}, {"thing": "soup", "adj": "hot"}]}
        {"lexicon": "pos", "language": "en", "split": "augment", "words": ["fine"]}
        """

    /// The error message of reading `lines` after the shared lexicons, as file "s.jsonl".
    private func error(_ lines: String) -> String? {
        var suite = BehaviouralSuite()
        do {
            try suite.read(jsonLines: Self.lexicons + "\n" + lines, file: "s.jsonl")
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func readsLexiconsAndTestsWithTheirDefaults() throws {
        var suite = BehaviouralSuite()
        try suite.read(
            jsonLines: Self.lexicons + """

                # a comment, then a blank line

                {"test": "t", "capability": "vocabulary", "language": "en", "expect": "positive", "templates": ["The {thing} was {pos}."]}
                {"test": "d", "capability": "intensity", "language": "en", "expect": "not_lower", "pairs": [["{pos}", "very {pos}"]], "tolerance": 0.1, "max_cases": 7, "seed": 9}
                """, file: "s.jsonl")
        #expect(suite.tests.count == 2)
        let test = suite.tests[0]
        #expect(test.split == .test)
        #expect(test.maxCases == SuiteTest.defaultMaxCases)
        #expect(test.seed == 1)
        #expect(test.location == SuiteLocation(file: "s.jsonl", line: 7))
        #expect(test.tolerance == nil && test.effectiveTolerance == SuiteTest.defaultTolerance)
        let directional = suite.tests[1]
        #expect(directional.expectation.kind == .directional)
        #expect(directional.frames[0].variant?.source == "very {pos}")
        #expect(directional.tolerance == 0.1 && directional.maxCases == 7 && directional.seed == 9)
        let pos = try #require(suite.lexicons[SuiteLexicon.Key(name: "pos", language: "en", split: .test)])
        #expect(pos.words == [.plain("good"), .plain("great")])
        #expect(
            suite.lexicons[SuiteLexicon.Key(name: "pos", language: "en", split: .augment)]?.words == [
                .plain("fine")
            ])
        #expect(suite.languages() == ["en"])
    }

    @Test func aLaterLexiconLineAddsWordsToTheSameLexicon() throws {
        var suite = try BehaviouralSuite.builtin()
        let key = SuiteLexicon.Key(name: "thing", language: "en", split: .test)
        let before = try #require(suite.lexicons[key]).words
        try suite.read(
            jsonLines:
                #"{"lexicon": "thing", "language": "en", "words": ["espresso machine", "\#(before[0].strings[0])"]}"#,
            file: "mine.jsonl")
        // The new word is added once; a word the lexicon has already is not repeated.
        #expect(suite.lexicons[key]?.words == before + [.plain("espresso machine")])
        // Built-in tests that draw from the lexicon now can draw the new word.
        let test = try #require(suite.tests.first { $0.name == "positive adjectives" && $0.split == .test })
        var everything = test
        everything.maxCases = 100_000
        #expect(suite.cases(of: everything).contains { $0.text.contains("espresso machine") })
    }

    @Test func malformedJSONAndWrongShapesNameTheLine() {
        #expect(
            error("{\"test\": ")
                == "s.jsonl:5: not valid JSON: unexpected end of the JSON text (byte 10 of the line)")
        #expect(error("[1, 2]") == "s.jsonl:5: expected a JSON object, found an array")
        #expect(
            error("{\"name\": \"x\"}")
                == "s.jsonl:5: neither a lexicon line (with \"lexicon\") nor a test line (with \"test\")")
        #expect(
            error(#"{"lexicon": "x", "test": "y"}"#) == "s.jsonl:5: a line is a lexicon or a test, not both")
        #expect(
            error(#"{"lexicon": "x", "language": "en", "words": ["a"], "split": "train"}"#)
                == "s.jsonl:5: unknown split \"train\" (test or augment)")
        #expect(
            error(#"{"lexicon": "x", "language": "en", "words": []}"#)
                == "s.jsonl:5: \"words\" must be a non-empty array of strings or of objects")
        #expect(
            error(#"{"lexicon": "x", "language": "en", "words": ["a", {"b": "c"}]}"#)
                == "s.jsonl:5: the words of a lexicon are all strings or all objects")
        #expect(
            error(#"{"lexicon": "x", "language": "en", "words": [{"a": "1"}, {"b": "2"}]}"#)
                == "s.jsonl:5: word 2 has the fields \"b\", the first word \"a\": every word of a lexicon has the same fields"
        )
        #expect(
            error(#"{"lexicon": "pos", "language": "en", "words": [{"a": "1"}]}"#)
                == "s.jsonl:5: lexicon \"pos\" (en, test) has words that are plain strings; these words must be too"
        )
    }

    @Test func testLinesWithUnknownKeysExpectationsOrMisplacedFieldsAreRefused() {
        let head = #"{"test": "t", "capability": "c", "language": "en", "#
        #expect(
            error(head + #""expectation": "positive", "templates": ["{pos}"]}"#)?.hasPrefix(
                "s.jsonl:5: unknown key \"expectation\" (a test line has \"test\", \"capability\"") == true)
        #expect(
            error(head + #""expect": "postive", "templates": ["{pos}"]}"#)
                == "s.jsonl:5: unknown expectation \"postive\" (one of positive, negative, not_negative, not_positive, "
                + "same_label, not_lower, not_higher, higher, lower)")
        #expect(
            error(head + #""expect": "same_label", "templates": ["{pos}"]}"#)
                == "s.jsonl:5: \"same_label\" compares a base with a variant: give \"pairs\" [[base, variant], …], not \"templates\""
        )
        #expect(
            error(head + #""expect": "positive", "pairs": [["{pos}", "a {pos}"]]}"#)
                == "s.jsonl:5: \"positive\" judges single texts: give \"templates\", not \"pairs\"")
        #expect(
            error(head + #""expect": "not_lower", "pairs": [["{pos}"]]}"#)
                == "s.jsonl:5: \"pairs\" must be a non-empty array of [base, variant] arrays of two strings")
        #expect(
            error(head + #""expect": "same_label", "pairs": [["{pos}", "{pos}"]]}"#)
                == "s.jsonl:5: the pair [\"{pos}\", …] has the same base and variant")
        #expect(
            error(head + #""expect": "positive", "templates": ["{pos}"], "tolerance": 0.1}"#)
                == "s.jsonl:5: \"tolerance\" is for not_lower and not_higher tests only")
        #expect(
            error(head + #""expect": "not_lower", "pairs": [["{pos}", "a {pos}"]], "tolerance": 1.5}"#)
                == "s.jsonl:5: \"tolerance\" must be a number in [0, 1)")
        #expect(
            error(head + #""expect": "not_lower", "pairs": [["{pos}", "a {pos}"]], "margin": 0.2}"#)
                == "s.jsonl:5: \"margin\" is for higher and lower tests only")
        #expect(
            error(head + #""expect": "higher", "pairs": [["{pos}", "a {pos}"]], "tolerance": 0.2}"#)
                == "s.jsonl:5: \"tolerance\" is for not_lower and not_higher tests only")
        #expect(
            error(head + #""expect": "positive", "templates": ["{pos}"], "max_cases": 0}"#)
                == "s.jsonl:5: \"max_cases\" must be a whole number from 1 to 100000")
        #expect(
            error(head + #""expect": "positive", "templates": ["{pos}"], "seed": -1}"#)
                == "s.jsonl:5: \"seed\" must be a whole number of at least 0")
        #expect(
            error(#"{"test": "t", "capability": "c", "expect": "positive", "templates": ["{pos}"]}"#)
                == "s.jsonl:5: no \"language\"")
        #expect(
            error(
                #"{"test": "t", "capability": 3, "language": "en", "expect": "positive", "templates": ["{pos}"]}"#
            )
                == "s.jsonl:5: \"capability\" must be a non-empty string, found a number")
        let twice = head + #""expect": "positive", "templates": ["{pos}"]}"#
        #expect(
            error(twice + "\n" + twice) == "s.jsonl:6: test \"t\" (en, test) is already defined at s.jsonl:5")
    }

    @Test func placeholdersMustNameALexiconOfTheTestsLanguageAndHalf() {
        let head = #"{"test": "t", "capability": "c", "language": "en", "expect": "positive", "templates": "#
        #expect(
            error(head + #"["The {thing} was {nice}."]}"#)
                == "s.jsonl:5: unknown placeholder {nice}: no en lexicon \"nice\" in the test half (the lexicons there: "
                + "attr, pos, thing)")
        #expect(
            error(
                #"{"test": "t", "capability": "c", "language": "en", "split": "augment", "expect": "positive", "templates": ["{thing}"]}"#
            )
                == "s.jsonl:5: unknown placeholder {thing}: no en lexicon \"thing\" in the augment half (it is in the "
                + "test half, and a test draws from its own half only)")
        #expect(
            error(
                #"{"test": "t", "capability": "c", "language": "fr", "expect": "positive", "templates": ["{pos}"]}"#
            )
                == "s.jsonl:5: unknown placeholder {pos}: no fr lexicon \"pos\" in the test half (no lexicon of that "
                + "language and half is defined)")
        #expect(
            error(head + #"["{pos.adj}"]}"#)
                == "s.jsonl:5: placeholder {pos.adj}: lexicon \"pos\" has plain words, no field \"adj\"")
        #expect(
            error(head + #"["{attr}"]}"#)
                == "s.jsonl:5: placeholder {attr}: the words of lexicon \"attr\" are records; name a field "
                + "({attr.FIELD}, FIELD one of \"adj\", \"thing\")")
        #expect(
            error(head + #"["{attr.colour}"]}"#)
                == "s.jsonl:5: placeholder {attr.colour}: lexicon \"attr\" has no field \"colour\" (it has \"adj\", \"thing\")"
        )
        #expect(
            error(head + #"["{pos} and {pos:2} and {pos:3}"]}"#)
                == "s.jsonl:5: a template draws 3 different words from lexicon \"pos\", which has 2 in the test half"
        )
    }

    @Test func templateSyntaxErrorsNameTheTemplate() {
        let head = #"{"test": "t", "capability": "c", "language": "en", "expect": "positive", "templates": "#
        #expect(
            error(head + #"["The {thing was good."]}"#)
                == "s.jsonl:5: template \"The {thing was good.\": a \"{\" without its \"}\" (write \"{{\" for a literal brace)"
        )
        #expect(
            error(head + #"["good}"]}"#)
                == "s.jsonl:5: template \"good}\": a \"}\" without its \"{\" (write \"}}\" for a literal brace)"
        )
        #expect(
            error(head + #"["{pos:0}"]}"#)
                == "s.jsonl:5: template \"{pos:0}\": {pos:0}: the draw after \":\" must be a number from 1 to 9"
        )
        #expect(
            error(head + #"["{p o s}"]}"#)?.hasPrefix(
                "s.jsonl:5: template \"{p o s}\": {p o s}: a placeholder is") == true)
    }

    @Test func theHalvesShareNoWordAndNoTemplate() {
        #expect(
            error(#"{"lexicon": "other", "language": "en", "split": "augment", "words": ["great"]}"#)
                == "s.jsonl:5: word \"great\" is in the augment half here and in the test half at s.jsonl:2: the two "
                + "halves of a suite share no word (docs/check.md)")
        // A record's field values count as words.
        #expect(
            error(#"{"lexicon": "x", "language": "en", "split": "augment", "words": [{"a": "soup"}]}"#)?
                .hasPrefix(
                    "s.jsonl:5: word \"soup\" is in the augment half here and in the test half at s.jsonl:3")
                == true)
        // The same word in another language is another word.
        #expect(
            error(#"{"lexicon": "pos", "language": "de", "split": "augment", "words": ["great"]}"#) == nil)
        let template =
            #""capability": "c", "language": "en", "expect": "positive", "templates": ["A {pos} one."]}"#
        #expect(
            error(
                #"{"test": "t", "#
                    + template + "\n"
                    + #"{"lexicon": "pos2", "language": "en", "split": "augment", "words": ["x"]}"#
                    + "\n" + #"{"test": "u", "split": "augment", "# + template)
                == "s.jsonl:7: template \"A {pos} one.\" is in the augment half here and in the test half at "
                + "s.jsonl:5: the two halves of a suite share no template (docs/check.md)")
    }

    @Test func aBadFileLeavesTheSuiteAsItWas() throws {
        var suite = BehaviouralSuite()
        try suite.read(jsonLines: Self.lexicons, file: "a.jsonl")
        let before = suite.lexicons
        #expect(throws: InputError.self) {
            try suite.read(
                jsonLines: #"{"lexicon": "pos", "language": "en", "words": ["superb"]}"# + "\n{",
                file: "b.jsonl")
        }
        #expect(suite.lexicons == before)
    }

    @Test func filesThatCannotBeReadNameThemselves() throws {
        var suite = BehaviouralSuite()
        let missing = "/nonexistent/suite.jsonl"
        let error = #expect(throws: InputError.self) { try suite.read(contentsOf: missing) }
        #expect(error?.description.hasPrefix("\(missing): cannot open") == true)
        let scratch = try ScratchDirectory()
        let latin1 = scratch.url.appendingPathComponent("latin1.jsonl")
        try Data([0x7B, 0xE9, 0x7D]).write(to: latin1)
        let notUTF8 = #expect(throws: InputError.self) { try suite.read(contentsOf: latin1.path) }
        #expect(notUTF8?.description == "\(latin1.path): not UTF-8 text (a suite file is UTF-8 JSON Lines)")
    }
}
