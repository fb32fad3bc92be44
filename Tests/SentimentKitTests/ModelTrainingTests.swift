import Foundation
import GRUClassifier
import SentimentKit
import Testing
import Tokenizer

/// What a training run reported, in order, in a form tests can compare.
private enum Reported: Equatable {
    case prepared(training: Int, validation: Int, vocabulary: Int, threads: Int)
    case pretrained(epochs: Int, tokens: Int, rows: Int, vocabulary: Int)
    case embeddingFrozen(tokens: Int)
    case vectors(used: Bool)
    case batch(epoch: Int)
    case pretrainingStep(tokens: Int, total: Int)
    case epoch(Int, best: Bool, validated: Int?)
    case checkpoint(epoch: Int)

    init(_ event: ModelTrainingEvent) {
        switch event {
        case .prepared(let training, let validation, let vocabulary, let threads):
            self = .prepared(
                training: training, validation: validation, vocabulary: vocabulary, threads: threads)
        case .pretrained(let summary):
            self = .pretrained(
                epochs: summary.epochs, tokens: summary.tokens, rows: summary.rows,
                vocabulary: summary.vocabularySize)
        case .embeddingFrozen(let tokens): self = .embeddingFrozen(tokens: tokens)
        case .vectors(let summary): self = .vectors(used: summary.used)
        case .pretraining(let step): self = .pretrainingStep(tokens: step.tokens, total: step.totalTokens)
        case .training(.batchFinished(let epoch, _, _, _, _, _, _)): self = .batch(epoch: epoch)
        case .training(.epochFinished(let summary)):
            self = .epoch(summary.epoch, best: summary.isBest, validated: summary.validation?.count)
        case .checkpointWritten(let epoch): self = .checkpoint(epoch: epoch)
        }
    }

    var isBatch: Bool {
        if case .batch = self { return true }
        if case .pretrainingStep = self { return true }
        return false
    }
}

/// A run of `ModelTraining.train` and everything it reported (batch events included).
private func train(
    _ training: [CorpusDocument], validation: [CorpusDocument] = [], _ options: ModelTrainingOptions,
    destination: URL? = nil
) throws -> (outcome: ModelTrainingOutcome, events: [Reported]) {
    var events: [Reported] = []
    let outcome = try ModelTraining.train(
        training: training, validation: validation, options: options, destination: destination
    ) { events.append(Reported($0)) }
    return (outcome, events)
}

/// The events other than the training steps.
private func milestones(_ events: [Reported]) -> [Reported] { events.filter { !$0.isBatch } }

private struct Interrupted: Error {}

@Suite struct ModelTrainingTests {
    // MARK: Validation documents

    @Test(arguments: [(0.1, "0.1", 360, 40), (0.25, "0.25", 300, 100), (0.5, "0.5", 200, 200)])
    func theValidationSplitHoldsOutAStratifiedShare(
        split: Double, recorded: String, trainingCount: Int, validationCount: Int
    ) throws {
        var options = TrainingMaterial.tinyOptions(epochs: 1)
        options.validationSplit = split
        let (outcome, events) = try train(try TrainingMaterial.english(), options)
        let model = outcome.model
        #expect(
            events.first
                == .prepared(
                    training: trainingCount, validation: validationCount, vocabulary: model.vocabulary.count,
                    threads: 1))
        #expect(milestones(events).dropFirst() == [.epoch(1, best: true, validated: validationCount)])
        let record = try #require(model.trainingRecord)
        #expect(record.trainingExamples == trainingCount)
        #expect(record.validationExamples == validationCount)
        #expect(record.options?["valid_split"] == recorded)
        // Stratified: the corpus has 200 documents of each label, so the held-out share does too.
        let validation = try #require(outcome.bestValidation)
        #expect(validation.count == validationCount)
        #expect(validation.confusionMatrix.actualPositives == validationCount / 2)
        #expect(validation.confusionMatrix.actualNegatives == validationCount / 2)
        #expect(record.validationAccuracy == validation.accuracy)
        #expect(record.validationLoss == validation.logLoss)
    }

    @Test func validationSplitZeroTrainsOnEverythingAndKeepsTheLastOfEveryEpoch() throws {
        var options = TrainingMaterial.tinyOptions(epochs: 3)
        options.validationSplit = 0
        // Patience cannot stop a run without validation.
        options.training.patience = 1
        let (outcome, events) = try train(try TrainingMaterial.english(), options)
        #expect(
            milestones(events) == [
                .prepared(
                    training: 400, validation: 0, vocabulary: outcome.model.vocabulary.count, threads: 1),
                .epoch(1, best: true, validated: nil), .epoch(2, best: true, validated: nil),
                .epoch(3, best: true, validated: nil),
            ])
        #expect(outcome.epochsRun == 3)
        #expect(outcome.bestEpoch == 3)
        #expect(outcome.bestValidation == nil)
        let record = try #require(outcome.model.trainingRecord)
        #expect(record.trainingExamples == 400)
        #expect(record.validationExamples == 0)
        #expect(record.epochsRun == 3)
        #expect(record.bestEpoch == 3)
        #expect(record.validationAccuracy == nil)
        #expect(record.validationLoss == nil)
        #expect(record.options?["valid_split"] == "0.0")
    }

    @Test func validationDocumentsReplaceTheSplitAndStayOutOfTheVocabulary() throws {
        let validation = [
            CorpusDocument(text: "zyzzyva was a delight", label: 1),
            CorpusDocument(text: "zyzzyva bored me", label: 0),
            CorpusDocument(text: "more zyzzyva please", label: 1),
        ]
        var options = TrainingMaterial.tinyOptions(epochs: 2)
        options.validationSplit = 0.25  // ignored: validation documents are given
        options.training.patience = 0
        let (outcome, events) = try train(try TrainingMaterial.english(), validation: validation, options)
        let model = outcome.model
        #expect(
            milestones(events).first
                == .prepared(training: 400, validation: 3, vocabulary: model.vocabulary.count, threads: 1))
        let epochs = milestones(events).dropFirst()
        #expect(epochs.count == 2)
        #expect(epochs.allSatisfy { if case .epoch(_, _, .some(3)) = $0 { true } else { false } })
        #expect(outcome.bestValidation?.count == 3)
        let record = try #require(model.trainingRecord)
        #expect(record.trainingExamples == 400)
        #expect(record.validationExamples == 3)
        #expect(record.options?["valid_split"] == "0")
        // The vocabulary comes from the training documents alone.
        #expect(model.vocabulary.id(of: "film") != Vocabulary.unknownID)
        #expect(model.vocabulary.id(of: "zyzzyva") == Vocabulary.unknownID)
    }

    // MARK: The training record and the default rules

    @Test func theRecordHoldsTheRunsOptionsCountsAndTheCallersFields() throws {
        var options = TrainingMaterial.tinyOptions(epochs: 2)
        options.validationSplit = 0.2
        options.pretrainEpochs = 2
        options.embeddingLearningRateScale = 0.5
        options.embeddingInitStd = 0.05
        options.minCount = 3
        options.maxVocabulary = 500
        options.learningRate = nil
        options.training.embeddingAdamMode = .lazy
        options.training.batchSize = 32
        options.training.seed = 7
        options.training.patience = 0
        options.training.clipNorm = nil
        options.training.wordDropout = 0.125
        options.record.programVersion = "9.9.9"
        options.record.trainingFiles = ["a.tsv"]
        options.record.options = ["extra": "kept", "lr": "replaced"]
        let (outcome, _) = try train(try TrainingMaterial.english(), options)
        let model = outcome.model
        let record = try #require(model.trainingRecord)
        #expect(record.programVersion == "9.9.9")
        #expect(record.trainingFiles == ["a.tsv"])
        #expect(record.initializedFrom == nil)
        #expect(record.trainingExamples == 320)
        #expect(record.validationExamples == 80)
        #expect(record.epochsRun == 2)
        #expect(outcome.epochsRun == 2)
        #expect(record.bestEpoch == outcome.bestEpoch)
        #expect(record.validationAccuracy == outcome.bestValidation?.accuracy)
        #expect(record.finishedAt != nil)
        let recorded = try #require(record.options)
        let expected = [
            "extra": "kept", "lr": "0.002", "epochs": "2", "patience": "0", "batch": "32",
            "optimizer": "adam",
            "lazy_adam": "true", "word_dropout": "0.125", "clip": "0.0", "seed": "7", "dropout": "0.3",
            "embedding_init_std": "0.05", "pretrain_epochs": "2", "embedding_lr_scale": "0.5",
            "min_count": "3",
            "max_vocab": "500", "valid_split": "0.2",
        ]
        for (key, value) in expected {
            #expect(recorded[key] == value, "options[\(key)]")
        }
        #expect(model.classifier.configuration.dropout == 0.3)
        #expect(model.vocabulary.count <= 500)
    }

    @Test(arguments: [(OptimizerKind.adam, Float(0.002), "0.002"), (.sgd, 0.1, "0.1")])
    func theDefaultLearningRateDependsOnTheOptimizer(optimizer: OptimizerKind, rate: Float, recorded: String)
        throws
    {
        var options = TrainingMaterial.tinyOptions(epochs: 1)
        options.learningRate = nil
        options.validationSplit = 0
        options.training.optimizer = optimizer
        var rates: [Float] = []
        let outcome = try ModelTraining.train(training: try TrainingMaterial.english(), options: options) {
            if case .training(.epochFinished(let summary)) = $0 { rates.append(summary.learningRate) }
        }
        #expect(rates == [rate])
        #expect(outcome.model.trainingRecord?.options?["lr"] == recorded)
        #expect(outcome.model.trainingRecord?.options?["optimizer"] == optimizer.rawValue)
    }

    @Test func lazyAdamIsRecordedAndTakesAnotherTrajectory() throws {
        var options = TrainingMaterial.tinyOptions(epochs: 2)
        options.validationSplit = 0
        let documents = try TrainingMaterial.english()
        let dense = try train(documents, options).outcome.model
        options.training.embeddingAdamMode = .lazy
        let lazy = try train(documents, options).outcome.model
        #expect(dense.trainingRecord?.options?["lazy_adam"] == "false")
        #expect(lazy.trainingRecord?.options?["lazy_adam"] == "true")
        #expect(dense.vocabulary == lazy.vocabulary)
        // Dense Adam keeps moving rows used in earlier steps; lazy Adam leaves them until they are used.
        let (denseRows, lazyRows) = (embeddingRows(dense), embeddingRows(lazy))
        #expect(denseRows.indices.contains { denseRows[$0] != lazyRows[$0] })
    }

    @Test func theEmbeddingIsFrozenByDefaultFromTwoMillionTrainingTokens() {
        #expect(ModelTrainingOptions.frozenEmbeddingTokenThreshold == 2_000_000)
        // No pre-training, SST-2's training set, either side of the threshold, IMDB's training set.
        let scales = [0, 676_582, 1_999_999, 2_000_000, 6_420_895].map {
            ModelTrainingOptions.defaultEmbeddingLearningRateScale(trainingTokens: $0)
        }
        #expect(scales == [1, 1, 1, 0, 0])
    }

    /// Two documents of `tokens` tokens in all (two-letter words, one token each), cut to two tokens for
    /// the classifier, so that pre-training sees every token and training costs almost nothing.
    private func largeCorpusRun(tokens: Int, scale: Float? = nil) throws -> (
        outcome: ModelTrainingOutcome, events: [Reported]
    ) {
        let letters = Array("abcdefgh")
        let words = letters.flatMap { first in letters.map { String([first, $0]) } }
        func text(_ count: Int, offset: Int) -> String {
            (0..<count).map { words[($0 + offset) % words.count] }.joined(separator: " ")
        }
        let documents = [
            CorpusDocument(text: text(tokens / 2, offset: 0), label: 1),
            CorpusDocument(text: text(tokens - tokens / 2, offset: 7), label: 0),
        ]
        var options = TrainingMaterial.tinyOptions(epochs: 1)
        options.validationSplit = 0
        options.maxLength = 2
        options.pretrainEpochs = 1
        options.embeddingLearningRateScale = scale
        return try train(documents, options)
    }

    @Test(arguments: [(1_999_999, false), (2_000_000, true)])
    func theDefaultRuleFreezesAndReportsAtTheThreshold(tokens: Int, frozen: Bool) throws {
        let (outcome, events) = try largeCorpusRun(tokens: tokens)
        let reported = milestones(events)
        guard case .pretrained(_, let pretrainedTokens, _, _)? = reported.dropFirst().first else {
            Issue.record("no pre-training reported second: \(reported)")
            return
        }
        #expect(pretrainedTokens == tokens)
        #expect(reported.contains(.embeddingFrozen(tokens: tokens)) == frozen)
        // Reported after pre-training, before training.
        if frozen { #expect(reported.dropFirst(2).first == .embeddingFrozen(tokens: tokens)) }
        #expect(outcome.model.trainingRecord?.options?["embedding_lr_scale"] == (frozen ? "0.0" : "1.0"))
    }

    /// 0 is what the rule would pick, and is not reported; 1 overrides the rule.
    @Test(arguments: [(Float(0), "0.0"), (1, "1.0")])
    func aScaleTheCallerGivesIsKeptAndNeverReportedAsFrozen(scale: Float, recorded: String) throws {
        let (outcome, events) = try largeCorpusRun(tokens: 2_000_000, scale: scale)
        #expect(events.contains { if case .pretrained = $0 { true } else { false } })
        #expect(!events.contains { if case .embeddingFrozen = $0 { true } else { false } })
        #expect(outcome.model.trainingRecord?.options?["embedding_lr_scale"] == recorded)
    }

    // MARK: Events

    @Test(arguments: [0, 2])
    func eventsComeInOrder(pretrainEpochs: Int) throws {
        var options = TrainingMaterial.tinyOptions(epochs: 2)
        options.pretrainEpochs = pretrainEpochs
        options.training.patience = 0
        let (outcome, events) = try train(try TrainingMaterial.english(), options)
        let vocabulary = outcome.model.vocabulary.count
        var reported = milestones(events)
        #expect(
            reported.first == .prepared(training: 360, validation: 40, vocabulary: vocabulary, threads: 1))
        reported.removeFirst()
        if pretrainEpochs > 0 {
            // Every token but <pad> occurs: words seen once are <unk> (min count 2).
            guard case .pretrained(pretrainEpochs, let tokens, vocabulary - 1, vocabulary)? = reported.first
            else {
                Issue.record("expected the pre-training summary, got \(reported)")
                return
            }
            #expect(tokens > 360)
            reported.removeFirst()
            // The pre-training's progress comes before its summary and ends at every token it read.
            let summary = try #require(events.firstIndex { if case .pretrained = $0 { true } else { false } })
            let steps = events[..<summary].compactMap { event -> (Int, Int)? in
                if case .pretrainingStep(let done, let total) = event { (done, total) } else { nil }
            }
            #expect(steps.count > 10)
            #expect(
                steps.last.map { $0.0 == tokens * pretrainEpochs && $0.1 == tokens * pretrainEpochs } == true)
            #expect(!events[summary...].contains { if case .pretrainingStep = $0 { true } else { false } })
        } else {
            #expect(!events.contains { if case .pretrainingStep = $0 { true } else { false } })
        }
        // No checkpoints without a destination.
        #expect(
            reported.map { if case .epoch(let epoch, _, .some(40)) = $0 { epoch } else { -1 } } == [1, 2])
        // Each epoch's steps come before its summary.
        let steps = events.filter(\.isBatch)
        #expect(!steps.isEmpty)
        for epoch in 1...2 {
            let summary = try #require(
                events.firstIndex { if case .epoch(epoch, _, _) = $0 { true } else { false } })
            #expect(events[..<summary].contains(.batch(epoch: epoch)))
            #expect(!events[summary...].contains(.batch(epoch: epoch)))
        }
    }

    // MARK: Checkpoints

    @Test func eachValidationImprovementRewritesTheFileAndTheEndLeavesTheBestModel() throws {
        let scratch = try ScratchDirectory()
        let destination = scratch.url.appendingPathComponent("model.safetensors")
        var options = TrainingMaterial.tinyOptions(epochs: 4)
        options.training.patience = 0
        var events: [Reported] = []
        var checkpoints: [Int: [String: [UInt32]]] = [:]
        let outcome = try ModelTraining.train(
            training: try TrainingMaterial.english(), options: options, destination: destination
        ) { event in
            events.append(Reported(event))
            if case .checkpointWritten(let epoch) = event {
                let written = try SentimentModel(contentsOf: destination)
                #expect(written.trainingRecord?.bestEpoch == epoch)
                #expect(written.trainingRecord?.epochsRun == epoch)
                #expect(written.trainingRecord?.validationAccuracy != nil)
                checkpoints[epoch] = parameterBits(written)
            }
        }
        let reported = milestones(events).dropFirst()
        // A checkpoint follows every epoch that improved on validation, and only those.
        var expected: [Reported] = []
        for case .epoch(let epoch, let best, let validated) in reported {
            expected.append(.epoch(epoch, best: best, validated: validated))
            if best { expected.append(.checkpoint(epoch: epoch)) }
        }
        #expect(Array(reported) == expected)
        #expect(checkpoints.keys.contains(1), "the first validated epoch is always an improvement")
        #expect(outcome.epochsRun == 4)

        // The file left is the model returned, bit for bit, holding the best epoch's parameters.
        #expect(try scratch.contents() == ["model.safetensors"])
        let written = try SentimentModel(contentsOf: destination)
        #expect(differingTensors(parameterBits(written), parameterBits(outcome.model)) == [])
        #expect(differingTensors(parameterBits(written), checkpoints[outcome.bestEpoch]) == [])
        #expect(written.vocabulary == outcome.model.vocabulary)
        #expect(written.trainingRecord == outcome.model.trainingRecord)
        #expect(written.trainingRecord?.epochsRun == 4)
        #expect(written.trainingRecord?.bestEpoch == outcome.bestEpoch)
        #expect(written.maxLength == outcome.model.maxLength)
        #expect(written.headLength == outcome.model.headLength)
    }

    @Test func withoutValidationOnlyTheFinalModelIsWritten() throws {
        let scratch = try ScratchDirectory()
        let destination = scratch.url.appendingPathComponent("model.safetensors")
        var options = TrainingMaterial.tinyOptions(epochs: 2)
        options.validationSplit = 0
        let (outcome, events) = try train(try TrainingMaterial.english(), options, destination: destination)
        #expect(!events.contains { if case .checkpoint = $0 { true } else { false } })
        #expect(try scratch.contents() == ["model.safetensors"])
        let written = try SentimentModel(contentsOf: destination)
        #expect(differingTensors(parameterBits(written), parameterBits(outcome.model)) == [])
        #expect(written.trainingRecord == outcome.model.trainingRecord)
    }

    @Test func anInterruptedRunLeavesItsBestModelSoFar() throws {
        let scratch = try ScratchDirectory()
        let destination = scratch.url.appendingPathComponent("model.safetensors")
        var options = TrainingMaterial.tinyOptions(epochs: 3)
        options.training.patience = 0
        var checkpoint: [String: [UInt32]]?
        #expect(throws: Interrupted.self) {
            _ = try ModelTraining.train(
                training: try TrainingMaterial.english(), options: options, destination: destination
            ) { event in
                if case .checkpointWritten(1) = event {
                    checkpoint = parameterBits(try SentimentModel(contentsOf: destination))
                }
                if case .training(.epochFinished(let summary)) = event, summary.epoch == 2 {
                    throw Interrupted()
                }
            }
        }
        #expect(try scratch.contents() == ["model.safetensors"])
        let left = try SentimentModel(contentsOf: destination)
        #expect(left.trainingRecord?.bestEpoch == 1)
        #expect(left.trainingRecord?.epochsRun == 1)
        #expect(differingTensors(parameterBits(left), checkpoint) == [])
    }

    @Test func anUnwritableDestinationIsAnErrorNamingIt() throws {
        let scratch = try ScratchDirectory()
        let destination = scratch.url.appendingPathComponent("missing/model.safetensors")
        var options = TrainingMaterial.tinyOptions(epochs: 1)
        options.validationSplit = 0
        do {
            _ = try ModelTraining.train(
                training: try TrainingMaterial.english(), options: options, destination: destination)
            Issue.record("training wrote to a folder that does not exist")
        } catch let error as ModelTrainingError {
            if case .cannotWriteModel(let path, _) = error { #expect(path == destination.path) }
            #expect("\(error)".hasPrefix("\(destination.path): cannot write the model: "))
        }
        #expect(try scratch.contents() == [])
    }

    // MARK: Pre-training

    @Test func pretrainingReplacesTheRowsOfTokensThatOccurAndLeavesTheOthers() throws {
        let documents = try TrainingMaterial.english()
        var options = TrainingMaterial.tinyOptions(epochs: 1)
        options.validationSplit = 0
        // Every token of the texts gets a row, so <unk> never occurs in them.
        options.minCount = 1
        // Frozen: the embedding after training is the one training started from.
        options.embeddingLearningRateScale = 0
        options.embeddingInitStd = 0.25
        let random = try train(documents, options).outcome.model
        options.pretrainEpochs = 2
        let (outcome, events) = try train(documents, options)
        let pretrained = outcome.model
        #expect(pretrained.vocabulary == random.vocabulary)
        let vocabulary = pretrained.vocabulary.count

        let tokenizer = try Tokenizer()
        let tokens = documents.reduce(0) { $0 + tokenizer.tokens(in: $1.text).count }
        #expect(
            milestones(events).dropFirst().first
                == .pretrained(epochs: 2, tokens: tokens, rows: vocabulary - 2, vocabulary: vocabulary))
        #expect(pretrained.trainingRecord?.options?["pretrain_epochs"] == "2")
        #expect(random.trainingRecord?.options?["pretrain_epochs"] == "0")

        let before = embeddingRows(random)
        let after = embeddingRows(pretrained)
        // <pad> and <unk> never occur in the texts: their rows are the seed's random ones.
        #expect(after[0] == before[0])
        #expect(after[1] == before[1])
        let changed = (2..<vocabulary).filter { after[$0] != before[$0] }
        #expect(changed.count == vocabulary - 2)
        // The pre-trained rows are centred and rescaled to the start's standard deviation.
        let values = after[2...].flatMap { $0.map(Double.init) }
        let mean = values.reduce(0, +) / Double(values.count)
        let deviation = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count))
            .squareRoot()
        #expect(abs(mean) < 1e-5)
        #expect(abs(deviation - 0.25) < 1e-4)
    }

    @Test func thePaddingRowIsTheSameWithAndWithoutPretraining() throws {
        let documents = try TrainingMaterial.english()
        var options = TrainingMaterial.tinyOptions(epochs: 2)
        options.validationSplit = 0
        let random = try train(documents, options).outcome.model
        options.pretrainEpochs = 1
        let pretrained = try train(documents, options).outcome.model
        #expect(pretrained.trainingRecord?.options?["embedding_lr_scale"] == "1.0")
        let before = embeddingRows(random)
        let after = embeddingRows(pretrained)
        #expect(after[0] == before[0])
        let film = Int(pretrained.vocabulary.id(of: "film"))
        #expect(film > 1)
        #expect(after[film] != before[film])
    }

    // MARK: Fine-tuning

    /// A model trained on the corpus with settings that differ from every default a fine-tuning run could
    /// fall back to.
    private func baseModel() throws -> SentimentModel {
        var options = TrainingMaterial.tinyOptions(epochs: 1)
        options.validationSplit = 0
        options.tokenizerSettings = TokenizerSettings(keepCase: true, recognizesEmoticons: false)
        options.maxLength = 40
        options.headLength = 10
        options.dropout = 0.2
        options.embeddingDropout = 0.1
        options.layers = 2
        options.cell = .resetBefore
        let model = try train(try TrainingMaterial.english(), options).outcome.model
        model.threshold = 0.4
        return model
    }

    private let fineTuningDocuments = [
        CorpusDocument(text: "zyzzyva splendiferous", label: 1),
        CorpusDocument(text: "quixotic blunderbuss", label: 0),
        CorpusDocument(text: "Splendiferous film", label: 1),
        CorpusDocument(text: "a blunderbuss of a film", label: 0),
    ]

    @Test func anInitialModelKeepsItsVocabularyTokenizerCutShapeAndThreshold() throws {
        let base = try baseModel()
        let baseBits = parameterBits(base)
        var options = TrainingMaterial.tinyOptions(epochs: 2)
        options.initialModel = base
        options.validationSplit = 0
        // Everything below is the initial model's to decide, except the dropout.
        options.embeddingDim = 4
        options.hidden = 16
        options.layers = 1
        options.cell = .resetAfter
        options.tokenizerSettings = TokenizerSettings()
        options.maxLength = 7
        options.headLength = 3
        options.minCount = 1
        options.pretrainEpochs = 3
        options.dropout = 0.1
        let (outcome, events) = try train(fineTuningDocuments, options)
        let tuned = outcome.model
        #expect(
            milestones(events).first
                == .prepared(training: 4, validation: 0, vocabulary: base.vocabulary.count, threads: 1))
        #expect(!events.contains { if case .pretrained = $0 { true } else { false } })
        #expect(!events.contains { if case .embeddingFrozen = $0 { true } else { false } })
        #expect(tuned.vocabulary == base.vocabulary)
        #expect(tuned.tokenizerSettings == base.tokenizerSettings)
        #expect(tuned.maxLength == 40)
        #expect(tuned.headLength == 10)
        #expect(tuned.threshold == 0.4)
        var configuration = base.classifier.configuration
        configuration.dropout = 0.1
        #expect(tuned.classifier.configuration == configuration)
        #expect(tuned.trainingRecord?.options?["pretrain_epochs"] == "0")
        #expect(tuned.trainingRecord?.options?["dropout"] == "0.1")
        #expect(tuned.trainingRecord?.trainingExamples == 4)
        let before = base.classifier.namedParameters()
        let after = tuned.classifier.namedParameters()
        #expect(after.map(\.name) == before.map(\.name))
        #expect(after.map(\.tensor.shape) == before.map(\.tensor.shape))
        #expect(!differingTensors(parameterBits(tuned), baseBits).isEmpty, "fine-tuning changed nothing")
        // The caller's model is left as it was.
        #expect(differingTensors(parameterBits(base), baseBits) == [])
    }

    @Test func anInitialModelKeepsItsDropoutWhenNoneIsGiven() throws {
        let base = try baseModel()
        var options = TrainingMaterial.tinyOptions(epochs: 1)
        options.initialModel = base
        options.validationSplit = 0
        options.dropout = nil
        let tuned = try train(fineTuningDocuments, options).outcome.model
        #expect(tuned.classifier.configuration.dropout == 0.2)
        #expect(tuned.classifier.configuration.embeddingDropout == 0.1)
        #expect(tuned.classifier.configuration == base.classifier.configuration)
        #expect(tuned.trainingRecord?.options?["dropout"] == "0.2")
    }

    // MARK: Determinism

    @Test func theSameSeedGivesTheSameModelBitForBitAndAnotherSeedAnotherModel() throws {
        let documents = try TrainingMaterial.english()
        var options = TrainingMaterial.tinyOptions(epochs: 2, threads: 2)
        options.pretrainEpochs = 1
        options.training.seed = 5
        options.training.wordDropout = 0.1
        let first = try train(documents, options)
        let second = try train(documents, options)
        #expect(first.events == second.events)
        #expect(first.outcome.model.vocabulary == second.outcome.model.vocabulary)
        #expect(
            differingTensors(parameterBits(first.outcome.model), parameterBits(second.outcome.model)) == [])
        #expect(timeless(first.outcome.model.trainingRecord) == timeless(second.outcome.model.trainingRecord))
        #expect(first.outcome.bestValidation == second.outcome.bestValidation)

        options.training.seed = 6
        let other = try train(documents, options).outcome.model
        #expect(other.trainingRecord?.options?["seed"] == "6")
        // Every tensor starts from its own seeded draw, so every tensor differs.
        let bits = parameterBits(first.outcome.model)
        #expect(differingTensors(bits, parameterBits(other)) == bits.keys.sorted())
    }

    /// The classifier's training sums its shards' gradients in another order with another thread count;
    /// skip-gram pre-training is another run (two shards instead of one), so it is off here.
    @Test func theThreadCountChangesOnlyTheRoundingOfTheClassifiersTraining() throws {
        let documents = try TrainingMaterial.english()
        var options = TrainingMaterial.tinyOptions(epochs: 2, threads: 1)
        // Without validation, a rounding difference cannot change which epoch is kept.
        options.validationSplit = 0
        options.pretrainEpochs = 0
        let one = try train(documents, options)
        options.threads = 2
        let two = try train(documents, options)
        #expect(milestones(one.events).first?.threadsReported == 1)
        #expect(milestones(two.events).first?.threadsReported == 2)
        #expect(one.outcome.model.vocabulary == two.outcome.model.vocabulary)
        #expect(timeless(one.outcome.model.trainingRecord) == timeless(two.outcome.model.trainingRecord))
        #expect(one.outcome.epochsRun == two.outcome.epochsRun)
        let difference = largestParameterDifference(one.outcome.model, two.outcome.model)
        #expect(difference <= 1e-4, "parameters differ by up to \(difference)")

        // With pre-training, one thread trains the skip-gram vectors in one shard, two in two.
        options.pretrainEpochs = 1
        let sharded = try train(documents, options).outcome.model
        options.threads = 1
        let sequential = try train(documents, options).outcome.model
        #expect(largestParameterDifference(sharded, sequential) > 1e-2)
    }
}

extension Reported {
    fileprivate var threadsReported: Int? {
        if case .prepared(_, _, _, let threads) = self { return threads }
        return nil
    }
}
