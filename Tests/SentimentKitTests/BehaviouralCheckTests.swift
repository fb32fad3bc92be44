import Foundation
import SentimentKit
import Testing

/// The runner's arithmetic, on a fake system whose probability of a text is the number the text is.
@Suite struct BehaviouralCheckTests {
    /// A suite whose texts are probabilities: lexicon `p` of single texts, lexicon `pair` of base–variant
    /// records.
    private func check(_ tests: String, probabilities: [String], pairs: [(String, String)] = []) throws
        -> BehaviouralCheck
    {
        var suite = BehaviouralSuite()
        let words = probabilities.map { "\"\($0)\"" }.joined(separator: ", ")
        var lines = #"{"lexicon": "p", "language": "en", "words": [\#(words)]}"# + "\n"
        if !pairs.isEmpty {
            let records = pairs.map { #"{"b": "\#($0.0)", "v": "\#($0.1) "}"# }.joined(separator: ", ")
            lines += #"{"lexicon": "pair", "language": "en", "words": [\#(records)]}"# + "\n"
        }
        try suite.read(jsonLines: lines + tests, file: "s.jsonl")
        return BehaviouralCheck(suite: suite, examplesPerTest: 2)
    }

    /// The fake system: a text's probability is the number it spells; `calls` counts the texts asked for.
    private func report(_ check: BehaviouralCheck, threshold: Float = 0.5, calls: inout [[String]]) throws
        -> CheckReport
    {
        var asked: [[String]] = []
        let report = try check.report(on: check.generatedTests(), system: "fake", threshold: threshold) {
            texts in
            asked.append(texts)
            return texts.map {
                CheckPrediction(
                    probability: Float($0.trimmingCharacters(in: .whitespaces))!, threshold: threshold)
            }
        }
        calls = asked
        return report
    }

    private func test(_ report: CheckReport, _ name: String) throws -> TestResult {
        try #require(report.capabilities.flatMap(\.tests).first { $0.name == name })
    }

    private func mft(_ name: String, _ expect: String, capability: String = "c") -> String {
        #"{"test": "\#(name)", "capability": "\#(capability)", "language": "en", "expect": "\#(expect)", "templates": ["{p}"]}"#
            + "\n"
    }

    @Test func labelExpectationsAndTheNeutralBand() throws {
        let probabilities = ["0.9", "0.67", "0.6", "0.5", "0.4", "0.34", "0.33", "0.1"]
        let check = try check(
            mft("pos", "positive") + mft("neg", "negative") + mft("notneg", "not_negative")
                + mft("notpos", "not_positive"), probabilities: probabilities)
        var calls: [[String]] = []
        let report = try report(check, calls: &calls)
        // Every distinct text is scored once, in one call.
        #expect(calls.count == 1 && calls[0].count == probabilities.count)
        let positive = try test(report, "pos")
        #expect(positive.cases == 8 && positive.failures == 4)
        #expect(positive.failureRate == 0.5)
        // The worst failures first, as many as asked for.
        #expect(positive.examples.map(\.probability) == [0.1, 0.33])
        #expect(positive.examples.map(\.label) == [.negative, .negative])
        #expect(try test(report, "neg").failures == 4)
        // Not negative: positive, or within [1/3, 2/3].
        let notNegative = try test(report, "notneg")
        #expect(notNegative.failures == 2)
        #expect(Set(notNegative.examples.map(\.text)) == ["0.1", "0.33"])
        let notPositive = try test(report, "notpos")
        #expect(notPositive.failures == 2)
        #expect(Set(notPositive.examples.map(\.text)) == ["0.9", "0.67"])
        #expect(report.cases == 32 && report.failures == 12)
        #expect(report.capabilities.count == 1 && report.capabilities[0].failureRate == 12.0 / 32)
    }

    @Test func theModelsThresholdDecidesTheLabel() throws {
        let check = try check(mft("pos", "positive"), probabilities: ["0.9", "0.6", "0.4"])
        var calls: [[String]] = []
        #expect(try test(try report(check, threshold: 0.35, calls: &calls), "pos").failures == 0)
        #expect(try test(try report(check, threshold: 0.95, calls: &calls), "pos").failures == 3)
    }

    @Test func invarianceReportsLabelChangesAndTheShift() throws {
        let check = try check(
            #"{"test": "inv", "capability": "invariance", "language": "en", "expect": "same_label", "pairs": [["{pair.b}", "{pair.v}"]]}"#,
            probabilities: ["0.5"], pairs: [("0.70", "0.62"), ("0.55", "0.45"), ("0.20", "0.30")])
        var calls: [[String]] = []
        let result = try test(try report(check, calls: &calls), "inv")
        #expect(result.cases == 3 && result.failures == 1)
        let shift = try #require(result.shift)
        #expect(abs(shift.mean - (0.08 + 0.10 + 0.10) / 3) < 1e-6)
        #expect(abs(shift.max - 0.10) < 1e-6)
        #expect(result.tolerance == nil)
        let example = try #require(result.examples.first)
        #expect(example.text == "0.55" && example.variant == "0.45 ")
        #expect(example.label == .positive && example.variantLabel == .negative)
        #expect(example.variantProbability == 0.45)
    }

    @Test func directionalTestsAllowTheirTolerance() throws {
        let pairs = [("0.75", "0.5"), ("0.75", "0.49"), ("0.2", "0.9"), ("0.9", "0.2"), ("0.25", "0.5")]
        let check = try check(
            #"{"test": "up", "capability": "intensity", "language": "en", "expect": "not_lower", "pairs": [["{pair.b}", "{pair.v}"]], "tolerance": 0.25}"#
                + "\n"
                + #"{"test": "down", "capability": "intensity", "language": "en", "expect": "not_higher", "pairs": [["{pair.b} ", "{pair.v}"]], "tolerance": 0.25}"#,
            probabilities: ["0.5"], pairs: pairs)
        var calls: [[String]] = []
        let report = try report(check, calls: &calls)
        // Not lower: a drop of exactly the tolerance passes, a larger drop fails.
        let up = try test(report, "up")
        #expect(up.failures == 2 && up.tolerance == 0.25 && up.shift == nil)
        #expect(up.examples.map(\.text) == ["0.9", "0.75"])
        // Not higher: a rise of exactly the tolerance passes.
        let down = try test(report, "down")
        #expect(down.failures == 1)
        #expect(down.examples.map(\.variant) == ["0.9 "])
        #expect(report.capabilities.map(\.capability) == ["intensity"])
        #expect(report.capabilities[0].cases == 10 && report.capabilities[0].failures == 3)
        #expect(report.tests(failingMoreThan: 0.3).map(\.name) == ["up"])
        #expect(report.tests(failingMoreThan: 0.4).isEmpty)
    }

    @Test func higherAndLowerAskForTheirMargin() throws {
        let pairs = [("0.25", "0.5"), ("0.25", "0.49"), ("0.9", "0.2"), ("0.5", "0.25")]
        let check = try check(
            #"{"test": "up", "capability": "negation", "language": "en", "expect": "higher", "pairs": [["{pair.b}", "{pair.v}"]], "margin": 0.25}"#
                + "\n"
                + #"{"test": "down", "capability": "negation", "language": "en", "expect": "lower", "pairs": [["{pair.b} ", "{pair.v}"]]}"#,
            probabilities: ["0.5"], pairs: pairs)
        var calls: [[String]] = []
        let report = try report(check, calls: &calls)
        // Higher: a rise of exactly the margin passes; a smaller rise, or a fall, fails (the fall is worse).
        let up = try test(report, "up")
        #expect(up.failures == 3 && up.margin == 0.25 && up.tolerance == nil)
        #expect(up.examples.map(\.text) == ["0.9", "0.5"])
        // Lower, with the default margin: only the falls of at least 0.1 pass.
        let down = try test(report, "down")
        #expect(SuiteTest.defaultMargin == 0.1)
        #expect(down.margin == SuiteTest.defaultMargin)
        #expect(down.failures == 2)
        #expect(down.examples.map(\.text) == ["0.25 ", "0.25 "])
        #expect(down.examples.map(\.variant) == ["0.5 ", "0.49 "])
    }

    @Test func aSystemThatReturnsTooFewPredictionsIsAnError() throws {
        let check = try check(mft("pos", "positive"), probabilities: ["0.9", "0.1"])
        let error = #expect(throws: CheckError.self) {
            try check.report(on: check.generatedTests(), system: "short", threshold: 0.5) { _ in
                [CheckPrediction(probability: 1, threshold: 0.5)]
            }
        }
        #expect(error?.description == "short: 1 predictions for 2 texts")
    }

    @Test func defaultToleranceApplies() throws {
        let check = try check(
            #"{"test": "up", "capability": "intensity", "language": "en", "expect": "not_lower", "pairs": [["{pair.b}", "{pair.v}"]]}"#,
            probabilities: ["0.5"], pairs: [("0.9", "0.86"), ("0.9", "0.84")])
        var calls: [[String]] = []
        let result = try test(try report(check, calls: &calls), "up")
        #expect(SuiteTest.defaultTolerance == 0.05)
        #expect(result.tolerance == SuiteTest.defaultTolerance && result.failures == 1)
    }

    @Test func capabilitiesGroupTestsByLanguageInOrderOfAppearance() throws {
        let check = try check(
            mft("a", "positive", capability: "first") + mft("b", "negative", capability: "second")
                + mft("c", "negative", capability: "first"), probabilities: ["0.9", "0.1"])
        var calls: [[String]] = []
        let report = try report(check, calls: &calls)
        #expect(report.capabilities.map(\.capability) == ["first", "second"])
        #expect(report.capabilities[0].tests.map(\.name) == ["a", "c"])
        #expect(report.capabilities[0].cases == 4 && report.capabilities[0].failures == 2)
        #expect(report.languages == ["en"])
    }

    @Test func externalPredictionsWithNeutralLabels() throws {
        let check = try check(
            mft("pos", "positive") + mft("notneg", "not_negative")
                + #"{"test": "inv", "capability": "invariance", "language": "en", "expect": "same_label", "pairs": [["{pair.b}", "{pair.v}"]]}"#,
            probabilities: ["0.9", "0.5"], pairs: [("0.6", "0.7")])
        let predictions = try ExternalPredictions(
            jsonLines: """
                {"text": "0.9", "probability": 0.9, "label": "positive", "test": "pos"}
                {"text": "0.5", "probability": 0.5, "label": "neutral"}

                {"text": "0.6", "probability": 0.6, "label": "neutral"}
                {"text": "0.7 ", "probability": 0.7}
                """, file: "p.jsonl")
        let report = try check.run(predictions: predictions)
        #expect(report.system == "p.jsonl" && report.threshold == nil)
        // Neutral is not positive, but it is not negative.
        #expect(try test(report, "pos").failures == 1)
        #expect(try test(report, "notneg").failures == 0)
        // Without a label, 0.7 reads as positive: the label changed from neutral.
        #expect(try test(report, "inv").failures == 1)
    }

    @Test func externalPredictionsMustCoverEveryTextOfALanguage() throws {
        var suite = BehaviouralSuite()
        try suite.read(
            jsonLines: """
                {"lexicon": "p", "language": "en", "words": ["good", "fine"]}
                {"lexicon": "p", "language": "zh", "words": ["好"]}
                {"test": "t", "capability": "c", "language": "en", "expect": "positive", "templates": ["{p}"]}
                {"test": "t", "capability": "c", "language": "zh", "expect": "positive", "templates": ["{p}"]}
                """, file: "s.jsonl")
        let check = BehaviouralCheck(suite: suite)
        let english = try ExternalPredictions(
            jsonLines: #"{"text": "good", "probability": 1}"# + "\n"
                + #"{"text": "fine", "probability": 0.2}"#,
            file: "p.jsonl")
        let report = try check.run(predictions: english)
        #expect(report.languages == ["en"])
        #expect(
            report.skippedLanguages == [
                .init(language: "zh", reason: "p.jsonl has no predictions for its texts")
            ])
        #expect(report.cases == 2 && report.failures == 1)
        // Named, a language without predictions is an error; so is one with some missing.
        let error = #expect(throws: CheckError.self) {
            try check.run(predictions: english, languages: ["zh"])
        }
        #expect(
            error?.description.hasPrefix("p.jsonl: no prediction for \"好\" (zh test \"t\"; 1 of 1 zh texts")
                == true)
        let unrelated = try ExternalPredictions(
            jsonLines: #"{"text": "meh", "probability": 1}"#, file: "u.jsonl")
        let nothing = #expect(throws: CheckError.self) { try check.run(predictions: unrelated) }
        #expect(
            nothing?.description.hasPrefix("u.jsonl: no predictions for the texts of any language") == true)
        let partial = try ExternalPredictions(
            jsonLines: #"{"text": "good", "probability": 1}"#, file: "q.jsonl")
        #expect(throws: CheckError.self) { try check.run(predictions: partial) }
        #expect(throws: CheckError.self) { try check.run(predictions: english, languages: ["fr"]) }
    }

    @Test func badPredictionLinesNameTheirLine() {
        func error(_ text: String) -> String? {
            do {
                _ = try ExternalPredictions(jsonLines: text, file: "p.jsonl")
                return nil
            } catch { return "\(error)" }
        }
        #expect(
            error(#"{"text": "a", "probability": 0.5}"# + "\n{\"text\"")
                == "p.jsonl:2: not valid JSON: expected ':' after an object key (byte 8 of the line)")
        #expect(error(#"{"probability": 0.5}"#) == "p.jsonl:1: no \"text\"")
        #expect(error(#"{"text": "a"}"#) == "p.jsonl:1: no \"probability\"")
        #expect(
            error(#"{"text": "a", "probability": 1.5}"#)
                == "p.jsonl:1: \"probability\" must lie in [0, 1], found 1.5")
        #expect(error(#"{"text": "a", "probability": "high"}"#) == "p.jsonl:1: \"probability\" is a string")
        #expect(
            error(#"{"text": "a", "probability": 0.5, "label": "mixed"}"#)
                == "p.jsonl:1: unknown label \"mixed\" (positive, negative or neutral)")
        #expect(
            error(#"{"text": "a", "probability": 0.5}"# + "\n" + #"{"text": "a", "probability": 0.6}"#)
                == "p.jsonl:2: \"a\" was given another prediction on an earlier line")
        #expect(
            error(#"{"text": "a", "probability": 0.5}"# + "\n" + #"{"text": "a", "probability": 0.5}"#) == nil
        )
    }

    @Test func theJSONReportHasItsDocumentedShape() throws {
        let check = try check(
            mft("pos", "positive")
                + #"{"test": "inv", "capability": "invariance", "language": "en", "expect": "same_label", "pairs": [["{pair.b}", "{pair.v}"]]}"#,
            probabilities: ["0.9", "0.1"], pairs: [("0.6", "0.4")])
        var calls: [[String]] = []
        let report = try report(check, calls: &calls)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let object = try #require(
            JSONSerialization.jsonObject(with: encoder.encode(report)) as? [String: Any])
        #expect(
            Set(object.keys) == [
                "system", "threshold", "neutral_band", "languages", "skipped_languages", "cases", "failures",
                "failure_rate", "capabilities",
            ])
        let capabilities = try #require(object["capabilities"] as? [[String: Any]])
        #expect(capabilities.count == 2)
        #expect(
            Set(capabilities[0].keys) == [
                "language", "capability", "cases", "failures", "failure_rate", "tests",
            ])
        let tests = try capabilities.flatMap { try #require($0["tests"] as? [[String: Any]]) }
        try #require(tests.count == 2)
        #expect(
            Set(tests[0].keys) == [
                "name", "capability", "language", "expect", "kind", "defined_at", "cases", "failures",
                "failure_rate",
                "examples",
            ])
        #expect(tests[0]["kind"] as? String == "minimum_functionality")
        #expect(tests[0]["defined_at"] as? String == "s.jsonl:3")
        #expect(Set((tests[1]["shift"] as? [String: Any])?.keys ?? [:].keys) == ["mean", "max"])
        let example = try #require((tests[1]["examples"] as? [[String: Any]])?.first)
        #expect(
            Set(example.keys) == [
                "text", "probability", "label", "variant", "variant_probability", "variant_label",
            ])
        // The table shows the same numbers.
        let table = report.table()
        #expect(table.contains("en c "))
        #expect(table.contains("  pos "))
        #expect(table.contains("50.0 %"))
        #expect(table.contains("0.6000 positive -> 0.4000 negative  0.6 -> 0.4 "))
    }
}
