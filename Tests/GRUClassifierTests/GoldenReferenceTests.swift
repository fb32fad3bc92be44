import Foundation
import GRUClassifier
import Testing

/// The tiny BiGRU of ../shared/golden/bigru_reference.json, whose forward values, loss and gradients were
/// computed with PyTorch autograd in float64.
struct GoldenCase {
    let variant: GRUCellVariant
    let configuration: ClassifierConfiguration
    let parameters: [String: Tensor]
    let batch: [[Int32]]
    let labels: [Float]
    let forwardFinal: [[Double]]
    let backwardFinal: [[Double]]
    let logits: [Double]
    let probabilities: [Double]
    let loss: Double
    let gradients: [String: [Double]]

    static func load() throws -> [GoldenCase] {
        let url = try #require(SharedMaterial.goldenReference)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        let root = try #require(json as? [String: Any])
        let dims = try #require(root["dims"] as? [String: Int])
        let lengths = try #require(root["lengths"] as? [Int])
        let padded = try #require(root["tokens"] as? [[Int]])
        // The file pads with id 0 past each length; the model takes each sequence at its own length.
        let batch = zip(padded, lengths).map { row, length in row.prefix(length).map { Int32($0) } }
        let labels = try #require(root["labels"] as? [Double]).map { Float($0) }
        let cases = try #require(root["cases"] as? [[String: Any]])
        return try cases.map { entry in
            let variantName = try #require(entry["variant"] as? String)
            let variant = try #require(GRUCellVariant(rawValue: variantName))
            let configuration = ClassifierConfiguration(
                vocabularySize: try #require(dims["vocab"]), embeddingDim: try #require(dims["embedding"]),
                hidden: try #require(dims["hidden"]), layers: 1, cell: variant, dropout: 0)
            let rawParameters = try #require(entry["params"] as? [String: Any])
            var parameters: [String: Tensor] = [:]
            for (name, value) in rawParameters {
                let (shape, values) = try flatten(value)
                parameters[name] = Tensor(shape: shape, values: values.map { Float($0) })
            }
            let rawGradients = try #require(entry["grads"] as? [String: Any])
            return GoldenCase(
                variant: variant, configuration: configuration, parameters: parameters, batch: batch,
                labels: labels,
                forwardFinal: try #require(entry["forward_final"] as? [[Double]]),
                backwardFinal: try #require(entry["backward_final"] as? [[Double]]),
                logits: try #require(entry["logits"] as? [Double]),
                probabilities: try #require(entry["probabilities"] as? [Double]),
                loss: try #require(entry["loss"] as? Double),
                gradients: try rawGradients.mapValues { try flatten($0).values })
        }
    }

    /// Shape and row-major values of a nested JSON array of numbers.
    static func flatten(_ value: Any) throws -> (shape: [Int], values: [Double]) {
        if let number = value as? Double { return ([], [number]) }
        let items = try #require(value as? [Any])
        let parts = try items.map(flatten)
        let inner = parts.first?.shape ?? []
        return ([items.count] + inner, parts.flatMap(\.values))
    }
}

let goldenAvailable = SharedMaterial.goldenReference != nil

@Suite(
    "PyTorch golden reference",
    .enabled(if: goldenAvailable, "../shared/golden/bigru_reference.json not found (set SENTIMENT_SHARED)"))
struct GoldenReferenceTests {
    static let tolerance = 1e-5

    func expectClose(_ actual: [Float], _ expected: [Double], _ what: String) {
        #expect(actual.count == expected.count, "\(what): \(actual.count) values, expected \(expected.count)")
        let worst = zip(actual, expected).map { abs(Double($0) - $1) }.max() ?? 0
        #expect(worst <= Self.tolerance, "\(what): largest difference \(worst)")
    }

    @Test("forward values, loss and every gradient match PyTorch", arguments: [1, 2])
    func matchesPyTorch(threads: Int) throws {
        let cases = try GoldenCase.load()
        #expect(Set(cases.map(\.variant)) == Set(GRUCellVariant.allCases))
        for golden in cases {
            let model = try BiGRUClassifier(
                configuration: golden.configuration, parameters: golden.parameters, threadCount: threads)
            let label = "\(golden.variant.rawValue), \(threads) thread(s)"
            let states = try model.finalStates(for: golden.batch)
            expectClose(
                states.forward.flatMap { $0 }, golden.forwardFinal.flatMap { $0 }, "\(label) forward final")
            expectClose(
                states.backward.flatMap { $0 }, golden.backwardFinal.flatMap { $0 }, "\(label) backward final"
            )
            expectClose(try model.logits(for: golden.batch), golden.logits, "\(label) logits")
            expectClose(
                try model.probabilities(for: golden.batch), golden.probabilities, "\(label) probabilities")
            expectClose(
                [try model.loss(batch: golden.batch, labels: golden.labels)], [golden.loss], "\(label) loss")

            let (loss, gradients) = try model.lossAndGradients(batch: golden.batch, labels: golden.labels)
            expectClose([loss], [golden.loss], "\(label) training loss")
            let named = gradients.namedGradients()
            #expect(Set(named.map(\.name)) == Set(golden.gradients.keys))
            for (name, tensor) in named {
                let expected = try #require(golden.gradients[name], "no golden gradient for \(name)")
                expectClose(tensor.values, expected, "\(label) gradient of \(name)")
            }
        }
    }

    @Test("the golden parameters round-trip through namedParameters in PyTorch names and shapes")
    func parameterNames() throws {
        for golden in try GoldenCase.load() {
            let model = try BiGRUClassifier(
                configuration: golden.configuration, parameters: golden.parameters)
            let named = model.namedParameters()
            #expect(named.count == golden.parameters.count)
            for (name, tensor) in named { #expect(golden.parameters[name] == tensor, "\(name) differs") }
        }
    }
}
