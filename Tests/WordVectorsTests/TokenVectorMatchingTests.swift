import Testing

@testable import WordVectors

@Suite struct TokenVectorMatchingTests {
    /// GloVe-style words: the Stanford tokenizer's clitics and abbreviations.
    let vectors = PretrainedVectors(
        words: ["did", "n't", "ca", "it", "'s", "e.g.", "Paris", "good", "we", "'re"],
        dimension: 2,
        values: [1, 0, 3, 2, 5, 5, 2, 2, 0, 4, 7, 7, 9, 9, 1, 1, 4, 4, 0, 8],
        source: VectorSource(name: "test", sha256: "", format: .glove))

    func vector(_ token: String) -> [Float]? {
        let matching = TokenVectorMatching(vectors: vectors)
        var result = [Float](repeating: .nan, count: 2)
        let found = result.withUnsafeMutableBufferPointer { matching.vector(for: token, into: $0) }
        return found ? result : nil
    }

    @Test func aWordWithAVectorOfItsOwnTakesIt() {
        #expect(vector("good") == [1, 1])
        #expect(vector("it") == [2, 2])
    }

    @Test func contractionsTakeTheMeanOfTheirStanfordParts() {
        #expect(vector("didn't") == [2, 1])  // did (1, 0) and n't (3, 2)
        #expect(vector("can't") == [4, 3.5])  // ca (5, 5) and n't (3, 2)
        #expect(vector("it's") == [1, 3])  // it (2, 2) and 's (0, 4)
        #expect(vector("we're") == [2, 6])
    }

    @Test func abbreviationsFindTheirDottedFormAndCaseIsFoldedForCasedVectors() {
        #expect(vector("e.g") == [7, 7])
        #expect(vector("paris") == [9, 9])
    }

    @Test func otherTokensFindNothing() {
        #expect(vector("wouldn't") == nil)  // "would" has no vector here
        #expect(vector("好") == nil)
        #expect(vector("'s") == [0, 4])  // a clitic alone is a word of its own
        #expect(vector("'") == nil)
        #expect(vector("n't") == [3, 2])
    }

    @Test func candidateWordsCoverEveryLookup() {
        let words = TokenVectorMatching.candidateWords(for: ["didn't", "e.g", "good", "it's"])
        #expect(words == ["didn't", "did", "n't", "e.g", "e.g.", "good", "it's", "it", "'s"])
    }
}
