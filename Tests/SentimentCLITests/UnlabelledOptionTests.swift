import Foundation
import SentimentKit
import Testing

/// `sentiment train --unlabelled FILE`: plain text or a labelled corpus whose labels are not read.
@Suite struct UnlabelledOptionTests {
    private let corpus = TestModelFiles.englishCorpus.path
    private let quick = TestModelFiles.tinyNetwork + ["--epochs", "1", "--pretrain-epochs", "1"]

    @Test func plainTextAndALabelledFileJoinTheVocabularyAndAreRecorded() throws {
        try withTemporaryDirectory { directory in
            let text = directory.appendingPathComponent("more.txt")
            try Data("zorblax quintessa the film\n\nzorblax quintessa again\n".utf8).write(to: text)
            // A labelled file's text column is read, its labels are not (one class only is fine here).
            let labelled = directory.appendingPathComponent("more.tsv")
            try Data("label\ttext\n1\tflimflam wondrous\n1\tflimflam wondrous\n".utf8).write(to: labelled)
            let model = directory.appendingPathComponent("m.safetensors")
            let result = try SentimentBinary.run(
                ["train", corpus, "-m", model.path, "--unlabelled", text.path, "--unlabelled", labelled.path]
                    + quick)
            #expect(result.status == 0, "\(result.standardError)")
            #expect(
                result.standardError.contains(
                    "train: 4 unlabelled documents from \(text.path), \(labelled.path) join the vocabulary"))
            let trained = try SentimentModel(contentsOf: model)
            for word in ["zorblax", "quintessa", "flimflam", "wondrous"] {
                #expect(trained.vocabulary.id(of: word) != 1, "\(word) is not in the vocabulary")
            }
            #expect(trained.trainingRecord?.unlabelledFiles == [text.path, labelled.path])
            #expect(trained.trainingRecord?.unlabelledDocuments == 4)
        }
    }

    @Test(arguments: [
        (["--pretrain-epochs", "0"], "--pretrain-epochs 0"),
        (["--init", "model.safetensors"], "--init keeps"),
    ])
    func unlabelledTextNeedsANewVocabularyAndPretraining(extra: [String], reason: String) throws {
        try withTemporaryDirectory { directory in
            let text = directory.appendingPathComponent("more.txt")
            try Data("zorblax\n".utf8).write(to: text)
            let result = try SentimentBinary.run(
                ["train", corpus, "--unlabelled", text.path] + extra, in: directory)
            #expect(result.status == 64)
            #expect(result.standardError.contains("--unlabelled"), "\(result.standardError)")
            #expect(result.standardError.contains(reason), "\(result.standardError)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["more.txt"])
        }
    }

    @Test func anEmptyUnlabelledFileStopsTheRunNamingIt() throws {
        try withTemporaryDirectory { directory in
            let empty = directory.appendingPathComponent("empty.txt")
            try Data("\n\n".utf8).write(to: empty)
            let result = try SentimentBinary.run(
                ["train", corpus, "--unlabelled", empty.path] + quick, in: directory)
            #expect(result.status == 1)
            #expect(result.standardError.contains("\(empty.path): no unlabelled text in it"))
            #expect(
                !FileManager.default.fileExists(
                    atPath: directory.appendingPathComponent("sentiment.safetensors").path))
        }
    }
}
