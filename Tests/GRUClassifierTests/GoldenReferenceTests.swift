import Foundation
import GRUClassifier
import Testing

@Suite(
    "PyTorch golden reference",
    .enabled(if: goldenAvailable, "../shared/golden/bigru_reference.json not found (set SENTIMENT_SHARED)"))
struct GoldenReferenceTests {
    @Test("forward values, loss and every gradient match PyTorch", arguments: [1, 2])
    func matchesPyTorch(threads: Int) throws {
        let cases = try GoldenCase.load()
        #expect(Set(cases.map(\.variant)) == Set(GRUCellVariant.allCases))
        for golden in cases {
            let model = try BiGRUClassifier(
                configuration: golden.configuration, parameters: golden.parameters, threadCount: threads)
            let label = "\(golden.variant.rawValue), \(threads) thread(s)"
            let states = try model.finalStates(for: golden.batch)
            GoldenCase.expectClose(
                states.forward.flatMap { $0 }, golden.forwardFinal.flatMap { $0 }, "\(label) forward final")
            GoldenCase.expectClose(
                states.backward.flatMap { $0 }, golden.backwardFinal.flatMap { $0 }, "\(label) backward final"
            )
            GoldenCase.expectClose(try model.logits(for: golden.batch), golden.logits, "\(label) logits")
            GoldenCase.expectClose(
                try model.probabilities(for: golden.batch), golden.probabilities, "\(label) probabilities")
            GoldenCase.expectClose(
                [try model.loss(batch: golden.batch, labels: golden.labels)], [golden.loss], "\(label) loss")

            let (loss, gradients) = try model.lossAndGradients(batch: golden.batch, labels: golden.labels)
            GoldenCase.expectClose([loss], [golden.loss], "\(label) training loss")
            let named = gradients.namedGradients()
            #expect(Set(named.map(\.name)) == Set(golden.gradients.keys))
            for (name, tensor) in named {
                let expected = try #require(golden.gradients[name], "no golden gradient for \(name)")
                GoldenCase.expectClose(tensor.values, expected, "\(label) gradient of \(name)")
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
