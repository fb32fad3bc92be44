import Foundation
import GRUClassifier
import Testing

/// The second PyTorch reference file: a 2-layer bidirectional model (forward and backward pass) and three
/// Adam steps with gradient-norm clipping, both in float64.
@Suite(
    "PyTorch golden reference: two layers, Adam with clipping",
    .enabled(
        if: SharedMaterial.goldenExtra != nil && goldenAvailable,
        "../shared/golden/bigru_reference_extra.json not found (set SENTIMENT_SHARED)"))
struct GoldenExtraTests {
    let root: [String: Any]
    /// The reset_after case of the first file: its sizes, batch, labels and parameters.
    let base: GoldenCase

    init() throws {
        let url = try #require(SharedMaterial.goldenExtra)
        root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        base = try #require(try GoldenCase.load().first { $0.variant == .resetAfter })
        // Both files describe the same batch.
        let lengths = try #require(root["lengths"] as? [Int])
        #expect(lengths == base.batch.map(\.count))
        #expect(try #require(root["labels"] as? [Double]).map { Float($0) } == base.labels)
    }

    /// The tensors of a `{name: nested array}` object.
    static func tensors(_ value: Any?) throws -> [String: Tensor] {
        let raw = try #require(value as? [String: Any])
        return try raw.mapValues { value in
            let (shape, values) = try GoldenCase.flatten(value)
            return Tensor(shape: shape, values: values.map { Float($0) })
        }
    }

    @Test("a 2-layer model's logits, loss and every gradient match PyTorch", arguments: [1, 2])
    func twoLayers(threads: Int) throws {
        let entry = try #require(root["two_layer"] as? [String: Any])
        #expect(entry["layers"] as? Int == 2)
        var configuration = base.configuration
        configuration.layers = 2
        let cell = try #require(entry["cell"] as? String)
        configuration.cell = try #require(GRUCellVariant(rawValue: cell))
        let model = try BiGRUClassifier(
            configuration: configuration, parameters: try Self.tensors(entry["params"]), threadCount: threads)
        GoldenCase.expectClose(
            try model.logits(for: base.batch), try #require(entry["logits"] as? [Double]), "logits")
        GoldenCase.expectClose(
            try model.probabilities(for: base.batch), try #require(entry["probabilities"] as? [Double]),
            "probabilities")
        let (loss, gradients) = try model.lossAndGradients(batch: base.batch, labels: base.labels)
        GoldenCase.expectClose([loss], [try #require(entry["loss"] as? Double)], "loss")
        let expected = try #require(entry["grads"] as? [String: Any])
        let named = gradients.namedGradients()
        #expect(Set(named.map(\.name)) == Set(expected.keys))
        for (name, tensor) in named {
            let reference = try #require(expected[name])
            GoldenCase.expectClose(tensor.values, try GoldenCase.flatten(reference).values, name)
        }
    }

    @Test("three Adam steps with clipping land on PyTorch's parameters after each step", arguments: [1, 2])
    func adamSteps(threads: Int) throws {
        let entry = try #require(root["adam"] as? [String: Any])
        let betas = try #require(entry["betas"] as? [Double])
        let optimizer = AdamOptimizer(
            learningRate: Float(try #require(entry["lr"] as? Double)), beta1: betas[0], beta2: betas[1],
            epsilon: try #require(entry["eps"] as? Double),
            clipNorm: Float(try #require(entry["clip_max_norm"] as? Double)))
        let model = try BiGRUClassifier(
            configuration: base.configuration, parameters: base.parameters, threadCount: threads)
        let trainer = ClassifierTrainer(classifier: model, options: TrainingOptions(), optimizer: optimizer)
        let steps = try #require(entry["steps"] as? [[String: Any]])
        #expect(steps.count == 3)
        for (index, step) in steps.enumerated() {
            let gradientNorm = try model.lossAndGradients(batch: base.batch, labels: base.labels).gradients
                .globalNorm()
            GoldenCase.expectClose(
                [gradientNorm], [try #require(step["gradient_norm_before_clipping"] as? Double)],
                "step \(index + 1): gradient norm")
            let loss = try trainer.step(batch: base.batch, labels: base.labels)
            GoldenCase.expectClose(
                [loss], [try #require(step["loss_before"] as? Double)], "step \(index + 1): loss")
            trainer.synchronize()
            let expected = try #require(step["params_after"] as? [String: Any])
            let named = model.namedParameters()
            #expect(Set(named.map(\.name)) == Set(expected.keys))
            for (name, tensor) in named {
                let reference = try GoldenCase.flatten(try #require(expected[name]))
                #expect(tensor.shape == reference.shape, "\(name)")
                GoldenCase.expectClose(tensor.values, reference.values, "step \(index + 1): \(name)")
            }
        }
        #expect(optimizer.stepCount == 3)
    }
}
