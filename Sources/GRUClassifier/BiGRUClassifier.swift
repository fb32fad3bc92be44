import Dispatch
import Embedding
import Foundation

/// A binary text classifier: embedding → stacked bidirectional GRU → linear layer on the concatenated
/// final states `[h_fwd ; h_bwd]` of the top layer → sigmoid. Trained with mean binary cross-entropy.
///
/// Parameters carry PyTorch's names and layouts (`embedding.weight`, `gru.weight_ih_l0`, …,
/// `out.weight`, `out.bias`), so a model trained here and one trained with `torch.nn.GRU` are
/// interchangeable.
///
/// Batches are ragged `[[Int32]]` token-id sequences; each sequence is processed to its own length
/// (the forward direction ends at its last token, the reverse direction starts there), so other
/// sequences in the batch never change its result. A sequence of length 0 has zero final states: its
/// logit is `out.bias`.
///
/// A batch is split into `threadCount` shards of whole sequences (dealt round-robin after sorting by
/// length, so shards carry similar numbers of tokens) that run on separate threads with their own
/// preallocated workspaces; their gradients are then summed in shard order. Results depend on the thread
/// count only through float rounding. An instance is not safe to use from several threads at once, not
/// even for reads: a read first applies the embedding updates an optimiser deferred (see `AdamOptimizer`).
public final class BiGRUClassifier {
    /// Sizes and options of the model.
    public let configuration: ClassifierConfiguration
    /// Number of threads (shards) a batch is split across; at least 1.
    public var threadCount: Int {
        didSet { threadCount = max(1, threadCount) }
    }
    /// Seed of the dropout masks; the mask of a training step depends on it and on `trainingSteps`.
    public var dropoutSeed: UInt64
    /// Number of `trainStep` calls so far.
    public private(set) var trainingSteps = 0

    let layout: ParameterLayout
    /// `embedding.weight` as stored: while `deferredEmbeddingUpdates` is set, rows may lag behind the
    /// optimiser's steps. Private to this file so that everything else reads through `embedding`, which
    /// catches up first; `runPass` catches up the rows it reads.
    private var storedEmbedding: EmbeddingTable
    /// The Adam state whose deferred updates of unused rows are still pending on `storedEmbedding`.
    private var deferredEmbeddingUpdates: EmbeddingAdamState?
    /// Every other parameter, in `namedParameters()` order (see `ParameterLayout`).
    var dense: [Float]
    private var workspaces: [ShardWorkspace] = []
    private let embeddingAccumulator: SparseRowAccumulator
    /// Gradients of the last `computeGradients` call, reused from step to step.
    var gradients: ClassifierGradients

    /// The number of threads used when none is given: the active processor count.
    public static var defaultThreadCount: Int { ProcessInfo.processInfo.activeProcessorCount }

    /// A model with PyTorch's default initialisation drawn from `seed`: `embedding.weight` ~ N(0, σ²)
    /// with σ = `embeddingStandardDeviation` (PyTorch's `nn.Embedding` uses 1), every GRU tensor
    /// ~ U(−1/√H, 1/√H), `out.weight` and `out.bias` ~ U(−1/√(2H), 1/√(2H)). Each tensor has its own
    /// stream derived from the seed and its name, so equal seeds give equal models.
    public convenience init(
        configuration: ClassifierConfiguration, seed: UInt64, embeddingStandardDeviation: Float = 1,
        threadCount: Int? = nil
    ) throws {
        precondition(
            embeddingStandardDeviation > 0 && embeddingStandardDeviation.isFinite,
            "the embedding's standard deviation must be positive")
        try configuration.validate()
        let layout = ParameterLayout(configuration)
        var tensors: [String: Tensor] = [:]
        for (name, shape) in layout.shapes {
            var generator = SplitMix64(seed: seed, stream: name)
            let count = shape.reduce(1, *)
            let values: [Float]
            if name == ParameterLayout.embeddingName {
                values = (0..<count).map { _ in generator.nextStandardNormal() * embeddingStandardDeviation }
            } else {
                let fanIn = name.hasPrefix("out.") ? 2 * configuration.hidden : configuration.hidden
                let bound = 1 / Float(fanIn).squareRoot()
                values = (0..<count).map { _ in generator.nextUniform(-bound, bound) }
            }
            tensors[name] = Tensor(shape: shape, values: values)
        }
        try self.init(configuration: configuration, parameters: tensors, threadCount: threadCount)
        dropoutSeed = seed
    }

    /// A model with the given parameters, which must be exactly the names of `parameterShapes(for:)`
    /// with exactly those shapes.
    public init(configuration: ClassifierConfiguration, parameters: [String: Tensor], threadCount: Int? = nil)
        throws
    {
        try configuration.validate()
        let layout = ParameterLayout(configuration)
        let shapes = layout.shapes
        for (name, shape) in shapes {
            guard let tensor = parameters[name] else { throw ClassifierError.missingParameter(name: name) }
            guard tensor.shape == shape, tensor.values.count == shape.reduce(1, *) else {
                throw ClassifierError.shapeMismatch(name: name, expected: shape, found: tensor.shape)
            }
        }
        let known = Set(shapes.map(\.name))
        if let extra = parameters.keys.sorted().first(where: { !known.contains($0) }) {
            throw ClassifierError.unexpectedParameter(name: extra)
        }
        var dense = [Float](repeating: 0, count: layout.denseCount)
        for entry in layout.denseEntries {
            dense.replaceSubrange(
                entry.offset..<entry.offset + entry.shape.reduce(1, *), with: parameters[entry.name]!.values)
        }
        self.configuration = configuration
        self.layout = layout
        self.dense = dense
        storedEmbedding = EmbeddingTable(
            vocabularySize: configuration.vocabularySize, dimension: configuration.embeddingDim,
            weights: parameters[ParameterLayout.embeddingName]!.values)
        embeddingAccumulator = SparseRowAccumulator(
            vocabularySize: configuration.vocabularySize, dimension: configuration.embeddingDim)
        gradients = ClassifierGradients(layout: layout)
        self.threadCount = max(1, threadCount ?? Self.defaultThreadCount)
        dropoutSeed = 0
    }

    /// Names and shapes of every parameter of a model with `configuration`, in `namedParameters()` order.
    public static func parameterShapes(for configuration: ClassifierConfiguration) -> [(
        name: String, shape: [Int]
    )] {
        ParameterLayout(configuration).shapes
    }

    /// Every parameter with its PyTorch name, in a stable order: `embedding.weight`, then per layer
    /// `gru.weight_ih_l{k}`, `gru.weight_hh_l{k}`, `gru.bias_ih_l{k}`, `gru.bias_hh_l{k}` and their
    /// `_reverse` twins, then `out.weight`, `out.bias`.
    public func namedParameters() -> [(name: String, tensor: Tensor)] {
        let embedding = embedding
        return [
            (
                ParameterLayout.embeddingName,
                Tensor(shape: [embedding.vocabularySize, embedding.dimension], values: embedding.weights)
            )
        ]
            + layout.denseEntries.map { entry in
                let count = entry.shape.reduce(1, *)
                return (
                    entry.name,
                    Tensor(shape: entry.shape, values: Array(dense[entry.offset..<entry.offset + count]))
                )
            }
    }

    // MARK: Embedding table

    /// `embedding.weight` with every deferred optimiser update applied: the only way to read the table
    /// outside this file.
    var embedding: EmbeddingTable {
        applyDeferredUpdates()
        return storedEmbedding
    }

    /// Runs `body` on the embedding table after every deferred update has been applied.
    func modifyEmbedding<Result>(_ body: (inout EmbeddingTable) throws -> Result) rethrows -> Result {
        applyDeferredUpdates()
        return try body(&storedEmbedding)
    }

    /// Runs an optimiser step `body` on the stored table, whose rows may lag behind `updates`: `body` must
    /// bring up to date every row it changes (as `EmbeddingAdamState.apply` does). Pending updates of
    /// another state are applied first; if `updates` defers some afterwards, the model keeps it so that
    /// every later read catches up.
    func updateEmbedding<Result>(
        deferringTo updates: EmbeddingAdamState, _ body: (inout EmbeddingTable) throws -> Result
    ) rethrows -> Result {
        if let pending = deferredEmbeddingUpdates, pending !== updates { applyDeferredUpdates() }
        defer { if updates.hasDeferredUpdates { deferredEmbeddingUpdates = updates } }
        return try body(&storedEmbedding)
    }

    /// True while some optimiser updates of embedding rows are deferred (for tests and inspection).
    var hasDeferredEmbeddingUpdates: Bool { deferredEmbeddingUpdates?.hasDeferredUpdates ?? false }

    /// Applies every embedding update an optimiser has deferred (see `AdamOptimizer`), split across
    /// `threadCount` threads. Reads do this by themselves; calling it chooses when the cost is paid (after
    /// an epoch, before timing reads), and until the next training step reads then leave the model as is.
    public func applyDeferredUpdates() {
        guard let updates = deferredEmbeddingUpdates else { return }
        updates.catchUpAll(in: &storedEmbedding, threads: threadCount)
        deferredEmbeddingUpdates = nil
    }

    // MARK: Inference

    /// The logit of each sequence (no dropout), in batch order.
    public func logits(for batch: [[Int32]]) throws -> [Float] {
        try validate(batch)
        runPass(
            batch: batch, labels: nil,
            options: PassOptions(computeGradients: false, dropoutSeed: nil, batchCount: batch.count),
            embeddingRows: .wholeTable)
        return collectLogits(count: batch.count)
    }

    /// The probability of the positive class, `σ(logit)`, of each sequence, in batch order.
    public func probabilities(for batch: [[Int32]]) throws -> [Float] {
        try logits(for: batch).map(BinaryCrossEntropy.sigmoid)
    }

    /// Each sequence's final states of the top layer: the forward direction after its last token and
    /// the reverse direction after its first token (zeros for an empty sequence).
    public func finalStates(for batch: [[Int32]]) throws -> (forward: [[Float]], backward: [[Float]]) {
        try validate(batch)
        runPass(
            batch: batch, labels: nil,
            options: PassOptions(computeGradients: false, dropoutSeed: nil, batchCount: batch.count),
            embeddingRows: .wholeTable)
        let h = configuration.hidden
        var forward = [[Float]](repeating: [], count: batch.count)
        var backward = forward
        for workspace in activeWorkspaces(batchCount: batch.count) {
            for (row, member) in workspace.shard.members.enumerated() {
                let finals = workspace.finals.pointer + row * 2 * h
                forward[member] = Array(UnsafeBufferPointer(start: finals, count: h))
                backward[member] = Array(UnsafeBufferPointer(start: finals + h, count: h))
            }
        }
        return (forward, backward)
    }

    /// The mean binary cross-entropy of the batch (no dropout).
    public func loss(batch: [[Int32]], labels: [Float]) throws -> Float {
        try validate(batch, labels: labels)
        runPass(
            batch: batch, labels: labels,
            options: PassOptions(computeGradients: false, dropoutSeed: nil, batchCount: batch.count),
            embeddingRows: .wholeTable)
        return Float(
            activeWorkspaces(batchCount: batch.count).reduce(0) { $0 + $1.lossSum } / Double(batch.count))
    }

    // MARK: Training

    /// The mean binary cross-entropy of the batch and its gradient with respect to every parameter.
    /// With a `dropoutSeed` the pass runs in training mode with dropout masks drawn from that seed;
    /// without one (the default) it is deterministic and dropout-free.
    public func lossAndGradients(batch: [[Int32]], labels: [Float], dropoutSeed: UInt64? = nil) throws -> (
        loss: Float, gradients: ClassifierGradients
    ) {
        let loss = try computeGradients(
            batch: batch, labels: labels, dropoutSeed: dropoutSeed, embeddingRows: .wholeTable)
        return (loss, gradients)
    }

    /// One training step: loss and gradients with dropout (seeded by `dropoutSeed` and the step count),
    /// then `optimizer`'s update. Returns the batch's loss before the update.
    @discardableResult
    public func trainStep(batch: [[Int32]], labels: [Float], optimizer: some ClassifierOptimizer) throws
        -> Float
    {
        let seed = SplitMix64.mix(dropoutSeed ^ SplitMix64.mix(UInt64(trainingSteps) &+ 0x5EED))
        // The optimiser catches up the rows it updates, so the forward pass needs only the batch's rows.
        let loss = try computeGradients(
            batch: batch, labels: labels, dropoutSeed: seed, embeddingRows: .batchOnly)
        optimizer.update(self, with: gradients)
        trainingSteps += 1
        return loss
    }

    /// Fills `gradients` and returns the loss.
    private func computeGradients(
        batch: [[Int32]], labels: [Float], dropoutSeed: UInt64?, embeddingRows: EmbeddingSynchronization
    ) throws -> Float {
        try validate(batch, labels: labels)
        guard !batch.isEmpty else { throw ClassifierError.emptyBatch }
        runPass(
            batch: batch, labels: labels,
            options: PassOptions(computeGradients: true, dropoutSeed: dropoutSeed, batchCount: batch.count),
            embeddingRows: embeddingRows)
        let shards = activeWorkspaces(batchCount: batch.count)
        // Reduce in shard order, so a given thread count always sums in the same order.
        gradients.dense.withUnsafeMutableBufferPointer { total in
            total.baseAddress!.update(from: shards[0].denseGradient.pointer, count: total.count)
            for shard in shards.dropFirst() {
                let part = shard.denseGradient.pointer
                for index in total.indices { total[index] += part[index] }
            }
        }
        embeddingAccumulator.reset()
        for shard in shards {
            let rows = shard.embeddingGradientRows
            embeddingAccumulator.add(ids: rows.ids, rows: rows.rows, rowStride: configuration.embeddingDim)
        }
        embeddingAccumulator.copyGradient(into: &gradients.embedding)
        return Float(shards.reduce(0) { $0 + $1.lossSum } / Double(batch.count))
    }

    // MARK: Passes

    private func validate(_ batch: [[Int32]], labels: [Float]? = nil) throws {
        let vocabularySize = configuration.vocabularySize
        for (sequenceIndex, sequence) in batch.enumerated() {
            for (position, id) in sequence.enumerated() where id < 0 || Int(id) >= vocabularySize {
                throw ClassifierError.tokenOutOfRange(
                    sequence: sequenceIndex, position: position, id: id, vocabularySize: vocabularySize)
            }
        }
        guard let labels else { return }
        guard labels.count == batch.count else {
            throw ClassifierError.labelCountMismatch(sequences: batch.count, labels: labels.count)
        }
        for (index, label) in labels.enumerated() where !(label >= 0 && label <= 1) {
            throw ClassifierError.invalidLabel(sequence: index, value: label)
        }
    }

    /// The number of shards a batch of `batchCount` sequences uses.
    private func shardCount(batchCount: Int) -> Int { max(1, min(threadCount, batchCount)) }

    private func activeWorkspaces(batchCount: Int) -> ArraySlice<ShardWorkspace> {
        workspaces[0..<shardCount(batchCount: batchCount)]
    }

    private func collectLogits(count: Int) -> [Float] {
        var logits = [Float](repeating: 0, count: count)
        for workspace in activeWorkspaces(batchCount: count) {
            for (row, member) in workspace.shard.members.enumerated() {
                logits[member] = workspace.logits.pointer[row]
            }
        }
        return logits
    }

    /// Which embedding rows a pass brings up to date before reading the table.
    private enum EmbeddingSynchronization {
        /// Only the rows of the batch, which are all the pass reads: for the forward pass of a training
        /// step, whose optimiser update catches up the rows it changes.
        case batchOnly
        /// Every row (with `threadCount` threads), so the table is current once a read API returns.
        case wholeTable
    }

    /// Brings the embedding rows the pass needs up to date, sorts the batch longest first, deals it
    /// round-robin into shards and runs them concurrently.
    private func runPass(
        batch: [[Int32]], labels: [Float]?, options: PassOptions, embeddingRows: EmbeddingSynchronization
    ) {
        switch embeddingRows {
        case .wholeTable: applyDeferredUpdates()
        case .batchOnly:
            deferredEmbeddingUpdates?.catchUp(
                rows: batch.joined(), in: &storedEmbedding, threads: threadCount)
        }
        let shards = shardCount(batchCount: batch.count)
        while workspaces.count < shards { workspaces.append(ShardWorkspace(layout: layout)) }
        let order = batch.indices.sorted {
            batch[$0].count != batch[$1].count ? batch[$0].count > batch[$1].count : $0 < $1
        }
        let workspaces = workspaces
        dense.withUnsafeBufferPointer { dense in
            storedEmbedding.weights.withUnsafeBufferPointer { embedding in
                let model = ModelSnapshot(
                    layout: layout, dense: dense.baseAddress!, embedding: embedding.baseAddress!)
                let runShard: @Sendable (Int) -> Void = { shard in
                    workspaces[shard].run(
                        batch: batch, labels: labels,
                        members: stride(from: shard, to: order.count, by: shards).lazy.map { order[$0] },
                        model: model,
                        options: options)
                }
                if shards == 1 {
                    runShard(0)
                } else {
                    DispatchQueue.concurrentPerform(iterations: shards, execute: runShard)
                }
            }
        }
    }
}
