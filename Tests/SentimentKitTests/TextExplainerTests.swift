import Embedding
import Foundation
import GRUClassifier
import SentimentKit
import Testing
import Tokenizer

/// `TextExplainer`: text → per-token attributions, for both parts of the model, with the cut scoring makes.
@Suite struct TextExplainerTests {
    static let words = [
        "<pad>", "<unk>", "good", "bad", "film", "plot", "dull", "great", "the", "was", "a", "not",
    ]
    static let buckets = 4096

    /// A random model over `words` with a wide channel of random weights, cut to 6 tokens (2 from the
    /// start). With `deep: false` the BiGRU's output weights are zero: the logit is linear in the n-grams.
    /// With a `negation` transform (random, not the identity it starts as) the words after "not" are
    /// marked.
    static func model(deep: Bool = true, seed: UInt64 = 5, negation: NegationTransform? = nil) throws
        -> SentimentModel
    {
        let configuration = ClassifierConfiguration(
            vocabularySize: words.count, embeddingDim: 6, hidden: 5, layers: 2, ngramBuckets: buckets,
            negationTransform: negation)
        var parameters = try BiGRUClassifier(
            configuration: configuration, seed: seed, embeddingStandardDeviation: 1
        ).parameterDictionary()
        var generator = SplitMix64(seed: seed &+ 100)
        parameters["wide.weight"] = Tensor(
            shape: [buckets], values: (0..<buckets).map { _ in generator.nextUniform(-0.5, 0.5) })
        parameters["wide.scale"] = Tensor(
            shape: [buckets], values: (0..<buckets).map { _ in generator.nextUniform(-2, 2) })
        for name in parameters.keys.sorted() where name.hasPrefix("negation.") {
            let shape = parameters[name]!.shape
            parameters[name] = Tensor(
                shape: shape, values: (0..<shape.reduce(1, *)).map { _ in generator.nextUniform(-1, 1) })
        }
        if !deep { parameters["out.weight"] = Tensor(zeros: [1, 10]) }
        return try SentimentModel(
            tokenizerSettings: TokenizerSettings(), vocabulary: try Vocabulary(tokens: words),
            classifier: try BiGRUClassifier(
                configuration: configuration, parameters: parameters, threadCount: 1),
            maxLength: 6, headLength: 2, negationScope: negation.map { _ in .current })
    }

    static let texts = [
        "good film", "the plot was dull", "not a great film", "", "great", "zebra film",
        "the film was good but the plot was dull and not great",
    ]

    static func logit(_ probability: Float) -> Double {
        let p = Double(probability)
        return log(p / (1 - p))
    }

    @Test(arguments: [nil, .affine] as [NegationTransform?])
    func integratedGradientsAddUpToTheLogitMinusTheBaseline(negation: NegationTransform?) throws {
        let explainer = try TextExplainer(
            model: try Self.model(negation: negation), method: .integratedGradients(steps: 50))
        let scorer = try TextScorer(model: try Self.model(negation: negation), threads: 1)
        let probabilities = try scorer.probabilities(for: Self.texts)
        for (text, probability) in zip(Self.texts, probabilities) {
            let explanation = try explainer.explain(text)
            #expect(explanation.method == .integratedGradients(steps: 50))
            #expect(explanation.probability == probability, "\(text)")
            let error = try #require(explanation.completenessError)
            #expect(
                abs(error) <= 0.01 * abs(explanation.logit - explanation.baselineLogit) + 1e-5,
                "\(text): \(error)")
            #expect(!explanation.missesCompleteness())
            #expect(explanation.attributions.count == explanation.tokens.count)
        }
    }

    @Test func tokensAreThoseTheNetworkReadsAfterTheCut() throws {
        let model = try Self.model()
        let explainer = try TextExplainer(model: model, method: .integratedGradients(steps: 20))
        let long = try explainer.explain(Self.texts[6])
        // 12 tokens: the first 2 and the last 4 are read.
        #expect(long.tokens == ["the", "film", "dull", "and", "not", "great"])
        #expect(long.cutPosition == 2 && long.cutTokenCount == 6)
        // The wide channel reads the cut-away middle too; its share there is reported apart.
        let wide = model.classifier.wideAttributions(
            of: model.vocabulary.ids(for: try Tokenizer().tokens(in: Self.texts[6])))
        let middle = wide[2..<8].reduce(0, +)
        #expect(abs(try #require(long.cutAttribution) - middle) < 1e-5)
        #expect(abs(middle) > 1e-3)
        let short = try explainer.explain("good film")
        #expect(short.cutPosition == nil && short.cutTokenCount == 0 && short.cutAttribution == 0)
        // Unknown words keep their own spelling.
        #expect(try explainer.explain("zebra film").tokens == ["zebra", "film"])
    }

    @Test(arguments: [nil, .affine] as [NegationTransform?])
    func withoutTheBiGRUTheAttributionsAreTheNGramsExactShares(negation: NegationTransform?) throws {
        // A linear model: out.weight = 0, so the logit is out.bias plus the wide channel.
        let model = try Self.model(deep: false, negation: negation)
        let bias = try #require(model.classifier.parameterDictionary()["out.bias"]?.values.first)
        let explainer = try TextExplainer(model: model, method: .integratedGradients(steps: 3))
        for text in Self.texts.prefix(6) {
            let explanation = try explainer.explain(text)
            let ids = model.networkIDs(for: try Tokenizer().tokens(in: text))
            #expect(explanation.attributions == model.classifier.wideAttributions(of: ids), "\(text)")
            #expect(explanation.baselineLogit == bias)
            #expect(abs(try #require(explanation.completenessError)) < 1e-5)
        }
    }

    @Test(arguments: [nil, .affine] as [NegationTransform?])
    func occlusionIsTheLogitChangeWhenATokenIsLeftOut(negation: NegationTransform?) throws {
        let model = try Self.model(negation: negation)
        let explainer = try TextExplainer(model: model, method: .occlusion)
        let scorer = try TextScorer(model: try Self.model(negation: negation), threads: 1)
        let tokenizer = try Tokenizer()
        for text in Self.texts {
            let explanation = try explainer.explain(text)
            #expect(explanation.method == .occlusion && explanation.completenessError == nil)
            let tokens = tokenizer.tokens(in: text)
            let kept = model.keptPositions(count: tokens.count)
            let positions = Array(kept.head) + Array(kept.tail)
            #expect(explanation.tokens == positions.map { tokens[$0] })
            // Re-score the text without each token, as a user would.
            let shorter = positions.map { position in
                tokens.enumerated().filter { $0.offset != position }.map(\.element).joined(separator: " ")
            }
            let probabilities = try scorer.probabilities(for: [text, ""] + shorter)
            #expect(abs(Double(explanation.logit) - Self.logit(probabilities[0])) < 1e-4)
            #expect(abs(Double(explanation.baselineLogit) - Self.logit(probabilities[1])) < 1e-4)
            for (attribution, probability) in zip(explanation.attributions, probabilities.dropFirst(2)) {
                let expected = Self.logit(probabilities[0]) - Self.logit(probability)
                #expect(abs(Double(attribution) - expected) < 1e-4, "\(text): \(attribution) vs \(expected)")
            }
        }
    }

    @Test func invalidUTF8IsReplacedAndFlagged() throws {
        let explainer = try TextExplainer(model: try Self.model(), method: .occlusion)
        let (explanation, invalid) = try explainer.explain(
            utf8: Array("good ".utf8) + [0xFF] + Array(" film".utf8))
        #expect(invalid)
        #expect(explanation.tokens == ["good", "\u{FFFD}", "film"])
        #expect(try !explainer.explain(utf8: Array("good film".utf8)).hadInvalidUTF8)
    }

    @Test func integratedGradientsNeedAStep() throws {
        #expect(throws: ExplanationError.invalidSteps(0)) {
            try TextExplainer(model: try Self.model(), method: .integratedGradients(steps: 0))
        }
    }

    @Test func completenessIsMissedBeyondFivePercent() {
        var explanation = Explanation(
            method: .integratedGradients(steps: 1), tokens: ["a", "b"], attributions: [0.5, 0.4], logit: 1,
            baselineLogit: 0, cutPosition: nil, cutTokenCount: 0, cutAttribution: 0)
        #expect(explanation.missesCompleteness())  // 0.9 for 1: 10 % short
        explanation.attributions = [0.5, 0.46]
        #expect(!explanation.missesCompleteness())  // 4 % short
        explanation.cutAttribution = 0.1
        #expect(explanation.missesCompleteness())  // 6 % over
        #expect(!explanation.missesCompleteness(relativeTolerance: 0.1))
        explanation.method = .occlusion
        explanation.cutAttribution = nil
        #expect(!explanation.missesCompleteness())  // occlusion promises no sum
    }
}
