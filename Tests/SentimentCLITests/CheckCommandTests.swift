import Foundation
import SentimentKit
import Testing

private func trainedModel() throws -> URL { try TestModelFiles.trained.get() }

private func jsonObject(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
}

/// The tests of a `check --format json` report, flattened.
private func tests(_ report: [String: Any]) -> [[String: Any]] {
    ((report["capabilities"] as? [[String: Any]]) ?? []).flatMap { ($0["tests"] as? [[String: Any]]) ?? [] }
}

@Suite struct CheckCommandTests {
    @Test func checksTheLanguagesTheModelKnowsAndReportsEveryTest() throws {
        let model = try trainedModel()
        let result = try SentimentBinary.run(["check", "-m", model.path, "--format", "json"])
        #expect(result.status == 0, "\(result.standardError)")
        // The English model knows next to no Chinese: those tests are left out, and stderr says so.
        #expect(result.standardError.hasPrefix("check: zh not checked: the model knows "))
        #expect(result.standardError.contains("(--language zh checks it)"))
        let report = try jsonObject(result.standardOutput)
        #expect(report["system"] as? String == model.path)
        #expect(report["languages"] as? [String] == ["en"])
        #expect((report["skipped_languages"] as? [[String: Any]])?.first?["language"] as? String == "zh")
        let capabilities = try #require(report["capabilities"] as? [[String: Any]])
        #expect(
            capabilities.compactMap { $0["capability"] as? String }
                == ["vocabulary", "negation", "contrast", "intensity", "invariance"])
        // The cases checked are those --list-cases writes for English.
        let listed = try SentimentBinary.run(["check", "--list-cases", "--language", "en"])
        #expect(listed.status == 0)
        let lines = outputLines(listed.standardOutput)
        #expect(report["cases"] as? Int == lines.count)
        let first = try jsonObject(String(lines[0]))
        #expect(Set(first.keys) == ["language", "capability", "test", "expect", "text"])
        #expect(lines.contains { $0.contains("\"variant\":") })
        // Failures add up.
        let failures = tests(report).reduce(0) { $0 + (($1["failures"] as? Int) ?? 0) }
        #expect(report["failures"] as? Int == failures)
        #expect(failures > 0)
    }

    @Test func theTableShowsCapabilitiesTestsAndFailingExamples() throws {
        let model = try trainedModel()
        let result = try SentimentBinary.run(["check", "-m", model.path, "--examples", "1"])
        #expect(result.status == 0)
        let lines = outputLines(result.standardOutput)
        #expect(lines[0].hasPrefix("\(model.path), threshold 0.5000: "))
        #expect(lines.contains { $0.hasPrefix("en negation ") && $0.hasSuffix("%") })
        #expect(lines.contains { $0.hasPrefix("  negated positive adjectives ") })
        #expect(lines.contains { $0.hasPrefix("  a neutral URL added ") && $0.contains("shift mean ") })
        #expect(
            lines.contains {
                $0.hasPrefix("  very good is not below good ") && $0.contains("tolerance 0.0500")
            })
        // Examples are indented under their test: a probability and a label, then the text.
        #expect(
            lines.contains {
                $0.hasPrefix("      0.") && ($0.contains(" positive  ") || $0.contains(" negative  "))
            })
    }

    @Test func maxFailureRateDecidesTheExitStatus() throws {
        let model = try trainedModel()
        let lenient = try SentimentBinary.run(["check", "-m", model.path, "--max-failure-rate", "1"])
        #expect(lenient.status == 0)
        let strict = try SentimentBinary.run(["check", "-m", model.path, "--max-failure-rate", "0"])
        #expect(strict.status == 1)
        // The report is printed all the same, and the message names the tests over the limit.
        #expect(strict.standardOutput == lenient.standardOutput)
        #expect(strict.standardError.contains("tests fail on more than 0.0 of their cases: en \""))
        let invalid = try SentimentBinary.run(["check", "-m", model.path, "--max-failure-rate", "1.5"])
        #expect(invalid.status != 0 && invalid.standardError.contains("--max-failure-rate must be in [0, 1]"))
    }

    @Test func suiteFilesExtendTheBuiltinSuiteOrReplaceIt() throws {
        try withTemporaryDirectory { directory in
            let model = try trainedModel()
            let mine = directory.appendingPathComponent("mine.jsonl")
            try Data(
                """
                {"lexicon": "gadget", "language": "en", "words": ["dashcam", "e-reader"]}
                {"test": "gadgets", "capability": "domain", "language": "en", "expect": "positive", "templates": ["The {gadget} works {pos_adj}."]}
                """.utf8
            ).write(to: mine)
            let extended = try SentimentBinary.run([
                "check", "-m", model.path, "--suite", mine.path, "--format", "json",
            ])
            #expect(extended.status == 0, "\(extended.standardError)")
            let names = tests(try jsonObject(extended.standardOutput)).compactMap { $0["name"] as? String }
            #expect(names.contains("gadgets") && names.contains("negated positive adjectives"))
            // Alone, without the built-in lexicons, the file's placeholder {pos_adj} names nothing.
            let alone = try SentimentBinary.run([
                "check", "-m", model.path, "--suite", mine.path, "--no-builtin",
            ])
            #expect(alone.status != 0)
            #expect(
                alone.standardError.contains("\(mine.path):2: unknown placeholder {pos_adj}: no en lexicon"))
            let standalone = directory.appendingPathComponent("alone.jsonl")
            try Data(
                """
                {"lexicon": "gadget", "language": "en", "words": ["dashcam", "e-reader"]}
                {"test": "gadgets", "capability": "domain", "language": "en", "expect": "negative", "templates": ["The {gadget} broke."]}
                """.utf8
            ).write(to: standalone)
            let own = try SentimentBinary.run(
                [
                    "check", "-m", model.path, "--suite", standalone.path, "--no-builtin", "--language", "en",
                    "--format", "json",
                ])
            #expect(own.status == 0, "\(own.standardError)")
            let report = try jsonObject(own.standardOutput)
            #expect(tests(report).compactMap { $0["name"] as? String } == ["gadgets"])
            #expect(report["cases"] as? Int == 2)
            let noFiles = try SentimentBinary.run(["check", "-m", model.path, "--no-builtin"])
            #expect(
                noFiles.status != 0
                    && noFiles.standardError.contains("--no-builtin needs at least one --suite file"))
        }
    }

    @Test func badSuiteFilesStopWithTheirFileAndLine() throws {
        try withTemporaryDirectory { directory in
            let model = try trainedModel()
            let cases: [(String, String)] = [
                (
                    "{\"lexicon\": \"x\", \"language\": \"en\", \"words\": [\"a\"]}\n{oops}",
                    "bad.jsonl:2: not valid JSON: expected a string key (byte 2 of the line)"
                ),
                (
                    #"{"test": "t", "capability": "c", "language": "en", "expect": "great", "templates": ["{thing}"]}"#,
                    "bad.jsonl:1: unknown expectation \"great\""
                ),
                (
                    #"{"test": "t", "capability": "c", "language": "en", "expect": "positive", "templates": ["{things}"]}"#,
                    "bad.jsonl:1: unknown placeholder {things}"
                ),
            ]
            for (text, message) in cases {
                let file = directory.appendingPathComponent("bad.jsonl")
                try Data(text.utf8).write(to: file)
                let result = try SentimentBinary.run(
                    ["check", "-m", model.path, "--suite", "bad.jsonl"], in: directory)
                #expect(result.status == 1)
                #expect(result.standardError.contains(message), "\(result.standardError)")
                #expect(result.standardOutput.isEmpty)
            }
            let missing = try SentimentBinary.run(
                ["check", "-m", model.path, "--suite", "nowhere.jsonl"], in: directory)
            #expect(missing.status == 1 && missing.standardError.contains("nowhere.jsonl: cannot open"))
        }
    }

    @Test func anExternalSystemIsCheckedOnTheListedCases() throws {
        try withTemporaryDirectory { directory in
            // A system that calls everything positive with probability 0.9.
            let listed = try SentimentBinary.run(["check", "--list-cases", "--language", "en"])
            var predictions = ""
            for line in outputLines(listed.standardOutput) {
                let object = try jsonObject(String(line))
                for key in ["text", "variant"] {
                    guard let text = object[key] as? String else { continue }
                    let encoded = String(
                        decoding: try JSONSerialization.data(
                            withJSONObject: [text], options: [.fragmentsAllowed]), as: UTF8.self)
                    predictions +=
                        "{\"text\": \(encoded.dropFirst().dropLast()), \"probability\": 0.9, \"label\": \"positive\"}\n"
                }
            }
            let file = directory.appendingPathComponent("always-positive.jsonl")
            try Data(predictions.utf8).write(to: file)
            let result = try SentimentBinary.run(["check", "--predictions", file.path, "--format", "json"])
            #expect(result.status == 0, "\(result.standardError)")
            let report = try jsonObject(result.standardOutput)
            #expect(report["system"] as? String == file.path)
            #expect(report["threshold"] is NSNull)
            #expect(report["languages"] as? [String] == ["en"])
            for test in tests(report) {
                let expectation = try #require(test["expect"] as? String)
                let failures = try #require(test["failures"] as? Int)
                let cases = try #require(test["cases"] as? Int)
                switch expectation {
                case "positive", "not_negative", "same_label", "not_lower", "not_higher":
                    #expect(failures == 0)
                default: #expect(failures == cases, "\(expectation)")
                }
            }
            let both = try SentimentBinary.run(["check", "--predictions", file.path, "-m", "x.safetensors"])
            #expect(both.status != 0 && both.standardError.contains("leave out --model and --threshold"))
        }
    }

    @Test func theModelIsFoundAsScoreFindsItAndAnUnknownOneIsNamed() throws {
        try withTemporaryDirectory { directory in
            // No model anywhere: the bundled general model is checked, and the report names it.
            let none = try SentimentBinary.run(["check", "--format", "json"], in: directory, environment: [:])
            #expect(none.standardError.contains("no model given: using the bundled general model"))
            #expect(try jsonObject(none.standardOutput)["system"] as? String == "default")
            // A model that knows two words: no language is checked unless one is named.
            let constant = directory.appendingPathComponent("constant.safetensors")
            try TestModelFiles.writeConstantModel(logit: 2, to: constant)
            let unknown = try SentimentBinary.run(
                ["check"], in: directory, environment: ["SENTIMENT_MODEL": constant.path])
            #expect(unknown.status == 1)
            #expect(unknown.standardError.contains("the model knows too few of the tokens of every language"))
            let named = try SentimentBinary.run(
                ["check", "--language", "en", "--format", "json"], in: directory,
                environment: ["SENTIMENT_MODEL": constant.path])
            #expect(named.status == 0, "\(named.standardError)")
            let report = try jsonObject(named.standardOutput)
            #expect(report["system"] as? String == constant.path)
            // σ(2) for every text: every negative expectation fails, every positive one passes.
            for test in tests(report) where test["expect"] as? String == "negative" {
                #expect(test["failures"] as? Int == test["cases"] as? Int)
            }
            for test in tests(report) where test["expect"] as? String == "positive" {
                #expect(test["failures"] as? Int == 0)
            }
            let french = try SentimentBinary.run(["check", "--language", "fr", "-m", constant.path])
            #expect(
                french.status == 1
                    && french.standardError.contains("no tests in language \"fr\" (the suite has en, zh)"))
        }
    }

    @Test func aCopiedBinaryStillHasTheBuiltinSuite() throws {
        try withTemporaryDirectory { directory in
            let binary = try #require(SentimentBinary.url)
            let copy = directory.appendingPathComponent("sentiment")
            try FileManager.default.copyItem(at: binary, to: copy)
            let process = Process()
            process.executableURL = copy
            process.arguments = ["check", "--print-builtin"]
            process.currentDirectoryURL = directory
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            #expect(String(decoding: data, as: UTF8.self) == BehaviouralSuite.builtinJSONLines)
        }
    }
}
