import Embedding
import Foundation
import GRUClassifier
import Testing
import Tokenizer
import WordVectors

@testable import SentimentKit

/// Pre-trained word vectors start the embedding: which vectors, where their values go, and what the
/// model records.
@Suite struct WordVectorsTrainingTests {
    /// Tiny network, one epoch, no skip-gram, the embedding frozen so its rows stay as they started.
    private func frozenOptions() -> ModelTrainingOptions {
        var options = TrainingMaterial.tinyOptions(epochs: 1)
        options.vectors = .automatic
        options.embeddingDim = nil
        options.embeddingLearningRateScale = 0
        return options
    }

    private func chinese() throws -> [CorpusDocument] {
        let path = TrainingMaterial.repositoryRoot.appendingPathComponent("corpora/zh.tsv").path
        return try CorpusReader(path: path).readAll().map { CorpusDocument(text: $0.text, label: $0.label!) }
    }

    /// A GloVe-style text file of 3-dimensional vectors for `words`, row `i` being (i + 1, -i, 2i).
    private func vectorsFile(_ words: [String], in scratch: ScratchDirectory) throws -> String {
        let text = words.enumerated().map { index, word in
            "\(word) \(index + 1) \(-index) \(2 * index)"
        }.joined(separator: "\n") + "\n"
        let path = scratch.url.appendingPathComponent("tiny.txt").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func theBundledVectorsStartAnEnglishModelAndTheRecordSaysSo() throws {
        var options = frozenOptions()
        options.vectorVocabularyExtension = 100
        var reported: WordVectorsSummary?
        let outcome = try ModelTraining.train(training: try TrainingMaterial.english(), options: options) { event in
            if case .vectors(let summary) = event { reported = summary }
        }
        let model = outcome.model
        let summary = try #require(model.trainingRecord?.vectors)
        // What was reported is what was recorded, but for the time it took.
        #expect(reported.map { var timeless = $0; timeless.seconds = 0; return timeless } == summary)
        #expect((reported?.seconds ?? 0) > 0)
        #expect(summary.used && summary.notUsedBecause == nil)
        #expect(summary.source.name == BundledVectors.name)
        // The default width, 128: the vectors' 50 columns, then skip-gram (here random: no pre-training).
        #expect(summary.dimension == 50 && model.classifier.configuration.embeddingDim == 128)
        // With vectors, the BiGRU and the wide channel also learn alone by default.
        #expect(model.trainingRecord?.options?["branch_loss"] == "\(ModelTrainingOptions.vectorsBranchLossWeight)")
        #expect(summary.coverage > 0.9 && summary.coverage <= 1)
        #expect(summary.addedWords == 100)
        // The added words are the vectors' most frequent ones the corpus lacks: "the" is in the corpus,
        // and the vocabulary ends with words in the vectors' order.
        let bundled = try BundledVectors.english()
        let tail = model.vocabulary.tokens.suffix(100)
        let order = tail.map { bundled.row(of: $0)! }
        #expect(order == order.sorted())

        // Frozen, a matched row is its vector less the mean of the matched rows: differences of rows are
        // differences of vectors.
        let rows = embeddingRows(model)
        func row(_ word: String) -> [Float] { Array(rows[Int(model.vocabulary.id(of: word))].prefix(50)) }
        func vector(_ word: String) -> [Float] { Array(bundled.vector(row: bundled.row(of: word)!)) }
        for (a, b) in [("good", "bad"), ("film", "the"), ("great", "boring")] {
            let fromModel = zip(row(a), row(b)).map { $0 - $1 }
            let fromVectors = zip(vector(a), vector(b)).map { $0 - $1 }
            for (x, y) in zip(fromModel, fromVectors) { #expect(abs(x - y) < 1e-5) }
        }
        // "didn't" has no vector of its own: the mean of "did" and "n't".
        if model.vocabulary.id(of: "didn't") != Vocabulary.unknownID {
            let mean = zip(vector("did"), vector("n't")).map { ($0 + $1) / 2 }
            let fromModel = zip(row("didn't"), row("the")).map { $0 - $1 }
            let expected = zip(mean, vector("the")).map { $0 - $1 }
            for (x, y) in zip(fromModel, expected) { #expect(abs(x - y) < 1e-5) }
        }
    }

    @Test func chineseTextTrainsWithoutTheBundledVectorsExactlyAsWithNone() throws {
        var options = TrainingMaterial.tinyOptions(epochs: 1)
        options.vectors = .automatic
        options.embeddingDim = nil
        options.hidden = 4
        let automatic = try ModelTraining.train(training: try chinese(), options: options).model
        options.vectors = .none
        let none = try ModelTraining.train(training: try chinese(), options: options).model
        let summary = try #require(automatic.trainingRecord?.vectors)
        #expect(!summary.used)
        #expect(summary.coverage < ModelTrainingOptions.automaticVectorsMinimumCoverage)
        #expect(summary.notUsedBecause?.hasPrefix("they cover ") == true)
        #expect(automatic.classifier.configuration.embeddingDim == ModelTrainingOptions.defaultEmbeddingDim)
        #expect(automatic.trainingRecord?.options?["branch_loss"] == "0.0")
        #expect(none.trainingRecord?.vectors == nil)
        #expect(parameterBits(automatic) == parameterBits(none))
        #expect(automatic.vocabulary == none.vocabulary)
    }

    @Test func anEmbeddingWidthUnderTheBundledVectorsLeavesThemOut() throws {
        var options = TrainingMaterial.tinyOptions(epochs: 1)
        options.vectors = .automatic
        let model = try ModelTraining.train(training: try TrainingMaterial.english(), options: options).model
        #expect(model.classifier.configuration.embeddingDim == 8)
        #expect(model.trainingRecord?.vectors?.used == false)
        #expect(model.trainingRecord?.vectors?.notUsedBecause == "the embedding width asked for (8) is under their 50 dimensions")
    }

    @Test func aVectorsFileIsUsedWhateverItsCoverageAndNamedInTheModel() throws {
        let scratch = try ScratchDirectory()
        let path = try vectorsFile(["good", "bad", "film", "zzzunseen"], in: scratch)
        var options = frozenOptions()
        options.vectors = .file(path)
        options.embeddingDim = 3
        options.vectorVocabularyExtension = 10
        let model = try ModelTraining.train(training: try TrainingMaterial.english(), options: options).model
        let summary = try #require(model.trainingRecord?.vectors)
        #expect(summary.used && summary.coverage < 0.2)
        #expect(summary.source.name == "tiny.txt" && summary.source.format == .glove)
        #expect(summary.source.sha256 == (try VectorFileReader.read(path: path)).source.sha256)
        #expect(summary.matchedRows == 4 && summary.addedWords == 1)
        #expect(model.vocabulary.tokens.last == "zzzunseen")
        #expect(model.classifier.configuration.embeddingDim == 3)
        // Centred: the mean of the four vectors, (2.5, -1.5, 3), is taken off.
        let rows = embeddingRows(model)
        #expect(rows[Int(model.vocabulary.id(of: "good"))] == [-1.5, 1.5, -3])
        #expect(rows[Int(model.vocabulary.id(of: "zzzunseen"))] == [1.5, -1.5, 3])

        // The record survives the model file.
        let file = scratch.url.appendingPathComponent("m.safetensors")
        try model.write(to: file)
        #expect(try SentimentModel(contentsOf: file).trainingRecord?.vectors == summary)
    }

    @Test func aWiderEmbeddingHoldsSkipGramColumnsAfterTheVectors() throws {
        let scratch = try ScratchDirectory()
        var options = frozenOptions()
        options.vectors = .file(try vectorsFile(["good", "bad", "film"], in: scratch))
        options.embeddingDim = 5
        options.pretrainEpochs = 1
        let model = try ModelTraining.train(training: try TrainingMaterial.english(), options: options).model
        let rows = embeddingRows(model)
        let good = rows[Int(model.vocabulary.id(of: "good"))]
        #expect(Array(good.prefix(3)) == [-1, 1, -2])
        #expect(good.suffix(2).allSatisfy { $0 != 0 })
    }

    @Test func aNarrowerEmbeddingThanTheVectorsGivenIsRefused() throws {
        let scratch = try ScratchDirectory()
        var options = frozenOptions()
        options.vectors = .file(try vectorsFile(["good"], in: scratch))
        options.embeddingDim = 2
        let error = #expect(throws: ModelTrainingError.self) {
            try ModelTraining.train(training: try TrainingMaterial.english(), options: options)
        }
        #expect(error?.description.contains("embeddingDim (2) must be at least the dimension of the vectors (3)") == true)
    }

    @Test func aDamagedVectorsFileStopsTheRunBeforeTraining() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.url.appendingPathComponent("bad.txt").path
        try "good 1 2\nbad 1\n".write(toFile: path, atomically: true, encoding: .utf8)
        var options = frozenOptions()
        options.vectors = .file(path)
        var trained = false
        let error = #expect(throws: VectorFileError.self) {
            try ModelTraining.train(training: try TrainingMaterial.english(), options: options) { event in
                if case .training = event { trained = true }
            }
        }
        #expect(error?.description == "\(path):2: 1 values where the file has 2")
        #expect(!trained)
    }

    @Test func aRareWordWithAVectorKeepsItsRowAndOneWithoutDoesNot() throws {
        let scratch = try ScratchDirectory()
        var documents = try TrainingMaterial.english()
        documents.append(CorpusDocument(text: "a qwertyvector and a qwertyplain", label: 1))
        var options = frozenOptions()
        options.vectors = .file(try vectorsFile(["qwertyvector", "good"], in: scratch))
        options.validationSplit = 0
        let model = try ModelTraining.train(training: documents, options: options).model
        #expect(model.vocabulary.id(of: "qwertyvector") != Vocabulary.unknownID)
        #expect(model.vocabulary.id(of: "qwertyplain") == Vocabulary.unknownID)
    }

    @Test func leastSquaresRecoversALinearMap() {
        var generator = SplitMix64(seed: 3)
        let rows = 40, inputDim = 4, outputDim = 3
        let map = (0..<inputDim * outputDim).map { _ in generator.nextUniform(-1, 1) }
        let inputs = (0..<rows * inputDim).map { _ in generator.nextUniform(-1, 1) }
        var targets = [Float](repeating: 0, count: rows * outputDim)
        for row in 0..<rows {
            for column in 0..<outputDim {
                for k in 0..<inputDim { targets[row * outputDim + column] += inputs[row * inputDim + k] * map[k * outputDim + column] }
            }
        }
        let solved = LinearLeastSquares.solve(
            inputs: inputs, targets: targets, rows: rows, inputDim: inputDim, outputDim: outputDim, ridge: 1e-9)
        for (a, b) in zip(solved, map) { #expect(abs(a - b) < 1e-4) }
    }
}
