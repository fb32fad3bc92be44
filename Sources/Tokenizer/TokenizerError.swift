/// Why a tokenizer could not be created or used.
public enum TokenizerError: Error, Equatable, CustomStringConvertible {
    /// The locale setting is unusable (empty, or rejected by ICU).
    case invalidLocale(String, reason: String)
    /// An ICU call failed; `function` names the shim function, `status` is ICU's error name.
    case icuFailure(function: String, status: String)

    public var description: String {
        switch self {
        case .invalidLocale(let locale, let reason):
            return "invalid tokenizer locale \"\(locale)\": \(reason)"
        case .icuFailure(let function, let status):
            return "ICU call \(function) failed: \(status)"
        }
    }
}
