import CICU

/// Cuts text into tokens: Unicode NFKC, typographic apostrophes to "'", ICU word segmentation, white
/// space dropped, emoticons kept whole, then full case folding of each token (unless `keepCase`).
///
/// Every non-space segment is a token: words, numbers, each punctuation mark, each emoji sequence
/// (skin tones, ZWJ sequences, flags and keycaps stay whole because ICU's word rules keep them together).
/// Chinese, Japanese, Thai, Lao, Khmer and Burmese are split into words by ICU's dictionaries.
/// Invalid UTF-8 never fails: each ill-formed sequence becomes U+FFFD and the call reports it.
///
/// Thread safety: an instance owns an ICU break iterator and scratch buffers, so it is *not* safe to use
/// from two threads at once (it is deliberately not `Sendable`). Create one per thread (creation opens
/// one ICU iterator, which is cheap next to tokenizing a few kilobytes), or use
/// `TokenizerPool` / `ParallelLineTokenizer`, which do exactly that.
public final class Tokenizer {
    /// The settings this tokenizer applies.
    public let settings: TokenizerSettings

    /// Inputs longer than this many UTF-8 bytes are tokenized in pieces cut at white space (or, failing
    /// that, between code points), which keeps ICU's 32-bit lengths and the scratch buffers bounded.
    /// Internal so that tests can make it small.
    var pieceLimit: Int {
        get { engine.pieceLimit }
        set { engine.pieceLimit = newValue }
    }

    private let breaker: OpaquePointer
    /// Buffers and pipeline. A struct, so that its hot loops run on `inout self` without the dynamic
    /// exclusivity checks that every access to a class's stored property costs.
    private var engine: TokenizationEngine

    /// Opens the ICU word break iterator for `settings.locale`.
    /// - Throws: `TokenizerError.invalidLocale` for an empty or unusable locale.
    public init(settings: TokenizerSettings = TokenizerSettings()) throws {
        guard !settings.locale.isEmpty else {
            throw TokenizerError.invalidLocale(
                settings.locale, reason: "the locale must not be empty (use \"root\" for the default rules)")
        }
        var status: Int32 = 0
        guard let breaker = sicu_word_breaker_open(settings.locale, &status), sicu_failed(status) == 0 else {
            throw TokenizerError.invalidLocale(
                settings.locale, reason: String(cString: sicu_error_name(status)))
        }
        self.settings = settings
        self.breaker = breaker
        engine = TokenizationEngine(breaker: breaker, settings: settings)
    }

    deinit {
        engine.deallocate()
        sicu_word_breaker_close(breaker)
    }

    // MARK: Public API

    /// The tokens of `text`.
    public func tokens(in text: String) -> [String] {
        var text = text
        return text.withUTF8 { bytes in
            engine.tokenize(UnsafeRawBufferPointer(bytes))
            return engine.makeStrings()
        }
    }

    /// The tokens of UTF-8 `bytes`, and whether any bytes were invalid UTF-8 (each ill-formed sequence is
    /// replaced with U+FFFD before tokenizing).
    public func tokens(inUTF8 bytes: UnsafeRawBufferPointer) -> (tokens: [String], hadInvalidUTF8: Bool) {
        let hadInvalidUTF8 = engine.tokenize(bytes)
        return (engine.makeStrings(), hadInvalidUTF8)
    }

    /// Calls `body` with the UTF-8 bytes of each token of `bytes`, in order, without creating strings;
    /// the buffer is only valid during the call. Returns whether any bytes were invalid UTF-8.
    @discardableResult
    public func forEachToken(
        inUTF8 bytes: UnsafeRawBufferPointer, _ body: (UnsafeBufferPointer<UInt8>) throws -> Void
    ) rethrows -> Bool {
        let hadInvalidUTF8 = engine.tokenize(bytes)
        let ends = engine.tokenEnds
        let base = engine.output.base
        var start = 0
        for end in ends {
            try body(UnsafeBufferPointer(start: base + start, count: end - start))
            start = end + 1
        }
        return hadInvalidUTF8
    }

    /// Appends the tokens of `bytes`, joined by single spaces, to `line` (nothing for a line without
    /// tokens). Returns whether any bytes were invalid UTF-8.
    @discardableResult
    public func appendJoinedTokens(ofUTF8 bytes: UnsafeRawBufferPointer, to line: inout [UInt8]) -> Bool {
        let hadInvalidUTF8 = engine.tokenize(bytes)
        line.append(contentsOf: engine.output.elements)
        return hadInvalidUTF8
    }

    /// Tokenizes newline-separated UTF-8 `text` (a final line need not end in a newline) and appends
    /// one line per input line to `result`: the tokens joined by single spaces, then "\n". A trailing
    /// "\r" is white space, so CRLF input works. Returns the number of lines and how many had invalid UTF-8.
    public func appendTokenizedLines(
        ofUTF8 text: UnsafeRawBufferPointer, to result: inout [UInt8]
    ) -> (lines: Int, linesWithInvalidUTF8: Int) {
        engine.appendTokenizedLines(ofUTF8: text, to: &result)
    }
}
