import CICU

/// The tokenizer's pipeline and the buffers it reuses between calls (see `Tokenizer`). Owned by one
/// `Tokenizer`, which frees the buffers with `deallocate()`.
struct TokenizationEngine {
    let breaker: OpaquePointer
    let keepCase: Bool
    let recognizesEmoticons: Bool
    /// Inputs longer than this many UTF-8 bytes are tokenized in pieces cut at white space (or, failing
    /// that, between code points), which keeps ICU's 32-bit lengths and the scratch buffers bounded.
    var pieceLimit = 16 << 20

    private var utf16 = GrowableBuffer<UInt16>(capacity: 4096)
    private var normalized = GrowableBuffer<UInt16>(capacity: 4096)
    private var folded = GrowableBuffer<UInt16>(capacity: 256)
    /// Token bytes, separated by one space: the joined line the CLI prints.
    private(set) var output = GrowableBuffer<UInt8>(capacity: 4096)
    /// End offset in `output` of each token.
    private(set) var tokenEnds: [Int] = []
    private var emoticonSpans: [(start: Int, end: Int)] = []

    init(breaker: OpaquePointer, settings: TokenizerSettings) {
        self.breaker = breaker
        keepCase = settings.keepCase
        recognizesEmoticons = settings.recognizesEmoticons
        tokenEnds.reserveCapacity(1024)
    }

    func deallocate() {
        utf16.deallocate()
        normalized.deallocate()
        folded.deallocate()
        output.deallocate()
    }

    /// Tokenizes newline-separated UTF-8 `text` (a final line need not end in a newline) and appends
    /// one line per input line to `output`: the tokens joined by single spaces, then "\n". A trailing
    /// "\r" is white space, so CRLF input works. Returns the number of lines and how many had invalid UTF-8.
    mutating func appendTokenizedLines(
        ofUTF8 text: UnsafeRawBufferPointer, to result: inout [UInt8]
    ) -> (lines: Int, linesWithInvalidUTF8: Int) {
        var lines = 0
        var invalid = 0
        var start = 0
        let count = text.count
        while start < count {
            var end = start
            while end < count && text[end] != 0x0A { end += 1 }
            if tokenize(UnsafeRawBufferPointer(rebasing: text[start..<end])) { invalid += 1 }
            result.append(contentsOf: output.elements)
            result.append(0x0A)
            lines += 1
            start = end + 1
        }
        return (lines, invalid)
    }

    func makeStrings() -> [String] {
        var strings: [String] = []
        strings.reserveCapacity(tokenEnds.count)
        var start = 0
        for end in tokenEnds {
            strings.append(
                String(
                    decoding: UnsafeBufferPointer(start: output.base + start, count: end - start),
                    as: UTF8.self))
            start = end + 1
        }
        return strings
    }

    /// Fills `output` and `tokenEnds` with the tokens of `bytes`. Returns whether bytes were invalid.
    @discardableResult
    mutating func tokenize(_ bytes: UnsafeRawBufferPointer) -> Bool {
        output.count = 0
        tokenEnds.removeAll(keepingCapacity: true)
        var hadInvalidUTF8 = false
        var start = 0
        while start < bytes.count {
            let end = pieceEnd(bytes, from: start)
            if tokenizePiece(UnsafeRawBufferPointer(rebasing: bytes[start..<end])) { hadInvalidUTF8 = true }
            start = end
        }
        return hadInvalidUTF8
    }

    /// Where the piece starting at `start` ends: the whole rest when it is short enough, else just after
    /// the last ASCII white space in the second half of the allowed length, else before a code point.
    private func pieceEnd(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        let limit = max(pieceLimit, 8)
        if bytes.count - start <= limit { return bytes.count }
        var cut = start + limit
        while cut > start + limit / 2 {
            let byte = bytes[cut - 1]
            if byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D { return cut }
            cut -= 1
        }
        cut = start + limit
        // Step back over continuation bytes (at most three belong to one code point).
        var steps = 0
        while steps < 3 && bytes[cut] & 0xC0 == 0x80 {
            cut -= 1
            steps += 1
        }
        return cut
    }

    private mutating func tokenizePiece(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count > 0 else { return false }
        // 1. UTF-8 to UTF-16: never longer than the byte count.
        utf16.reserve(bytes.count)
        var status: Int32 = 0
        var substitutions: Int32 = 0
        let length = Int(
            sicu_utf8_to_utf16(
                bytes.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(bytes.count), utf16.base,
                Int32(utf16.capacity), &substitutions, &status))
        guard sicu_failed(status) == 0 else {
            // Cannot happen with a large enough buffer; report the whole piece as invalid, emit nothing.
            return true
        }
        // 2. NFKC, skipped when ICU's quick check already accepts the whole text (most text).
        var text = UnsafeMutableBufferPointer(start: utf16.base, count: length)
        let prefix = Int(sicu_nfkc_normalized_prefix(utf16.base, Int32(length), &status))
        if sicu_failed(status) == 0 && prefix < length {
            normalized.reserve(length + length / 2 + 16)
            while true {
                status = 0
                let needed = Int(
                    sicu_nfkc(
                        utf16.base, Int32(length), Int32(prefix), normalized.base, Int32(normalized.capacity),
                        &status))
                if status == sicu_buffer_overflow_status() {
                    normalized.reserve(max(needed, normalized.capacity * 2))
                    continue
                }
                if sicu_failed(status) == 0 {
                    text = UnsafeMutableBufferPointer(start: normalized.base, count: needed)
                }
                break
            }
        }
        // 3. Typographic apostrophes (right single quotation mark, modifier letter apostrophe, full-width
        //    apostrophe) and the left single quotation mark, often typed for one, become "'".
        for index in 0..<text.count {
            let unit = text[index]
            if unit >= 0x2BC && (unit == 0x2019 || unit == 0x2018 || unit == 0x2BC || unit == 0xFF07) {
                text[index] = 0x27
            }
        }
        let readOnly = UnsafeBufferPointer(text)
        // 4. Emoticons, found on the unfolded text.
        emoticonSpans.removeAll(keepingCapacity: true)
        if recognizesEmoticons { Emoticons.findSpans(in: readOnly, into: &emoticonSpans) }
        // 5. Word segments, cut around emoticons.
        status = 0
        sicu_word_breaker_set_text(breaker, text.baseAddress, Int32(text.count), &status)
        guard sicu_failed(status) == 0 else { return substitutions > 0 }
        var segmentStart = 0
        var nextEmoticon = 0
        while true {
            let boundary = Int(sicu_word_breaker_next(breaker))
            if boundary < 0 { break }
            var position = segmentStart
            while nextEmoticon < emoticonSpans.count && emoticonSpans[nextEmoticon].start < boundary {
                let span = emoticonSpans[nextEmoticon]
                if span.start >= position {
                    emit(readOnly, from: position, to: span.start)
                    emit(readOnly, from: span.start, to: span.end)
                }
                position = max(position, span.end)
                if span.end > boundary { break }
                nextEmoticon += 1
            }
            if position < boundary { emit(readOnly, from: position, to: boundary) }
            segmentStart = boundary
        }
        return substitutions > 0
    }

    /// Characters trimmed from token edges: White_Space, plus invisible separators that ICU attaches to
    /// neighbouring text (zero width space, word joiner, BOM/zero width no-break space, Mongolian vowel
    /// separator).
    @inline(__always)
    private static func isBlank(_ unit: UInt16) -> Bool {
        if unit < 0x80 { return unit == 0x20 || (unit >= 0x09 && unit <= 0x0D) }
        return unit == 0x200B || unit == 0x2060 || unit == 0xFEFF || unit == 0x180E
            || sicu_is_white_space(Int32(unit)) != 0
    }

    /// Appends text[start..<end], trimmed of blanks and case-folded unless `keepCase`, as a token.
    /// Hot path: the output buffer is written through a local pointer so that the class's stored
    /// properties are touched a few times per token rather than once per byte.
    private mutating func emit(_ text: UnsafeBufferPointer<UInt16>, from start: Int, to end: Int) {
        var start = start
        var end = end
        while start < end && Self.isBlank(text[start]) { start += 1 }
        while end > start && Self.isBlank(text[end - 1]) { end -= 1 }
        guard start < end else { return }
        let hasPrevious = !tokenEnds.isEmpty
        // Separator, then up to three UTF-8 bytes per UTF-16 unit (a surrogate pair gives four for two).
        output.reserve(output.count + 1 + 3 * (end - start))
        let base = output.base
        let tokenStart = output.count
        var count = tokenStart
        if hasPrevious {
            base[count] = 0x20
            count += 1
        }
        // Fast path: ASCII, lowered unless `keepCase`.
        let lowers: UInt8 = keepCase ? 0 : 0x20
        var index = start
        while index < end {
            let unit = text[index]
            if unit >= 0x80 { break }
            let byte = UInt8(truncatingIfNeeded: unit)
            base[count] = byte &- 0x41 < 26 ? byte | lowers : byte
            count += 1
            index += 1
        }
        if index < end {
            // Not ASCII: split after keycaps, which ICU keeps together with following digits
            // ("1️⃣2️⃣" is one segment, but two emoji).
            var keycap = index
            while keycap < end - 1 {
                if text[keycap] == 0x20E3 {
                    emit(text, from: start, to: keycap + 1)
                    emit(text, from: keycap + 1, to: end)
                    return
                }
                keycap += 1
            }
            count = hasPrevious ? tokenStart + 1 : tokenStart
            var source = UnsafeBufferPointer(rebasing: text[start..<end])
            if !keepCase {
                source = fold(source)
                output.reserve(tokenStart + 1 + 3 * source.count)
            }
            count = Self.appendUTF8(source, to: output.base, at: count)
        }
        output.count = count
        tokenEnds.append(count)
    }

    private mutating func fold(_ source: UnsafeBufferPointer<UInt16>) -> UnsafeBufferPointer<UInt16> {
        folded.reserve(source.count * 3 + 8)
        while true {
            var status: Int32 = 0
            let needed = Int(
                sicu_fold_case(
                    source.baseAddress, Int32(source.count), folded.base, Int32(folded.capacity), &status))
            if status == sicu_buffer_overflow_status() {
                folded.reserve(max(needed, folded.capacity * 2))
                continue
            }
            if sicu_failed(status) != 0 { return source }
            return UnsafeBufferPointer(start: folded.base, count: needed)
        }
    }

    @inline(__always)
    private static func appendUTF8(
        _ units: UnsafeBufferPointer<UInt16>, to output: UnsafeMutablePointer<UInt8>, at start: Int
    ) -> Int {
        var position = start
        var index = 0
        let count = units.count
        while index < count {
            let unit = UInt32(units[index])
            index += 1
            if unit < 0x80 {
                output[position] = UInt8(unit)
                position += 1
            } else if unit < 0x800 {
                output[position] = UInt8(0xC0 | (unit >> 6))
                position += 1
                output[position] = UInt8(0x80 | (unit & 0x3F))
                position += 1
            } else if unit & 0xFC00 == 0xD800, index < count, UInt32(units[index]) & 0xFC00 == 0xDC00 {
                let scalar = 0x10000 + ((unit - 0xD800) << 10) + (UInt32(units[index]) - 0xDC00)
                index += 1
                output[position] = UInt8(0xF0 | (scalar >> 18))
                position += 1
                output[position] = UInt8(0x80 | ((scalar >> 12) & 0x3F))
                position += 1
                output[position] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
                position += 1
                output[position] = UInt8(0x80 | (scalar & 0x3F))
                position += 1
            } else {
                // A lone surrogate cannot come out of ICU's conversion; encode U+FFFD to stay valid anyway.
                let scalar = unit & 0xF800 == 0xD800 ? 0xFFFD : unit
                output[position] = UInt8(0xE0 | (scalar >> 12))
                position += 1
                output[position] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
                position += 1
                output[position] = UInt8(0x80 | (scalar & 0x3F))
                position += 1
            }
        }
        return position
    }
}
