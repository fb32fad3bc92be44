import Foundation
import GRUClassifier
import SentimentKit
import Testing
import Tokenizer

/// Unlabelled texts given to `ModelTraining.train` join the vocabulary and the skip-gram pre-training,
/// and nothing else.
@Suite struct UnlabelledTextTests {
    /// Five lines of six tokens each, of two words the labelled corpus does not have.
    private let unlabelled = Array(repeating: "zorblax quintessa zorblax quintessa the film", count: 5)

    private func options() -> ModelTrainingOptions {
        var options = TrainingMaterial.tinyOptions(epochs: 1)
        options.pretrainEpochs = 1
        return options
    }

    /// The pre-training summary a run reported.
    private func run(unlabelled: [String], options: ModelTrainingOptions) throws -> (
        ModelTrainingOutcome, EmbeddingPretrainingSummary?
    ) {
        var summary: EmbeddingPretrainingSummary?
        let outcome = try ModelTraining.train(
            training: try TrainingMaterial.english(), unlabelled: unlabelled, options: options
        ) { event in
            if case .pretrained(let reported) = event { summary = reported }
        }
        return (outcome, summary)
    }

    @Test func unlabelledWordsEnterTheVocabularyAndThePretraining() throws {
        let (plain, plainSummary) = try run(unlabelled: [], options: options())
        let (widened, widenedSummary) = try run(unlabelled: unlabelled, options: options())
        let unknown = Vocabulary.unknownID
        #expect(plain.model.vocabulary.id(of: "zorblax") == unknown)
        #expect(widened.model.vocabulary.id(of: "zorblax") != unknown)
        #expect(widened.model.vocabulary.id(of: "quintessa") != unknown)
        #expect(widened.model.vocabulary.count == plain.model.vocabulary.count + 2)

        // The pre-training read the labelled training split's tokens and the 30 unlabelled ones, and gave
        // vectors to the two new rows.
        let before = try #require(plainSummary)
        let after = try #require(widenedSummary)
        #expect(after.tokens == before.tokens + 30)
        #expect(after.rows == before.rows + 2)

        // The labelled sets are what they were: same split, same counts; the record says what joined.
        let record = try #require(widened.model.trainingRecord)
        #expect(record.trainingExamples == plain.model.trainingRecord?.trainingExamples)
        #expect(record.validationExamples == plain.model.trainingRecord?.validationExamples)
        #expect(record.unlabelledDocuments == 5)
        #expect(plain.model.trainingRecord?.unlabelledDocuments == nil)
    }

    @Test func unlabelledTextNeverPushesATrainingWordOutOfTheVocabulary() throws {
        var tight = options()
        tight.maxVocabulary = 40
        let (plain, _) = try run(unlabelled: [], options: tight)
        // Thirty-eight new words, each more frequent than any word of the labelled corpus.
        let flood = (0..<38).map { index in
            Array(repeating: "floodword\(index)", count: 500).joined(separator: " ")
        }
        let (flooded, _) = try run(unlabelled: flood, options: tight)
        #expect(flooded.model.vocabulary == plain.model.vocabulary)
        #expect(flooded.model.vocabulary.id(of: "floodword0") == Vocabulary.unknownID)
        // With room to spare, the flood fills it after all the training words.
        let (full, _) = try run(unlabelled: [], options: options())
        var roomy = options()
        roomy.maxVocabulary = full.model.vocabulary.count + 38
        let (widened, _) = try run(unlabelled: flood, options: roomy)
        let trainingWords = full.model.vocabulary.tokens
        #expect(Array(widened.model.vocabulary.tokens.prefix(trainingWords.count)) == trainingWords)
        #expect(widened.model.vocabulary.count == trainingWords.count + 38)
        #expect(widened.model.vocabulary.id(of: "floodword37") != Vocabulary.unknownID)
    }

    /// Two million unlabelled tokens pre-train the embedding, but the labelled set is small: the default
    /// rule fine-tunes it (only labelled training tokens count towards the threshold).
    @Test func unlabelledTokensDoNotCountTowardsFreezingTheEmbedding() throws {
        let letters = Array("abcdefgh")
        let words = letters.flatMap { first in letters.map { String([first, $0]) } }
        let line = (0..<1000).map { words[$0 % words.count] }.joined(separator: " ")
        var options = options()
        options.maxLength = 2
        options.validationSplit = 0
        var frozenReported = false
        var pretrainedTokens = 0
        let outcome = try ModelTraining.train(
            training: try TrainingMaterial.english(), unlabelled: Array(repeating: line, count: 2000),
            options: options
        ) { event in
            if case .embeddingFrozen = event { frozenReported = true }
            if case .pretrained(let summary) = event { pretrainedTokens = summary.tokens }
        }
        #expect(pretrainedTokens > ModelTrainingOptions.frozenEmbeddingTokenThreshold)
        #expect(!frozenReported)
        #expect(outcome.model.trainingRecord?.options?["embedding_lr_scale"] == "1.0")
    }

    /// Unlabelled texts are tokenized in chunks of 8,192; every chunk counts for the vocabulary and every
    /// text's tokens reach the pre-training, in order.
    @Test func unlabelledTextsBeyondTheFirstChunkCount() throws {
        let (plain, plainSummary) = try run(unlabelled: [], options: options())
        // 8,192 lines of one word, then 1,000 of another: the second word is only in the second chunk.
        let texts = Array(repeating: "zorblax", count: 8192) + Array(repeating: "quintessa film", count: 1000)
        let (widened, widenedSummary) = try run(unlabelled: texts, options: options())
        #expect(widened.model.vocabulary.id(of: "quintessa") != Vocabulary.unknownID)
        #expect(widened.model.vocabulary.id(of: "zorblax") != Vocabulary.unknownID)
        let before = try #require(plainSummary)
        let after = try #require(widenedSummary)
        #expect(after.tokens == before.tokens + 8192 + 2000)
        #expect(widened.model.trainingRecord?.unlabelledDocuments == 9192)
        #expect(widened.model.vocabulary.count == plain.model.vocabulary.count + 2)
    }

    @Test func aFineTunedModelKeepsItsVocabularyAndIgnoresUnlabelledText() throws {
        let (base, _) = try run(unlabelled: [], options: options())
        var fineTuning = options()
        fineTuning.initialModel = base.model
        let (tuned, summary) = try run(unlabelled: unlabelled, options: fineTuning)
        #expect(summary == nil)
        #expect(tuned.model.vocabulary == base.model.vocabulary)
        #expect(tuned.model.trainingRecord?.unlabelledDocuments == nil)
    }
}
