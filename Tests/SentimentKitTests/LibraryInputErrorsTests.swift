import Foundation
import SentimentKit
import Testing

/// What a program using the library gets for bad input: errors it can catch, never a stopped process.
@Suite struct LibraryInputErrorsTests {
    @Test func trainingWithoutDocumentsOrWithBadOptionsThrows() throws {
        #expect(throws: ModelTrainingError.self) { try ModelTraining.train(training: [], options: .init()) }
        let documents = [CorpusDocument(text: "good", label: 1), CorpusDocument(text: "bad", label: 0)]
        var options = ModelTrainingOptions()
        options.validationSplit = 1
        #expect(throws: ModelTrainingError.self) {
            try ModelTraining.train(training: documents, options: options)
        }
        options = ModelTrainingOptions()
        options.training.epochs = 0
        #expect(throws: ModelTrainingError.self) {
            try ModelTraining.train(training: documents, options: options)
        }
        options = ModelTrainingOptions()
        options.headLength = 500
        #expect(throws: ModelTrainingError.self) {
            try ModelTraining.train(training: documents, options: options)
        }
        // Rates and weights that would train nonsense without stopping the process.
        let spoilers: [(String, (inout ModelTrainingOptions) -> Void)] = [
            ("learningRate", { $0.learningRate = -1 }), ("learningRate", { $0.learningRate = .nan }),
            ("clipNorm", { $0.training.clipNorm = 0 }),
            ("wideLearningRateScale", { $0.wideLearningRateScale = -1 }),
            ("branchLossWeight", { $0.branchLossWeight = .infinity }),
            ("embeddingLearningRateScale", { $0.embeddingLearningRateScale = -0.5 }),
        ]
        for (name, spoil) in spoilers {
            options = ModelTrainingOptions()
            spoil(&options)
            let error = #expect(throws: ModelTrainingError.self) {
                try ModelTraining.train(training: documents, options: options)
            }
            #expect(error?.description.contains(name) == true, "\(name)")
        }
        // Shapes the network refuses are errors too, not stopped processes.
        options = ModelTrainingOptions()
        options.hidden = 0
        #expect(throws: (any Error).self) { try ModelTraining.train(training: documents, options: options) }
    }

    @Test func labelledDocumentsReadEveryFileAndRequireLabels() throws {
        let scratch = try ScratchDirectory()
        let first = scratch.url.appendingPathComponent("a.tsv")
        let second = scratch.url.appendingPathComponent("b.csv")
        try Data("label\ttext\n1\tgreat film\n0\tdull\n".utf8).write(to: first)
        try Data("text,label\n\"fine, really\",pos\n".utf8).write(to: second)
        var seen: [String] = []
        let documents = try CorpusReader.labelledDocuments([first.path, second.path]) {
            seen.append($0.fileName)
        }
        #expect(seen == [first.path, second.path])
        #expect(documents.map(\.text) == ["great film", "dull", "fine, really"])
        #expect(documents.map(\.label) == [1, 0, 1])
        let unlabelled = scratch.url.appendingPathComponent("c.tsv")
        try Data("label\ttext\n\tno label here\n".utf8).write(to: unlabelled)
        #expect(throws: InputError.self) { try CorpusReader.labelledDocuments([unlabelled.path]) }
    }
}
