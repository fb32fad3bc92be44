import Foundation
import GRUClassifier
import SentimentKit
import Testing
import Tokenizer

private let goldenFile = SharedData.file("golden/bigru_reference.json")

/// `train --optimizer sgd --clip 0 --dropout 0` makes exactly the step p ← p − lr·∇L per batch, so one
/// epoch of one batch over the golden batch, started from the golden parameters, must land on
/// p − lr·(PyTorch's gradient) for every parameter.
@Suite(
    "train with plain SGD against the PyTorch golden gradients",
    .enabled(if: goldenFile != nil, "../shared/golden/bigru_reference.json not found (set SENTIMENT_SHARED)"))
struct GoldenSGDTests {
    static let learningRate = 0.1

    /// "<pad>", "<unk>", then one made-up word per remaining id: "w2" is id 2, and so on.
    static func vocabulary(size: Int) throws -> Vocabulary {
        try Vocabulary(tokens: ["<pad>", "<unk>"] + (2..<size).map { "w\($0)" })
    }

    /// A word that is not in the vocabulary, so it becomes `<unk>` (id 1).
    static let unknownWord = "zebra"

    @Test func madeUpWordsAreSingleTokens() throws {
        let tokenizer = try Tokenizer()
        let vocabulary = try Self.vocabulary(size: 11)
        for id in 2..<11 {
            #expect(tokenizer.tokens(in: "w\(id)") == ["w\(id)"])
            #expect(vocabulary.id(of: "w\(id)") == Int32(id))
        }
        #expect(tokenizer.tokens(in: Self.unknownWord) == [Self.unknownWord])
        #expect(vocabulary.id(of: Self.unknownWord) == Vocabulary.unknownID)
        #expect(vocabulary.ids(for: tokenizer.tokens(in: "w3 w7 zebra w10")) == [3, 7, 1, 10])
    }

    @Test func oneEpochOfSGDLandsOnParametersMinusLearningRateTimesGoldenGradients() throws {
        let cases = try GoldenCase.load(from: try #require(goldenFile))
        #expect(Set(cases.map(\.variant)) == Set(GRUCellVariant.allCases))
        for golden in cases {
            try withTemporaryDirectory { directory in
                try check(golden, in: directory)
            }
        }
    }

    private func check(_ golden: GoldenCase, in directory: URL) throws {
        let label = golden.variant.rawValue
        let vocabulary = try Self.vocabulary(size: golden.configuration.vocabularySize)
        #expect(vocabulary.count == 11)
        let start = directory.appendingPathComponent("golden.safetensors")
        let classifier = try BiGRUClassifier(
            configuration: golden.configuration, parameters: golden.parameters)
        try SentimentModel(
            tokenizerSettings: TokenizerSettings(), vocabulary: vocabulary, classifier: classifier
        )
        .write(to: start)

        // The golden batch as text: id 1 is a word outside the vocabulary; padding is not text.
        let lines = zip(golden.batch, golden.labels).map { ids, label in
            let words = ids.map { $0 == Vocabulary.unknownID ? Self.unknownWord : vocabulary.tokens[Int($0)] }
            return "\(Int(label))\t\(words.joined(separator: " "))"
        }
        #expect(golden.batch.flatMap { $0 }.allSatisfy { $0 != Vocabulary.paddingID })
        let data = directory.appendingPathComponent("data.tsv")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: data)
        // The text must encode to exactly the golden ids.
        let startScorer = try TextScorer(model: SentimentModel(contentsOf: start, threadCount: 1), threads: 1)
        #expect(startScorer.tokenIDs(for: lines.map { String($0.split(separator: "\t")[1]) }) == golden.batch)

        let output = directory.appendingPathComponent("out.safetensors")
        let result = try SentimentBinary.run([
            "train", data.path, "--init", start.path, "--optimizer", "sgd", "--clip", "0", "--dropout", "0",
            "--ema", "0",
            "--lr", "\(Self.learningRate)", "--batch", "\(golden.batch.count)", "--epochs", "1",
            "--valid-split", "0", "--model", output.path,
        ])
        #expect(result.status == 0, "\(label): \(result.standardError)")
        #expect(result.standardError.contains("train: 3 training and 0 validation documents"))

        let trained = try SentimentModel(contentsOf: output)
        #expect(trained.vocabulary == vocabulary)
        #expect(trained.classifier.configuration.cell == golden.variant)
        #expect(trained.trainingRecord?.options?["optimizer"] == "sgd")
        let parameters = trained.classifier.namedParameters()
        #expect(Set(parameters.map(\.name)) == Set(golden.gradients.keys))
        var largestStep = 0.0
        for (name, tensor) in parameters {
            let before = try #require(golden.parameters[name], "\(label): no golden parameter \(name)")
            let gradient = try #require(golden.gradients[name], "\(label): no golden gradient \(name)")
            let expected = zip(before.values, gradient).map { Double($0) - Self.learningRate * $1 }
            #expect(tensor.values.count == expected.count)
            let worst = zip(tensor.values, expected).map { abs(Double($0) - $1) }.max() ?? 0
            #expect(worst <= 1e-5, "\(label) \(name): differs from p − lr·grad by \(worst)")
            largestStep = max(
                largestStep, zip(tensor.values, before.values).map { abs(Double($0 - $1)) }.max() ?? 0)
        }
        // The parameters did move, by more than the tolerance, so the comparison means something.
        #expect(largestStep > 1e-4, "\(label): largest step \(largestStep)")
    }
}
