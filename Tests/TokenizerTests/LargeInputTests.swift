import Testing

@testable import Tokenizer

@Suite struct LargeInputTests {
    @Test func oneMegabyteLine() throws {
        let word = "wonderful film, "
        let text = String(repeating: word, count: (1 << 20) / word.utf8.count)
        let result = try tokens(text)
        #expect(result.count == 3 * ((1 << 20) / word.utf8.count))
        #expect(result.prefix(3) == ["wonderful", "film", ","])
    }

    @Test func oneMegabyteWordWithoutSpaces() throws {
        let text = String(repeating: "a", count: 1 << 20)
        #expect(try tokens(text) == [text])
    }

    @Test func piecesGiveTheSameTokensAsOneWholeText() throws {
        let text = String(repeating: "Good 酒店 👍🏽 movie:) bad!  ", count: 200)
        let whole = try Tokenizer()
        let pieces = try Tokenizer()
        pieces.pieceLimit = 64
        #expect(pieces.tokens(in: text) == whole.tokens(in: text))
    }

    @Test func piecesCutLongWordsBetweenCodePoints() throws {
        let text = String(repeating: "é", count: 1000)
        let tokenizer = try Tokenizer()
        tokenizer.pieceLimit = 101
        let result = tokenizer.tokens(in: text)
        #expect(result.joined() == text)
        #expect(result.count > 1)
    }

    @Test func aTokenizerIsReusable() throws {
        let tokenizer = try Tokenizer()
        let long = String(repeating: "x y ", count: 10000)
        #expect(tokenizer.tokens(in: long).count == 20000)
        #expect(tokenizer.tokens(in: "Short one").count == 2)
        #expect(tokenizer.tokens(in: "").isEmpty)
        #expect(tokenizer.tokens(in: "again") == ["again"])
    }
}
