import Testing

@testable import Tokenizer

@Suite struct SegmentationTests {
    @Test func punctuationMarksAreTokensOfTheirOwn() throws {
        #expect(try tokens("Wow!!! Really?") == ["wow", "!", "!", "!", "really", "?"])
        #expect(try tokens("(great) \"film\"") == ["(", "great", ")", "\"", "film", "\""])
    }

    @Test func numbersStayWhole() throws {
        #expect(
            try tokens("It cost $3.50, rated 10/10 by 1,000 fans") == [
                "it", "cost", "$", "3.50", ",", "rated", "10", "/", "10", "by", "1,000", "fans",
            ])
    }

    @Test func contractionsStayWhole() throws {
        #expect(try tokens("It's a can't-miss") == ["it's", "a", "can't", "-", "miss"])
    }

    @Test func chineseIsSplitIntoWords() throws {
        let result = try tokens("这家酒店很好")
        #expect(result.count > 1)
        #expect(result.joined() == "这家酒店很好")
        #expect(result.contains("酒店"))
    }

    @Test func chineseFullWidthPunctuationBecomesASCII() throws {
        // NFKC maps full-width "，" and "！" to "," and "!".
        #expect(try tokens("服务很好，房间干净！") == ["服务", "很好", ",", "房间", "干净", "!"])
    }

    @Test func japaneseIsSplitIntoWords() throws {
        let result = try tokens("今日はとても良い天気ですね")
        #expect(result.count >= 4)
        #expect(result.joined() == "今日はとても良い天気ですね")
        #expect(result.contains("天気"))
    }

    @Test func halfWidthKatakanaBecomesFullWidth() throws {
        #expect(try tokens("ｶﾀｶﾅ") == ["カタカナ"])
    }

    @Test func thaiIsSplitIntoWords() throws {
        let result = try tokens("ภาษาไทยง่ายนิดเดียว")
        #expect(result.count >= 3)
        #expect(result.joined() == "ภาษาไทยง่ายนิดเดียว")
        #expect(result.contains("ภาษา"))
    }

    @Test func arabicWordsAreSeparatedBySpaces() throws {
        #expect(try tokens("هذا الفيلم رائع جدا!") == ["هذا", "الفيلم", "رائع", "جدا", "!"])
    }

    @Test func mixedScripts() throws {
        #expect(try tokens("Good酒店") == ["good", "酒店"])
    }

    @Test(arguments: ["th", "ja", "zh", "en_US", "de"])
    func otherLocalesWork(locale: String) throws {
        let settings = TokenizerSettings(locale: locale)
        #expect(try tokens("Hello world", settings) == ["hello", "world"])
    }

    @Test func emptyLocaleIsRejected() throws {
        #expect(throws: TokenizerError.self) { try Tokenizer(settings: TokenizerSettings(locale: "")) }
    }

    @Test func literalSpecialTokenTextIsCutUp() throws {
        #expect(try tokens("<pad> <unk>") == ["<", "pad", ">", "<", "unk", ">"])
    }
}
