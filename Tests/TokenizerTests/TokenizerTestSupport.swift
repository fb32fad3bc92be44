@testable import Tokenizer

/// Tokens of `text` with the given settings.
func tokens(_ text: String, _ settings: TokenizerSettings = TokenizerSettings()) throws -> [String] {
    try Tokenizer(settings: settings).tokens(in: text)
}

/// Tokens of raw bytes, and whether they had invalid UTF-8.
func tokens(bytes: [UInt8], _ settings: TokenizerSettings = TokenizerSettings()) throws -> (
    tokens: [String], hadInvalidUTF8: Bool
) {
    let tokenizer = try Tokenizer(settings: settings)
    return bytes.withUnsafeBytes { tokenizer.tokens(inUTF8: $0) }
}
