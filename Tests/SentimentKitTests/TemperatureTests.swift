import Foundation
import GRUClassifier
import SentimentKit
import Testing
import Tokenizer

/// A model's temperature: what scoring divides the logit by, and what training fits on the validation set.
@Suite struct TemperatureTests {
    static func model(temperature: Float?) throws -> SentimentModel {
        let configuration = ClassifierConfiguration(
            vocabularySize: 6, embeddingDim: 4, hidden: 3, ngramBuckets: 64)
        var parameters = try BiGRUClassifier(
            configuration: configuration, seed: 2, embeddingStandardDeviation: 1
        )
        .parameterDictionary()
        parameters["wide.weight"] = Tensor(shape: [64], values: (0..<64).map { Float($0 % 7) / 3 - 1 })
        return try SentimentModel(
            tokenizerSettings: TokenizerSettings(),
            vocabulary: try Vocabulary(tokens: ["<pad>", "<unk>", "good", "bad", "film", "!"]),
            classifier: try BiGRUClassifier(
                configuration: configuration, parameters: parameters, threadCount: 1),
            temperature: temperature)
    }

    static let texts = ["good film !", "bad film", "film", "", "good bad good !", "bad !"]

    @Test func scoringDividesTheLogitByTheTemperature() throws {
        let plain = try TextScorer(model: try Self.model(temperature: nil), threads: 1)
        let hot = try TextScorer(model: try Self.model(temperature: 2.5), threads: 1)
        let logits = try plain.logits(on: Self.texts.map { CorpusDocument(text: $0, label: 1) })
        let expected = logits.map { 1 / (1 + exp(-Double($0) / 2.5)) }
        let probabilities = try hot.probabilities(for: Self.texts)
        #expect(zip(probabilities, expected).allSatisfy { abs(Double($0) - $1) < 1e-6 })
        // Labels at 0.5 stay; the probabilities move towards 0.5.
        let plainProbabilities = try plain.probabilities(for: Self.texts)
        #expect(probabilities.map(hot.isPositive) == plainProbabilities.map(plain.isPositive))
        #expect(zip(probabilities, plainProbabilities).allSatisfy { abs($0 - 0.5) <= abs($1 - 0.5) })
        #expect(Set(plainProbabilities.map { $0 >= 0.5 }).count == 2, "both labels should occur")
        let utf8 = try hot.probabilities(forUTF8: Self.texts.map { Array($0.utf8)[...] }).probabilities
        #expect(utf8 == probabilities)
        let documents = zip(Self.texts, [1, 0, 1, 0, 1, 0] as [Float]).map {
            CorpusDocument(text: $0, label: $1)
        }
        let metrics = try hot.metrics(on: documents)
        let brier =
            zip(probabilities, documents).map { pow(Double($0) - Double($1.label), 2) }.reduce(0, +) / 6
        #expect(abs(metrics.brierScore! - brier) < 1e-6)
    }

    @Test func explanationsAreInTheScaledLogitsUnits() throws {
        let plain = try TextExplainer(
            model: try Self.model(temperature: nil), method: .integratedGradients(steps: 8))
        let hot = try TextExplainer(
            model: try Self.model(temperature: 2), method: .integratedGradients(steps: 8))
        let scorer = try TextScorer(model: try Self.model(temperature: 2), threads: 1)
        for (text, probability) in zip(Self.texts, try scorer.probabilities(for: Self.texts)) {
            let a = try plain.explain(text)
            let b = try hot.explain(text)
            #expect(b.logit == a.logit / 2 && b.baselineLogit == a.baselineLogit / 2)
            #expect(b.attributions == a.attributions.map { $0 / 2 })
            #expect(b.probability == probability)
        }
    }

    @Test func trainingFitsTheTemperatureOnTheValidationSet() throws {
        // Every other document validates, so both labels are among them.
        let documents = try TrainingMaterial.english()
        let validation = documents.enumerated().filter { $0.offset % 4 == 0 }.map(\.element)
        let training = documents.enumerated().filter { $0.offset % 4 != 0 }.map(\.element)
        let scratch = try ScratchDirectory()
        let url = scratch.url.appendingPathComponent("model.safetensors")
        let outcome = try ModelTraining.train(
            training: training, validation: validation, options: TrainingMaterial.tinyOptions(epochs: 3),
            destination: url)
        let temperature = try #require(outcome.temperature)
        #expect(outcome.model.temperature == temperature)
        #expect(try SentimentModel(contentsOf: url).temperature == temperature)
        // It is fitted to the kept epoch's validation logits, which are the written model's.
        let kept = try #require(outcome.epochs.first { $0.epoch == outcome.bestEpoch })
        let logits = try #require(kept.validationLogits)
        let labels = validation.map { $0.label >= 0.5 }
        #expect(temperature == TemperatureScaling.fit(logits: logits, labels: labels))
        let uncalibrated = try SentimentModel(contentsOf: url)
        uncalibrated.temperature = nil
        let scored = try TextScorer(model: uncalibrated, threads: 1).logits(on: validation)
        #expect(zip(scored, logits).allSatisfy { abs($0 - $1) < 1e-4 })
        let before = try #require(outcome.bestValidation?.logLoss)
        let after = try #require(outcome.calibratedValidation?.logLoss)
        #expect(after <= before)
        #expect(outcome.calibratedValidation?.accuracy == outcome.bestValidation?.accuracy)
        #expect(outcome.epochs.map(\.epoch) == Array(1...outcome.epochsRun))

        var options = TrainingMaterial.tinyOptions(epochs: 1)
        options.validationSplit = 0
        let unvalidated = try ModelTraining.train(training: documents, options: options)
        #expect(unvalidated.temperature == nil && unvalidated.model.temperature == nil)
    }
}
