/// JSON text written byte by byte, for output that must print numbers exactly as the rest of the
/// program does (a `Float`'s shortest round-trip form, as `sentiment score` prints it), which
/// `JSONEncoder` does not promise.
public enum JSONText {
    /// Appends `text` as a JSON string literal (quotes, backslashes and control characters escaped).
    public static func appendString(_ text: String, to output: inout [UInt8]) {
        output.append(0x22)
        for byte in text.utf8 {
            switch byte {
            case 0x22: output.append(contentsOf: [0x5C, 0x22])
            case 0x5C: output.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: output.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: output.append(contentsOf: [0x5C, 0x72])
            case 0x09: output.append(contentsOf: [0x5C, 0x74])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                output.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            default: output.append(byte)
            }
        }
        output.append(0x22)
    }

    /// A float as a JSON number in its shortest round-trip form (null when not finite).
    public static func number(_ value: Float) -> String { value.isFinite ? "\(value)" : "null" }
}
