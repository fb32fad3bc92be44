import Embedding
import Testing

@testable import GRUClassifier

/// The moving average of the parameters, blended every step or every few steps.
@Suite("Moving average of the parameters")
struct ParameterAverageTests {
    static let configuration = ClassifierConfiguration(
        vocabularySize: 9, embeddingDim: 3, hidden: 3, layers: 1, cell: .resetAfter, ngramBuckets: 16)

    /// Moves every parameter of `model` (dense, embedding and wide) by a random amount.
    static func perturb(_ model: BiGRUClassifier, generator: inout SplitMix64) {
        for index in model.parameters.dense.indices {
            model.parameters.dense[index] += generator.nextUniform(-0.5, 0.5)
        }
        for index in model.parameters.embedding.weights.indices {
            model.parameters.embedding.weights[index] += generator.nextUniform(-0.5, 0.5)
        }
        for index in model.parameters.wide!.weights.indices {
            model.parameters.wide!.weights[index] += generator.nextUniform(-0.5, 0.5)
        }
    }

    static func values(_ average: ParameterAverage, _ model: BiGRUClassifier) -> [Float] {
        average.parameters(layoutOf: model).sorted { $0.key < $1.key }.flatMap(\.value.values)
    }

    @Test(
        "blending every k steps equals blending every step while the parameters hold still between blends",
        arguments: [2, 3, 8])
    func compoundedBlendMatchesStepwise(interval: Int) throws {
        let model = try BiGRUClassifier(configuration: Self.configuration, seed: 4)
        let stepwise = ParameterAverage(of: model, decay: 0.9)
        let grouped = ParameterAverage(of: model, decay: 0.9, interval: interval)
        var generator = SplitMix64(seed: 8)
        // Across the decay ramp (rate 9/(10 + t) at first) and past it (0.1 from step 80 on).
        for step in 1...(12 * interval) {
            // The parameters change on the first step of each group only.
            if (step - 1) % interval == 0 { Self.perturb(model, generator: &generator) }
            stepwise.update(from: model)
            if grouped.recordStep() { grouped.blend(from: model) }
        }
        let expected = Self.values(stepwise, model)
        let actual = Self.values(grouped, model)
        #expect(TestModels.maxDifference(expected, actual) < 1e-5)
        #expect(grouped.updates == stepwise.updates)
    }

    @Test("the compounded blend lags when the parameters move between blends, and the epoch's end catches up")
    func lagAndCatchUp() throws {
        let model = try BiGRUClassifier(configuration: Self.configuration, seed: 4)
        let stepwise = ParameterAverage(of: model, decay: 0.9)
        let grouped = ParameterAverage(of: model, decay: 0.9, interval: 4)
        var generator = SplitMix64(seed: 9)
        for _ in 1...6 {
            Self.perturb(model, generator: &generator)
            stepwise.update(from: model)
            if grouped.recordStep() { grouped.blend(from: model) }
        }
        // Two steps are pending: the averages differ until they are blended in.
        #expect(TestModels.maxDifference(Self.values(stepwise, model), Self.values(grouped, model)) > 1e-3)
        grouped.blend(from: model)
        let afterBlend = Self.values(grouped, model)
        // Blending again with nothing pending changes nothing.
        grouped.blend(from: model)
        #expect(Self.values(grouped, model) == afterBlend)
        // The last two steps' rates are applied to the final parameters: close to, not equal to, the
        // exact average (its last step saw other parameters than the one before).
        #expect(TestModels.maxDifference(Self.values(stepwise, model), afterBlend) < 0.5)
    }

    @Test("an interval of one is the exact moving average with the ramped decay, bit for bit")
    func intervalOneIsExact() throws {
        let model = try BiGRUClassifier(configuration: Self.configuration, seed: 4)
        let average = ParameterAverage(of: model, decay: 0.95, interval: 1)
        let named = { model.parameterDictionary().sorted { $0.key < $1.key }.flatMap(\.value.values) }
        var expected = named()
        var generator = SplitMix64(seed: 10)
        for step in 1...30 {
            Self.perturb(model, generator: &generator)
            let rate = 1 - min(Float(0.95), (1 + Float(step)) / (10 + Float(step)))
            for (index, value) in named().enumerated() {
                expected[index] += rate * (value - expected[index])
            }
            #expect(average.recordStep())
            average.blend(from: model)
        }
        #expect(Self.values(average, model).map(\.bitPattern) == expected.map(\.bitPattern))
    }
}
