/// An exponential moving average of a classifier's parameters (Polyak–Ruppert averaging). The averaged
/// model usually generalises better than the last iterate, because it smooths out the noise of the
/// final steps; training evaluates and keeps it instead of the raw weights.
///
/// The decay ramps up as `min(decay, (1 + t) / (10 + t))` over the first steps, so early averages are
/// not dominated by the random initialisation. Reading every parameter (and bringing the optimiser's
/// deferred embedding updates up to date first) costs as much as a fifth of a training step, so the
/// average may blend only every `interval` steps: the decays of the steps in between are compounded,
/// as if the parameters had held still since the last blend (ema-pytorch's `update_every` does the
/// same). With a decay of 0.99 the average spans about 100 steps, so a few steps' lag is small.
final class ParameterAverage {
    let decay: Float
    /// Steps between two blends (1: every step, the exact moving average).
    let interval: Int
    /// Training steps counted so far.
    private(set) var updates = 0
    /// Steps counted since the last blend, the last one's rate and the product of `1 − rate` over
    /// them (in double precision: it multiplies `interval` factors close to 1).
    private var pendingSteps = 0
    private var lastRate: Float = 0
    private var pendingKeep = 1.0
    private var dense: [Float]
    private var embedding: [Float]
    private var wide: [Float]

    init(of classifier: BiGRUClassifier, decay: Float, interval: Int = 1) {
        precondition(decay > 0 && decay < 1)
        precondition(interval >= 1, "the average blends at least every step")
        self.decay = decay
        self.interval = interval
        dense = classifier.parameters.dense
        embedding = classifier.parameters.embedding.weights
        wide = classifier.parameters.wide?.weights ?? []
    }

    /// Counts one training step; true when the average is due to blend (every `interval` steps).
    func recordStep() -> Bool {
        updates += 1
        let step = Float(updates)
        lastRate = 1 - min(decay, (1 + step) / (10 + step))
        pendingKeep *= 1 - Double(lastRate)
        pendingSteps += 1
        return pendingSteps >= interval
    }

    /// Moves the average towards the classifier's current parameters for every step counted since the
    /// last blend (nothing if there was none). The classifier's parameters must be current.
    func blend(from classifier: BiGRUClassifier) {
        guard pendingSteps > 0 else { return }
        let rate = pendingSteps == 1 ? lastRate : Float(1 - pendingKeep)
        pendingSteps = 0
        pendingKeep = 1
        Self.blend(&dense, towards: classifier.parameters.dense, rate: rate)
        Self.blend(&embedding, towards: classifier.parameters.embedding.weights, rate: rate)
        if let current = classifier.parameters.wide {
            Self.blend(&wide, towards: current.weights, rate: rate)
        }
    }

    /// Counts one step and blends at once: the exact moving average, whatever the interval.
    func update(from classifier: BiGRUClassifier) {
        _ = recordStep()
        blend(from: classifier)
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
