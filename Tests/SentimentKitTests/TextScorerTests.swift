import Foundation
import GRUClassifier
import SentimentKit
import Testing
import Tokenizer

/// What it takes to rebuild the shared trained model, as values.
private struct ModelParts: Sendable {
    var tokenizerSettings: TokenizerSettings
    var vocabulary: Vocabulary
    var configuration: ClassifierConfiguration
    var parameters: [String: Tensor]
    var maxLength: Int
    var headLength: Int?
    var negationScope: NegationScope?
}

/// A tiny model trained once on corpora/en.tsv, cut to 30 tokens (the first 7 and the last 23). Every test
/// builds its own `SentimentModel` from it: a model must not be used from several threads at once, and a
/// scorer sets its model's thread count.
private enum ScoringModel {
    static let parts: Result<ModelParts, any Error> = Result {
        var options = TrainingMaterial.tinyOptions(epochs: 4)
        options.validationSplit = 0
        options.maxLength = 30
        options.headLength = 7
        let model = try ModelTraining.train(training: try TrainingMaterial.english(), options: options).model
        return ModelParts(
            tokenizerSettings: model.tokenizerSettings, vocabulary: model.vocabulary,
            configuration: model.classifier.configuration, parameters: model.classifier.parameterDictionary(),
            maxLength: model.maxLength, headLength: model.headLength, negationScope: model.negationScope)
    }

    static func make() throws -> SentimentModel {
        let parts = try parts.get()
        return try SentimentModel(
            tokenizerSettings: parts.tokenizerSettings, vocabulary: parts.vocabulary,
            classifier: try BiGRUClassifier(
                configuration: parts.configuration, parameters: parts.parameters, threadCount: 1),
            maxLength: parts.maxLength, headLength: parts.headLength, negationScope: parts.negationScope)
    }
}

/// A model over a hand-made vocabulary whose output ignores the text: logit `logit` for every input.
private func constantModel(logit: Float) throws -> SentimentModel {
    let configuration = ClassifierConfiguration(vocabularySize: 4, embeddingDim: 2, hidden: 2)
    var parameters = try BiGRUClassifier(configuration: configuration, seed: 1).parameterDictionary()
    parameters["out.weight"] = Tensor(zeros: [1, 4])
    parameters["out.bias"] = Tensor(shape: [1], values: [logit])
    return try SentimentModel(
        tokenizerSettings: TokenizerSettings(),
        vocabulary: try Vocabulary(tokens: ["<pad>", "<unk>", "good", "bad"]),
        classifier: try BiGRUClassifier(configuration: configuration, parameters: parameters, threadCount: 1))
}

/// Texts of the corpus and a few edge cases: empty, white space only, longer than the cut, emoji, unknown
/// words.
private func sampleTexts() throws -> [String] {
    let corpus = try TrainingMaterial.english().map(\.text)
    return Array(corpus.prefix(60)) + [
        "", "   \t ", corpus[0...5].joined(separator: " "), "😀 👍🏽 great!!!", "zyzzyva quixotic blunderbuss",
    ]
}

@Suite struct TextScorerTests {
    @Test(arguments: [
        (Int?.some(1), [[2, 4, 5], [2, 2, 3, 4], [1, 4], [], [2, 3]] as [[Int32]]),
        (nil, [[2, 4, 5], [2, 3, 4, 2], [1, 4], [], [2, 3]]),
    ])
    func textsBecomeTheVocabularyIDsOfTheirTokensCutToTheModelsLength(head: Int?, ids: [[Int32]]) throws {
        let configuration = ClassifierConfiguration(vocabularySize: 6, embeddingDim: 3, hidden: 2)
        let model = try SentimentModel(
            tokenizerSettings: TokenizerSettings(),
            vocabulary: try Vocabulary(tokens: ["<pad>", "<unk>", "good", "bad", "film", "!"]),
            classifier: try BiGRUClassifier(configuration: configuration, seed: 3, threadCount: 1),
            maxLength: 4,
            headLength: head)
        let scorer = try TextScorer(model: model, threads: 1)
        // Case folded; "zebra" is unknown; six tokens are cut to four (the first `head`, the rest from the end).
        let texts = ["Good film!", "good bad film good bad film", "zebra film", "", "GOOD   bad"]
        #expect(scorer.tokenIDs(for: texts) == ids)
        let probabilities = try scorer.probabilities(for: texts)
        #expect(probabilities == (try model.classifier.probabilities(for: ids)))
    }

    @Test func eachTextScoresAsTheNetworkScoresItsTokensAlone() throws {
        let model = try ScoringModel.make()
        let scorer = try TextScorer(model: model, threads: 2)
        let texts = try sampleTexts()
        let probabilities = try scorer.probabilities(for: texts)
        #expect(probabilities.count == texts.count)
        // The ids from a tokenizer of the model's settings, one text at a time.
        let tokenizer = try Tokenizer(settings: model.tokenizerSettings)
        let reference = try texts.map { text in
            let tokens = tokenizer.tokens(in: text)
            // Vocabulary ids, those inside a negation scope marked (the model's default transform).
            let all = model.networkIDs(for: tokens)
            let ids = SentimentModel.encodeDocument(
                ids: all, maxLength: model.maxLength, headLength: model.headLength, ngramBuckets: 0
            ).ids
            #expect(ids.count <= 30)
            // The wide channel reads the n-grams of all of the text's ids, before the cut.
            let ngrams = NGramHashing.buckets(of: all, buckets: model.classifier.configuration.ngramBuckets)
            return try model.classifier.probabilities(for: [ids], ngrams: [ngrams])[0]
        }
        // Bitwise: a text's probability does not depend on the batch it was scored in.
        #expect(probabilities.map(\.bitPattern) == reference.map(\.bitPattern))
        // The texts do score differently, so a text scored in another's place would show.
        #expect(Set(reference).count > 50)
    }

    @Test func utf8TextsScoreAsTheirStringsAndInvalidBytesAreFlagged() throws {
        let model = try ScoringModel.make()
        let scorer = try TextScorer(model: model, threads: 2)
        // More than 32 texts per thread, so both threads tokenize a share.
        var bytes = try TrainingMaterial.english().prefix(100).map { Array($0.text.utf8) }
        let invalid: Set<Int> = [0, 17, 64, 99]
        for index in invalid { bytes[index] += [0xC3, 0x28, 0x20, 0xFF] + Array(" ok".utf8) }
        bytes[50] = []
        let (probabilities, flags) = try scorer.probabilities(forUTF8: bytes.map { $0[...] })
        #expect(flags == bytes.indices.map { invalid.contains($0) })
        let strings = bytes.map { String(decoding: $0, as: UTF8.self) }
        #expect(strings[0].contains("\u{FFFD}"))
        let fromStrings = try scorer.probabilities(for: strings)
        #expect(probabilities.map(\.bitPattern) == fromStrings.map(\.bitPattern))
        #expect(probabilities.count == 100)
    }

    @Test func aTextWithoutTokensScoresAsTheOutputBiasAlone() throws {
        let model = try ScoringModel.make()
        let bias = try #require(model.classifier.parameterDictionary()["out.bias"]?.values.first)
        let expected = Float(1 / (1 + exp(-Double(bias))))
        let scorer = try TextScorer(model: model, threads: 1)
        #expect(scorer.tokenIDs(for: ["", " \t  "]) == [[], []])
        for probability in try scorer.probabilities(for: ["", " \t  ", "a good film"]).prefix(2) {
            #expect(abs(probability - expected) <= 1e-6)
        }
        let utf8 = try scorer.probabilities(forUTF8: [[], Array("  ".utf8)[...]])
        #expect(utf8.hadInvalidUTF8 == [false, false])
        #expect(utf8.probabilities.allSatisfy { abs($0 - expected) <= 1e-6 })
        // A text with tokens does not: the bias alone is not what the network says about it.
        #expect(abs(try scorer.probabilities(for: ["a good film"])[0] - expected) > 1e-6)
    }

    @Test func metricsAccuracyIsTheShareOfPredictionsThatMatchTheLabels() throws {
        let documents = try TrainingMaterial.english()
        var predictedPositives: [Int] = []
        for threshold in [nil, 0.3, 0.7] as [Float?] {
            let scorer = try TextScorer(model: try ScoringModel.make(), threads: 1, threshold: threshold)
            #expect(scorer.threshold == threshold ?? 0.5)
            let predictions = try scorer.probabilities(for: documents.map(\.text)).map(scorer.isPositive)
            let correct = zip(predictions, documents).filter { $0 == ($1.label >= 0.5) }.count
            let metrics = try scorer.metrics(on: documents)
            #expect(metrics.count == 400)
            #expect(metrics.threshold == Double(scorer.threshold))
            #expect(metrics.accuracy == Double(correct) / 400)
            let matrix = metrics.confusionMatrix
            #expect(matrix.actualPositives == 200 && matrix.actualNegatives == 200)
            #expect(matrix.truePositives + matrix.falsePositives == predictions.filter { $0 }.count)
            predictedPositives.append(predictions.filter { $0 }.count)
        }
        // The thresholds do change the predictions, so each comparison used its own.
        #expect(Set(predictedPositives).count == 3, "\(predictedPositives)")
    }

    @Test func aScorersThresholdOverridesTheModelsAndAProbabilityAtItIsPositive() throws {
        // σ(0) is exactly 0.5 for every text.
        let model = try constantModel(logit: 0)
        model.threshold = 0.5
        let documents = [CorpusDocument(text: "good", label: 1), CorpusDocument(text: "bad", label: 0)]
        let atModel = try TextScorer(model: model, threads: 1)
        #expect(atModel.threshold == 0.5)
        #expect(try atModel.probabilities(for: ["good", "bad"]) == [0.5, 0.5])
        #expect(atModel.isPositive(0.5))
        #expect(try atModel.metrics(on: documents).confusionMatrix.truePositives == 1)
        #expect(try atModel.metrics(on: documents).confusionMatrix.falsePositives == 1)

        let above = try TextScorer(model: model, threads: 1, threshold: Float(0.5).nextUp)
        #expect(!above.isPositive(0.5))
        #expect(try above.metrics(on: documents).confusionMatrix.trueNegatives == 1)
        #expect(try above.metrics(on: documents).confusionMatrix.falseNegatives == 1)

        model.threshold = 0.9
        let fromModel = try TextScorer(model: model, threads: 1)
        #expect(fromModel.threshold == 0.9)
        #expect(!fromModel.isPositive(0.89) && fromModel.isPositive(0.9))
        let given = try TextScorer(model: model, threads: 1, threshold: 0.1)
        #expect(given.threshold == 0.1)
        #expect(given.isPositive(0.5) && !given.isPositive(0.09))
        #expect(try given.metrics(on: documents).threshold == Double(Float(0.1)))
        // The model keeps its own.
        #expect(model.threshold == 0.9)
    }

    @Test func scoresDoNotDependOnTheThreadCountOrTheOrderOfTheTexts() throws {
        let corpus = try TrainingMaterial.english().map(\.text)
        // Enough texts for three tokenizing threads (256 texts each at least).
        let texts = corpus + corpus.map { "not " + $0 } + corpus.map { $0 + " indeed" }
        let one = try TextScorer(model: try ScoringModel.make(), threads: 1).probabilities(for: texts)
        let three = try TextScorer(model: try ScoringModel.make(), threads: 3)
        let probabilities = try three.probabilities(for: texts)
        let reversed = try three.probabilities(for: texts.reversed())
        #expect(probabilities.count == texts.count)
        #expect(probabilities.map(\.bitPattern) == one.map(\.bitPattern))
        #expect(reversed.reversed().map(\.bitPattern) == one.map(\.bitPattern))
        #expect(Set(one).count > 1000)
    }
}
