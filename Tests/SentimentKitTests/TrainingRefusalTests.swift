import Foundation
import SentimentKit
import Testing

/// Training runs that must not start: a set of one class, a destination another run is writing.
@Suite struct TrainingRefusalTests {
    private static func documents(_ labels: [Float]) -> [CorpusDocument] {
        labels.enumerated().map { CorpusDocument(text: "text \($0.offset)", label: $0.element) }
    }

    @Test func aTrainingSetOfOneClassIsRefused() throws {
        let error = #expect(throws: ModelTrainingError.self) {
            try ModelTraining.train(
                training: Self.documents([1, 1, 1]), options: TrainingMaterial.tinyOptions())
        }
        #expect(error == .singleClass(.training, positive: true, count: 3))
        #expect(
            error?.description
                == "the training documents: every document is labelled positive (3 documents); training needs "
                + "documents of both classes")
    }

    @Test func aValidationSetOfOneClassIsRefused() throws {
        let error = #expect(throws: ModelTrainingError.self) {
            try ModelTraining.train(
                training: Self.documents([0, 1, 0, 1]), validation: Self.documents([0, 0]),
                options: TrainingMaterial.tinyOptions())
        }
        #expect(error == .singleClass(.validation, positive: false, count: 2))
    }

    @Test func aValidationSplitOfOneClassIsRefused() throws {
        // One negative document stays in training; the split holds a positive one only.
        var options = TrainingMaterial.tinyOptions()
        options.validationSplit = 0.3
        let error = #expect(throws: ModelTrainingError.self) {
            try ModelTraining.train(training: Self.documents([1, 1, 1, 0]), options: options)
        }
        #expect(error == .singleClass(.validationSplit, positive: true, count: 1))
    }

    @Test func aSecondHolderOfTheLockIsRefusedUntilTheFirstLetsGo() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.url.appendingPathComponent("m.safetensors").path
        let first = try AdvisoryFileLock(forWriting: path)
        #expect(try scratch.contents() == ["m.safetensors.lock"])
        #expect(throws: AdvisoryFileLockError.held(lockPath: path + ".lock")) {
            _ = try AdvisoryFileLock(forWriting: path)
        }
        first.unlock()
        #expect(try scratch.contents() == [])
        let second = try AdvisoryFileLock(forWriting: path)
        second.unlock()
        // A lock file left by a process that died holds no lock.
        #expect(FileManager.default.createFile(atPath: path + ".lock", contents: nil))
        try AdvisoryFileLock(forWriting: path).unlock()
        #expect(try scratch.contents() == [])
    }

    @Test func trainingRefusesADestinationAnotherRunIsWriting() throws {
        let scratch = try ScratchDirectory()
        let destination = scratch.url.appendingPathComponent("m.safetensors")
        let other = try ModelDestination(destination)
        var events = 0
        let error = #expect(throws: ModelTrainingError.self) {
            try ModelTraining.train(
                training: TrainingMaterial.english(), options: TrainingMaterial.tinyOptions(),
                destination: destination
            ) { _ in events += 1 }
        }
        #expect(error == .destinationLocked(path: destination.path, lockPath: destination.path + ".lock"))
        #expect(
            error?.description.hasPrefix("\(destination.path): another training run is writing this model")
                == true)
        #expect(events == 0)
        other.release()
        #expect(try scratch.contents() == [])
    }
}
