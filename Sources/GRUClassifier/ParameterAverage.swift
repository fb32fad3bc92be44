/// An exponential moving average of a classifier's parameters (Polyak–Ruppert averaging), updated after
/// every training step (the trainer brings deferred optimiser updates up to date first). The averaged model usually generalises better than the last iterate, because it
/// smooths out the noise of the final steps; training evaluates and keeps it instead of the raw weights.
///
/// The decay ramps up as `min(decay, (1 + t) / (10 + t))` over the first steps, so early averages are
/// not dominated by the random initialisation.
final class ParameterAverage {
    let decay: Float
    private(set) var updates = 0
    private var dense: [Float]
    private var embedding: [Float]
    private var wide: [Float]

    init(of classifier: BiGRUClassifier, decay: Float) {
        precondition(decay > 0 && decay < 1)
        self.decay = decay
        dense = classifier.parameters.dense
        embedding = classifier.parameters.embedding.weights
        wide = classifier.parameters.wide?.weights ?? []
    }

    /// Moves the average towards the classifier's current parameters.
    func update(from classifier: BiGRUClassifier) {
        updates += 1
        let step = Float(updates)
        let rate = 1 - min(decay, (1 + step) / (10 + step))
        Self.blend(&dense, towards: classifier.parameters.dense, rate: rate)
        Self.blend(&embedding, towards: classifier.parameters.embedding.weights, rate: rate)
        if let current = classifier.parameters.wide {
            Self.blend(&wide, towards: current.weights, rate: rate)
        }
    }

    /// The averaged parameters, by name.
    func parameters(layoutOf classifier: BiGRUClassifier) -> [String: Tensor] {
        var result = [
            ParameterLayout.embeddingName: Tensor(
                shape: [classifier.configuration.vocabularySize, classifier.configuration.embeddingDim],
                values: embedding)
        ]
        for entry in classifier.layout.denseEntries {
            let count = entry.shape.reduce(1, *)
            result[entry.name] = Tensor(
                shape: entry.shape, values: Array(dense[entry.offset..<entry.offset + count]))
        }
        if classifier.configuration.hasWideChannel {
            // The scale is fixed: only the weights are averaged.
            let shape = [classifier.configuration.ngramBuckets]
            result[ParameterLayout.wideWeightName] = Tensor(shape: shape, values: wide)
            result[ParameterLayout.wideScaleName] = Tensor(
                shape: shape, values: classifier.parameters.wideScale)
        }
        return result
    }

    private static func blend(_ average: inout [Float], towards current: [Float], rate: Float) {
        average.withUnsafeMutableBufferPointer { average in
            current.withUnsafeBufferPointer { current in
                for index in average.indices { average[index] += rate * (current[index] - average[index]) }
            }
        }
    }
}
