import Foundation
import GRUClassifier
import SentimentKit
import Testing

/// Runs `ModelTraining.train` whose `onEvent` throws `ModelTrainingCancellation` at the first event
/// `cancelAt` accepts; returns what the run threw.
private func interruptedRun(
    options: ModelTrainingOptions, destination: URL?, cancelAt: (ModelTrainingEvent) -> Bool
) throws -> ModelTrainingInterruption? {
    do {
        _ = try ModelTraining.train(
            training: try TrainingMaterial.english(), options: options, destination: destination
        ) { event in
            if cancelAt(event) { throw ModelTrainingCancellation() }
        }
        Issue.record("the run was not interrupted")
        return nil
    } catch ModelTrainingError.interrupted(let interruption) {
        return interruption
    }
}

private func isBatch(_ event: ModelTrainingEvent, epoch: Int, batch: Int) -> Bool {
    if case .training(.batchFinished(let e, let b, _, _, _, _, _)) = event { return e == epoch && b == batch }
    return false
}

@Suite("Cancelling a training run")
struct TrainingCancellationTests {
    @Test func cancelledBeforeAnyEpochKeepsNothingAndLeavesTheDestinationAlone() throws {
        let scratch = try ScratchDirectory()
        let destination = scratch.url.appendingPathComponent("m.safetensors")
        try Data("older".utf8).write(to: destination)
        let interruption = try interruptedRun(
            options: TrainingMaterial.tinyOptions(epochs: 3), destination: destination
        ) {
            if case .prepared = $0 { return true }
            return false
        }
        #expect(interruption == ModelTrainingInterruption(modelPath: destination.path))
        #expect(
            interruption?.description
                == "interrupted: no model yet (no epoch had finished); \(destination.path) was left as it was"
        )
        #expect(try Data(contentsOf: destination) == Data("older".utf8))
        #expect(try scratch.contents() == ["m.safetensors"])
    }

    @Test func cancelledInTheThirdEpochKeepsTheBestOfTheFirstTwo() throws {
        let scratch = try ScratchDirectory()
        let destination = scratch.url.appendingPathComponent("m.safetensors")
        var options = TrainingMaterial.tinyOptions(epochs: 5)
        options.training.patience = 0
        var best: (epoch: Int, accuracy: Double)?
        let interruption = try interruptedRun(options: options, destination: destination) { event in
            if case .training(.epochFinished(let summary)) = event, summary.isBest,
                let accuracy = summary.validation?.accuracy
            {
                best = (summary.epoch, accuracy)
            }
            return isBatch(event, epoch: 3, batch: 2)
        }
        let kept = try #require(best)
        #expect(
            interruption
                == ModelTrainingInterruption(
                    bestEpoch: kept.epoch, validationAccuracy: kept.accuracy, modelPath: destination.path))
        let model = try SentimentModel(contentsOf: destination)
        #expect(model.trainingRecord?.bestEpoch == kept.epoch)
        #expect(model.trainingRecord?.validationAccuracy == kept.accuracy)
        #expect(
            interruption?.description
                == "interrupted: best model so far (epoch \(kept.epoch), validation accuracy "
                + String(format: "%.4f", kept.accuracy) + ") is in \(destination.path)")
        #expect(try scratch.contents() == ["m.safetensors"])
    }

    @Test func withoutValidationTheLastFinishedEpochIsWrittenOnCancellation() throws {
        let scratch = try ScratchDirectory()
        let destination = scratch.url.appendingPathComponent("m.safetensors")
        var options = TrainingMaterial.tinyOptions(epochs: 5)
        options.validationSplit = 0
        var checkpoints = 0
        let interruption = try interruptedRun(options: options, destination: destination) { event in
            if case .checkpointWritten = event { checkpoints += 1 }
            return isBatch(event, epoch: 3, batch: 1)
        }
        // Nothing was written while training (no validation, no checkpoint); the cancellation wrote epoch 2.
        #expect(checkpoints == 0)
        #expect(interruption == ModelTrainingInterruption(bestEpoch: 2, modelPath: destination.path))
        #expect(
            interruption?.description
                == "interrupted: best model so far (epoch 2, no validation) is in \(destination.path)")
        let model = try SentimentModel(contentsOf: destination)
        #expect(model.trainingRecord?.bestEpoch == 2)
        #expect(model.trainingRecord?.epochsRun == 2)
    }
}
