import CICU

/// The ASCII emoticons kept as one token each, and the rules that tell them from ordinary punctuation.
///
/// They are matched on the NFKC text (so full-width "：）" counts) before case folding, which is why ":D"
/// and ":P" are recognised at all; the token is then case-folded like any other, so ":D" gives ":d" and
/// "XD" gives "xd" unless `keepCase` is set. Guards against false matches:
/// - the character after an emoticon must not be a letter, a digit or "/" (so "http://x", "a:/b",
///   ":Dude" and "<30" are left alone);
/// - an emoticon that starts with a letter, a digit, "=" or "<" ("xD", "T_T", "=)", "<3") needs a character
///   before it that is not a letter or digit, so "x=D" and "1<3" are left alone, while "great:)" still
///   gives "great" ":)".
/// Emoticons that read as ordinary text ("8)", "B)", "D:", "XP") are deliberately absent.
enum Emoticons {
    static let spellings: [String] = [
        ":)", ":-)", ":(", ":-(", ":D", ":-D", ":d", ";)", ";-)", ";D", ":P", ":-P", ":p", ":-p", ";P", ";p",
        ":/", ":-/", ":\\", ":'(", ":')", ":'-(", ":,(", ":o", ":O", ":-o", ":-O", ":|", ":-|", ":*", ":-*",
        ":]", ":[", ":@", ">:(", ">:)", ">:-(", "=)", "=(", "=D", "=P", "=/", "<3", "</3", "xD", "XD",
        "^_^", "^^", "^.^", "^-^", "-_-", "-.-", "T_T", "T.T", ";_;", "o_O", "O_o", "o.O", "O.o", "o_o",
        "O_O",
    ]

    /// All spellings as UTF-16 units, one after another; `candidates` indexes into it. Flat arrays of
    /// plain values, so the scan does no reference counting.
    static let units: [UInt16] = spellings.flatMap { Array($0.utf16) }

    /// For each ASCII first character, the (offset, length) in `units` of the emoticons starting with
    /// it, longest first.
    static let candidates: [[(offset: Int, length: Int)]] = {
        var table = [[(offset: Int, length: Int)]](repeating: [], count: 128)
        var offset = 0
        for spelling in spellings {
            let length = spelling.utf16.count
            table[Int(spelling.utf16.first!)].append((offset, length))
            offset += length
        }
        for index in table.indices { table[index].sort { $0.length > $1.length } }
        return table
    }()

    /// Bit `c` is set when an emoticon starts with ASCII character `c` (a quick filter for the scan).
    static let firstUnitMask: (low: UInt64, high: UInt64) = {
        var mask: (low: UInt64, high: UInt64) = (0, 0)
        for spelling in spellings {
            let unit = spelling.utf8.first!
            if unit < 64 { mask.low |= 1 << UInt64(unit) } else { mask.high |= 1 << UInt64(unit - 64) }
        }
        return mask
    }()

    /// Whether a match needs a non-alphanumeric character (or the start of text) before it.
    @inline(__always)
    static func needsLeftBoundary(firstUnit: UInt16) -> Bool {
        firstUnit == 0x3D || firstUnit == 0x3C || isASCIIAlphanumeric(firstUnit)
    }

    @inline(__always)
    static func isASCIIAlphanumeric(_ unit: UInt16) -> Bool {
        (unit >= 0x30 && unit <= 0x39) || ((unit | 0x20) >= 0x61 && (unit | 0x20) <= 0x7A)
    }

    /// Appends the spans (start, end) of the emoticons in `text`, left to right, without overlaps.
    static func findSpans(
        in text: UnsafeBufferPointer<UInt16>, into spans: inout [(start: Int, end: Int)]
    ) {
        let (low, high) = firstUnitMask
        let count = text.count
        var index = 0
        while index < count {
            let unit = text[index]
            let isCandidate =
                unit < 64
                ? (low >> UInt64(unit)) & 1 != 0 : unit < 128 && (high >> UInt64(unit - 64)) & 1 != 0
            // Quick rejection of the common case: a letter inside a word ("o" in "good").
            guard isCandidate,
                !(index > 0 && isASCIIAlphanumeric(unit) && isASCIIAlphanumeric(text[index - 1]))
            else {
                index += 1
                continue
            }
            var matchedLength = 0
            units.withUnsafeBufferPointer { units in
                for candidate in candidates[Int(unit)] where candidate.length <= count - index {
                    var equal = true
                    for offset in 1..<candidate.length
                    where text[index + offset] != units[candidate.offset + offset] {
                        equal = false
                        break
                    }
                    if equal && isBounded(text, start: index, end: index + candidate.length) {
                        matchedLength = candidate.length
                        break
                    }
                }
            }
            if matchedLength > 0 {
                spans.append((index, index + matchedLength))
                index += matchedLength
            } else {
                index += 1
            }
        }
    }

    private static func isBounded(_ text: UnsafeBufferPointer<UInt16>, start: Int, end: Int) -> Bool {
        if end < text.count {
            let next = codePoint(in: text, at: end)
            if next == 0x2F || isAlphanumeric(next) { return false }
        }
        if start > 0 && needsLeftBoundary(firstUnit: text[start]) {
            if isAlphanumeric(codePoint(in: text, endingAt: start)) { return false }
        }
        return true
    }

    @inline(__always)
    private static func isAlphanumeric(_ codePoint: UInt32) -> Bool {
        if codePoint < 128 { return isASCIIAlphanumeric(UInt16(codePoint)) }
        return sicu_is_alphanumeric(Int32(bitPattern: codePoint)) != 0
    }

    private static func codePoint(in text: UnsafeBufferPointer<UInt16>, at index: Int) -> UInt32 {
        let unit = text[index]
        if UTF16.isLeadSurrogate(unit), index + 1 < text.count, UTF16.isTrailSurrogate(text[index + 1]) {
            return 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(text[index + 1]) - 0xDC00)
        }
        return UInt32(unit)
    }

    private static func codePoint(in text: UnsafeBufferPointer<UInt16>, endingAt end: Int) -> UInt32 {
        let unit = text[end - 1]
        if UTF16.isTrailSurrogate(unit), end >= 2, UTF16.isLeadSurrogate(text[end - 2]) {
            return 0x10000 + ((UInt32(text[end - 2]) - 0xD800) << 10) + (UInt32(unit) - 0xDC00)
        }
        return UInt32(unit)
    }
}
