import Foundation
import SentimentKit
import Testing

/// `ModelTrainingOptions.validate` is the one place of the training options' rules: each rule it breaks
/// names its field, so a front end can name the option its own way.
struct TrainingOptionRulesTests {
    /// One option set breaking one rule, and the field that must be named.
    private static let breaches: [(ModelTrainingOptions.Field, @Sendable (inout ModelTrainingOptions) -> Void)] = [
        (.validationSplit, { $0.validationSplit = 1 }),
        (.epochs, { $0.training.epochs = 0 }),
        (.patience, { $0.training.patience = -1 }),
        (.batchSize, { $0.training.batchSize = 0 }),
        (.embeddingDim, { $0.embeddingDim = 0 }),
        (.hidden, { $0.hidden = 0 }),
        (.layers, { $0.layers = 0 }),
        (.maxLength, { $0.maxLength = 0 }),
        (.headLength, { $0.maxLength = 50; $0.headLength = 51 }),
        (.minCount, { $0.minCount = 0 }),
        (.maxVocabulary, { $0.maxVocabulary = 2 }),
        (.vectors, { $0.vectors = .file("") }),
        (.vectorVocabularyExtension, { $0.vectorVocabularyExtension = -1 }),
        (.learningRate, { $0.learningRate = 0 }),
        (.learningRateDecay, { $0.training.learningRateDecay = 1.5 }),
        (.dropout, { $0.dropout = 1 }),
        (.embeddingDropout, { $0.embeddingDropout = -0.1 }),
        (.wordDropout, { $0.training.wordDropout = 1 }),
        (.averageDecay, { $0.training.averageDecay = 1 }),
        (.embeddingInitStd, { $0.embeddingInitStd = 0 }),
        (.pretrainEpochs, { $0.pretrainEpochs = -1 }),
        (.embeddingLearningRateScale, { $0.embeddingLearningRateScale = -0.5 }),
        (.ngramBuckets, { $0.ngramBuckets = 1 }),
        (.wideLearningRateScale, { $0.wideLearningRateScale = .nan }),
        (.branchLossWeight, { $0.branchLossWeight = -1 }),
        (.adversarialEpsilon, { $0.training.adversarialEpsilon = -0.1 }),
        (.clipNorm, { $0.training.clipNorm = 0 }),
    ]

    @Test func theDefaultsKeepEveryRule() throws {
        try ModelTrainingOptions().validate()
    }

    @Test(arguments: 0..<breaches.count)
    func eachRuleNamesItsField(index: Int) {
        let (field, breach) = Self.breaches[index]
        var options = ModelTrainingOptions()
        breach(&options)
        #expect(throws: ModelTrainingOptionError.self) { try options.validate() }
        do {
            try options.validate()
        } catch {
            #expect(error.field == field)
            #expect(error.description.hasPrefix(field.rawValue + " "), "\(error)")
        }
    }

    @Test func everyFieldHasARuleThatNamesIt() {
        let named = Set(Self.breaches.map(\.0)).union([.unlabelled, .initialModel])
        #expect(named == Set(ModelTrainingOptions.Field.allCases))
    }

    @Test func unlabelledTextsNeedANewVocabularyAndPretraining() throws {
        var options = ModelTrainingOptions()
        try options.validate(unlabelledTexts: true)
        #expect(throws: ModelTrainingOptionError(field: .unlabelled, rule: .excludesInitialModel)) {
            try options.validate(fineTuning: true, unlabelledTexts: true)
        }
        options.pretrainEpochs = 0
        try options.validate()
        #expect(throws: ModelTrainingOptionError(field: .unlabelled, rule: .needsPretraining)) {
            try options.validate(unlabelledTexts: true)
        }
    }

    @Test func aFrontEndNamesTheOptionsItsOwnWay() {
        let error = ModelTrainingOptionError(field: .headLength, rule: .atMost(.maxLength, 50))
        let flags: [ModelTrainingOptions.Field: String] = [.headLength: "--head-len", .maxLength: "--max-len"]
        #expect(error.message { flags[$0]! } == "--head-len must lie between 0 and --max-len (50)")
        #expect(error.description == "headLength must lie between 0 and maxLength (50)")
    }

    @Test func trainingRefusesABrokenRuleBeforeAnyWork() {
        var options = ModelTrainingOptions()
        options.hidden = 0
        let documents = [CorpusDocument(text: "good", label: 1), CorpusDocument(text: "bad", label: 0)]
        #expect(throws: ModelTrainingError.invalidOption(ModelTrainingOptionError(field: .hidden, rule: .atLeast(1)))) {
            try ModelTraining.train(training: documents, options: options)
        }
    }
}
