/// Predictions grouped into equal-width bins of their predicted probability, with how often the predicted
/// outcome happened in each bin: a reliability diagram, and the expected calibration error read from it.
/// A calibrated model's bins lie on the diagonal (of the predictions made with probability 0.8, 80 % come
/// true).
///
/// `topLabel` bins a binary classifier as Guo et al. (2017) do: each prediction's confidence in the label
/// it predicts, `max(p, 1 − p)`, against whether that label is right. That is the ECE `eval` reports.
public struct ReliabilityBins: Sendable, Equatable {
    /// One bin: predictions in `[lower, upper)` (the last bin includes 1).
    public struct Bin: Sendable, Equatable {
        public var lower: Double
        public var upper: Double
        /// How many predictions fall in the bin.
        public var count: Int
        /// Their mean predicted probability (nil for an empty bin).
        public var meanProbability: Double?
        /// The share of them whose outcome happened (nil for an empty bin).
        public var observedFrequency: Double?
    }

    /// The bins, from probability 0 to 1.
    public let bins: [Bin]
    /// Number of predictions.
    public let count: Int

    /// `binCount` equal-width bins over [0, 1] of `probabilities` (each the predicted probability that
    /// its outcome happens, in [0, 1]) and `outcomes`.
    public init(probabilities: [Double], outcomes: [Bool], binCount: Int = 10) {
        precondition(probabilities.count == outcomes.count && binCount >= 1)
        var counts = [Int](repeating: 0, count: binCount)
        var probabilitySums = [Double](repeating: 0, count: binCount)
        var happened = [Int](repeating: 0, count: binCount)
        for (probability, outcome) in zip(probabilities, outcomes) {
            let index = min(binCount - 1, max(0, Int(probability * Double(binCount))))
            counts[index] += 1
            probabilitySums[index] += probability
            if outcome { happened[index] += 1 }
        }
        bins = (0..<binCount).map { index in
            let count = counts[index]
            return Bin(
                lower: Double(index) / Double(binCount), upper: Double(index + 1) / Double(binCount),
                count: count, meanProbability: count == 0 ? nil : probabilitySums[index] / Double(count),
                observedFrequency: count == 0 ? nil : Double(happened[index]) / Double(count))
        }
        count = probabilities.count
    }

    /// The bins of a binary classifier's confidence in the label it predicts at threshold 0.5,
    /// `max(p, 1 − p)`, against whether that label is right (Guo et al. 2017).
    public static func topLabel(probabilities: [Double], labels: [Bool], binCount: Int = 10)
        -> ReliabilityBins
    {
        precondition(probabilities.count == labels.count)
        return ReliabilityBins(
            probabilities: probabilities.map { max($0, 1 - $0) },
            outcomes: zip(probabilities, labels).map { ($0 >= 0.5) == $1 }, binCount: binCount)
    }

    /// Expected calibration error: `Σ (n_b / N) · |observed frequency_b − mean probability_b|` over the
    /// bins (Naeini et al. 2015; Guo et al. 2017). nil without predictions.
    public var expectedCalibrationError: Double? {
        guard count > 0 else { return nil }
        var sum = 0.0
        for bin in bins {
            guard let mean = bin.meanProbability, let frequency = bin.observedFrequency else { continue }
            sum += Double(bin.count) / Double(count) * abs(frequency - mean)
        }
        return sum
    }
}
