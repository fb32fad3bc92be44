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
    /// Threads that train at once, each on a shard of the documents; at most `maximumShards` are used.
    /// 1 is word2vec's sequential training. With two, the documents of each block are dealt to the
    /// shards, each shard trains its own copy of the vectors on its documents, and at the end of the
    /// block both shards' changes are added to the vectors (in shard order, so a seed and a shard count
    /// always give the same vectors): Hogwild's parallel SGD (Recht et al. 2011, as word2vec's threads
    /// run), with the other shard's updates seen a block late instead of at random times.
    public var threads = 1

    /// The most shards sharded training uses. Each shard's change to a frequent word is computed from
    /// the same stale start, so the merged change of S shards acts as S times the learning rate on the
    /// most frequent words: two shards train as well as one, three already blur the topics of a
    /// 20-word test corpus that one and two separate cleanly.
    public static let maximumShards = 2

    /// The shards training uses: `threads`, at most `maximumShards`, at least 1.
    public var shards: Int { max(1, min(threads, Self.maximumShards)) }

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
/// embedding from vectors in which words used alike lie close together instead of from noise. A seed and
/// `SkipGramOptions.threads` always give the same vectors.
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
        let keepProbabilities = Self.keepProbabilities(
            counts: counts, total: total, subsampling: options.subsampling)
        let sampler = NegativeSampler(counts: counts)
        let corpus = Corpus(
            documents: documents, keepProbabilities: keepProbabilities, sampler: sampler, options: options,
            dimension: dimension, plannedTokens: Double(total) * Double(options.epochs))
        let schedule = ProgressSchedule(epochs: options.epochs, totalTokens: total * options.epochs)
        if options.shards == 1 {
            try Self.trainSequentially(
                corpus, vectors: &vectors, random: &random, schedule: schedule, progress: progress)
        } else {
            try Self.trainInShards(
                corpus, vectors: &vectors, random: &random, schedule: schedule, progress: progress)
        }
    }

    /// word2vec's training: one pass after the other over the documents in a shuffled order, every update
    /// seen by the next.
    private static func trainSequentially(
        _ corpus: Corpus, vectors: inout [Float], random: inout SplitMix64, schedule: ProgressSchedule,
        progress: (SkipGramProgress) throws -> Void
    ) rethrows {
        var outputs = [Float](repeating: 0, count: vectors.count)
        var trainer = PairTrainer(dimension: corpus.dimension, negatives: corpus.options.negatives)
        var order = Array(corpus.documents.indices)
        var kept: [Int32] = []
        var seenTokens = 0
        var schedule = schedule
        try vectors.withUnsafeMutableBufferPointer { inputs in
            try outputs.withUnsafeMutableBufferPointer { outputs in
                let tables = Tables(inputs: inputs.baseAddress!, outputs: outputs.baseAddress!)
                for epoch in 0..<corpus.options.epochs {
                    random.shuffleByModulo(&order)
                    for index in order {
                        if let report = schedule.due(epoch: epoch, tokens: seenTokens) {
                            try progress(report)
                        }
                        let document = corpus.documents[index]
                        let rate = corpus.learningRate(afterTokens: seenTokens)
                        seenTokens += document.count
                        corpus.train(
                            document, rate: rate, tables: tables, trainer: &trainer, kept: &kept,
                            random: &random)
                    }
                }
            }
        }
        try progress(schedule.final(tokens: seenTokens))
    }

    /// Tokens each shard reads between two merges: at least 8 merges per pass, so that the shards of a
    /// small corpus do not drift apart for a whole pass, and at most 65,536 tokens each, against whose
    /// training a merge (which reads every copy) costs little while the shards see each other sooner;
    /// never fewer than 4,096, below which the merges would cost more than the training.
    static func shardBlockTokens(passTokens: Int, shards: Int) -> Int {
        min(65_536, max(4_096, passTokens / (8 * shards)))
    }

    /// The sharded training of `SkipGramOptions.threads`: each block of documents (in the shuffled order)
    /// is dealt to the shards by their token counts, every shard trains a copy of the input and output
    /// vectors on its documents on a thread of its own, with its own random stream, and then each
    /// shard's change is added to the vectors and the copies start the next block from the sum.
    private static func trainInShards(
        _ corpus: Corpus, vectors: inout [Float], random: inout SplitMix64, schedule: ProgressSchedule,
        progress: (SkipGramProgress) throws -> Void
    ) rethrows {
        let shards = corpus.options.shards
        let tableSize = vectors.count
        // Input vectors, then output vectors (zero, as word2vec starts them).
        var merged = vectors + [Float](repeating: 0, count: tableSize)
        var copies = [Float]()
        copies.reserveCapacity(shards * merged.count)
        for _ in 0..<shards { copies += merged }
        let passTokens = corpus.documents.reduce(0) { $0 + $1.count }
        let blockTokens = shards * Self.shardBlockTokens(passTokens: passTokens, shards: shards)
        var order = Array(corpus.documents.indices)
        var dealt = [[Int]](repeating: [], count: shards)
        var seenTokens = 0
        var schedule = schedule
        var block: UInt64 = 0
        for epoch in 0..<corpus.options.epochs {
            random.shuffleByModulo(&order)
            var start = 0
            while start < order.count {
                if let report = schedule.due(epoch: epoch, tokens: seenTokens) { try progress(report) }
                // The block's documents, each to the shard with the fewest tokens so far.
                for shard in 0..<shards { dealt[shard].removeAll(keepingCapacity: true) }
                var load = [Int](repeating: 0, count: shards)
                var tokens = 0
                while start < order.count && tokens < blockTokens {
                    let shard = load.indices.min { load[$0] < load[$1] }!
                    dealt[shard].append(order[start])
                    load[shard] += corpus.documents[order[start]].count
                    tokens += corpus.documents[order[start]].count
                    start += 1
                }
                let blockSeed = SplitMix64.mix(corpus.options.seed ^ SplitMix64.mix(block &+ 0x5348_4152_44))
                let firstToken = seenTokens
                let work = dealt
                copies.withUnsafeMutableBufferPointer { copies in
                    let base = ShardCopies(base: copies.baseAddress!, copySize: 2 * tableSize)
                    ParallelWork.run(parts: shards) { shard in
                        let tables = base.tables(shard: shard)
                        var random = SplitMix64(seed: SplitMix64.mix(blockSeed ^ UInt64(shard)))
                        var trainer = PairTrainer(
                            dimension: corpus.dimension, negatives: corpus.options.negatives)
                        var kept: [Int32] = []
                        var shardTokens = 0
                        for index in work[shard] {
                            let document = corpus.documents[index]
                            // Where the whole run stands if every shard has read as far as this one.
                            let rate = corpus.learningRate(afterTokens: firstToken + shardTokens * shards)
                            shardTokens += document.count
                            corpus.train(
                                document, rate: rate, tables: tables, trainer: &trainer, kept: &kept,
                                random: &random)
                        }
                    }
                }
                seenTokens += tokens
                Self.merge(copies: &copies, into: &merged, shards: shards)
                block &+= 1
            }
        }
        vectors.withUnsafeMutableBufferPointer { vectors in
            merged.withUnsafeBufferPointer { merged in
                vectors.baseAddress!.update(from: merged.baseAddress!, count: tableSize)
            }
        }
        try progress(schedule.final(tokens: seenTokens))
    }

    /// Adds every copy's change since the last merge to `merged` (in shard order) and starts every copy
    /// from the sum; split across the shards' threads by ranges of values.
    private static func merge(copies: inout [Float], into merged: inout [Float], shards: Int) {
        let size = merged.count
        copies.withUnsafeMutableBufferPointer { copies in
            merged.withUnsafeMutableBufferPointer { merged in
                let pointers = MergePointers(copies: copies.baseAddress!, merged: merged.baseAddress!)
                ParallelWork.run(parts: shards) { part in
                    for index in ParallelWork.range(part, of: shards, count: size) {
                        let before = pointers.merged[index]
                        var sum = before
                        for shard in 0..<shards { sum += pointers.copies[shard * size + index] - before }
                        pointers.merged[index] = sum
                        for shard in 0..<shards { pointers.copies[shard * size + index] = sum }
                    }
                }
            }
        }
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

/// The input and output vector tables one training run updates.
private struct Tables: @unchecked Sendable {
    let inputs: UnsafeMutablePointer<Float>
    let outputs: UnsafeMutablePointer<Float>
}

/// The shards' copies, each its input then its output table; each shard's thread touches its own only.
private struct ShardCopies: @unchecked Sendable {
    let base: UnsafeMutablePointer<Float>
    let copySize: Int

    func tables(shard: Int) -> Tables {
        Tables(inputs: base + shard * copySize, outputs: base + shard * copySize + copySize / 2)
    }
}

/// The copies and the merged tables during a merge; each thread touches its own range of values.
private struct MergePointers: @unchecked Sendable {
    let copies: UnsafeMutablePointer<Float>
    let merged: UnsafeMutablePointer<Float>
}

/// What every document's training reads: the documents and the fixed settings of the run.
private struct Corpus: Sendable {
    let documents: [[Int32]]
    let keepProbabilities: [Float]
    let sampler: NegativeSampler
    let options: SkipGramOptions
    let dimension: Int
    let plannedTokens: Double

    /// word2vec's learning rate once `tokens` token occurrences have been read: falling linearly to
    /// 1/10,000 of the start by the end of the run.
    func learningRate(afterTokens tokens: Int) -> Float {
        options.learningRate * Float(max(1e-4, 1 - Double(tokens) / plannedTokens))
    }

    /// Trains on one document: drops frequent words at random, then for every kept word draws its
    /// window and updates each context word's vector against the word's output vector and negative
    /// samples.
    func train(
        _ document: [Int32], rate: Float, tables: Tables, trainer: inout PairTrainer, kept: inout [Int32],
        random: inout SplitMix64
    ) {
        kept.removeAll(keepingCapacity: true)
        for id in document
        where keepProbabilities[Int(id)] >= 1 || random.nextUnitFloat() < keepProbabilities[Int(id)] {
            kept.append(id)
        }
        guard kept.count > 1 else { return }
        let window = options.window
        for position in kept.indices {
            let reach = window - Int(random.next() % UInt64(window))
            let word = kept[position]
            for contextPosition in max(0, position - reach)...min(kept.count - 1, position + reach)
            where contextPosition != position {
                trainer.update(
                    input: kept[contextPosition], target: word, rate: rate, tables: tables, sampler: sampler,
                    random: &random)
            }
        }
    }
}

/// When to tell the caller's progress function how far training has got: about `progressReports`
/// times, and once at the end.
private struct ProgressSchedule {
    let epochs: Int
    let totalTokens: Int
    let every: Int
    var next: Int

    init(epochs: Int, totalTokens: Int) {
        self.epochs = epochs
        self.totalTokens = totalTokens
        every = max(1, totalTokens / SkipGramVectors.progressReports)
        next = every
    }

    /// The report to give once `tokens` token occurrences have been read in pass `epoch` (from 0), if one
    /// is due.
    mutating func due(epoch: Int, tokens: Int) -> SkipGramProgress? {
        guard tokens >= next else { return nil }
        next = tokens + every
        return SkipGramProgress(epoch: epoch + 1, epochs: epochs, tokens: tokens, totalTokens: totalTokens)
    }

    func final(tokens: Int) -> SkipGramProgress {
        SkipGramProgress(epoch: epochs, epochs: epochs, tokens: tokens, totalTokens: totalTokens)
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
        input: Int32, target: Int32, rate: Float, tables: Tables, sampler: NegativeSampler,
        random: inout SplitMix64
    ) {
        let dimension = dimension
        rows[0] = tables.outputs + Int(target) * dimension
        var count = 1
        for _ in 0..<negatives {
            let negative = sampler.sample(using: &random)
            if negative == target { continue }
            rows[count] = tables.outputs + Int(negative) * dimension
            count += 1
        }
        gradient.withUnsafeMutableBufferPointer { scratch in
            sk_skipgram_update(
                Int32(dimension), tables.inputs + Int(input) * dimension, rows, Int32(count), rate,
                scratch.baseAddress!)
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
