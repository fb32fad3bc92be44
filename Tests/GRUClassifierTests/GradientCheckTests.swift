import GRUClassifier
import Testing

/// Analytic float32 gradients against central differences of an independent double-precision
/// implementation (`ReferenceBiGRU`), on tiny random models with ragged lengths including 1.
@Suite("Finite-difference gradient checks")
struct GradientCheckTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let cell: GRUCellVariant
        let layers: Int
        let dropout: Float
        var hidden = 3
        var embeddingDropout: Float = 0
        var pooling = HeadPooling.final
        var testDescription: String {
            "\(cell.rawValue), \(layers) layer(s), dropout \(dropout), embedding dropout \(embeddingDropout), "
                + "hidden \(hidden), pooling \(pooling.rawValue)"
        }
    }

    static let cases: [Case] = [
        Case(cell: .resetAfter, layers: 1, dropout: 0), Case(cell: .resetBefore, layers: 1, dropout: 0),
        Case(cell: .resetAfter, layers: 2, dropout: 0), Case(cell: .resetBefore, layers: 2, dropout: 0),
        // Dropout with a fixed seed is a fixed function too; the reference draws the same masks.
        Case(cell: .resetAfter, layers: 2, dropout: 0.3),
        Case(cell: .resetBefore, layers: 1, dropout: 0, embeddingDropout: 0.4),
        Case(cell: .resetAfter, layers: 2, dropout: 0.3, embeddingDropout: 0.4),
        // Hidden 9: the gate loops' 8-wide vector path plus one scalar element.
        Case(cell: .resetAfter, layers: 1, dropout: 0, hidden: 9),
        Case(cell: .resetBefore, layers: 2, dropout: 0, hidden: 9),
        // Pooling: the maximum's gradient reaches one time step, the mean's every step.
        Case(cell: .resetAfter, layers: 1, dropout: 0, pooling: .finalMaxMean),
        Case(cell: .resetBefore, layers: 2, dropout: 0.3, embeddingDropout: 0.4, pooling: .finalMaxMean),
        Case(cell: .resetAfter, layers: 2, dropout: 0, hidden: 9, pooling: .finalMaxMean),
    ]

    @Test("every parameter's gradient matches central differences", arguments: cases)
    func gradientsMatchFiniteDifferences(_ check: Case) throws {
        let configuration = TestModels.configuration(
            cell: check.cell, layers: check.layers, dropout: check.dropout,
            embeddingDropout: check.embeddingDropout, pooling: check.pooling)
        let model = try BiGRUClassifier(configuration: configuration, seed: 11, threadCount: 2)
        // Ragged, unsorted, with a length-1 sequence and a repeated length.
        let batch = TestModels.batch(
            lengths: [4, 1, 5, 2, 4], vocabulary: configuration.vocabularySize, seed: 3)
        let labels = TestModels.labels(count: batch.count, seed: 4)
        let dropoutSeed: UInt64? = check.dropout > 0 || check.embeddingDropout > 0 ? 99 : nil
        let (loss, gradients) = try model.lossAndGradients(
            batch: batch, labels: labels, dropoutSeed: dropoutSeed)

        var reference = ReferenceBiGRU(model)
        reference.dropoutSeed = dropoutSeed
        let referenceLoss = reference.loss(batch, labels: labels)
        #expect(abs(Double(loss) - referenceLoss) < 1e-5, "loss \(loss) vs reference \(referenceLoss)")

        var checked = 0
        for (name, tensor) in gradients.namedGradients() {
            let numeric = reference.numericGradient(name, batch: batch, labels: labels)
            #expect(numeric.count == tensor.count)
            var worst = 0.0
            for (analytic, expected) in zip(tensor.values, numeric) {
                let error = abs(Double(analytic) - expected) / (1e-3 + abs(expected))
                worst = max(worst, error)
            }
            #expect(worst < 1e-4, "\(name): worst relative error \(worst)")
            // A check only means something if the gradient is not zero everywhere.
            #expect(numeric.contains { abs($0) > 1e-4 }, "\(name) has no noticeable gradient")
            checked += 1
        }
        #expect(checked == 1 + 8 * check.layers + 2)
    }

    @Test("forward values match the double-precision reference", arguments: cases)
    func logitsMatchReference(_ check: Case) throws {
        let configuration = TestModels.configuration(
            cell: check.cell, layers: check.layers, hidden: check.hidden, pooling: check.pooling)
        let model = try BiGRUClassifier(configuration: configuration, seed: 5, threadCount: 1)
        let batch = TestModels.batch(
            lengths: [3, 6, 1, 2], vocabulary: configuration.vocabularySize, seed: 8)
        let logits = try model.logits(for: batch)
        let expected = ReferenceBiGRU(model).logits(batch)
        for (actual, wanted) in zip(logits, expected) { #expect(abs(Double(actual) - wanted) < 1e-5) }
    }
}
