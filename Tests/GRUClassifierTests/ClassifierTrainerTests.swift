import Embedding
import GRUClassifier
import Testing

/// A toy task: filler tokens (4 and 5) with one marker somewhere, token 2 for positive documents and
/// token 3 for negative ones.
private func markerExamples(count: Int, seed: UInt64) -> [EncodedExample] {
    var generator = SplitMix64(seed: seed)
    return (0..<count).map { index in
        let positive = index % 2 == 0
        let length = Int(generator.next() % 6) + 2
        var ids = (0..<length).map { _ in Int32(4 + generator.next() % 2) }
        ids[Int(generator.next() % UInt64(length))] = positive ? 2 : 3
        return EncodedExample(ids: ids, label: positive ? 1 : 0)
    }
}

private func tinyClassifier(dropout: Float = 0, seed: UInt64 = 3) throws -> BiGRUClassifier {
    try BiGRUClassifier(
        configuration: TestModels.configuration(dropout: dropout, vocabulary: 6, embedding: 4, hidden: 4),
        seed: seed, threadCount: 1)
}

private func options(epochs: Int, patience: Int = 2, batchSize: Int = 16, learningRate: Float = 0.05)
    -> TrainingOptions
{
    var options = TrainingOptions()
    options.epochs = epochs
    options.patience = patience
    options.batchSize = batchSize
    options.learningRate = learningRate
    options.seed = 7
    return options
}

/// Every event of a run, and the run's outcome.
private func train(
    _ classifier: BiGRUClassifier, _ options: TrainingOptions, training: [EncodedExample],
    validation: [EncodedExample]
) throws -> (outcome: TrainingOutcome, events: [TrainingEvent]) {
    var events: [TrainingEvent] = []
    let outcome = try ClassifierTrainer(classifier: classifier, options: options).train(
        training: training, validation: validation
    ) { events.append($0) }
    return (outcome, events)
}

private func summaries(_ events: [TrainingEvent]) -> [EpochSummary] {
    events.compactMap {
        if case .epochFinished(let summary) = $0 { return summary }
        return nil
    }
}

@Suite struct ClassifierTrainerTests {
    @Test func theLearningRateDecaysAfterEachEpoch() throws {
        let training = markerExamples(count: 64, seed: 1)
        func run(epochs: Int, decay: Float) throws -> (parameters: [Tensor], rates: [Float]) {
            var runOptions = options(epochs: epochs, patience: 0)
            runOptions.optimizer = .sgd
            runOptions.learningRateDecay = decay
            let classifier = try tinyClassifier()
            let (_, events) = try train(classifier, runOptions, training: training, validation: [])
            return (classifier.namedParameters().map(\.tensor), summaries(events).map(\.learningRate))
        }
        let decayed = try run(epochs: 3, decay: 0.5)
        #expect(decayed.rates == [0.05, 0.025, 0.0125])
        #expect(try run(epochs: 3, decay: 1).rates == [0.05, 0.05, 0.05])
        // The first epoch is the same with or without decay; the second is not.
        #expect(try run(epochs: 1, decay: 0.5).parameters == run(epochs: 1, decay: 1).parameters)
        #expect(try run(epochs: 2, decay: 0.5).parameters != run(epochs: 2, decay: 1).parameters)
    }

    @Test func learnsTheMarkerTaskAndTheLossFalls() throws {
        let training = markerExamples(count: 160, seed: 1)
        let validation = markerExamples(count: 40, seed: 2)
        let classifier = try tinyClassifier()
        let before = try classifier.metrics(on: validation)
        let (outcome, events) = try train(
            classifier, options(epochs: 12, patience: 0), training: training, validation: validation)
        let epochs = summaries(events)
        #expect(outcome.epochsRun == 12)
        #expect(epochs.count == 12)
        #expect(epochs.last!.trainingLoss < epochs.first!.trainingLoss / 2, "\(epochs.map(\.trainingLoss))")
        let best = try #require(outcome.bestValidation)
        #expect(try #require(best.accuracy) >= 0.95)
        let initialLoss = try #require(before.logLoss)
        #expect(try #require(best.logLoss) < initialLoss / 2)
        #expect(epochs.allSatisfy { $0.tokensPerSecond > 0 && $0.seconds >= 0 })
    }

    @Test func keepsTheParametersOfTheBestValidationEpochAndStopsEarly() throws {
        // Validation labels are the opposite of the task, so learning makes validation worse: the best
        // epoch comes early, early stopping ends the run, and the kept parameters are not the last ones.
        let training = markerExamples(count: 160, seed: 1)
        let inverted = markerExamples(count: 40, seed: 2).map {
            EncodedExample(ids: $0.ids, label: 1 - $0.label)
        }
        let classifier = try tinyClassifier()
        let patience = 2
        let (outcome, events) = try train(
            classifier, options(epochs: 20, patience: patience), training: training, validation: inverted)
        let epochs = summaries(events)
        #expect(outcome.epochsRun < 20, "early stopping never stopped the run")
        #expect(epochs.count == outcome.epochsRun)

        // The best epoch is the first maximum of (accuracy, lower loss) among the epochs reported.
        let scores = epochs.map { ValidationScore($0.validation!) }
        let bestIndex = scores.indices.reduce(0) { scores[$1] > scores[$0] ? $1 : $0 }
        #expect(outcome.bestEpoch == bestIndex + 1)
        #expect(outcome.epochsRun == outcome.bestEpoch + patience)
        #expect(
            epochs.map(\.isBest)
                == epochs.indices.map { index in
                    scores[index] > (scores[..<index].max() ?? ValidationScore(accuracy: -1, logLoss: 0))
                })
        #expect(outcome.bestValidation == epochs[bestIndex].validation)

        // Scoring with the kept parameters reproduces that epoch's validation metrics, not the last one's.
        let kept = try BiGRUClassifier(
            configuration: classifier.configuration, parameters: outcome.bestParameters, threadCount: 1)
        let keptMetrics = try kept.metrics(on: inverted)
        #expect(keptMetrics == epochs[bestIndex].validation)
        #expect(try classifier.metrics(on: inverted) == epochs.last!.validation)
        let keptTheLastParameters = outcome.bestParameters == classifier.parameterDictionary()
        #expect(!keptTheLastParameters)
    }

    @Test func withoutValidationEveryEpochRunsAndTheLastIsKept() throws {
        let training = markerExamples(count: 50, seed: 4)
        let classifier = try tinyClassifier(dropout: 0.2)
        let (outcome, events) = try train(
            classifier, options(epochs: 4, patience: 1), training: training, validation: [])
        let epochs = summaries(events)
        #expect(outcome.epochsRun == 4)
        #expect(outcome.bestEpoch == 4)
        #expect(outcome.bestValidation == nil)
        #expect(epochs.allSatisfy { $0.isBest && $0.validation == nil })
        #expect(outcome.bestParameters == classifier.parameterDictionary())
    }

    @Test func eventsArriveInOrderWithRunningFigures() throws {
        let training = markerExamples(count: 45, seed: 5)
        let validation = markerExamples(count: 10, seed: 6)
        let epochTokens = training.reduce(0) { $0 + $1.ids.count }
        let (_, events) = try train(
            try tinyClassifier(), options(epochs: 3, patience: 0, batchSize: 10), training: training,
            validation: validation)
        var expectedEpoch = 1
        var expectedBatch = 1
        var lastTokens = 0
        for event in events {
            switch event {
            case .batchFinished(let epoch, let batch, let batchCount, let tokens, let total, let meanLoss, _):
                #expect(epoch == expectedEpoch)
                #expect(batch == expectedBatch)
                #expect(batchCount == 5)  // 45 documents in batches of at most 10
                #expect(total == epochTokens)
                #expect(tokens > lastTokens && tokens <= epochTokens)
                #expect(meanLoss.isFinite && meanLoss > 0)
                lastTokens = tokens
                expectedBatch += 1
            case .epochFinished(let summary):
                #expect(summary.epoch == expectedEpoch)
                #expect(expectedBatch == 6, "epoch \(summary.epoch) ended after \(expectedBatch - 1) batches")
                #expect(lastTokens == epochTokens)
                #expect(summary.validation?.count == 10)
                expectedEpoch += 1
                expectedBatch = 1
                lastTokens = 0
            }
        }
        #expect(expectedEpoch == 4)
        #expect(events.count == 3 * 6)
    }

    @Test func theSameSeedsGiveTheSameRun() throws {
        let training = markerExamples(count: 40, seed: 8)
        func run() throws -> [String: Tensor] {
            let classifier = try tinyClassifier(dropout: 0.3, seed: 9)
            classifier.dropoutSeed = 9
            return try train(classifier, options(epochs: 2), training: training, validation: []).outcome
                .bestParameters
        }
        #expect(try run() == run())
    }
}
