import GRUClassifier
import Tokenizer

/// A test of a suite with its generated cases.
public struct GeneratedTest: Sendable {
    public var test: SuiteTest
    public var cases: [GeneratedCase]
}

/// Runs the test half of a behavioural suite against a model or an external system's predictions, and
/// reports per language, capability and test: what `sentiment check` does.
///
/// Every distinct text of the selected tests is scored once, in one batched call. A case fails when the
/// prediction does not meet its test's expectation (`CheckPrediction.meets`); a test's failure rate is
/// its failed cases over its cases, a capability's over all its tests' cases.
public struct BehaviouralCheck: Sendable {
    /// The suite whose test half is run (its augment half never is).
    public let suite: BehaviouralSuite
    /// Failing examples kept per test, worst first.
    public var examplesPerTest: Int

    public static let defaultExamplesPerTest = 3
    /// The share of a language's tokens a model's vocabulary must know for `run(scorer:…)` to run that
    /// language's tests when no languages are named: a model that knows none of a language's words
    /// would only show its bias on them.
    public static let minimumCoverage = 0.5

    public init(suite: BehaviouralSuite, examplesPerTest: Int = defaultExamplesPerTest) {
        self.suite = suite
        self.examplesPerTest = examplesPerTest
    }

    /// The built-in suite (unless `builtin` is false) extended by the suite files at `files`, read in
    /// order.
    public init(
        builtin: Bool = true, suiteFiles files: [String], examplesPerTest: Int = defaultExamplesPerTest
    ) throws {
        var suite = builtin ? try BehaviouralSuite.builtin() : BehaviouralSuite()
        for file in files { try suite.read(contentsOf: file) }
        self.init(suite: suite, examplesPerTest: examplesPerTest)
    }

    /// The test half's tests in `languages` (every language when nil), with their cases. Throws for a
    /// language without tests.
    public func generatedTests(languages: [String]? = nil) throws -> [GeneratedTest] {
        let available = suite.languages(in: .test)
        if let unknown = languages?.first(where: { !available.contains($0) }) {
            throw CheckError(
                "no tests in language \"\(unknown)\" (the suite has \(available.isEmpty ? "none" : available.joined(separator: ", ")))"
            )
        }
        return suite.tests(in: .test).filter { languages?.contains($0.language) ?? true }.map {
            GeneratedTest(test: $0, cases: suite.cases(of: $0))
        }
    }

    /// Checks a model. Without `languages`, the languages whose tokens the model's vocabulary mostly
    /// knows (`minimumCoverage`) are checked and the others reported as skipped (a `CheckError` when
    /// that leaves none).
    public func run(scorer: TextScorer, system: String, languages: [String]? = nil) throws -> CheckReport {
        var tests = try generatedTests(languages: languages)
        var skipped: [CheckReport.SkippedLanguage] = []
        if languages == nil {
            let coverage = Self.vocabularyCoverage(of: scorer, on: tests)
            for language in coverage.keys.sorted() where coverage[language]! < Self.minimumCoverage {
                skipped.append(
                    .init(
                        language: language,
                        reason:
                            "the model knows \(Int((coverage[language]! * 100).rounded())) % of its tokens"))
                tests.removeAll { $0.test.language == language }
            }
            // A check of nothing must not pass for a check.
            if tests.isEmpty && !skipped.isEmpty {
                throw CheckError(
                    "the model knows too few of the tokens of every language of the suite ("
                        + skipped.map { "\($0.language): \($0.reason)" }.joined(separator: "; ")
                        + "); name a language to check it anyway")
            }
        }
        return try report(on: tests, system: system, threshold: scorer.threshold, skipped: skipped) { texts in
            try scorer.logits(for: texts).map {
                CheckPrediction(
                    probability: BiGRUClassifier.probability(logit: $0), threshold: scorer.threshold)
            }
        }
    }

    /// Checks an external system by its predictions of the cases' texts. Without `languages`, the
    /// languages whose texts all have predictions are checked; a language with some but not all is an
    /// error, one with none is reported as skipped (a `CheckError` when that leaves none).
    public func run(predictions: ExternalPredictions, languages: [String]? = nil) throws -> CheckReport {
        var tests = try generatedTests(languages: languages)
        var skipped: [CheckReport.SkippedLanguage] = []
        for language in Set(tests.map(\.test.language)).sorted() {
            let texts = tests.filter { $0.test.language == language }.flatMap { generated in
                generated.cases.flatMap(\.texts).map { (generated.test, $0) }
            }
            let missing = texts.filter { predictions.byText[$0.1] == nil }
            if languages == nil && missing.count == texts.count {
                skipped.append(
                    .init(language: language, reason: "\(predictions.file) has no predictions for its texts"))
                tests.removeAll { $0.test.language == language }
            } else if let (test, text) = missing.first {
                throw CheckError(
                    "\(predictions.file): no prediction for \"\(text)\" (\(test.language) test \"\(test.name)\"; "
                        + "\(missing.count) of \(texts.count) \(language) texts are missing): every text "
                        + "`sentiment check --list-cases` writes needs one")
            }
        }
        if tests.isEmpty && !skipped.isEmpty {
            throw CheckError(
                "\(predictions.file): no predictions for the texts of any language of the suite; "
                    + "score the texts `sentiment check --list-cases` writes")
        }
        return try report(on: tests, system: predictions.file, threshold: nil, skipped: skipped) { texts in
            texts.map { predictions.byText[$0]! }
        }
    }

    /// The report on `tests`, scoring their distinct texts with one call of `predict`, which must return
    /// one prediction per text, in order (a `CheckError` otherwise).
    public func report(
        on tests: [GeneratedTest], system: String, threshold: Float?,
        skipped: [CheckReport.SkippedLanguage] = [],
        predict: ([String]) throws -> [CheckPrediction]
    ) throws -> CheckReport {
        var index: [String: Int] = [:]
        var texts: [String] = []
        for generated in tests {
            for generatedCase in generated.cases {
                for text in generatedCase.texts where index[text] == nil {
                    index[text] = texts.count
                    texts.append(text)
                }
            }
        }
        let predictions = try predict(texts)
        guard predictions.count == texts.count else {
            throw CheckError("\(system): \(predictions.count) predictions for \(texts.count) texts")
        }
        let results = tests.map { result(of: $0) { predictions[index[$0]!] } }
        var capabilities: [CapabilityResult] = []
        for result in results {
            if let position = capabilities.firstIndex(where: {
                $0.language == result.language && $0.capability == result.capability
            }) {
                capabilities[position].tests.append(result)
                capabilities[position].cases += result.cases
                capabilities[position].failures += result.failures
            } else {
                capabilities.append(
                    CapabilityResult(
                        language: result.language, capability: result.capability, cases: result.cases,
                        failures: result.failures, tests: [result]))
            }
        }
        return CheckReport(
            system: system, threshold: threshold, languages: Array(Set(tests.map(\.test.language))).sorted(),
            skippedLanguages: skipped, cases: results.reduce(0) { $0 + $1.cases },
            failures: results.reduce(0) { $0 + $1.failures }, capabilities: capabilities)
    }

    /// One test's result, with `prediction` giving each text's prediction.
    private func result(of generated: GeneratedTest, prediction: (String) -> CheckPrediction) -> TestResult {
        let test = generated.test
        let expectation = test.expectation
        var failed: [(severity: Float, example: FailingExample)] = []
        var shifts: [Double] = []
        for generatedCase in generated.cases {
            let base = prediction(generatedCase.text)
            var example = FailingExample(
                text: generatedCase.text, probability: base.probability, label: base.label)
            let passed: Bool
            let severity: Float
            if let variantText = generatedCase.variant {
                let variant = prediction(variantText)
                passed = base.meets(
                    expectation, variant: variant, tolerance: test.effectiveTolerance,
                    margin: test.effectiveMargin)
                let change = variant.probability - base.probability
                switch expectation {
                case .notHigher, .lower: severity = change
                case .notLower, .higher: severity = -change
                default: severity = abs(change)
                }
                if expectation == .sameLabel { shifts.append(Double(abs(change))) }
                example.variant = variantText
                example.variantProbability = variant.probability
                example.variantLabel = variant.label
            } else {
                passed = base.meets(expectation)
                let wantsPositive = expectation == .positive || expectation == .notNegative
                severity = wantsPositive ? 1 - base.probability : base.probability
            }
            if !passed { failed.append((severity, example)) }
        }
        // The worst failures first; a stable sort keeps generation order among equals.
        let examples = failed.enumerated().sorted {
            ($0.element.severity, -$0.offset) > ($1.element.severity, -$1.offset)
        }.prefix(examplesPerTest).map(\.element.example)
        return TestResult(
            name: test.name, capability: test.capability, language: test.language, expectation: expectation,
            definedAt: test.location.description, cases: generated.cases.count, failures: failed.count,
            tolerance: [.notLower, .notHigher].contains(expectation) ? test.effectiveTolerance : nil,
            margin: [.higher, .lower].contains(expectation) ? test.effectiveMargin : nil,
            shift: expectation.kind == .invariance
                ? TestResult.ProbabilityShift(
                    mean: shifts.isEmpty ? 0 : shifts.reduce(0, +) / Double(shifts.count),
                    max: shifts.max() ?? 0)
                : nil,
            examples: Array(examples))
    }
}
