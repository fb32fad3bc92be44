/// One document of a corpus: its text, its label when the format has one (0 = negative, 1 = positive),
/// and the line of the file where it starts.
public struct CorpusRecord: Equatable, Sendable {
    public var text: String
    public var label: Float?
    public var line: Int

    public init(text: String, label: Float?, line: Int) {
        self.text = text
        self.label = label
        self.line = line
    }
}

/// Reading of label values: 0/1, neg/pos, negative/positive, false/true, in any case, with surrounding
/// spaces.
public enum LabelParser {
    public static let accepted = "0/1, neg/pos, negative/positive, false/true"

    /// The label (0 or 1) spelled by `text`, or nil.
    public static func parse(_ text: Substring) -> Float? {
        let trimmed = text.trimmingASCIISpaces().lowercased()
        switch trimmed {
        case "0", "neg", "negative", "false": return 0
        case "1", "pos", "positive", "true": return 1
        default: return nil
        }
    }

    public static func parse(_ text: String) -> Float? { parse(Substring(text)) }

    /// The label spelled by raw bytes (labels are ASCII, so invalid UTF-8 simply fails).
    static func parse(bytes: ArraySlice<UInt8>) -> Float? {
        guard bytes.count <= 32, let text = String(validating: bytes, as: UTF8.self) else { return nil }
        return parse(Substring(text))
    }

    /// The message for a value that is not a label.
    static func message(for value: String) -> String {
        "label \"\(value.trimmingASCIISpaces())\" is not one of \(accepted)"
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces, tabs and line breaks.
    func trimmingASCIISpaces() -> Substring {
        let isSpace: (Character) -> Bool = {
            $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "\r\n"
        }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) })
        else { return "" }
        return Substring(self[first...last])
    }
}

/// Decoding of text fields: invalid UTF-8 becomes U+FFFD and is reported.
enum TextDecoder {
    /// The text of `bytes`, and whether they had to be repaired.
    static func decode<Bytes: Collection>(_ bytes: Bytes) -> (text: String, repaired: Bool)
    where Bytes.Element == UInt8 {
        if let text = String(validating: bytes, as: UTF8.self) { return (text, false) }
        return (String(decoding: bytes, as: UTF8.self), true)
    }
}
