import Embedding
import GRUClassifier
import Testing

@testable import SentimentKit

@Suite struct StratifiedSplitTests {
    /// 700 negatives and 300 positives in a scrambled order.
    private static let labels: [Float] = {
        var generator = SplitMix64(seed: 17)
        var labels = [Float](repeating: 0, count: 700) + [Float](repeating: 1, count: 300)
        labels.shuffle(using: &generator)
        return labels
    }()

    private func split(_ labels: [Float], _ fraction: Double, seed: UInt64 = 1) -> (
        training: [Int], validation: [Int]
    ) {
        var generator = SplitMix64(seed: seed)
        return stratifiedSplit(labels: labels, validationFraction: fraction, using: &generator)
    }

    @Test func keepsLabelProportionsAndIsADisjointCover() {
        let labels = Self.labels
        let (training, validation) = split(labels, 0.2)
        #expect(validation.filter { labels[$0] == 0 }.count == 140)
        #expect(validation.filter { labels[$0] == 1 }.count == 60)
        #expect(training.filter { labels[$0] == 0 }.count == 560)
        #expect(training.filter { labels[$0] == 1 }.count == 240)
        #expect(Set(training).isDisjoint(with: validation))
        #expect((training + validation).sorted() == Array(labels.indices))
        #expect(training == training.sorted() && validation == validation.sorted())
    }

    @Test func roundsEachLabelsShare() {
        // 0.1 of 15 negatives is 1.5 → 2; 0.1 of 4 positives is 0.4 → at least one.
        let labels: [Float] = Array(repeating: 0, count: 15) + Array(repeating: 1, count: 4)
        let (_, validation) = split(labels, 0.1)
        #expect(validation.filter { labels[$0] == 0 }.count == 2)
        #expect(validation.filter { labels[$0] == 1 }.count == 1)
    }

    @Test func aLoneExampleOfALabelStaysInTraining() {
        let labels: [Float] = [0, 0, 0, 0, 1]
        let (training, validation) = split(labels, 0.5)
        #expect(training.contains(4))
        #expect(validation.count == 2)
        #expect(validation.allSatisfy { labels[$0] == 0 })
    }

    @Test func isDeterministicForASeedAndDiffersBetweenSeeds() {
        let labels = Self.labels
        #expect(split(labels, 0.1, seed: 5) == split(labels, 0.1, seed: 5))
        #expect(split(labels, 0.1, seed: 5).validation != split(labels, 0.1, seed: 6).validation)
    }

    @Test func fractionZeroKeepsEverythingForTraining() {
        let labels = Self.labels
        let (training, validation) = split(labels, 0)
        #expect(training == Array(labels.indices))
        #expect(validation.isEmpty)
        #expect(split([], 0.3) == ([], []))
    }
}
