import CKernels

/// Settings of skip-gram pre-training (word2vec's skip-gram with negative sampling, as in Mikolov et
/// al. 2013); the defaults are word2vec's and gensim's.
public struct SkipGramOptions: Sendable, Equatable {
    /// Passes over the documents.
    public var epochs = 5
    /// Largest distance between a word and a context word; each position draws its own window from
    /// 1...window, so nearer words count more.
    public var window = 5
    /// Negative samples per (word, context) pair, drawn from the unigram distribution raised to 3/4.
    public var negatives = 5
    /// Learning rate at the start; it falls linearly to 1/10,000 of it by the end.
    public var learningRate: Float = 0.025
    /// Frequent words are dropped at random (word2vec's `sample`): a word making up a fraction f of the
    /// tokens is kept with probability (√(f/s) + 1)·s/f for s = `subsampling`; 0 keeps every word.
    public var subsampling: Double = 1e-3
    /// Seed of the initial vectors, the document order, the windows, the dropped words and the samples.
    public var seed: UInt64 = 1

    /// word2vec's defaults, five epochs and seed 1.
    public init() {}
}

/// How far skip-gram pre-training has got, reported as it runs.
public struct SkipGramProgress: Sendable, Equatable {
    /// The pass under way, from 1, and the number of passes.
    public var epoch: Int
    public var epochs: Int
    /// Token occurrences read so far over all passes, and how many the whole run reads.
    public var tokens: Int
    public var totalTokens: Int
}

/// Word vectors learned from unlabelled text by skip-gram with negative sampling, to start a classifier's
/// embedding from vectors in which words used alike lie close together instead of from noise. Runs on
/// one thread, so a seed always gives the same vectors.
public struct SkipGramVectors: Sendable {
    /// Number of rows (token ids `0..<vocabularySize`).
    public let vocabularySize: Int
    /// Length of each vector.
    public let dimension: Int
    /// Row-major `[vocabularySize × dimension]` input vectors (the ones word2vec publishes).
    public private(set) var vectors: [Float]
    /// Occurrences of each token id in the documents; a row whose count is 0 was never trained.
    public let counts: [Int]

    /// How many times a run reports its progress (at most; and once at its end).
    public static let progressReports = 1000

    /// Trains vectors for token ids `0..<vocabularySize` on `documents` (sequences of token ids; each is
    /// one context, windows never cross documents). Ids outside the vocabulary are a programming error.
    public init(documents: [[Int32]], vocabularySize: Int, dimension: Int, options: SkipGramOptions = .init())
    {
        self.init(
            documents: documents, vocabularySize: vocabularySize, dimension: dimension, options: options,
            progress: { _ in })
    }

    /// The same training, telling `progress` how far it has got about `progressReports` times and once at
    /// the end, between documents. It only reads counters, so the vectors are the same with or without
    /// it; an error it throws stops the training.
    public init(
        documents: [[Int32]], vocabularySize: Int, dimension: Int, options: SkipGramOptions = .init(),
        progress: (SkipGramProgress) throws -> Void
    ) rethrows {
        precondition(vocabularySize > 0 && dimension > 0, "skip-gram needs positive sizes")
        precondition(options.epochs >= 0 && options.window >= 1 && options.negatives >= 0)
        self.vocabularySize = vocabularySize
        self.dimension = dimension
        var counts = [Int](repeating: 0, count: vocabularySize)
        for document in documents {
            for id in document {
                precondition(id >= 0 && Int(id) < vocabularySize, "token id \(id) outside the vocabulary")
                counts[Int(id)] += 1
            }
        }
        self.counts = counts
        var random = SplitMix64.skipGram(seed: options.seed)
        // word2vec's start: small uniform input vectors, zero output vectors.
        vectors = (0..<vocabularySize * dimension).map { _ in
            (random.nextUnitFloat() - 0.5) / Float(dimension)
        }
        let total = counts.reduce(0, +)
        guard total > 0, options.epochs > 0 else { return }
        var outputs = [Float](repeating: 0, count: vocabularySize * dimension)
        let keepProbabilities = Self.keepProbabilities(
            counts: counts, total: total, subsampling: options.subsampling)
        let sampler = NegativeSampler(counts: counts)
        var trainer = PairTrainer(dimension: dimension, negatives: options.negatives)
        let plannedTokens = Double(total) * Double(options.epochs)
        var seenTokens = 0
        var order = Array(documents.indices)
        var kept: [Int32] = []
        let totalTokens = total * options.epochs
        let reportEvery = max(1, totalTokens / Self.progressReports)
        var nextReport = reportEvery
        for epoch in 0..<options.epochs {
            random.shuffleByModulo(&order)
            for index in order {
                if seenTokens >= nextReport {
                    nextReport = seenTokens + reportEvery
                    try progress(
                        SkipGramProgress(
                            epoch: epoch + 1, epochs: options.epochs, tokens: seenTokens,
                            totalTokens: totalTokens))
                }
                let document = documents[index]
                let done = Double(seenTokens) / plannedTokens
                let rate = options.learningRate * Float(max(1e-4, 1 - done))
                seenTokens += document.count
                kept.removeAll(keepingCapacity: true)
                for id in document
                where keepProbabilities[Int(id)] >= 1 || random.nextUnitFloat() < keepProbabilities[Int(id)] {
                    kept.append(id)
                }
                guard kept.count > 1 else { continue }
                for position in kept.indices {
                    let reach = options.window - Int(random.next() % UInt64(options.window))
                    let word = kept[position]
                    for contextPosition in max(0, position - reach)...min(kept.count - 1, position + reach)
                    where contextPosition != position {
                        trainer.update(
                            input: kept[contextPosition], target: word, rate: rate, vectors: &vectors,
                            outputs: &outputs, sampler: sampler, random: &random)
                    }
                }
            }
        }
        try progress(
            SkipGramProgress(
                epoch: options.epochs, epochs: options.epochs, tokens: seenTokens, totalTokens: totalTokens))
    }

    /// Writes the trained rows into `table` (a `[vocabularySize × dimension]` embedding, row-major),
    /// centred on their mean and scaled so that their values have standard deviation
    /// `standardDeviation` (the scale the classifier's random embedding starts at). Rows of tokens
    /// that never occurred keep the values they have in `table`. Returns the number of rows written.
    @discardableResult
    public func copyStandardized(into table: inout [Float], standardDeviation: Float) -> Int {
        precondition(table.count == vocabularySize * dimension, "table of the wrong size")
        let trained = counts.indices.filter { counts[$0] > 0 }
        guard !trained.isEmpty else { return 0 }
        var mean = [Double](repeating: 0, count: dimension)
        for row in trained {
            for column in 0..<dimension { mean[column] += Double(vectors[row * dimension + column]) }
        }
        for column in 0..<dimension { mean[column] /= Double(trained.count) }
        var squares = 0.0
        for row in trained {
            for column in 0..<dimension {
                let centred = Double(vectors[row * dimension + column]) - mean[column]
                squares += centred * centred
            }
        }
        let deviation = (squares / Double(trained.count * dimension)).squareRoot()
        let scale = deviation > 0 ? Double(standardDeviation) / deviation : 0
        for row in trained {
            for column in 0..<dimension {
                let index = row * dimension + column
                table[index] = Float((Double(vectors[index]) - mean[column]) * scale)
            }
        }
        return trained.count
    }

    /// The probability with which each token's occurrences are kept (word2vec's sub-sampling formula).
    static func keepProbabilities(counts: [Int], total: Int, subsampling: Double) -> [Float] {
        guard subsampling > 0 else { return [Float](repeating: 1, count: counts.count) }
        let threshold = subsampling * Double(total)
        return counts.map { count in
            guard count > 0 else { return 1 }
            let keep = ((Double(count) / threshold).squareRoot() + 1) * threshold / Double(count)
            return Float(min(1, keep))
        }
    }
}

/// Draws token ids with probability proportional to count^¾ in constant time (Walker's alias method:
/// one uniform column, then that column's own id or its alias), so sampling costs no more than the
/// vector updates it feeds.
struct NegativeSampler: Sendable {
    private let threshold: [Float]
    private let alias: [Int32]

    init(counts: [Int]) {
        // count^¾ = √c · ⁴√c
        let weights = counts.map { count in
            Double(count).squareRoot() * Double(count).squareRoot().squareRoot()
        }
        let total = weights.reduce(0, +)
        let columns = weights.count
        var scaled = weights.map { total > 0 ? $0 * Double(columns) / total : 1 }
        var threshold = [Float](repeating: 1, count: columns)
        var alias = (0..<columns).map { Int32($0) }
        var small = scaled.indices.filter { scaled[$0] < 1 }
        var large = scaled.indices.filter { scaled[$0] >= 1 }
        while let under = small.popLast(), let over = large.last {
            threshold[under] = Float(scaled[under])
            alias[under] = Int32(over)
            scaled[over] -= 1 - scaled[under]
            if scaled[over] < 1 {
                large.removeLast()
                small.append(over)
            }
        }
        // What is left over holds probability 1 up to rounding.
        self.threshold = threshold
        self.alias = alias
    }

    func sample(using random: inout SplitMix64) -> Int32 {
        let bits = random.next()
        let column = Int(((bits >> 32) * UInt64(threshold.count)) >> 32)
        let unit = Float(bits & 0xFF_FFFF) * 0x1p-24
        return unit < threshold[column] ? Int32(column) : alias[column]
    }
}

/// The per-pair update, with its row pointers and scratch allocated once.
private struct PairTrainer {
    let dimension: Int
    let negatives: Int
    var rows: [UnsafeMutablePointer<Float>?]
    var gradient: [Float]

    init(dimension: Int, negatives: Int) {
        self.dimension = dimension
        self.negatives = negatives
        rows = [UnsafeMutablePointer<Float>?](repeating: nil, count: negatives + 1)
        gradient = [Float](repeating: 0, count: dimension)
    }

    /// Moves `input`'s vector towards `target`'s output vector and away from negative samples' (a sample
    /// equal to the target is skipped, as word2vec does).
    mutating func update(
        input: Int32, target: Int32, rate: Float, vectors: inout [Float], outputs: inout [Float],
        sampler: NegativeSampler, random: inout SplitMix64
    ) {
        let dimension = dimension
        var count = 0
        outputs.withUnsafeMutableBufferPointer { outputTable in
            let base = outputTable.baseAddress!
            rows[0] = base + Int(target) * dimension
            count = 1
            for _ in 0..<negatives {
                let negative = sampler.sample(using: &random)
                if negative == target { continue }
                rows[count] = base + Int(negative) * dimension
                count += 1
            }
            vectors.withUnsafeMutableBufferPointer { inputTable in
                gradient.withUnsafeMutableBufferPointer { scratch in
                    sk_skipgram_update(
                        Int32(dimension), inputTable.baseAddress! + Int(input) * dimension, rows,
                        Int32(count),
                        rate, scratch.baseAddress!)
                }
            }
        }
    }
}

extension SplitMix64 {
    /// The generator of skip-gram pre-training for `seed`: its own stream, apart from the other uses of
    /// the same seed.
    static func skipGram(seed: UInt64) -> SplitMix64 { SplitMix64(seed: seed ^ 0x5DEE_CE66_D1CE_4E5B) }

    /// Fisher–Yates shuffle drawing `next() % (i + 1)` (Swift's `shuffle(using:)` draws differently, and
    /// pre-training's order must stay what it was when its accuracy was measured).
    mutating func shuffleByModulo(_ values: inout [Int]) {
        guard values.count > 1 else { return }
        for index in stride(from: values.count - 1, to: 0, by: -1) {
            values.swapAt(index, Int(next() % UInt64(index + 1)))
        }
    }
}
