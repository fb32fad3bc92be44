import CICU

/// Decodes text in a legacy or UTF-16/32 charset to UTF-8 through an ICU converter, block by block: a
/// character cut between two blocks is completed by the next one, so memory stays that of one block.
final class CharsetDecoder {
    /// ICU's canonical name of the charset (e.g. "ibm-5348_P100-1997" for windows-1252).
    let canonicalName: String
    private let decoder: OpaquePointer

    /// A decoder from `charset`, any name or alias ICU's converters know; nil when ICU knows no such
    /// charset.
    init?(charset: String) {
        var status: Int32 = 0
        guard !charset.isEmpty, let opened = sicu_decoder_open(charset, &status), sicu_failed(status) == 0
        else { return nil }
        decoder = opened
        var nameStatus: Int32 = 0
        canonicalName = sicu_decoder_charset(opened, &nameStatus).map { String(cString: $0) } ?? charset
    }

    deinit { sicu_decoder_close(decoder) }

    /// Appends the UTF-8 of `bytes` to `output`; `isLast` flushes a character left incomplete at the end
    /// of the input (it becomes U+FFFD).
    func decode(_ bytes: UnsafeRawBufferPointer, isLast: Bool, into output: inout [UInt8]) {
        var offset = 0
        // Four UTF-8 bytes per input byte covers every charset (a lone bad byte becomes 3-byte U+FFFD).
        var capacity = max(64, bytes.count * 4)
        repeat {
            let start = output.count
            output.append(contentsOf: repeatElement(0, count: capacity))
            var consumed: Int32 = 0
            var status: Int32 = 0
            let written = output.withUnsafeMutableBytes { destination in
                sicu_decoder_convert(
                    decoder,
                    bytes.baseAddress.map { $0.advanced(by: offset).assumingMemoryBound(to: CChar.self) },
                    Int32(bytes.count - offset), &consumed,
                    destination.baseAddress!.advanced(by: start).assumingMemoryBound(to: CChar.self),
                    Int32(capacity), isLast ? 1 : 0, &status)
            }
            output.removeLast(capacity - Int(written))
            offset += Int(consumed)
            // Only a full destination stops a conversion early; anything else ICU substituted.
            guard status == sicu_buffer_overflow_status() else { return }
            capacity *= 2
        } while true
    }
}
