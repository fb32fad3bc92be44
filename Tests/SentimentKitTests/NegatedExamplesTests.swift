import SentimentKit
import Testing
import Tokenizer

/// `NegatedExamples`: which training texts get a negated copy, and what it says.
@Suite struct NegatedExamplesTests {
    /// The negated copy of `text` as the tokenizer cuts it, joined by spaces; nil for none.
    static func negated(_ text: String) throws -> String? {
        let tokenizer = try Tokenizer()
        guard let tokens = NegatedExamples.negated(try tokenizer.tokens(in: text)) else { return nil }
        // The copy's text must tokenize back into the copy's tokens.
        #expect(try tokenizer.tokens(in: NegatedExamples.text(of: tokens)) == tokens, "\(text)")
        return tokens.joined(separator: " ")
    }

    @Test func aCopulaGetsANot() throws {
        #expect(try Self.negated("The plot was thin.") == "the plot was not thin .")
        #expect(try Self.negated("the actors are wonderful") == "the actors are not wonderful")
    }

    @Test func aSingleNotIsTakenAway() throws {
        #expect(try Self.negated("the soup was not warm") == "the soup was warm")
        #expect(try Self.negated("It isn't funny!") == "it is funny !")
        #expect(try Self.negated("i didn't like it") == "i did like it")
        #expect(NegatedExamples.negated(["it", "is", "n't", "funny"]) == ["it", "is", "funny"])
        // "ca n't" would leave "ca".
        #expect(NegatedExamples.negated(["i", "ca", "n't", "stand", "it"]) == nil)
    }

    @Test func chineseVeryBecomesNot() throws {
        #expect(NegatedExamples.negated(["房间", "很", "干净"]) == ["房间", "不", "干净"])
        #expect(NegatedExamples.negated(["服务", "很好"]) == ["服务", "不好"])
        #expect(NegatedExamples.text(of: ["服务", "不好", "。"]) == "服务不好。")
        #expect(NegatedExamples.text(of: ["a", "服务", "b"]) == "a 服务 b")
    }

    @Test func unsafeTextsGetNoCopy() throws {
        // Two copulas, two cues, a contrast, a clause after the pivot, a pseudo-negation, no pivot.
        #expect(try Self.negated("the food was good and the room was clean") == nil)
        #expect(try Self.negated("not bad, never boring") == nil)
        #expect(try Self.negated("the food was cold but tasty") == nil)
        #expect(try Self.negated("the room was clean, the staff rude") == nil)
        #expect(try Self.negated("not only cheap") == nil)
        #expect(try Self.negated("a wonderful film") == nil)
        #expect(try Self.negated("never again") == nil)
        #expect(NegatedExamples.negated(["房间", "很", "干净", "，", "很", "安静"]) == nil)
        #expect(NegatedExamples.negated([]) == nil)
        let long = Array(repeating: "word", count: NegatedExamples.maxTokens) + ["is", "good"]
        #expect(NegatedExamples.negated(long) == nil)
    }

    @Test func copiesFlipTheLabelOfClearlyLabelledTexts() throws {
        let documents = [
            CorpusDocument(text: "the plot was thin", label: 0),
            CorpusDocument(text: "a wonderful film", label: 1),
            CorpusDocument(text: "the cast is fine", label: 0.7),
            CorpusDocument(text: "the cast is fine", label: 1),
        ]
        let tokenizer = try Tokenizer()
        let tokens = try documents.map { try tokenizer.tokens(in: $0.text) }
        #expect(
            NegatedExamples.documents(documents, tokens: tokens) == [
                CorpusDocument(text: "the plot was not thin", label: 1),
                CorpusDocument(text: "the cast is not fine", label: 0),
            ])
    }
}
