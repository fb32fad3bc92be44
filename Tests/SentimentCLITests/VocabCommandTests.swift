import Foundation
import SentimentKit
import Testing
import Tokenizer

@testable import SentimentCLI

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
            let count = try VocabCommand.count(corpus, pool: pool, into: &builder, batchSize: batchSize)
            #expect(count == 3000)
            let table = VocabCommand.table(of: builder.build(minCount: 2, maxSize: 100), counts: builder)
            if let reference { #expect(table == reference) } else { reference = table }
        }
    }

    @Test func tableShowsPadZeroAndUnknownOccurrences() {
        var builder = VocabularyBuilder()
        builder.add(["a", "a", "a", "b", "b", "c"])
        let table = VocabCommand.table(of: builder.build(minCount: 2), counts: builder)
        #expect(String(decoding: table, as: UTF8.self) == "<pad>\t0\n<unk>\t1\na\t3\nb\t2\n")
    }
}

@Suite struct VocabCommandEndToEndTests {
    @Test func writesTheVocabularyAtomicallyToAFile() throws {
        try withTemporaryDirectory { directory in
            let corpus = directory.appendingPathComponent("reviews.csv")
            try Data("label,text\n1,\"Great, GREAT film :)\"\n0,\"bad film\"\n1,great\n".utf8).write(
                to: corpus)
            let output = directory.appendingPathComponent("vocab.tsv")
            try Data("old".utf8).write(to: output)
            let result = try SentimentBinary.run([
                "vocab", corpus.path, "-o", output.path, "--min-count", "2",
            ])
            #expect(result.status == 0)
            #expect(result.standardOutput == "")
            let written = try String(contentsOf: output, encoding: .utf8)
            // great×3, film×2 kept; ",", ":)", "bad" seen once each become <unk>.
            #expect(written == "<pad>\t0\n<unk>\t3\ngreat\t3\nfilm\t2\n")
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            #expect(leftovers.sorted() == ["reviews.csv", "vocab.tsv"])
        }
    }

    @Test func readsStandardInputAsPlainTextAndHonoursMaxSize() throws {
        let result = try SentimentBinary.run(
            ["vocab", "-", "--input-format", "text", "--min-count", "1", "--max-size", "3"],
            input: Array("b a b\nc b a\n".utf8))
        #expect(result.status == 0)
        #expect(result.standardOutput == "<pad>\t0\n<unk>\t3\nb\t3\n")
    }

    @Test func badLineIsAnErrorNamingFileAndLine() throws {
        try withTemporaryDirectory { directory in
            let corpus = directory.appendingPathComponent("reviews.csv")
            try Data("label,text\n1,ok\n\nmaybe,hmm\n".utf8).write(to: corpus)
            let result = try SentimentBinary.run(["vocab", corpus.path])
            #expect(result.status != 0)
            #expect(
                result.standardError.contains(
                    "\(corpus.path):4: label \"maybe\" is not one of 0/1, neg/pos, negative/positive, false/true"
                ))
            let skipped = try SentimentBinary.run([
                "vocab", corpus.path, "--skip-bad-lines", "--min-count", "1",
            ])
            #expect(skipped.status == 0)
            #expect(skipped.standardOutput == "<pad>\t0\n<unk>\t0\nok\t1\n")
            #expect(skipped.standardError.contains("skipped 1 bad lines"))
        }
    }

    @Test func missingFile() throws {
        let result = try SentimentBinary.run(["vocab", "/nonexistent/corpus.tsv"])
        #expect(result.status != 0)
        #expect(
            result.standardError == "Error: /nonexistent/corpus.tsv: cannot open: No such file or directory\n"
        )
    }

    @Test(.enabled(if: SharedData.file("data/sst2/dev.tsv") != nil, "needs ../shared/data/sst2/dev.tsv"))
    func sharedCorpusReadsCompletely() throws {
        let url = try #require(SharedData.file("data/sst2/dev.tsv"))
        let corpus = try CorpusReader(path: url.path)
        let docs = try corpus.readAll()
        #expect(docs.count > 100)
        #expect(docs.allSatisfy { $0.label == 0 || $0.label == 1 })
        #expect(Set(docs.compactMap(\.label)) == [0, 1])
    }
}
