import Embedding

/// Inverted dropout masks that depend only on (seed, site, sequence, position), never on how a batch is
/// split across threads: the same training step drops the same units whatever the thread count.
///
/// A mask row holds `0` for a dropped unit and `1 / (1 − p)` for a kept one, so multiplying by it applies
/// dropout and its own derivative at once.
enum DropoutMask {
    /// Fills `count` mask values for one row. `site` tells the places dropout acts apart (layer
    /// boundary `k` is site `k`; the input of the output layer is site `layers`); `sequence` is the
    /// sequence's index in the whole batch and `position` its time step (0 for the output layer).
    static func fill(
        _ mask: UnsafeMutablePointer<Float>, count: Int, probability: Float, seed: UInt64, site: Int,
        sequence: Int, position: Int
    ) {
        var generator = SplitMix64(
            seed: SplitMix64.mix(
                SplitMix64.mix(SplitMix64.mix(seed ^ UInt64(site)) ^ UInt64(sequence)) ^ UInt64(position)))
        let keptScale = 1 / (1 - probability)
        for index in 0..<count {
            mask[index] = generator.nextUnitFloat() < probability ? 0 : keptScale
        }
    }
}
