import Foundation
import SentimentKit
import Testing

/// `CorpusReader.unlabelledTexts`: the texts of `train --unlabelled` files, labels or not.
@Suite struct UnlabelledTextReadingTests {
    @Test func textsOfEveryFileInOrderLabelsNotRead() throws {
        let scratch = try ScratchDirectory()
        let plain = scratch.url.appendingPathComponent("plain.txt")
        let labelled = scratch.url.appendingPathComponent("labelled.tsv")
        try Data("first line\nsecond line\n".utf8).write(to: plain)
        try Data("label\ttext\n1\tgreat film\n0\tdull film\n".utf8).write(to: labelled)
        var finished: [String] = []
        let texts = try CorpusReader.unlabelledTexts(
            [plain.path, labelled.path], finished: { finished.append($0.fileName) })
        #expect(texts == ["first line", "second line", "great film", "dull film"])
        #expect(finished.count == 2)
    }

    @Test func aFileWithoutTextIsAnError() throws {
        let scratch = try ScratchDirectory()
        let empty = scratch.url.appendingPathComponent("empty.txt")
        try Data().write(to: empty)
        #expect(throws: InputError.badFile(file: empty.path, message: "no unlabelled text in it")) {
            try CorpusReader.unlabelledTexts([empty.path])
        }
    }
}
