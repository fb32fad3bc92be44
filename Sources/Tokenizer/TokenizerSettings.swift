/// How text is cut into tokens. Stored in model files (as JSON) so that scoring tokenizes exactly as
/// training did; decoding fills in the default for every key that is absent, so settings written by an
/// older version still load.
public struct TokenizerSettings: Codable, Sendable, Equatable, Hashable {
    /// The ICU locale whose word-break rules are used, e.g. "root" (the default, suits most languages),
    /// "ja" or "th". Must not be empty: ICU would take the process's default locale, which differs between
    /// machines.
    public var locale: String
    /// Keep letter case instead of applying Unicode full case folding. Off by default.
    public var keepCase: Bool
    /// Recognise ASCII emoticons such as ":)" or "<3" as single tokens. On by default.
    public var recognizesEmoticons: Bool

    public init(locale: String = "root", keepCase: Bool = false, recognizesEmoticons: Bool = true) {
        self.locale = locale
        self.keepCase = keepCase
        self.recognizesEmoticons = recognizesEmoticons
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case locale
        case keepCase = "keep_case"
        case recognizesEmoticons = "emoticons"
    }

    /// The JSON keys of the settings, so a reader can refuse keys it would otherwise ignore.
    public static let keyNames = Set(CodingKeys.allCases.map(\.rawValue))

    public init(from decoder: any Decoder) throws {
        let defaults = TokenizerSettings()
        let container = try decoder.container(keyedBy: CodingKeys.self)
        locale = try container.decodeIfPresent(String.self, forKey: .locale) ?? defaults.locale
        keepCase = try container.decodeIfPresent(Bool.self, forKey: .keepCase) ?? defaults.keepCase
        recognizesEmoticons =
            try container.decodeIfPresent(Bool.self, forKey: .recognizesEmoticons)
            ?? defaults.recognizesEmoticons
    }
}
