/// The results of a behavioural check: per language and capability, per test, how many cases failed,
/// with the worst failures as examples. Encodes as the JSON of `sentiment check --format json`.
public struct CheckReport: Sendable, Encodable {
    /// What was checked: the model file, or the predictions file of an external system.
    public var system: String
    /// The model's decision threshold; nil for external predictions, which bring their labels.
    public var threshold: Float?
    /// The languages whose tests ran.
    public var languages: [String]
    /// Languages of the suite whose tests did not run, and why.
    public var skippedLanguages: [SkippedLanguage]
    public var cases: Int
    public var failures: Int
    public var capabilities: [CapabilityResult]

    /// A language left out of the check.
    public struct SkippedLanguage: Sendable, Encodable, Equatable {
        public var language: String
        public var reason: String

        public init(language: String, reason: String) {
            self.language = language
            self.reason = reason
        }
    }

    public var failureRate: Double { Self.rate(failures, of: cases) }

    /// The tests whose failure rate is above `rate`.
    public func tests(failingMoreThan rate: Double) -> [TestResult] {
        capabilities.flatMap(\.tests).filter { $0.failureRate > rate }
    }

    static func rate(_ failures: Int, of cases: Int) -> Double {
        cases == 0 ? 0 : Double(failures) / Double(cases)
    }

    private enum CodingKeys: String, CodingKey {
        case system, threshold, neutralBand = "neutral_band", languages, skippedLanguages =
            "skipped_languages",
            cases, failures, failureRate = "failure_rate", capabilities
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(system, forKey: .system)
        try container.encode(threshold, forKey: .threshold)
        if threshold != nil {
            let band = CheckPrediction.neutralBand
            try container.encode([band.lowerBound, band.upperBound], forKey: .neutralBand)
        }
        try container.encode(languages, forKey: .languages)
        try container.encode(skippedLanguages, forKey: .skippedLanguages)
        try container.encode(cases, forKey: .cases)
        try container.encode(failures, forKey: .failures)
        try container.encode(failureRate, forKey: .failureRate)
        try container.encode(capabilities, forKey: .capabilities)
    }
}

/// The tests of one capability in one language.
public struct CapabilityResult: Sendable, Encodable {
    public var language: String
    public var capability: String
    public var cases: Int
    public var failures: Int
    public var tests: [TestResult]

    /// Failed cases over all cases of its tests (tests with more cases weigh more).
    public var failureRate: Double { CheckReport.rate(failures, of: cases) }

    private enum CodingKeys: String, CodingKey {
        case language, capability, cases, failures, failureRate = "failure_rate", tests
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(language, forKey: .language)
        try container.encode(capability, forKey: .capability)
        try container.encode(cases, forKey: .cases)
        try container.encode(failures, forKey: .failures)
        try container.encode(failureRate, forKey: .failureRate)
        try container.encode(tests, forKey: .tests)
    }
}

/// One test's results.
public struct TestResult: Sendable, Encodable {
    public var name: String
    public var capability: String
    public var language: String
    public var expectation: SuiteExpectation
    /// The suite line that defines it ("FILE:LINE").
    public var definedAt: String
    public var cases: Int
    public var failures: Int
    /// `not_lower` and `not_higher` tests: how far the variant may go the wrong way.
    public var tolerance: Float?
    /// `higher` and `lower` tests: how far the variant must go the right way.
    public var margin: Float?
    /// Invariance tests: how far the variants' probabilities moved from their bases'.
    public var shift: ProbabilityShift?
    /// The worst failures, worst first.
    public var examples: [FailingExample]

    public var failureRate: Double { CheckReport.rate(failures, of: cases) }

    /// The mean and largest |variant − base| of the probability over an invariance test's cases.
    public struct ProbabilityShift: Sendable, Encodable, Equatable {
        public var mean: Double
        public var max: Double
    }

    private enum CodingKeys: String, CodingKey {
        case name, capability, language, expectation = "expect", kind, definedAt = "defined_at", cases,
            failures,
            failureRate = "failure_rate", tolerance, margin, shift, examples
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(capability, forKey: .capability)
        try container.encode(language, forKey: .language)
        try container.encode(expectation, forKey: .expectation)
        try container.encode(expectation.kind, forKey: .kind)
        try container.encode(definedAt, forKey: .definedAt)
        try container.encode(cases, forKey: .cases)
        try container.encode(failures, forKey: .failures)
        try container.encode(failureRate, forKey: .failureRate)
        try container.encodeIfPresent(tolerance, forKey: .tolerance)
        try container.encodeIfPresent(margin, forKey: .margin)
        try container.encodeIfPresent(shift, forKey: .shift)
        try container.encode(examples, forKey: .examples)
    }
}

/// A failed case: its text(s) and what the system said.
public struct FailingExample: Sendable, Encodable, Equatable {
    public var text: String
    public var probability: Float
    public var label: CheckPrediction.Label
    /// Pairs only.
    public var variant: String?
    public var variantProbability: Float?
    public var variantLabel: CheckPrediction.Label?

    private enum CodingKeys: String, CodingKey {
        case text, probability, label, variant, variantProbability = "variant_probability",
            variantLabel = "variant_label"
    }
}
