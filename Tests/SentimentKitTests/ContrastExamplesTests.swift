import Embedding
import SentimentKit
import Testing
import Tokenizer

/// `ContrastExamples`: short texts of opposite labels joined by a turn, labelled as the clause after it.
@Suite struct ContrastExamplesTests {
    static func documents(_ documents: [CorpusDocument], seed: UInt64 = 1) throws -> [CorpusDocument] {
        let tokenizer = try Tokenizer()
        var generator = SplitMix64(seed: seed)
        return ContrastExamples.documents(
            documents, tokens: try documents.map { try tokenizer.tokens(in: $0.text) }, using: &generator)
    }

    /// Ten short positive and ten short negative English texts, and a few that may not be joined.
    static let corpus: [CorpusDocument] =
        (0..<10).map { CorpusDocument(text: "good thing \($0).", label: 1) }
        + (0..<10).map { CorpusDocument(text: "bad thing \($0)", label: 0) }
        + [
            CorpusDocument(text: "cheap but good", label: 1),
            CorpusDocument(text: "fine thing", label: 0.5),
            CorpusDocument(text: Array(repeating: "long", count: ContrastExamples.maxTokens + 1).joined(separator: " "), label: 0),
        ]

    @Test func theClauseAfterTheTurnGivesTheLabel() throws {
        let joined = try Self.documents(Self.corpus + Self.corpus)
        // 10 % of 46 texts.
        #expect(joined.count == 4)
        for document in joined {
            let after = document.text.components(separatedBy: ", but ").last!.components(separatedBy: " , ").last!
            #expect(document.label == (after.hasPrefix("good") ? 1 : 0), "\(document.text)")
            #expect(document.text.contains("good") && document.text.contains("bad"), "\(document.text)")
            // Neither a text with its own contrast word, nor an unclear label, nor a long text is used.
            #expect(!document.text.contains("cheap") && !document.text.contains("fine") && !document.text.contains("long"))
            // The first clause lost its closing full stop.
            #expect(!document.text.contains(". ,"), "\(document.text)")
        }
        #expect(joined.contains { $0.text.hasPrefix("although ") })
        #expect(joined.contains { $0.text.contains(" , but ") })
        #expect(Set(joined.map(\.label)) == [0, 1])
    }

    @Test func chineseTextsAreJoinedWithChineseTexts() throws {
        let corpus =
            (0..<10).map { CorpusDocument(text: "房间很干净\($0)", label: 1) }
            + (0..<10).map { CorpusDocument(text: "服务太差\($0)", label: 0) }
            + (0..<10).map { CorpusDocument(text: "great thing \($0)", label: 1) }
        let joined = try Self.documents(corpus)
        #expect(joined.count == 3)
        for document in joined {
            #expect(document.text.hasPrefix("虽然"), "\(document.text)")
            let after = document.text.components(separatedBy: "但是").last!
            #expect(document.label == (after.contains("干净") ? 1 : 0), "\(document.text)")
        }
    }

    @Test func theSameSeedGivesTheSameTexts() throws {
        #expect(try Self.documents(Self.corpus + Self.corpus, seed: 4) == Self.documents(Self.corpus + Self.corpus, seed: 4))
        #expect(try Self.documents([]) == [])
    }
}
