import Testing

@testable import Tokenizer

@Suite struct MalformedUTF8Tests {
    private let good = Array("good ".utf8)

    @Test func validTextIsNotFlagged() throws {
        let result = try tokens(bytes: Array("héllo wörld 👍".utf8))
        #expect(result.tokens == ["héllo", "wörld", "👍"])
        #expect(!result.hadInvalidUTF8)
    }

    @Test(
        arguments: [
            [0x80],  // lone continuation byte
            [0xBF, 0x80],  // two stray continuation bytes
            [0xE2, 0x82],  // truncated three-byte sequence
            [0xF0, 0x9F, 0x98],  // truncated emoji
            [0xC0, 0xAF],  // overlong "/"
            [0xE0, 0x80, 0xAF],  // overlong "/" in three bytes
            [0xED, 0xA0, 0x80],  // UTF-16 surrogate
            [0xF4, 0x90, 0x80, 0x80],  // above U+10FFFF
            [0xFF],  // never valid
        ] as [[UInt8]])
    func invalidBytesBecomeReplacementCharacters(bad: [UInt8]) throws {
        let result = try tokens(bytes: good + bad + Array(" film".utf8))
        #expect(result.hadInvalidUTF8)
        #expect(result.tokens.first == "good")
        #expect(result.tokens.last == "film")
        let middle = result.tokens.dropFirst().dropLast()
        #expect(!middle.isEmpty)
        #expect(middle.allSatisfy { $0.unicodeScalars.allSatisfy { $0 == "\u{FFFD}" } })
    }

    @Test func truncatedSequenceAtTheEnd() throws {
        let result = try tokens(bytes: Array("nice".utf8) + [0xE2, 0x82])
        #expect(result.hadInvalidUTF8)
        #expect(result.tokens.first?.hasPrefix("nice") == true)
        #expect(result.tokens.joined().unicodeScalars.contains("\u{FFFD}"))
    }

    @Test func nulBytesDoNotEndTheText() throws {
        let result = try tokens(bytes: Array("a".utf8) + [0] + Array(" b".utf8))
        #expect(!result.hadInvalidUTF8)
        #expect(result.tokens.last == "b")
    }

    @Test func onlyInvalidBytes() throws {
        let result = try tokens(bytes: [0x80, 0x81, 0xFE])
        #expect(result.hadInvalidUTF8)
        #expect(result.tokens.joined().unicodeScalars.allSatisfy { $0 == "\u{FFFD}" })
    }

    @Test func everyOutputTokenIsValidUTF8() throws {
        // A deterministic pseudo-random byte soup must not crash and must give valid strings.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var bytes: [UInt8] = []
        for _ in 0..<20000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            bytes.append(UInt8(truncatingIfNeeded: state >> 56))
        }
        let tokenizer = try Tokenizer()
        var sawToken = false
        _ = bytes.withUnsafeBytes { raw in
            tokenizer.forEachToken(inUTF8: raw) { token in
                sawToken = true
                #expect(String(validating: token, as: UTF8.self) != nil)
                #expect(!token.contains(0x20) && !token.contains(0x0A))
            }
        }
        #expect(sawToken)
    }
}
