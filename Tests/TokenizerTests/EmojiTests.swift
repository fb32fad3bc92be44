import Testing

@testable import Tokenizer

@Suite struct EmojiTests {
    @Test(arguments: [
        "👍🏽",  // skin tone modifier
        "👨‍👩‍👧‍👦",  // ZWJ family
        "🏳️‍🌈",  // flag ZWJ sequence with variation selector
        "🇫🇷",  // regional indicator flag
        "1️⃣",  // keycap
        "#️⃣",  // keycap on a symbol
        "❤️",  // variation selector 16
        "👩🏾‍💻",  // skin tone and ZWJ
    ])
    func anEmojiSequenceIsOneToken(emoji: String) throws {
        #expect(try tokens("a \(emoji) b") == ["a", emoji, "b"])
        #expect(try tokens(emoji) == [emoji])
    }

    @Test func adjacentEmojiAreSeparateTokens() throws {
        #expect(try tokens("😀😀") == ["😀", "😀"])
        #expect(try tokens("🇫🇷🇩🇪") == ["🇫🇷", "🇩🇪"])
        #expect(try tokens("1️⃣2️⃣3️⃣") == ["1️⃣", "2️⃣", "3️⃣"])
        #expect(try tokens("👍🏽👍🏿") == ["👍🏽", "👍🏿"])
    }

    @Test func emojiNextToWordsAreSeparated() throws {
        #expect(try tokens("good👍 great🎉!") == ["good", "👍", "great", "🎉", "!"])
    }

    @Test func caseFoldingKeepsZWJAndVariationSelectors() throws {
        let family = "👨‍👩‍👧"
        let result = try tokens("LOVE \(family)❤️")
        #expect(result == ["love", family, "❤️"])
        #expect(result[1].unicodeScalars.contains("\u{200D}"))
        #expect(result[2].unicodeScalars.contains("\u{FE0F}"))
    }
}
