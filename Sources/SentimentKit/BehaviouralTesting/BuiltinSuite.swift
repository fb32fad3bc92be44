extension BehaviouralSuite {
    /// The name the built-in suite has in errors and reports (its lines are those
    /// `builtinJSONLines` holds, which `sentiment check --print-builtin` writes out).
    public static let builtinFileName = "builtin-suite.jsonl"

    /// The built-in suite as JSON Lines: English and Chinese lexicons and tests of vocabulary, negation,
    /// contrast, intensity and invariance, each split into a test and an augment half. Compiled into the
    /// library (BuiltinSuiteEnglish.swift, BuiltinSuiteChinese.swift), so a copied binary has it.
    public static var builtinJSONLines: String {
        // A multi-line literal ends without its last line's newline.
        builtinEnglishLines + "\n" + builtinChineseLines + "\n"
    }

    /// The built-in suite, read from `builtinJSONLines`.
    public static func builtin() throws -> BehaviouralSuite {
        try parsedBuiltin.get()
    }

    private static let parsedBuiltin = Result<BehaviouralSuite, any Error> {
        var suite = BehaviouralSuite()
        try suite.read(jsonLines: builtinJSONLines, file: builtinFileName)
        return suite
    }
}
