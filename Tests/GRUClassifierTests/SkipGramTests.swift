import Embedding
import Foundation
import Testing

@testable import Embedding

@Suite("Skip-gram pre-training of the embedding")
struct SkipGramTests {
    /// Two topics of ten words each (ids 2–11 and 12–21); every document uses one topic only. Id 0
    /// never occurs.
    static func topicalDocuments(count: Int, seed: UInt64) -> [[Int32]] {
        var random = SplitMix64.skipGram(seed: seed)
        return (0..<count).map { index in
            let first: Int32 = index % 2 == 0 ? 2 : 12
            return (0..<20).map { _ in first + Int32(random.next() % 10) }
        }
    }

    static func cosine(_ vectors: SkipGramVectors, _ a: Int, _ b: Int) -> Double {
        let d = vectors.dimension
        let x = vectors.vectors[a * d..<(a + 1) * d].map(Double.init)
        let y = vectors.vectors[b * d..<(b + 1) * d].map(Double.init)
        let dot = zip(x, y).reduce(0) { $0 + $1.0 * $1.1 }
        let norms = (x.reduce(0) { $0 + $1 * $1 } * y.reduce(0) { $0 + $1 * $1 }).squareRoot()
        return dot / norms
    }

    @Test("words that share contexts end up closer than words that never do", arguments: [1, 2, 3])
    func topicsSeparate(threads: Int) {
        var options = SkipGramOptions()
        options.epochs = 10
        options.threads = threads
        let vectors = SkipGramVectors(
            documents: Self.topicalDocuments(count: 400, seed: 3), vocabularySize: 22, dimension: 16,
            options: options)
        var within: [Double] = []
        var across: [Double] = []
        for a in 2..<22 {
            for b in (a + 1)..<22 {
                let sameTopic = (a < 12) == (b < 12)
                if sameTopic {
                    within.append(Self.cosine(vectors, a, b))
                } else {
                    across.append(Self.cosine(vectors, a, b))
                }
            }
        }
        let meanWithin = within.reduce(0, +) / Double(within.count)
        let meanAcross = across.reduce(0, +) / Double(across.count)
        #expect(meanWithin > 0.5, "mean cosine within a topic \(meanWithin)")
        #expect(
            meanAcross < meanWithin - 0.5, "mean cosine across topics \(meanAcross), within \(meanWithin)")
        #expect(vectors.counts[0] == 0 && vectors.counts[1] == 0)
        #expect(vectors.counts[2...].reduce(0, +) == 400 * 20)
    }

    @Test("a seed gives the same vectors every time; another seed other vectors", arguments: [1, 2])
    func deterministic(threads: Int) {
        let documents = Self.topicalDocuments(count: 50, seed: 1)
        var options = SkipGramOptions()
        options.seed = 7
        options.threads = threads
        let first = SkipGramVectors(documents: documents, vocabularySize: 22, dimension: 8, options: options)
        let again = SkipGramVectors(documents: documents, vocabularySize: 22, dimension: 8, options: options)
        options.seed = 8
        let other = SkipGramVectors(documents: documents, vocabularySize: 22, dimension: 8, options: options)
        #expect(first.vectors.map(\.bitPattern) == again.vectors.map(\.bitPattern))
        #expect(first.vectors != other.vectors)
    }

    @Test(
        "sharded training is another run than the sequential one; more threads than two shards change nothing"
    )
    func shardCounts() {
        let documents = Self.topicalDocuments(count: 400, seed: 6)
        var options = SkipGramOptions()
        let runs = [1, 2, 4].map { threads in
            options.threads = threads
            return SkipGramVectors(documents: documents, vocabularySize: 22, dimension: 8, options: options)
                .vectors
        }
        #expect(runs[0] != runs[1])
        #expect(runs[1].map(\.bitPattern) == runs[2].map(\.bitPattern))
        // The initial vectors are the same: only training differs; rows 0 and 1 never occur.
        #expect(runs[0][0..<16] == runs[1][0..<16])
    }

    @Test("shards merge at least 8 times a pass and at most every 65,536 tokens each, never below 4,096")
    func shardBlocks() {
        #expect(SkipGramVectors.shardBlockTokens(passTokens: 608_449, shards: 2) == 38_028)
        #expect(SkipGramVectors.shardBlockTokens(passTokens: 6_000_000, shards: 2) == 65_536)
        #expect(SkipGramVectors.shardBlockTokens(passTokens: 50_000, shards: 2) == 4_096)
    }

    @Test(
        "progress is reported in order up to every token, and listening changes no vector",
        arguments: [1, 2])
    func progressLeavesTheVectorsAlone(threads: Int) {
        // Sharded training reports between blocks of documents: give it a few blocks per pass.
        let documents = Self.topicalDocuments(count: threads == 1 ? 300 : 3_000, seed: 4)
        var options = SkipGramOptions()
        options.epochs = 3
        options.seed = 5
        options.threads = threads
        let quiet = SkipGramVectors(documents: documents, vocabularySize: 22, dimension: 8, options: options)
        var reports: [SkipGramProgress] = []
        let heard = SkipGramVectors(
            documents: documents, vocabularySize: 22, dimension: 8, options: options
        ) { reports.append($0) }
        #expect(heard.vectors.map(\.bitPattern) == quiet.vectors.map(\.bitPattern))
        let passTokens = documents.count * 20
        let total = passTokens * 3
        // One report per block when sharded (blocks fill up to the last document, hence the slack).
        let blocks =
            total / (threads * SkipGramVectors.shardBlockTokens(passTokens: passTokens, shards: threads))
        #expect(
            reports.count > (threads == 1 ? 100 : blocks / 2)
                && reports.count <= SkipGramVectors.progressReports + 1)
        #expect(reports.last == SkipGramProgress(epoch: 3, epochs: 3, tokens: total, totalTokens: total))
        #expect(
            zip(reports, reports.dropFirst()).allSatisfy { $0.tokens < $1.tokens && $0.epoch <= $1.epoch })
        #expect(Set(reports.map(\.epoch)) == [1, 2, 3])
    }

    @Test("an error thrown by the progress listener stops the training")
    func progressCanStopTheTraining() {
        struct Stop: Error {}
        var calls = 0
        #expect(throws: Stop.self) {
            _ = try SkipGramVectors(
                documents: Self.topicalDocuments(count: 300, seed: 4), vocabularySize: 22, dimension: 8
            ) { _ in
                calls += 1
                if calls == 3 { throw Stop() }
            }
        }
        #expect(calls == 3)
    }

    @Test("standardised rows are centred at the requested scale; rows never seen keep their values")
    func standardized() {
        let vectors = SkipGramVectors(
            documents: Self.topicalDocuments(count: 60, seed: 2), vocabularySize: 24, dimension: 6)
        let untouched: [Float] = (0..<24 * 6).map { Float($0) }
        var table = untouched
        let written = vectors.copyStandardized(into: &table, standardDeviation: 0.1)
        #expect(written == 20)
        // Ids 0, 1, 22 and 23 never occur.
        for row in [0, 1, 22, 23] {
            #expect(Array(table[row * 6..<(row + 1) * 6]) == Array(untouched[row * 6..<(row + 1) * 6]))
        }
        let trained = (2..<22).flatMap { row in table[row * 6..<(row + 1) * 6].map(Double.init) }
        for column in 0..<6 {
            let mean = stride(from: column, to: trained.count, by: 6).map { trained[$0] }.reduce(0, +) / 20
            #expect(abs(mean) < 1e-6, "column \(column) mean \(mean)")
        }
        let deviation = (trained.reduce(0) { $0 + $1 * $1 } / Double(trained.count)).squareRoot()
        #expect(abs(deviation - 0.1) < 1e-5)
    }

    @Test("sub-sampling keeps rare words always and frequent words less the more frequent they are")
    func subsampling() {
        let keep = SkipGramVectors.keepProbabilities(
            counts: [0, 1, 100, 10_000], total: 10_101, subsampling: 1e-3)
        #expect(keep[0] == 1 && keep[1] == 1)
        #expect(keep[3] < keep[2] && keep[2] <= 1 && keep[3] > 0)
        // (√(f/s) + 1)·s/f with f = 10,000/10,101 and s = 0.001.
        let f = 10_000.0 / 10_101
        #expect(abs(Double(keep[3]) - ((f / 1e-3).squareRoot() + 1) * 1e-3 / f) < 1e-6)
        let all = SkipGramVectors.keepProbabilities(counts: [3, 10_000], total: 10_003, subsampling: 0)
        #expect(all == [1, 1])
    }

    @Test("negative samples follow count^¾ and never draw a token that does not occur")
    func negativeSampling() {
        let counts = [0, 16, 0, 81, 1, 256]
        let sampler = NegativeSampler(counts: counts)
        var random = SplitMix64.skipGram(seed: 11)
        var drawn = [Int](repeating: 0, count: counts.count)
        let draws = 400_000
        for _ in 0..<draws { drawn[Int(sampler.sample(using: &random))] += 1 }
        let weights = counts.map { pow(Double($0), 0.75) }
        let total = weights.reduce(0, +)
        #expect(drawn[0] == 0 && drawn[2] == 0)
        for id in counts.indices where counts[id] > 0 {
            let expected = weights[id] / total
            let observed = Double(drawn[id]) / Double(draws)
            #expect(abs(observed - expected) < 0.005, "id \(id): \(observed) drawn, \(expected) expected")
        }
    }
}
