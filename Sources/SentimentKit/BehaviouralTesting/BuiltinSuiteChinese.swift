extension BehaviouralSuite {
    /// The Chinese half of the built-in suite (see `builtinJSONLines`).
    static let builtinChineseLines = #"""

"""#
}
