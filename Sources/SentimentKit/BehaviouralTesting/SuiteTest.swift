/// Where a line of a suite file is.
public struct SuiteLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int

    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    public var description: String { "\(file):\(line)" }
}

/// One behavioural test: an expectation and the templates its cases are generated from.
public struct SuiteTest: Sendable, Equatable {
    /// A template of the test: one text for minimum functionality tests; a base and a variant that
    /// share their placeholders' words for invariance and directional tests.
    public struct Frame: Sendable, Equatable {
        public var base: SuiteTemplate
        public var variant: SuiteTemplate?

        public init(base: SuiteTemplate, variant: SuiteTemplate? = nil) {
            self.base = base
            self.variant = variant
        }

        /// The base, and the variant when there is one.
        public var templates: [SuiteTemplate] { [base] + (variant.map { [$0] } ?? []) }

        /// The placeholders of the base and the variant, each once.
        public var placeholders: [SuiteTemplate.Placeholder] {
            var seen = Set<SuiteTemplate.Placeholder>()
            return templates.flatMap(\.placeholders).filter { seen.insert($0).inserted }
        }
    }

    /// Most cases generated for a test unless its line says otherwise (`"max_cases"`): enough for a
    /// failure rate to within a few points, few enough that the built-in suite scores in seconds.
    public static let defaultMaxCases = 300
    /// How far a directional test's variant may go the wrong way before the case fails, in probability,
    /// unless its line says otherwise (`"tolerance"`). A model sure of "good" may put "very good" a hair
    /// lower where the sigmoid is flat; a drop of more than this is a real reversal. (CheckList used
    /// 0.1; half of it still absorbs saturation and catches "very good" falling from 0.95 to 0.87.)
    public static let defaultTolerance: Float = 0.05
    /// How far a `higher` or `lower` test's variant must move the right way, in probability, unless its
    /// line says otherwise (`"margin"`): CheckList's directional tolerance turned round, so the two
    /// texts must differ by more than a directional test lets a model get wrong.
    public static let defaultMargin: Float = 0.1

    public var name: String
    /// What it tests ("negation", "vocabulary", …); the report groups tests by language and capability.
    public var capability: String
    /// The language of its templates and lexicons ("en", "zh", …).
    public var language: String
    public var split: SuiteSplit
    public var expectation: SuiteExpectation
    public var frames: [Frame]
    public var maxCases: Int
    /// Seeds the sample of cases when the templates allow more than `maxCases`.
    public var seed: UInt64
    /// `not_lower` and `not_higher` tests only.
    public var tolerance: Float?
    /// `higher` and `lower` tests only.
    public var margin: Float?
    /// The line that defined it.
    public var location: SuiteLocation

    public init(
        name: String, capability: String, language: String, split: SuiteSplit, expectation: SuiteExpectation,
        frames: [Frame], maxCases: Int = SuiteTest.defaultMaxCases, seed: UInt64 = 1, tolerance: Float? = nil,
        margin: Float? = nil, location: SuiteLocation
    ) {
        self.name = name
        self.capability = capability
        self.language = language
        self.split = split
        self.expectation = expectation
        self.frames = frames
        self.maxCases = maxCases
        self.seed = seed
        self.tolerance = tolerance
        self.margin = margin
        self.location = location
    }

    /// The tolerance a `not_lower` or `not_higher` test applies.
    public var effectiveTolerance: Float { tolerance ?? Self.defaultTolerance }
    /// The margin a `higher` or `lower` test asks for.
    public var effectiveMargin: Float { margin ?? Self.defaultMargin }
}
