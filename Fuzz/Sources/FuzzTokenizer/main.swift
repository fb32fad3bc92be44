import CFuzzDriver
import Foundation
import Tokenizer

/// One tokenizer per setting the first input byte picks (ICU set-up is too slow to repeat per input).
nonisolated(unsafe) private let tokenizers: [Tokenizer] = [
    TokenizerSettings(),
    TokenizerSettings(locale: "th", keepCase: true),
    TokenizerSettings(locale: "zh", recognizesEmoticons: false),
    TokenizerSettings(locale: "ja", keepCase: true, recognizesEmoticons: false),
].map { try! Tokenizer(settings: $0) }

/// Arbitrary bytes through UTF-8 decoding, normalisation, segmentation and emoticon matching. Checks what
/// `sentiment tokenize` and the vocabulary rely on: no token is empty or holds a line break or a tab or
/// a space (a token with a line break would break "one output line per input line"), the joined line
/// is the tokens joined by single spaces, and valid UTF-8 gives the same tokens as the String path.
func fuzzTokenizer(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    guard size > 0 else { return 0 }
    let tokenizer = tokenizers[Int(data[0]) % tokenizers.count]
    let bytes = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    let (tokens, hadInvalidUTF8) = tokenizer.tokens(inUTF8: bytes)
    for token in tokens {
        precondition(!token.isEmpty, "an empty token")
        precondition(
            !token.utf8.contains { $0 == 0x0A || $0 == 0x0D || $0 == 0x09 || $0 == 0x20 },
            "a token holds white space: \(Array(token.utf8))")
    }
    var line: [UInt8] = []
    let joinedInvalid = tokenizer.appendJoinedTokens(ofUTF8: bytes, to: &line)
    precondition(joinedInvalid == hadInvalidUTF8, "the two paths disagree on invalid UTF-8")
    precondition(
        line == Array(tokens.joined(separator: " ").utf8), "the joined line is not the tokens joined")
    let valid = String(validating: bytes, as: UTF8.self)
    precondition((valid == nil) == hadInvalidUTF8, "invalid UTF-8 misreported")
    if let valid {
        precondition(tokenizer.tokens(in: valid) == tokens, "String and UTF-8 paths disagree")
    }
    return 0
}

var argumentCount = CommandLine.argc
var argumentValues = Optional(CommandLine.unsafeArgv)
exit(LLVMFuzzerRunDriver(&argumentCount, &argumentValues) { fuzzTokenizer($0, $1) })
