import Foundation
import GRUClassifier
import Testing

@Suite("Initialisation and parameter naming")
struct InitializationTests {
    let configuration = TestModels.configuration(
        cell: .resetBefore, layers: 2, vocabulary: 200, embedding: 16, hidden: 5)

    @Test("parameters carry PyTorch's names, order and shapes")
    func names() throws {
        let model = try BiGRUClassifier(configuration: configuration, seed: 1)
        let shapes = model.namedParameters().map { "\($0.name) \($0.tensor.shape)" }
        var expected = ["embedding.weight [200, 16]"]
        for layer in 0..<2 {
            let inputSize = layer == 0 ? 16 : 10
            for suffix in ["", "_reverse"] {
                expected += [
                    "gru.weight_ih_l\(layer)\(suffix) [15, \(inputSize)]",
                    "gru.weight_hh_l\(layer)\(suffix) [15, 5]",
                    "gru.bias_ih_l\(layer)\(suffix) [15]", "gru.bias_hh_l\(layer)\(suffix) [15]",
                ]
            }
        }
        expected += ["out.weight [1, 10]", "out.bias [1]"]
        #expect(shapes == expected)
        #expect(
            BiGRUClassifier.parameterShapes(for: configuration).map { "\($0.name) \($0.shape)" } == expected)
    }

    @Test("the same seed gives the same model; another seed another one")
    func reproducible() throws {
        let a = try BiGRUClassifier(configuration: configuration, seed: 42).namedParameters()
        let b = try BiGRUClassifier(configuration: configuration, seed: 42).namedParameters()
        let c = try BiGRUClassifier(configuration: configuration, seed: 43).namedParameters()
        #expect(a.map(\.tensor) == b.map(\.tensor))
        for (x, y) in zip(a, c) { #expect(x.tensor != y.tensor, "\(x.name) ignores the seed") }
    }

    @Test("values follow PyTorch's default distributions")
    func distributions() throws {
        for (name, tensor) in try BiGRUClassifier(configuration: configuration, seed: 7).namedParameters() {
            let values = tensor.values.map(Double.init)
            let mean = values.reduce(0, +) / Double(values.count)
            if name == "embedding.weight" {
                let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
                #expect(
                    abs(mean) < 0.06 && abs(variance.squareRoot() - 1) < 0.06, "N(0, 1): \(mean), \(variance)"
                )
            } else {
                let bound = 1 / (name.hasPrefix("out.") ? 10.0 : 5.0).squareRoot()
                #expect(values.allSatisfy { abs($0) <= bound }, "\(name) outside ±\(bound)")
                if values.count >= 75 {
                    #expect(values.contains { $0 > bound * 0.8 } && values.contains { $0 < -bound * 0.8 })
                }
            }
        }
    }

    @Test("the embedding's standard deviation scales only the embedding, draw for draw")
    func embeddingScale() throws {
        let unit = try BiGRUClassifier(configuration: configuration, seed: 7).namedParameters()
        let scaled = try BiGRUClassifier(
            configuration: configuration, seed: 7, embeddingStandardDeviation: 0.1
        )
        .namedParameters()
        for (a, b) in zip(unit, scaled) {
            if a.name == "embedding.weight" {
                #expect(b.tensor.values == a.tensor.values.map { $0 * 0.1 })
            } else {
                #expect(a.tensor == b.tensor, "\(a.name) changed with the embedding's scale")
            }
        }
    }

    @Test("loading checks every name and shape")
    func loadingValidates() throws {
        let model = try BiGRUClassifier(configuration: configuration, seed: 1)
        var parameters = model.parameterDictionary()
        let reloaded = try BiGRUClassifier(configuration: configuration, parameters: parameters)
        #expect(reloaded.namedParameters().map(\.tensor) == model.namedParameters().map(\.tensor))

        parameters["gru.bias_hh_l1_reverse"] = nil
        #expect(throws: ClassifierError.missingParameter(name: "gru.bias_hh_l1_reverse")) {
            try BiGRUClassifier(configuration: configuration, parameters: parameters)
        }
        parameters = model.parameterDictionary()
        parameters["gru.weight_hh_l0"] = Tensor(zeros: [5, 15])
        #expect(
            throws: ClassifierError.shapeMismatch(
                name: "gru.weight_hh_l0", expected: [15, 5], found: [5, 15])
        ) {
            try BiGRUClassifier(configuration: configuration, parameters: parameters)
        }
        parameters = model.parameterDictionary()
        parameters["gru.weight_ih_l2"] = Tensor(zeros: [15, 10])
        #expect(throws: ClassifierError.unexpectedParameter(name: "gru.weight_ih_l2")) {
            try BiGRUClassifier(configuration: configuration, parameters: parameters)
        }
        var bad = configuration
        bad.dropout = 1
        #expect(throws: ClassifierError.self) { try BiGRUClassifier(configuration: bad, seed: 1) }
        bad = configuration
        bad.layers = 0
        #expect(throws: ClassifierError.self) { try BiGRUClassifier(configuration: bad, seed: 1) }
    }
}
