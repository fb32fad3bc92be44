import Embedding
import Evaluation
import GRUClassifier
import Testing

/// `count` lengths in `1...maximum` drawn from `seed`.
private func randomLengths(count: Int, maximum: Int, seed: UInt64) -> [Int] {
    var generator = SplitMix64(seed: seed)
    return (0..<count).map { _ in Int(generator.next() % UInt64(maximum)) + 1 }
}

/// Mean over batches of (longest − shortest) length in the batch.
private func meanLengthSpread(_ batches: [[Int]], lengths: [Int]) -> Double {
    let spreads = batches.map { batch in
        let batchLengths = batch.map { lengths[$0] }
        return Double(batchLengths.max()! - batchLengths.min()!)
    }
    return spreads.reduce(0, +) / Double(spreads.count)
}

@Suite struct LengthBatchingTests {
    @Test(arguments: [(0, 8), (1, 8), (7, 8), (8, 8), (9, 8), (1000, 32), (5000, 64)])
    func bucketedBatchesCoverEveryIndexOnceAndRespectTheBatchSize(count: Int, batchSize: Int) {
        let lengths = randomLengths(count: count, maximum: 300, seed: 3)
        var generator = SplitMix64(seed: 11)
        let batches = lengthBucketedBatches(
            lengths: lengths, batchSize: batchSize, poolBatches: 4, using: &generator)
        #expect(batches.flatMap { $0 }.sorted() == Array(0..<count))
        #expect(batches.allSatisfy { !$0.isEmpty && $0.count <= batchSize })
        // Only the last batch of each pool may be short.
        let poolSize = batchSize * 4
        let fullPools = count / poolSize
        let expectedBatches =
            fullPools * 4 + (count % poolSize + batchSize - 1) / batchSize
        #expect(batches.count == expectedBatches)
    }

    @Test func bucketedBatchesHoldSimilarLengthsUnlikeRandomBatches() {
        let lengths = randomLengths(count: 6400, maximum: 400, seed: 5)
        var generator = SplitMix64(seed: 1)
        let bucketed = lengthBucketedBatches(lengths: lengths, batchSize: 32, using: &generator)
        var shuffled = Array(lengths.indices)
        shuffled.shuffle(using: &generator)
        let random = stride(from: 0, to: shuffled.count, by: 32).map { Array(shuffled[$0..<$0 + 32]) }
        let bucketedSpread = meanLengthSpread(bucketed, lengths: lengths)
        let randomSpread = meanLengthSpread(random, lengths: lengths)
        // Random batches of 32 from U(1, 400) span ~375 tokens; a pool of 1,600 sorted spans ~8 per batch.
        #expect(randomSpread > 300)
        #expect(bucketedSpread < randomSpread / 10, "bucketed \(bucketedSpread), random \(randomSpread)")
    }

    @Test func bucketedBatchesMixLongAndShortBatches() {
        // Batches are shuffled after bucketing: the sequence of batch lengths must not be sorted.
        let lengths = randomLengths(count: 4000, maximum: 100, seed: 8)
        var generator = SplitMix64(seed: 2)
        let batches = lengthBucketedBatches(
            lengths: lengths, batchSize: 16, poolBatches: 10, using: &generator)
        let firstLengths = batches.map { lengths[$0[0]] }
        #expect(firstLengths != firstLengths.sorted())
        #expect(firstLengths != firstLengths.sorted(by: >))
    }

    @Test func bucketedBatchesDependOnTheSeedAlone() {
        let lengths = randomLengths(count: 500, maximum: 50, seed: 4)
        func batches(seed: UInt64) -> [[Int]] {
            var generator = SplitMix64(seed: seed)
            return lengthBucketedBatches(lengths: lengths, batchSize: 10, poolBatches: 5, using: &generator)
        }
        #expect(batches(seed: 42) == batches(seed: 42))
        #expect(batches(seed: 42) != batches(seed: 43))
        // A generator that has moved on (the next epoch) gives a different order too.
        var generator = SplitMix64(seed: 42)
        let first = lengthBucketedBatches(lengths: lengths, batchSize: 10, poolBatches: 5, using: &generator)
        let second = lengthBucketedBatches(lengths: lengths, batchSize: 10, poolBatches: 5, using: &generator)
        #expect(first != second)
        #expect(first.flatMap { $0 }.sorted() == second.flatMap { $0 }.sorted())
    }

    @Test func sortedBatchesAreLongestFirstWithTiesInIndexOrder() {
        let lengths = [3, 7, 0, 7, 1, 3, 9, 3, 2]
        let batches = lengthSortedBatches(lengths: lengths, batchSize: 4)
        #expect(batches == [[6, 1, 3, 0], [5, 7, 8, 4], [2]])
        #expect(lengthSortedBatches(lengths: [], batchSize: 3).isEmpty)
        #expect(lengthSortedBatches(lengths: [5], batchSize: 3) == [[0]])
    }

    @Test func sortedBatchesCoverEveryIndexWithNonIncreasingLengths() {
        let lengths = randomLengths(count: 1001, maximum: 60, seed: 6)
        let batches = lengthSortedBatches(lengths: lengths, batchSize: 64)
        #expect(batches.flatMap { $0 }.sorted() == Array(0..<1001))
        #expect(batches.dropLast().allSatisfy { $0.count == 64 })
        #expect(batches.last?.count == 1001 % 64)
        let order = batches.flatMap { $0 }.map { lengths[$0] }
        #expect(order == order.sorted(by: >))
    }
}

/// Records `scores` as epochs 1, 2, … and returns, per epoch, whether it was a new best and whether
/// training should stop after it, plus the final tracker.
private func record<Score>(_ scores: [Score], patience: Int) -> (
    isBest: [Bool], shouldStop: [Bool], stopping: EarlyStopping<Score>
) {
    var stopping = EarlyStopping<Score>(patience: patience)
    var isBest: [Bool] = []
    var shouldStop: [Bool] = []
    for (index, score) in scores.enumerated() {
        isBest.append(stopping.record(score: score, epoch: index + 1))
        shouldStop.append(stopping.shouldStop)
    }
    return (isBest, shouldStop, stopping)
}

@Suite struct EarlyStoppingTests {
    @Test func stopsAfterPatienceEpochsWithoutImprovement() {
        // An equal score is not an improvement.
        let run = record([0.5, 0.6, 0.6, 0.55], patience: 2)
        #expect(run.isBest == [true, true, false, false])
        #expect(run.shouldStop == [false, false, false, true])
        #expect(run.stopping.best?.score == 0.6)
        #expect(run.stopping.best?.epoch == 2)
    }

    @Test func improvementResetsTheCount() {
        let run = record([3, 2, 4, 1, 5, 5, 5], patience: 2)
        #expect(run.isBest == [true, false, true, false, true, false, false])
        #expect(run.shouldStop == [false, false, false, false, false, false, true])
        #expect(run.stopping.best?.epoch == 5)
    }

    @Test func patienceZeroNeverStops() {
        let run = record([1.0] + [Double](repeating: 0, count: 49), patience: 0)
        #expect(run.isBest == [true] + [Bool](repeating: false, count: 49))
        #expect(!run.shouldStop.contains(true))
        #expect(run.stopping.best?.epoch == 1)
    }

    @Test func patienceOneStopsAtTheFirstEpochWithoutImprovement() {
        #expect(EarlyStopping<Double>(patience: 1).best == nil)
        let run = record([0.7, 0.1], patience: 1)
        #expect(run.isBest == [true, false])
        #expect(run.shouldStop == [false, true])
    }

    @Test func validationScoreRanksByAccuracyThenByLowerLoss() {
        let low = ValidationScore(accuracy: 0.8, logLoss: 0.1)
        let high = ValidationScore(accuracy: 0.9, logLoss: 2.0)
        let highBetterLoss = ValidationScore(accuracy: 0.9, logLoss: 0.5)
        #expect(low < high)  // accuracy first, whatever the loss
        #expect(high < highBetterLoss)  // tie broken by the lower loss
        #expect(!(highBetterLoss < high))
        #expect(!(high < ValidationScore(accuracy: 0.9, logLoss: 2.0)))
        #expect([high, low, highBetterLoss].max() == highBetterLoss)

        let run = record(
            [high, highBetterLoss, ValidationScore(accuracy: 0.9, logLoss: 0.5)], patience: 1)
        #expect(run.isBest == [true, true, false])
        #expect(run.shouldStop == [false, false, true])
        #expect(run.stopping.best?.epoch == 2)
    }

    @Test func validationScoreFromMetrics() throws {
        let metrics = try BinaryClassificationMetrics(
            probabilities: [0.9, 0.2, 0.6, 0.4], labels: [true, false, false, false])
        let score = ValidationScore(metrics)
        #expect(score.accuracy == 0.75)
        #expect(score.logLoss == metrics.logLoss)
    }
}
