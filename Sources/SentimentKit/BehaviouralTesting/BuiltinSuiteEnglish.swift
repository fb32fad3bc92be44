extension BehaviouralSuite {
    /// The English half of the built-in suite (see `builtinJSONLines`).
    static let builtinEnglishLines = #"""
{"lexicon": "thing", "language": "en", "split": "test", "words": ["movie", "hotel"]}
{"lexicon": "pos_adj", "language": "en", "split": "test", "words": ["good", "great"]}
{"test": "x", "capability": "vocabulary", "language": "en", "split": "test", "expect": "positive", "templates": ["The {thing} was {pos_adj}."]}

"""#
}
