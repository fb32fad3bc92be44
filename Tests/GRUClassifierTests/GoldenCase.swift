import Foundation
import GRUClassifier
import Testing

/// The tiny BiGRU of ../shared/golden/bigru_reference.json, whose forward values, loss and gradients were
/// computed with PyTorch autograd in float64.
///
/// Shared by three test targets: Tests/SentimentCLITests/GoldenCase.swift and
/// Tests/SentimentKitTests/GoldenCase.swift are symbolic links to this file,
/// so it may use only GRUClassifier, Foundation and Testing.
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

    /// The cases of the golden file at `url` (one per cell variant).
    static func load(from url: URL) throws -> [GoldenCase] {
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

extension GoldenCase {
    /// Values within 1e-5 of PyTorch's float64 ones, the tolerance of every golden comparison.
    static func expectClose(
        _ actual: [Float], _ expected: [Double], _ what: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(
            actual.count == expected.count, "\(what): \(actual.count) values, expected \(expected.count)",
            sourceLocation: sourceLocation)
        let worst = zip(actual, expected).map { abs(Double($0) - $1) }.max() ?? 0
        #expect(worst <= 1e-5, "\(what): largest difference \(worst)", sourceLocation: sourceLocation)
    }
}
