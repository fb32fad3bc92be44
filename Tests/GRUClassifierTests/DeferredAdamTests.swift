import Embedding
import Testing

@testable import GRUClassifier

/// Deferred dense Adam on the embedding table must give bitwise what the eager whole-table walk gives
/// (`AdamOptimizer(..., defersEmbeddingUpdates: false)`), whatever reads happen in between once the
/// optimiser has brought the parameters up to date.
@Suite("Deferred dense Adam")
struct DeferredAdamTests {
    /// Rows of 9 run through both a whole vector of the replay kernel and its tail.
    let configuration = ClassifierConfiguration(
        vocabularySize: 60, embeddingDim: 9, hidden: 3, layers: 1, cell: .resetAfter, dropout: 0.2)

    /// Adam with clipping tight enough to scale most gradients, deferred or the eager reference.
    static func adam(deferred: Bool, learningRate: Float = 0.02) -> AdamOptimizer {
        AdamOptimizer(
            learningRate: learningRate, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, clipNorm: 0.5,
            embeddingMode: .dense, defersEmbeddingUpdates: deferred)
    }

    /// A batch of short sequences whose ids come mostly from a window that moves every 15 steps, so most
    /// rows go unused for long stretches and then come back; now and then an id from anywhere.
    static func batch(step: Int, vocabulary: Int, generator: inout SplitMix64) -> (
        ids: [[Int32]], labels: [Float]
    ) {
        let window = Int32(step / 15 * 9 % (vocabulary - 12))
        let ids: [[Int32]] = (0..<(2 + Int(generator.next() % 4))).map { _ in
            (0..<(1 + Int(generator.next() % 4))).map { _ in
                generator.next() % 8 == 0
                    ? Int32(generator.next() % UInt64(vocabulary)) : window + Int32(generator.next() % 12)
            }
        }
        return (ids, ids.map { _ in Float(generator.next() % 2) })
    }

    /// The first parameter (by name) whose values differ in any bit, nil when all are identical.
    static func firstDifference(_ a: [String: Tensor], _ b: [String: Tensor]) -> String? {
        guard a.keys.sorted() == b.keys.sorted() else { return "names" }
        return a.keys.sorted().first {
            a[$0]!.shape != b[$0]!.shape || firstDifference(a[$0]!.values, b[$0]!.values) != nil
        }
    }

    /// Where two arrays first differ in any bit (or in length), nil when they are identical.
    static func firstDifference(_ a: [Float], _ b: [Float]) -> Int? {
        guard a.count == b.count else { return min(a.count, b.count) }
        return a.indices.first { a[$0].bitPattern != b[$0].bitPattern }
    }

    /// Every parameter and every moment of the two models and optimisers, compared bit for bit.
    static func expectIdentical(
        _ model: BiGRUClassifier, _ optimizer: AdamOptimizer, _ reference: BiGRUClassifier,
        _ referenceOptimizer: AdamOptimizer, _ context: String
    ) {
        optimizer.synchronize(&model.parameters)
        for (got, expected) in zip(model.namedParameters(), reference.namedParameters()) {
            #expect(
                Self.firstDifference(got.tensor.values, expected.tensor.values) == nil,
                "\(got.name), \(context)")
        }
        let moments = optimizer.moments(synchronizing: &model.parameters)
        let referenceMoments = referenceOptimizer.moments(synchronizing: &reference.parameters)
        #expect(Self.firstDifference(moments.first, referenceMoments.first) == nil, "dense m, \(context)")
        #expect(Self.firstDifference(moments.second, referenceMoments.second) == nil, "dense v, \(context)")
        #expect(
            Self.firstDifference(moments.embeddingFirst, referenceMoments.embeddingFirst) == nil,
            "embedding m, \(context)")
        #expect(
            Self.firstDifference(moments.embeddingSecond, referenceMoments.embeddingSecond) == nil,
            "embedding v, \(context)")
    }

    @Test(
        "training with deferred dense Adam is bitwise the eager walk, with reads in between",
        arguments: [1, 2])
    func deferredTrainingMatchesEagerWalk(threads: Int) throws {
        let model = try BiGRUClassifier(configuration: configuration, seed: 4, threadCount: threads)
        let reference = try BiGRUClassifier(configuration: configuration, seed: 4, threadCount: threads)
        let optimizer = Self.adam(deferred: true)
        let referenceOptimizer = Self.adam(deferred: false)
        // A probe that reads every row.
        let probe: [[Int32]] = (0..<12).map { start in (0..<5).map { Int32(start * 5 + $0) } }
        let probeLabels = probe.indices.map { Float($0 % 2) }
        let examples = zip(probe, probeLabels).map { EncodedExample(ids: $0, label: $1) }
        var generator = SplitMix64(seed: 9)
        for step in 1...90 {
            if step == 50 {
                optimizer.learningRate = 0.005
                referenceOptimizer.learningRate = 0.005
            }
            let (batch, labels) = Self.batch(
                step: step, vocabulary: configuration.vocabularySize, generator: &generator)
            let loss = try TestModels.trainStep(
                model, optimizer, batch: batch, labels: labels, synchronizing: false)
            let referenceLoss = try TestModels.trainStep(
                reference, referenceOptimizer, batch: batch, labels: labels, synchronizing: false)
            #expect(loss.bitPattern == referenceLoss.bitPattern, "loss, step \(step)")
            // Most steps leave rows behind; every read below comes after the optimiser caught them up.
            #expect(optimizer.hasDeferredUpdates, "step \(step)")
            #expect(!referenceOptimizer.hasDeferredUpdates)
            if step % 10 != 0 && step % 10 != 3 {
                optimizer.synchronize(&model.parameters)
                #expect(!optimizer.hasDeferredUpdates)
            }
            switch step % 10 {
            case 2:
                let logits = try model.logits(for: probe)
                #expect(Self.firstDifference(logits, try reference.logits(for: probe)) == nil, "step \(step)")
            case 4:
                let probabilities = try model.probabilities(for: probe)
                #expect(
                    Self.firstDifference(probabilities, try reference.probabilities(for: probe)) == nil,
                    "step \(step)")
            case 5:
                let named = model.namedParameters()
                for (got, expected) in zip(named, reference.namedParameters()) {
                    #expect(
                        Self.firstDifference(got.tensor.values, expected.tensor.values) == nil, "\(got.name)")
                }
            case 6:
                let loss = try model.loss(batch: probe, labels: probeLabels)
                #expect(loss.bitPattern == (try reference.loss(batch: probe, labels: probeLabels)).bitPattern)
            case 7:
                let gradients = try model.lossAndGradients(batch: probe, labels: probeLabels).gradients
                    .namedGradients()
                let referenceGradients = try reference.lossAndGradients(batch: probe, labels: probeLabels)
                    .gradients.namedGradients()
                for (got, expected) in zip(gradients, referenceGradients) {
                    #expect(
                        Self.firstDifference(got.tensor.values, expected.tensor.values) == nil, "\(got.name)")
                }
            case 8:
                let finals = try model.finalStates(for: probe)
                let referenceFinals = try reference.finalStates(for: probe)
                #expect(
                    finals.forward == referenceFinals.forward && finals.backward == referenceFinals.backward)
            case 9:
                #expect(try model.metrics(on: examples) == reference.metrics(on: examples))
            default:
                break
            }
            if step % 30 == 0 {
                Self.expectIdentical(model, optimizer, reference, referenceOptimizer, "step \(step)")
            }
        }
        #expect(optimizer.stepCount == 90)
        Self.expectIdentical(model, optimizer, reference, referenceOptimizer, "end")
    }

    @Test("after synchronizing, other optimisers and models built from the parameters see every update")
    func switchingOptimizersAndCopying() throws {
        let model = try BiGRUClassifier(configuration: configuration, seed: 6, threadCount: 2)
        let reference = try BiGRUClassifier(configuration: configuration, seed: 6, threadCount: 2)
        let first = (Self.adam(deferred: true), Self.adam(deferred: false))
        let second = (
            Self.adam(deferred: true, learningRate: 0.01), Self.adam(deferred: false, learningRate: 0.01)
        )
        let sgd = SGDOptimizer(learningRate: 0.1, clipNorm: 1)
        var generator = SplitMix64(seed: 10)
        func train(
            _ steps: Int, _ optimizer: any ClassifierOptimizer, _ referenceOptimizer: any ClassifierOptimizer
        )
            throws
        {
            for _ in 0..<steps {
                let (batch, labels) = Self.batch(
                    step: Int(generator.next() % 100), vocabulary: configuration.vocabularySize,
                    generator: &generator)
                try TestModels.trainStep(model, optimizer, batch: batch, labels: labels, synchronizing: false)
                try TestModels.trainStep(
                    reference, referenceOptimizer, batch: batch, labels: labels, synchronizing: false)
            }
            // Before another optimiser (or anything else) takes over the parameters.
            optimizer.synchronize(&model.parameters)
            referenceOptimizer.synchronize(&reference.parameters)
        }
        try train(20, first.0, first.1)
        // A copy made from the parameters (as training does for the best epoch) holds current rows.
        let copy = try BiGRUClassifier(configuration: configuration, parameters: model.parameterDictionary())
        #expect(Self.firstDifference(copy.parameterDictionary(), reference.parameterDictionary()) == nil)
        try train(5, sgd, sgd)
        try train(20, first.0, first.1)
        try train(15, second.0, second.1)
        try train(10, first.0, first.1)
        // A moving average reads the table after every step.
        let average = ParameterAverage(of: model, decay: 0.9)
        let referenceAverage = ParameterAverage(of: reference, decay: 0.9)
        for _ in 0..<10 {
            try train(1, second.0, second.1)
            average.update(from: model)
            referenceAverage.update(from: reference)
        }
        #expect(
            Self.firstDifference(
                average.parameters(layoutOf: model), referenceAverage.parameters(layoutOf: reference)) == nil)
        Self.expectIdentical(model, first.0, reference, first.1, "first optimiser")
        Self.expectIdentical(model, second.0, reference, second.1, "second optimiser")
    }

    @Test("the trainer's epochs, validation figures and kept parameters are bitwise the eager walk's")
    func trainerMatchesEagerWalk() throws {
        var generator = SplitMix64(seed: 11)
        func examples(_ count: Int) -> [EncodedExample] {
            (0..<count).map { index in
                let (ids, _) = Self.batch(
                    step: index, vocabulary: configuration.vocabularySize, generator: &generator)
                return EncodedExample(ids: ids[0], label: Float(index % 2))
            }
        }
        let training = examples(300)
        let validation = examples(40)
        for averageDecay in [nil, Float(0.95)] {
            var options = TrainingOptions()
            options.epochs = 3
            options.patience = 0
            options.batchSize = 8
            options.learningRate = 0.01
            options.averageDecay = averageDecay
            var summaries: [[String]] = [[], []]
            var outcomes: [TrainingOutcome] = []
            var finals: [[String: Tensor]] = []
            for (index, deferred) in [true, false].enumerated() {
                let classifier = try BiGRUClassifier(configuration: configuration, seed: 2, threadCount: 2)
                let trainer = ClassifierTrainer(
                    classifier: classifier, options: options,
                    optimizer: AdamOptimizer(
                        learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, clipNorm: 5,
                        embeddingMode: .dense, defersEmbeddingUpdates: deferred))
                outcomes.append(
                    try trainer.train(training: training, validation: validation) { event in
                        if case .epochFinished(let summary) = event {
                            summaries[index].append(
                                "\(summary.trainingLoss.bitPattern) \(String(describing: summary.validation))"
                            )
                        }
                    })
                finals.append(classifier.parameterDictionary())
            }
            #expect(summaries[0] == summaries[1], "EMA \(String(describing: averageDecay))")
            #expect(summaries[0].count == 3)
            #expect(
                Self.firstDifference(outcomes[0].bestParameters, outcomes[1].bestParameters) == nil)
            #expect(
                Self.firstDifference(finals[0], finals[1]) == nil)
        }
    }
}
