import Embedding
import Foundation
import GRUClassifier
import Testing

@Suite("Optimisers and clipping")
struct OptimizerTests {
    let configuration = TestModels.configuration(cell: .resetAfter, layers: 1, vocabulary: 12)
    let firstBatch: [[Int32]] = [[1, 2, 3], [4, 1]]
    let secondBatch: [[Int32]] = [[5, 6], [7]]  // shares no token with the first batch
    let labels: [Float] = [1, 0]

    @Test("Adam's element-wise step equals the hand-computed torch.optim.Adam values")
    func adamStepByHand() {
        // p = 1, gradients 0.5 then −0.25, lr 0.1, default betas and epsilon, worked out on paper:
        // step 1: m = 0.05, v = 0.00025, p = 1 − 0.1/0.1 · 0.05 / (√0.00025/√0.001 + 1e-8) = 0.900000002
        // step 2: m = 0.02, v = 0.00031225, p = 0.900000002 − 0.1/0.19 · 0.02 / (√0.00031225/√0.001999 + 1e-8)
        var parameter: Float = 1
        var m: Float = 0
        var v: Float = 0
        for (step, gradient) in [(1, Float(0.5)), (2, -0.25)] {
            var g = gradient
            AdamStep(learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, step: step)
                .update(parameters: &parameter, gradients: &g, firstMoments: &m, secondMoments: &v, count: 1)
        }
        #expect(abs(m - 0.02) < 1e-7)
        #expect(abs(v - 0.000_312_25) < 1e-9)
        #expect(abs(parameter - 0.873_366_298_7) < 1e-6)
    }

    /// What torch.optim.Adam does to every element, in double precision, given the two gradients.
    func expectedAdam(_ initial: [Float], _ gradients: [[Float]], learningRate: Double) -> [Double] {
        var p = initial.map(Double.init)
        var m = [Double](repeating: 0, count: p.count)
        var v = m
        for (step, gradient) in gradients.enumerated() {
            let t = Double(step + 1)
            for index in p.indices {
                let g = Double(gradient[index])
                m[index] = 0.9 * m[index] + 0.1 * g
                v[index] = 0.999 * v[index] + 0.001 * g * g
                let mHat = m[index] / (1 - pow(0.9, t))
                let vHat = v[index] / (1 - pow(0.999, t))
                p[index] -= learningRate * mHat / (vHat.squareRoot() + 1e-8)
            }
        }
        return p
    }

    @Test("two Adam steps on a tiny model match dense torch.optim.Adam, embedding rows included")
    func adamMatchesDenseReference() throws {
        let model = try BiGRUClassifier(configuration: configuration, seed: 8, threadCount: 1)
        let initial = model.namedParameters()
        let optimizer = AdamOptimizer(learningRate: 0.01)
        let firstGradients = try model.lossAndGradients(batch: firstBatch, labels: labels).gradients
            .namedGradients()
        try TestModels.trainStep(model, optimizer, batch: firstBatch, labels: labels)
        let secondGradients = try model.lossAndGradients(batch: secondBatch, labels: labels).gradients
            .namedGradients()
        try TestModels.trainStep(model, optimizer, batch: secondBatch, labels: labels)
        #expect(optimizer.stepCount == 2)
        for (index, (name, tensor)) in model.namedParameters().enumerated() {
            let expected = expectedAdam(
                initial[index].tensor.values,
                [firstGradients[index].tensor.values, secondGradients[index].tensor.values],
                learningRate: 0.01)
            let worst = zip(tensor.values, expected).map { abs(Double($0) - $1) }.max()!
            #expect(worst < 1e-6, "\(name): largest difference \(worst)")
        }
        // Row 1 had a gradient only in the first step; dense Adam keeps moving it in the second.
        let embeddingAfterFirst = expectedAdam(
            initial[0].tensor.values, [firstGradients[0].tensor.values], learningRate: 0.01)
        let row = 1 * configuration.embeddingDim
        #expect(abs(Double(model.namedParameters()[0].tensor.values[row]) - embeddingAfterFirst[row]) > 1e-4)
    }

    @Test("lazy embedding Adam leaves rows alone until a batch uses them")
    func lazyEmbeddingAdam() throws {
        let model = try BiGRUClassifier(configuration: configuration, seed: 8, threadCount: 1)
        let dense = try BiGRUClassifier(configuration: configuration, seed: 8, threadCount: 1)
        let lazyOptimizer = AdamOptimizer(learningRate: 0.01, embeddingMode: .lazy)
        let denseOptimizer = AdamOptimizer(learningRate: 0.01)
        try TestModels.trainStep(model, lazyOptimizer, batch: firstBatch, labels: labels)
        try TestModels.trainStep(dense, denseOptimizer, batch: firstBatch, labels: labels)
        let afterFirst = TestModels.parameter(model, "embedding.weight")
        // One step from zero moments is the same in both modes.
        #expect(afterFirst == TestModels.parameter(dense, "embedding.weight"))
        try TestModels.trainStep(model, lazyOptimizer, batch: secondBatch, labels: labels)
        let afterSecond = TestModels.parameter(model, "embedding.weight")
        let e = configuration.embeddingDim
        for id in 0..<configuration.vocabularySize {
            let moved = afterFirst[id * e..<(id + 1) * e] != afterSecond[id * e..<(id + 1) * e]
            #expect(moved == [5, 6, 7].contains(id), "row \(id)")
        }
    }

    @Test("SGD from the initial parameters is exactly p − lr·∇L")
    func sgdIsExact() throws {
        let model = try BiGRUClassifier(configuration: configuration, seed: 3, threadCount: 2)
        let initial = model.namedParameters()
        let gradients = try model.lossAndGradients(batch: firstBatch, labels: labels).gradients
            .namedGradients()
        let loss = try TestModels.trainStep(
            model, SGDOptimizer(learningRate: 0.3), batch: firstBatch, labels: labels)
        #expect(loss > 0)
        for (index, (name, tensor)) in model.namedParameters().enumerated() {
            let expected = zip(initial[index].tensor.values, gradients[index].tensor.values).map {
                $0 - 0.3 * $1
            }
            #expect(tensor.values == expected, "\(name)")
        }
    }

    @Test("clipping scales the whole gradient to the maximum norm, like clip_grad_norm_")
    func clipping() throws {
        let model = try BiGRUClassifier(configuration: configuration, seed: 3, threadCount: 1)
        let initial = model.namedParameters()
        var gradients = try model.lossAndGradients(batch: firstBatch, labels: labels).gradients
        let named = gradients.namedGradients()
        let norm = named.flatMap { $0.tensor.values }.reduce(0.0) { $0 + Double($1) * Double($1) }
            .squareRoot()
        #expect(abs(Double(gradients.globalNorm()) - norm) < 1e-5 * norm)
        let maxNorm = Float(norm / 4)

        // A limit above the norm changes nothing.
        let loose = try BiGRUClassifier(
            configuration: configuration, parameters: model.parameterDictionary())
        SGDOptimizer(learningRate: 1, clipNorm: Float(norm * 2)).update(&loose.parameters, with: gradients)
        SGDOptimizer(learningRate: 1).update(&model.parameters, with: gradients)
        #expect(loose.namedParameters().map(\.tensor) == model.namedParameters().map(\.tensor))

        // A limit below it: the step of SGD with lr 1 is the clipped gradient, of norm maxNorm.
        let clipped = try BiGRUClassifier(
            configuration: configuration,
            parameters: Dictionary(uniqueKeysWithValues: initial.map { ($0.name, $0.tensor) }))
        SGDOptimizer(learningRate: 1, clipNorm: maxNorm).update(&clipped.parameters, with: gradients)
        var stepSquared = 0.0
        for (index, (_, tensor)) in clipped.namedParameters().enumerated() {
            for (after, before) in zip(tensor.values, initial[index].tensor.values) {
                stepSquared += Double(before - after) * Double(before - after)
            }
        }
        #expect(abs(stepSquared.squareRoot() - Double(maxNorm)) < 1e-4 * Double(maxNorm))

        let reported = gradients.clipNorm(to: maxNorm)
        #expect(abs(Double(reported) - norm) < 1e-5 * norm)
        #expect(abs(gradients.globalNorm() - maxNorm) < 1e-5 * maxNorm)
    }

    @Test(
        "Adam training learns a toy task: label 1 exactly when token 1 occurs",
        arguments: GRUCellVariant.allCases)
    func learnsToyTask(cell: GRUCellVariant) throws {
        let configuration = ClassifierConfiguration(
            vocabularySize: 6, embeddingDim: 4, hidden: 4, layers: 1, cell: cell, dropout: 0)
        let model = try BiGRUClassifier(configuration: configuration, seed: 1, threadCount: 2)
        var generator = SplitMix64(seed: 12)
        let batch: [[Int32]] = (0..<16).map { index in
            var tokens = (0..<(1 + index % 5)).map { _ in Int32(2 + generator.next() % 4) }
            if index % 2 == 0 { tokens[Int(generator.next() % UInt64(tokens.count))] = 1 }
            return tokens
        }
        let labels: [Float] = (0..<16).map { $0 % 2 == 0 ? 1 : 0 }
        let initialLoss = try model.loss(batch: batch, labels: labels)
        let optimizer = AdamOptimizer(learningRate: 0.05, clipNorm: 5)
        for _ in 0..<150 { try TestModels.trainStep(model, optimizer, batch: batch, labels: labels) }
        let finalLoss = try model.loss(batch: batch, labels: labels)
        #expect(finalLoss < 0.1 * initialLoss, "loss \(initialLoss) → \(finalLoss)")
        let predictions = try model.probabilities(for: batch).map { $0 > 0.5 ? Float(1) : 0 }
        #expect(predictions == labels)
    }
}
