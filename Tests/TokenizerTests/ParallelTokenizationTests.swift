import Testing

@testable import Tokenizer

@Suite struct ParallelTokenizationTests {
    private func sampleLines(_ count: Int) -> [String] {
        let pool = [
            "Great movie :)", "", "这家酒店很好", "ภาษาไทย", "  ", "BAD, BAD film!!", "👍🏽 ok\r", "didn’t",
        ]
        return (0..<count).map { "\(pool[$0 % pool.count]) \($0 % 3 == 0 ? "" : String($0))" }
    }

    @Test func parallelOutputMatchesSequentialAndKeepsOrder() throws {
        let lines = sampleLines(20000)
        let text = Array(lines.joined(separator: "\n").utf8)
        let single = try ParallelLineTokenizer(threads: 1)
        let several = try ParallelLineTokenizer(threads: 3)
        let one = text.withUnsafeBytes { single.tokenizeLines($0) }
        let three = text.withUnsafeBytes { several.tokenizeLines($0) }
        #expect(one.output == three.output)
        #expect(one.lines == lines.count)
        #expect(three.lines == lines.count)
        let tokenizer = try Tokenizer()
        let expected = lines.map { tokenizer.tokens(in: $0).joined(separator: " ") + "\n" }.joined()
        #expect(String(decoding: three.output, as: UTF8.self) == expected)
    }

    @Test func emptyLinesGiveEmptyLines() throws {
        let tokenizer = try ParallelLineTokenizer(threads: 2)
        let result = Array("a\n\n \nb\n".utf8).withUnsafeBytes { tokenizer.tokenizeLines($0) }
        #expect(String(decoding: result.output, as: UTF8.self) == "a\n\n\nb\n")
        #expect(result.lines == 4)
    }

    @Test func finalLineWithoutNewlineAndCRLF() throws {
        let tokenizer = try ParallelLineTokenizer(threads: 2)
        let result = Array("A b\r\nC".utf8).withUnsafeBytes { tokenizer.tokenizeLines($0) }
        #expect(String(decoding: result.output, as: UTF8.self) == "a b\nc\n")
        #expect(result.lines == 2)
    }

    @Test func emptyInput() throws {
        let tokenizer = try ParallelLineTokenizer(threads: 2)
        let result = [UInt8]().withUnsafeBytes { tokenizer.tokenizeLines($0) }
        #expect(result.output.isEmpty)
        #expect(result.lines == 0)
    }

    @Test func invalidLinesAreCountedAcrossThreads() throws {
        var text: [UInt8] = []
        for index in 0..<10000 {
            text += Array("line \(index)".utf8)
            if index % 100 == 0 { text.append(0xFF) }
            text.append(0x0A)
        }
        let tokenizer = try ParallelLineTokenizer(threads: 2)
        let result = text.withUnsafeBytes { tokenizer.tokenizeLines($0) }
        #expect(result.linesWithInvalidUTF8 == 100)
        #expect(result.lines == 10000)
    }

    @Test func splitCoversTheTextAtLineEnds() {
        let text = Array("aaa\nbb\nc\ndddd\ne".utf8)
        for parts in 1...6 {
            let ranges = text.withUnsafeBytes { ParallelLineTokenizer.split($0, into: parts) }
            #expect(ranges.first?.lowerBound == 0)
            #expect(ranges.last?.upperBound == text.count)
            for (left, right) in zip(ranges, ranges.dropFirst()) {
                #expect(left.upperBound == right.lowerBound)
                #expect(text[left.upperBound - 1] == 0x0A)
            }
        }
    }

    @Test func poolRunsEveryWorkerWithItsOwnTokenizer() throws {
        let pool = try TokenizerPool(count: 4)
        let texts = ["One", "Two words", "three :)", "四"]
        let results = pool.concurrentMap { worker, tokenizer in tokenizer.tokens(in: texts[worker]) }
        #expect(results == [["one"], ["two", "words"], ["three", ":)"], ["四"]])
        #expect(pool.concurrentMap(workers: 2) { worker, _ in worker } == [0, 1])
    }
}
