import SentimentKit
import Testing
import Tokenizer

/// What `sentiment vocab` counts and writes.
@Suite struct VocabCountingTests {
    @Test func countingIsTheSameWithAnyThreadCountAndBatchSize() throws {
        let lines = (0..<3000).map { "\($0 % 2)\tFilm \($0 % 13) was \($0 % 2 == 0 ? "bad" : "GOOD") :)" }
        let text = "label\ttext\n" + lines.joined(separator: "\n")
        var reference: [UInt8]?
        for (threads, batchSize) in [(1, 4096), (2, 100), (3, 7)] {
            let corpus = try CorpusReader(
                file: InputFile(bytes: Array(text.utf8), name: "c.tsv"),
                options: CorpusReaderOptions(requiresLabels: false))
            let pool = try TokenizerPool(count: threads)
            var builder = VocabularyBuilder()
            let count = try builder.count(corpus, pool: pool, batchSize: batchSize)
            #expect(count == 3000)
            let table = builder.build(minCount: 2, maxSize: 100).table(counts: builder)
            if let reference { #expect(table == reference) } else { reference = table }
        }
    }

    @Test func tableShowsPadZeroAndUnknownOccurrences() {
        var builder = VocabularyBuilder()
        builder.add(["a", "a", "a", "b", "b", "c"])
        let table = builder.build(minCount: 2).table(counts: builder)
        #expect(String(decoding: table, as: UTF8.self) == "<pad>\t0\n<unk>\t1\na\t3\nb\t2\n")
    }
}
