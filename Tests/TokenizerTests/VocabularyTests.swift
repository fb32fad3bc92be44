import Embedding
import Testing

@testable import Tokenizer

@Suite struct VocabularyTests {
    private func builder(_ tokens: [String]) -> VocabularyBuilder {
        var builder = VocabularyBuilder()
        builder.add(tokens)
        return builder
    }

    @Test func specialTokensComeFirstThenByCount() {
        let vocabulary = builder(["b", "a", "b", "c", "b", "a", "d"]).build(minCount: 1)
        #expect(vocabulary.tokens == ["<pad>", "<unk>", "b", "a", "c", "d"])
        #expect(vocabulary.id(of: "b") == 2)
        #expect(vocabulary.id(of: "zzz") == Vocabulary.unknownID)
        #expect(vocabulary.ids(for: ["a", "nope", "d"]) == [3, 1, 5])
        #expect(vocabulary.count == 6)
    }

    @Test func minCountDropsRareTokens() {
        let vocabulary = builder(["a", "a", "b"]).build(minCount: 2)
        #expect(vocabulary.tokens == ["<pad>", "<unk>", "a"])
    }

    @Test func maxSizeIncludesTheSpecialTokens() {
        let vocabulary = builder(["a", "a", "a", "b", "b", "c"]).build(minCount: 1, maxSize: 3)
        #expect(vocabulary.tokens == ["<pad>", "<unk>", "a"])
        #expect(builder(["a"]).build(minCount: 1, maxSize: 0).tokens == ["<pad>", "<unk>"])
    }

    @Test func aSupplementFillsOnlyTheRoomLeftAndNeverPushesATokenOut() {
        let labelled = builder(["good", "good", "bad", "bad", "dull"])
        // Far more frequent supplementary tokens; "dull" reaches the minimum count only with their help.
        let unlabelled = builder(
            Array(repeating: "the", count: 9) + Array(repeating: "of", count: 8) + ["dull", "once"])
        let roomy = labelled.build(minCount: 2, maxSize: 10, supplementedBy: unlabelled)
        #expect(roomy.tokens == ["<pad>", "<unk>", "bad", "good", "the", "of", "dull"])
        let tight = labelled.build(minCount: 2, maxSize: 5, supplementedBy: unlabelled)
        #expect(tight.tokens == ["<pad>", "<unk>", "bad", "good", "the"])
        // Merged first, the supplement would have taken the labelled tokens' places.
        var merged = labelled
        merged.merge(unlabelled)
        #expect(merged.build(minCount: 2, maxSize: 4).tokens == ["<pad>", "<unk>", "the", "of"])
        // An empty supplement changes nothing.
        #expect(
            labelled.build(minCount: 2, maxSize: 4, supplementedBy: VocabularyBuilder())
                == labelled.build(minCount: 2, maxSize: 4))
    }

    @Test func tiesAreOrderedByUTF8Bytes() {
        // Byte order: "B" < "a" < "z" < "é" < "酒"; Swift's String order would differ for some of these.
        let vocabulary = builder(["z", "é", "a", "酒", "B"]).build(minCount: 1)
        #expect(vocabulary.tokens == ["<pad>", "<unk>", "B", "a", "z", "é", "酒"])
    }

    @Test func idsDoNotDependOnInputOrderOrMergeOrder() {
        var tokens: [String] = []
        for index in 0..<300 { tokens += Array(repeating: "t\(index % 37)", count: 1 + index % 5) }
        let forward = builder(tokens).build(minCount: 1)
        let backward = builder(tokens.reversed()).build(minCount: 1)
        var shuffled = tokens
        var generator = SplitMix64(seed: 42)
        shuffled.shuffle(using: &generator)
        var merged = builder(Array(shuffled[..<100]))
        merged.merge(builder(Array(shuffled[100...])))
        var mergedOtherWay = builder(Array(shuffled[100...]))
        mergedOtherWay.merge(builder(Array(shuffled[..<100])))
        #expect(forward == backward)
        #expect(forward == merged.build(minCount: 1))
        #expect(forward == mergedOtherWay.build(minCount: 1))
        #expect(merged.totalCount == tokens.count)
    }

    @Test func literalSpecialTokensDoNotCollide() {
        let vocabulary = builder(["<pad>", "<pad>", "<unk>", "<unk>", "x", "x"]).build(minCount: 1)
        #expect(vocabulary.tokens == ["<pad>", "<unk>", "x"])
        #expect(vocabulary.id(of: "<pad>") == Vocabulary.unknownID)
        #expect(vocabulary.id(of: "<unk>") == Vocabulary.unknownID)
        #expect(vocabulary.token(for: 0) == "<pad>")
    }

    @Test func unstorableTokensAreLeftOut() {
        let vocabulary = builder(["a\tb", "", "c\nd", "ok"]).build(minCount: 1)
        #expect(vocabulary.tokens == ["<pad>", "<unk>", "ok"])
    }

    @Test func validation() throws {
        #expect(throws: Vocabulary.ValidationError.missingSpecialTokens) { try Vocabulary(tokens: ["a"]) }
        #expect(throws: Vocabulary.ValidationError.missingSpecialTokens) {
            try Vocabulary(tokens: ["<unk>", "<pad>", "a"])
        }
        #expect(throws: Vocabulary.ValidationError.duplicate(token: "a", id: 3)) {
            try Vocabulary(tokens: ["<pad>", "<unk>", "a", "a"])
        }
        #expect(throws: Vocabulary.ValidationError.unusableToken(id: 2)) {
            try Vocabulary(tokens: ["<pad>", "<unk>", "a\tb"])
        }
        let vocabulary = try Vocabulary(tokens: ["<pad>", "<unk>", "x", "y"])
        #expect(vocabulary.id(of: "y") == 3)
        #expect(vocabulary.token(for: 4) == nil)
        #expect(vocabulary.token(for: -1) == nil)
    }

    @Test func countsAreKept() {
        let counts = builder(["a", "b", "a"])
        #expect(counts.count(of: "a") == 2)
        #expect(counts.count(of: "missing") == 0)
        #expect(counts.distinctCount == 2)
        #expect(counts.keptTokens(minCount: 1).map(\.count) == [2, 1])
    }

    @Test func tokenizedCorpusGivesStableVocabulary() throws {
        let tokenizer = try Tokenizer()
        let corpus = ["Great movie!", "great MOVIE :)", "Bad movie :(", "这家酒店很好", "酒店 great"]
        var first = VocabularyBuilder()
        for line in corpus { first.add(tokenizer.tokens(in: line)) }
        var second = VocabularyBuilder()
        for line in corpus.reversed() { second.add(tokenizer.tokens(in: line)) }
        let vocabulary = first.build(minCount: 2)
        #expect(vocabulary == second.build(minCount: 2))
        #expect(vocabulary.tokens == ["<pad>", "<unk>", "great", "movie", "酒店"])
    }
}
