import CICU

/// The character encoding an input is read in, and how it was chosen.
public struct TextEncoding: Sendable, Equatable, CustomStringConvertible {
    /// How the encoding was chosen.
    public enum Source: Sendable, Equatable {
        /// Named with `--encoding` (or `InputFile`'s `encoding:`).
        case requested
        /// A byte order mark at the start of the input.
        case byteOrderMark
        /// The first block is valid UTF-8 (or UTF-8 with a few bad bytes, which are replaced and counted).
        case utf8
        /// ICU's charset detection on the first block, with its confidence (0–100).
        case detected(confidence: Int)
        /// The first block is not UTF-8 and too short or plain for ICU to be sure: a best guess.
        case guessed
    }

    /// The charset's name as ICU knows it ("UTF-8", "UTF-16LE", "windows-1252", "GB18030", …).
    public var name: String
    public var source: Source

    public init(name: String, source: Source) {
        self.name = name
        self.source = source
    }

    /// Whether the text is read as UTF-8 as it is, without conversion.
    public var isUTF8: Bool { Self.isUTF8Name(name) }

    static func isUTF8Name(_ name: String) -> Bool {
        let letters = name.lowercased().filter { $0.isLetter || $0.isNumber }
        return letters == "utf8"
    }

    public var description: String {
        switch source {
        case .requested: return "\(name) (--encoding)"
        case .byteOrderMark: return "\(name) (byte order mark)"
        case .utf8: return name
        case .detected(let confidence): return "\(name) (detected, confidence \(confidence)%)"
        case .guessed: return "\(name) (a guess: the start of the file is not UTF-8)"
        }
    }
}

/// Decides the encoding of an input from its first block (see docs/guide.md, "Input encodings"):
/// 1. a byte order mark decides (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE);
/// 2. valid UTF-8 is UTF-8, unless its zero bytes show UTF-16 or UTF-32 without a byte order mark;
/// 3. UTF-8 with a few bad bytes stays UTF-8 (the bad bytes become U+FFFD and are counted): at least as
///    many valid multi-byte sequences as invalid ones, or invalid bytes that stand apart from words
///    (damage, not letters of another encoding);
/// 4. otherwise ICU's detector (ucsdet) picks a non-Unicode charset it is at least 50 % sure of
///    (ISO-8859-1 is read as its superset windows-1252);
/// 5. otherwise a guess: GB18030 when most of the text is non-ASCII and decodes as GB18030 without an
///    error; else, when most runs of non-ASCII bytes are whole words (two bytes or more, touching no
///    ASCII letter: text in a non-Latin alphabet, where Latin text has an accented letter here and there
///    inside ASCII words), ucsdet's likeliest charset that could write such words, however unsure it
///    is, when that is a Cyrillic, Greek, Hebrew or Arabic one and ahead of the next (not tied); else
///    windows-1252 (a superset of Latin-1's printable characters).
enum EncodingDetector {
    /// The least ucsdet confidence taken on its own as a detection rather than noise (short samples of
    /// single-byte text get 10–30 for several charsets at once; below it, only a non-Latin alphabet
    /// that the bytes themselves show is taken, see `decide`).
    static let confidentDetection = 50

    /// The single-byte charsets of non-Latin alphabets that ucsdet names (Cyrillic, Greek, Hebrew,
    /// Arabic), taken at any confidence for text whose non-ASCII bytes form whole words, when one leads
    /// the candidates that could write such words (on short texts ucsdet's confidence is low even for
    /// the right charset, but it still leads: docs/guide.md, "Input encodings").
    static let nonLatinSingleByteCharsets: Set = [
        "windows-1251", "KOI8-R", "ISO-8859-5", "windows-1253", "ISO-8859-7", "windows-1255", "ISO-8859-8",
        "ISO-8859-8-I", "windows-1256", "ISO-8859-6",
    ]

    /// Candidates that cannot have written words made wholly of non-ASCII bytes: the Unicode forms (the
    /// UTF-8 check came first; ucsdet offers UTF-16 at 10 % for any 8-bit text), the Latin charsets
    /// (their non-ASCII letters stand among ASCII ones; ucsdet ranks ISO-8859-2 first for a few lines of
    /// Hebrew or Arabic) and EBCDIC (IBM420/424, whose ASCII bytes would not be ASCII).
    static func cannotWriteWholeNonASCIIWords(_ name: String) -> Bool {
        name.uppercased().hasPrefix("UTF") || name.hasPrefix("IBM") || latinSingleByteCharsets.contains(name)
    }

    /// The Latin single-byte charsets that ucsdet names.
    static let latinSingleByteCharsets: Set = [
        "ISO-8859-1", "ISO-8859-2", "ISO-8859-9", "windows-1250", "windows-1252", "windows-1254",
    ]

    /// The encoding's byte order mark at the start of `sample` and its length, if any.
    static func byteOrderMark(_ sample: UnsafeRawBufferPointer) -> (name: String, length: Int)? {
        let marks: [(bytes: [UInt8], name: String)] = [
            ([0xEF, 0xBB, 0xBF], "UTF-8"), ([0xFF, 0xFE, 0x00, 0x00], "UTF-32LE"),
            ([0x00, 0x00, 0xFE, 0xFF], "UTF-32BE"), ([0xFF, 0xFE], "UTF-16LE"), ([0xFE, 0xFF], "UTF-16BE"),
        ]
        for mark in marks where sample.starts(with: mark.bytes) { return (mark.name, mark.bytes.count) }
        return nil
    }

    /// The encoding of an input whose first block is `sample` (without a byte order mark).
    static func decide(sample: UnsafeRawBufferPointer) -> TextEncoding {
        if let wide = wideEncodingFromZeroBytes(sample) { return TextEncoding(name: wide, source: .guessed) }
        let survey = UTF8Survey(sample)
        if survey.invalidSequences == 0 || survey.validMultiByteSequences >= survey.invalidSequences
            || survey.wordLikeInvalidRuns * 2 < survey.invalidRuns
        {
            return TextEncoding(name: "UTF-8", source: .utf8)
        }
        let candidates = detectedCharsets(sample)
        if let detected = candidates.first(where: {
            $0.confidence >= confidentDetection && !$0.name.uppercased().hasPrefix("UTF")
        }) {
            // Latin-1's 0x80–0x9F are control characters no text uses, and in windows-1252 they are the
            // quotes, dashes and € that files called Latin-1 hold (browsers read Latin-1 so too).
            let name = detected.name == "ISO-8859-1" ? "windows-1252" : detected.name
            return TextEncoding(name: name, source: .detected(confidence: detected.confidence))
        }
        if survey.nonASCIIBytes > survey.asciiLetters
            && sicu_charset_decodes_cleanly(
                "GB18030", sample.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(sample.count)) != 0
        {
            return TextEncoding(name: "GB18030", source: .guessed)
        }
        let plausible = candidates.filter { !cannotWriteWholeNonASCIIWords($0.name) }
        if survey.wholeWordRuns * 2 > survey.nonASCIIRuns, let best = plausible.first,
            nonLatinSingleByteCharsets.contains(best.name),
            plausible.dropFirst().allSatisfy({ $0.confidence < best.confidence })
        {
            return TextEncoding(name: best.name, source: .detected(confidence: best.confidence))
        }
        return TextEncoding(name: "windows-1252", source: .guessed)
    }

    /// UTF-16 or UTF-32 without a byte order mark, told by its zero bytes: text that is mostly ASCII has
    /// a zero in every second (every second to fourth) byte, in the same places, which no 8-bit text has
    /// (valid UTF-8 as it is, so the UTF-8 check would take it). Nil when the zeros show no such pattern.
    static func wideEncodingFromZeroBytes(_ sample: UnsafeRawBufferPointer) -> String? {
        let quads = sample.count / 4
        guard quads >= 2 else { return nil }
        var zeros = [0, 0, 0, 0]
        for index in 0..<quads * 4 where sample[index] == 0 { zeros[index % 4] += 1 }
        let most = quads * 3 / 4
        let few = quads / 8
        func pattern(_ zeroAt: [Bool]) -> Bool {
            (0..<4).allSatisfy { zeroAt[$0] ? zeros[$0] >= most : zeros[$0] <= few }
        }
        if pattern([false, true, true, true]) { return "UTF-32LE" }
        if pattern([true, true, true, false]) { return "UTF-32BE" }
        if pattern([false, true, false, true]) { return "UTF-16LE" }
        if pattern([true, false, true, false]) { return "UTF-16BE" }
        return nil
    }

    /// ucsdet's candidates for `sample`, best first.
    static func detectedCharsets(_ sample: UnsafeRawBufferPointer) -> [(name: String, confidence: Int)] {
        let capacity: Int32 = 8
        let nameCapacity: Int32 = 64
        var names = [CChar](repeating: 0, count: Int(capacity * nameCapacity))
        var confidences = [Int32](repeating: 0, count: Int(capacity))
        var status: Int32 = 0
        let found = sicu_detect_charsets(
            sample.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(sample.count), &names,
            nameCapacity,
            &confidences, capacity, &status)
        return (0..<Int(found)).map { index in
            let start = index * Int(nameCapacity)
            let name = names[start..<start + Int(nameCapacity)].prefix { $0 != 0 }
            return (
                String(decoding: name.map { UInt8(bitPattern: $0) }, as: UTF8.self), Int(confidences[index])
            )
        }
    }
}

/// Counts of what a block of bytes holds, read as UTF-8.
struct UTF8Survey {
    var validMultiByteSequences = 0
    var invalidSequences = 0
    /// Runs of non-ASCII bytes holding an invalid sequence, and those of them that look like part of a
    /// word (touching an ASCII letter, or 4 bytes or longer, as two CJK characters in a legacy charset).
    var invalidRuns = 0
    var wordLikeInvalidRuns = 0
    var nonASCIIBytes = 0
    var asciiLetters = 0
    /// Runs of non-ASCII bytes, and those of them that are whole words: two bytes or more with no ASCII
    /// letter on either side.
    var nonASCIIRuns = 0
    var wholeWordRuns = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
        var index = 0
        let count = bytes.count
        while index < count {
            if bytes[index] < 0x80 {
                if isLetter(bytes[index]) { asciiLetters += 1 }
                index += 1
                continue
            }
            var end = index
            while end < count && bytes[end] >= 0x80 { end += 1 }
            nonASCIIBytes += end - index
            let touchesLetter =
                (index > 0 && isLetter(bytes[index - 1])) || (end < count && isLetter(bytes[end]))
            nonASCIIRuns += 1
            if end - index >= 2 && !touchesLetter { wholeWordRuns += 1 }
            let invalidBefore = invalidSequences
            surveyRun(bytes, from: index, to: end, atEndOfSample: end == count)
            if invalidSequences > invalidBefore {
                invalidRuns += 1
                if end - index >= 4 || touchesLetter { wordLikeInvalidRuns += 1 }
            }
            index = end
        }
    }

    /// Counts the sequences of a run of non-ASCII bytes (UTF-8 multi-byte sequences hold no ASCII). A
    /// sequence cut off by the end of the sample is not counted.
    private mutating func surveyRun(
        _ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int, atEndOfSample: Bool
    ) {
        var index = start
        while index < end {
            let lead = bytes[index]
            let length: Int
            var second: ClosedRange<UInt8> = 0x80...0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: (length, second) = (3, 0xA0...0xBF)
            case 0xED: (length, second) = (3, 0x80...0x9F)
            case 0xE1...0xEF: length = 3
            case 0xF0: (length, second) = (4, 0x90...0xBF)
            case 0xF4: (length, second) = (4, 0x80...0x8F)
            case 0xF1...0xF3: length = 4
            default: length = 0
            }
            var valid = length > 0
            var taken = 1
            while valid && taken < length {
                guard index + taken < end else {
                    if atEndOfSample { return }  // cut off by the sample's end: unknown
                    valid = false
                    break
                }
                let byte = bytes[index + taken]
                valid = taken == 1 ? second.contains(byte) : (0x80...0xBF).contains(byte)
                if valid { taken += 1 }
            }
            if valid {
                validMultiByteSequences += 1
                index += length
            } else {
                invalidSequences += 1
                index += max(1, taken)
            }
        }
    }
}
