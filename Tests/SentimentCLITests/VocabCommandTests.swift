import Foundation
import SentimentKit
import Testing
import Tokenizer

@testable import SentimentCLI

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
