import Foundation

/// Parses the decimal numbers of vector files without making a `String` per value: a file of 200,000
/// words × 50 values holds ten million of them. Numbers with at most 19 significant digits and a
/// decimal exponent within ±22 take the fast path (an exact integer mantissa divided or multiplied by
/// an exact power of ten, rounded once to `Double` and once to `Float`); anything else goes to
/// `strtod`.
enum DecimalParsing {
    private static let powersOfTen: [Double] = (0...22).map { pow(10, Double($0)) }

    /// The number spelled by `bytes[start..<end]`, or nil when the bytes are not one decimal number
    /// (`nan` and `inf` are not numbers here: callers ask for finite values, and they are reported as
    /// such by `isNonFiniteSpelling`).
    static func parse(_ bytes: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Float? {
        var index = start
        guard index < end else { return nil }
        var negative = false
        if bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var significant = 0
        var exponent = 0
        var sawDigit = false
        while index < end, let digit = Self.digit(bytes[index]) {
            sawDigit = true
            if mantissa != 0 || digit != 0 { significant += 1 }
            if significant <= 19 { mantissa = mantissa &* 10 &+ UInt64(digit) } else { exponent += 1 }
            digits += 1
            index += 1
        }
        if index < end && bytes[index] == UInt8(ascii: ".") {
            index += 1
            while index < end, let digit = Self.digit(bytes[index]) {
                sawDigit = true
                if mantissa != 0 || digit != 0 { significant += 1 }
                if significant <= 19 {
                    mantissa = mantissa &* 10 &+ UInt64(digit)
                    exponent -= 1
                }
                index += 1
            }
        }
        guard sawDigit else { return nil }
        if index < end && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            index += 1
            var exponentNegative = false
            if index < end && (bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+")) {
                exponentNegative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            var written = 0
            var sawExponentDigit = false
            while index < end, let digit = Self.digit(bytes[index]) {
                sawExponentDigit = true
                if written < 100_000 { written = written * 10 + digit }
                index += 1
            }
            guard sawExponentDigit else { return nil }
            exponent += exponentNegative ? -written : written
        }
        guard index == end else { return nil }
        if significant > 19 || mantissa >= 1 << 53 || abs(exponent) > 22 {
            return slowParse(bytes, start, end)
        }
        var value = Double(mantissa)
        value = exponent < 0 ? value / powersOfTen[-exponent] : value * powersOfTen[exponent]
        return Float(negative ? -value : value)
    }

    /// Whether the bytes spell an infinity or a NaN the way C's `strtod` reads them (`inf`, `-nan`, …),
    /// so a reader can say "not a finite number" rather than "not a number".
    static func isNonFiniteSpelling(_ bytes: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var text = String(decoding: UnsafeBufferPointer(start: bytes + start, count: end - start), as: UTF8.self)
            .lowercased()
        if text.hasPrefix("-") || text.hasPrefix("+") { text.removeFirst() }
        return ["inf", "infinity", "nan"].contains(text)
    }

    private static func digit(_ byte: UInt8) -> Int? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int(byte - UInt8(ascii: "0")) : nil
    }

    private static func slowParse(_ bytes: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Float? {
        let text = String(decoding: UnsafeBufferPointer(start: bytes + start, count: end - start), as: UTF8.self)
        return text.withCString { pointer -> Float? in
            var stop: UnsafeMutablePointer<CChar>?
            let value = strtod(pointer, &stop)
            guard let stop, stop.pointee == 0 else { return nil }
            return Float(value)
        }
    }
}
