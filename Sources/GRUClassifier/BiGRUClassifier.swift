import CKernels
import Embedding
import Foundation

/// A binary text classifier: embedding → stacked bidirectional GRU → linear layer on the concatenated
/// final states `[h_fwd ; h_bwd]` of the top layer → sigmoid. Trained with mean binary cross-entropy.
///
/// With `configuration.ngramBuckets > 0` a wide channel adds to the logit: each distinct n-gram bucket of
/// the document (`NGramHashing`, passed as `ngrams` beside the token ids) contributes
/// `wide.weight[b] · wide.scale[b]` (Cheng et al. 2016's wide & deep, with the naive-Bayes scaling of
/// Wang & Manning 2012), trained jointly with the rest.
///
/// Parameters carry PyTorch's names and layouts (`embedding.weight`, `gru.weight_ih_l0`, …,
/// `out.weight`, `out.bias`), so a model trained here and one trained with `torch.nn.GRU` are
/// interchangeable.
///
/// Batches are ragged `[[Int32]]` token-id sequences; each sequence is processed to its own length
/// (the forward direction ends at its last token, the reverse direction starts there), so other
/// sequences in the batch never change its result: its logit is the same float, bit for bit, in any
/// batch and with any thread count (the matrix products compute a row the same way whatever their other
/// rows). A sequence of length 0 has zero final states: its logit is `out.bias`.
///
/// A batch is split into `threadCount` shards of whole sequences (dealt round-robin after sorting by
/// length, so shards carry similar numbers of tokens) that run on separate threads with their own
/// preallocated workspaces; their gradients are then summed in shard order, so gradients (unlike
/// logits) depend on the thread count through float rounding. An instance is not safe to use from several threads at once (the
/// workspaces are shared).
///
/// The network computes; it never updates itself. Training is a loop of `trainingLossAndGradients`
/// and an optimiser's `update(&classifier.parameters, with: classifier.gradients)` (see
/// `ClassifierTrainer`).
public final class BiGRUClassifier {
    /// Sizes and options of the model.
    public let configuration: ClassifierConfiguration
    /// Number of threads (shards) a batch is split across; at least 1.
    public var threadCount: Int {
        didSet { threadCount = max(1, threadCount) }
    }
    /// Seed of the dropout masks; the mask of a training step depends on it and on `trainingSteps`.
    public var dropoutSeed: UInt64
    /// Number of `trainingLossAndGradients` calls so far.
    public private(set) var trainingSteps = 0

    let layout: ParameterLayout
    /// Every parameter. Optimisers update them in place; their sizes must not change. While an optimiser
    /// defers updates (`AdamOptimizer`'s dense embedding mode), embedding rows may lag behind until its
    /// `synchronize(_:)`: `ClassifierTrainer` calls it before validating, averaging or handing out
    /// parameters, and so must any other loop before it reads the model.
    public var parameters: ClassifierParameters
    private var workspaces: [ShardWorkspace] = []
    private let embeddingAccumulator: SparseRowAccumulator
    private let wideAccumulator: SparseRowAccumulator
    /// Gradients of the last `lossAndGradients` or `trainingLossAndGradients` call, reused from step to
    /// step (read them before the next call).
    public private(set) var gradients: ClassifierGradients

    /// The number of threads used when none is given: the active processor count.
    public static var defaultThreadCount: Int { ProcessInfo.processInfo.activeProcessorCount }

    /// A model with PyTorch's default initialisation drawn from `seed`: `embedding.weight` ~ N(0, σ²)
    /// with σ = `embeddingStandardDeviation` (PyTorch's `nn.Embedding` uses 1), every GRU tensor
    /// ~ U(−1/√H, 1/√H), `out.weight` and `out.bias` ~ U(−1/√W, 1/√W) for the head width W (2H; 6H
    /// with pooling). Each tensor has its own stream derived from the seed and its name, so equal seeds
    /// give equal models.
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
            } else if name == ParameterLayout.wideWeightName {
                values = [Float](repeating: 0, count: count)
            } else if name == ParameterLayout.wideScaleName {
                values = [Float](repeating: 1, count: count)
            } else if layout.negation != nil, name.hasPrefix(NegationTransform.namePrefix) {
                values = NegationTransform.initialValues(name: name, shape: shape)
            } else {
                let fanIn = name.hasPrefix("out.") ? configuration.headWidth : configuration.hidden
                let bound = 1 / Float(fanIn).squareRoot()
                values = (0..<count).map { _ in generator.nextUniform(-bound, bound) }
            }
            tensors[name] = Tensor(shape: shape, values: values)
        }
        try self.init(configuration: configuration, parameters: tensors, threadCount: threadCount)
        dropoutSeed = seed
    }

    /// A model with the given parameters, which must be exactly the names of `parameterShapes(for:)`
    /// with exactly those shapes. With `borrowedEmbedding`, the embedding table reads its rows from
    /// those floats (a mapped model file's) rather than from a tensor of `parameters`, which then has none.
    public init(
        configuration: ClassifierConfiguration, parameters: [String: Tensor],
        borrowedEmbedding: ReadOnlyValues? = nil, threadCount: Int? = nil
    ) throws {
        try configuration.validate()
        let layout = ParameterLayout(configuration)
        let shapes = layout.shapes
        for (name, shape) in shapes {
            if name == ParameterLayout.embeddingName, let borrowedEmbedding {
                if parameters[name] != nil { throw ClassifierError.unexpectedParameter(name: name) }
                guard borrowedEmbedding.count == shape.reduce(1, *) else {
                    throw ClassifierError.shapeMismatch(name: name, expected: shape, found: [borrowedEmbedding.count])
                }
                continue
            }
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
        self.parameters = ClassifierParameters(
            layout: layout,
            embedding: borrowedEmbedding.map {
                EmbeddingTable(
                    vocabularySize: configuration.vocabularySize, dimension: configuration.embeddingDim, reading: $0)
            }
                ?? EmbeddingTable(
                    vocabularySize: configuration.vocabularySize, dimension: configuration.embeddingDim,
                    weights: parameters[ParameterLayout.embeddingName]!.values),
            dense: dense,
            wide: parameters[ParameterLayout.wideWeightName].map {
                EmbeddingTable(vocabularySize: configuration.ngramBuckets, dimension: 1, weights: $0.values)
            },
            wideScale: parameters[ParameterLayout.wideScaleName]?.values ?? [])
        embeddingAccumulator = SparseRowAccumulator(
            vocabularySize: configuration.vocabularySize, dimension: configuration.embeddingDim)
        wideAccumulator = SparseRowAccumulator(
            vocabularySize: max(1, configuration.ngramBuckets), dimension: 1)
        gradients = ClassifierGradients(layout: layout)
        self.threadCount = max(1, threadCount ?? Self.defaultThreadCount)
        dropoutSeed = 0
    }

    /// The embedding table's tensor in `namedParameters()`.
    public static let embeddingName = ParameterLayout.embeddingName

    /// The wide channel's tensors in `namedParameters()`: the learned weight and the fixed scale of
    /// each n-gram bucket.
    public static let wideWeightName = ParameterLayout.wideWeightName
    public static let wideScaleName = ParameterLayout.wideScaleName

    /// Names and shapes of every parameter of a model with `configuration`, in `namedParameters()` order.
    public static func parameterShapes(for configuration: ClassifierConfiguration) -> [(
        name: String, shape: [Int]
    )] {
        ParameterLayout(configuration).shapes
    }

    /// Every parameter with its PyTorch name, in a stable order: `embedding.weight`, then per layer
    /// `gru.weight_ih_l{k}`, `gru.weight_hh_l{k}`, `gru.bias_ih_l{k}`, `gru.bias_hh_l{k}` and their
    /// `_reverse` twins, then `out.weight`, `out.bias`, then (with the wide channel) `wide.weight` and
    /// `wide.scale`.
    /// `includingEmbedding: false` leaves out the embedding (for a caller that shares its borrowed rows).
    public func namedParameters(includingEmbedding: Bool = true) -> [(name: String, tensor: Tensor)] {
        let embedding = parameters.embedding
        let dense = parameters.dense
        return (includingEmbedding
            ? [
                (
                    ParameterLayout.embeddingName,
                    Tensor(shape: [embedding.vocabularySize, embedding.dimension], values: embedding.weights)
                )
            ] : [])
            + layout.denseEntries.map { entry in
                let count = entry.shape.reduce(1, *)
                return (
                    entry.name,
                    Tensor(shape: entry.shape, values: Array(dense[entry.offset..<entry.offset + count]))
                )
            }
            + wideParameters()
    }

    private func wideParameters() -> [(name: String, tensor: Tensor)] {
        guard let wide = parameters.wide else { return [] }
        let shape = [configuration.ngramBuckets]
        return [
            (ParameterLayout.wideWeightName, Tensor(shape: shape, values: wide.weights)),
            (ParameterLayout.wideScaleName, Tensor(shape: shape, values: parameters.wideScale)),
        ]
    }

    /// How many values training learns: every parameter but the wide channel's fixed scale.
    public var trainableParameterCount: Int {
        configuration.vocabularySize * configuration.embeddingDim + layout.denseCount
            + configuration.ngramBuckets
    }

    /// Every parameter by name (the dictionary `init(configuration:parameters:)` takes); see
    /// `namedParameters(includingEmbedding:)`.
    public func parameterDictionary(includingEmbedding: Bool = true) -> [String: Tensor] {
        Dictionary(
            uniqueKeysWithValues: namedParameters(includingEmbedding: includingEmbedding).map { ($0.name, $0.tensor) })
    }

    // MARK: Inference

    /// The logit of each sequence (no dropout), in batch order. `ngrams` holds each sequence's distinct
    /// n-gram buckets when the model has the wide channel (and must be nil, or empty lists, when not).
    public func logits(for batch: [[Int32]], ngrams: [[Int32]]? = nil) throws -> [Float] {
        try validate(batch, ngrams: ngrams)
        runPass(
            batch: batch, labels: nil,
            options: PassOptions(
                computeGradients: false, dropoutSeed: nil, batchCount: batch.count,
                logitOffsets: wideLogits(ngrams)))
        return collectLogits(count: batch.count)
    }

    /// The probability of the positive class, `σ(logit)`, of each sequence, in batch order.
    public func probabilities(for batch: [[Int32]], ngrams: [[Int32]]? = nil) throws -> [Float] {
        try logits(for: batch, ngrams: ngrams).map(BinaryCrossEntropy.sigmoid)
    }

    /// The probability of the positive class for a logit, `σ(logit)`, as `probabilities(for:)` computes it.
    public static func probability(logit: Float) -> Float { BinaryCrossEntropy.sigmoid(logit) }

    /// Each sequence's wide-channel logit: `Σ wide.weight[b] · wide.scale[b]` over its buckets, summed in
    /// the order given; nil without the wide channel.
    public func wideLogits(_ ngrams: [[Int32]]?) -> [Float]? {
        guard let wide = parameters.wide, let ngrams else { return nil }
        let scale = parameters.wideScale
        return ngrams.map { buckets in
            var sum: Float = 0
            for bucket in buckets { sum += wide.weights[Int(bucket)] * scale[Int(bucket)] }
            return sum
        }
    }

    /// Each sequence's final states of the top layer: the forward direction after its last token and
    /// the reverse direction after its first token (zeros for an empty sequence).
    public func finalStates(for batch: [[Int32]]) throws -> (forward: [[Float]], backward: [[Float]]) {
        try validate(batch)
        runPass(
            batch: batch, labels: nil,
            options: PassOptions(computeGradients: false, dropoutSeed: nil, batchCount: batch.count))
        let h = configuration.hidden
        var forward = [[Float]](repeating: [], count: batch.count)
        var backward = forward
        for workspace in activeWorkspaces(batchCount: batch.count) {
            for (row, member) in workspace.shard.members.enumerated() {
                let finals = workspace.finals.pointer + row * configuration.headWidth
                forward[member] = Array(UnsafeBufferPointer(start: finals, count: h))
                backward[member] = Array(UnsafeBufferPointer(start: finals + h, count: h))
            }
        }
        return (forward, backward)
    }

    /// The mean binary cross-entropy of the batch (no dropout).
    public func loss(batch: [[Int32]], ngrams: [[Int32]]? = nil, labels: [Float]) throws -> Float {
        try validate(batch, ngrams: ngrams, labels: labels)
        runPass(
            batch: batch, labels: labels,
            options: PassOptions(
                computeGradients: false, dropoutSeed: nil, batchCount: batch.count,
                logitOffsets: wideLogits(ngrams)))
        return Float(
            activeWorkspaces(batchCount: batch.count).reduce(0) { $0 + $1.lossSum } / Double(batch.count))
    }

    // MARK: Training

    /// The mean binary cross-entropy of the batch and its gradient with respect to every parameter.
    /// With a `dropoutSeed` the pass runs in training mode with dropout masks drawn from that seed;
    /// without one (the default) it is deterministic and dropout-free.
    ///
    /// With the wide channel and `branchLossWeight` λ > 0 the gradients are those of
    /// `BCE(deep + wide) + λ·(BCE(deep) + BCE(wide))`: each part is also trained to predict alone, so
    /// neither leaves the other to fit the training set (the loss returned is still `BCE(deep + wide)`).
    public func lossAndGradients(
        batch: [[Int32]], ngrams: [[Int32]]? = nil, labels: [Float], dropoutSeed: UInt64? = nil,
        branchLossWeight: Float = 0
    ) throws -> (loss: Float, gradients: ClassifierGradients) {
        let loss = try computeGradients(
            batch: batch, ngrams: ngrams, labels: labels, dropoutSeed: dropoutSeed,
            branchLossWeight: branchLossWeight)
        return (loss, gradients)
    }

    /// The loss and gradients of one training step, with dropout masks drawn from `dropoutSeed` and the
    /// step count (which this call advances); the gradients are in `gradients`. Returns the batch's loss.
    /// An optimiser that defers updates must have brought the batch's embedding rows up to date first
    /// (`ClassifierOptimizer.prepare(_:forReading:)`).
    public func trainingLossAndGradients(
        batch: [[Int32]], ngrams: [[Int32]]? = nil, labels: [Float], branchLossWeight: Float = 0
    ) throws -> Float {
        let seed = stepDropoutSeed()
        let loss = try computeGradients(
            batch: batch, ngrams: ngrams, labels: labels, dropoutSeed: seed,
            branchLossWeight: branchLossWeight)
        trainingSteps += 1
        return loss
    }

    /// Like `trainingLossAndGradients`, with adversarial training on the embedding (after Miyato et al.
    /// 2017): the gradients are those of `L(E) + L(E + r)`, where `r` moves each embedding row the batch
    /// reads along its own loss gradient, `r_u = ε · g_u / rms(g)` (rms over the batch's rows, so the
    /// rows move by ε on average and the most influential ones most), and is held fixed. The batch's
    /// tokens share their row's perturbation. Returns the clean loss `L(E)`; costs a second pass.
    public func adversarialTrainingLossAndGradients(
        batch: [[Int32]], ngrams: [[Int32]]? = nil, labels: [Float], epsilon: Float,
        branchLossWeight: Float = 0
    ) throws -> Float {
        let seed = stepDropoutSeed()
        let loss = try computeGradients(
            batch: batch, ngrams: ngrams, labels: labels, dropoutSeed: seed,
            branchLossWeight: branchLossWeight)
        trainingSteps += 1
        let clean = gradients
        let rowIDs = clean.embedding.rowIDs
        let dimension = configuration.embeddingDim
        let meanSquare = clean.embedding.squaredNorm() / Double(max(rowIDs.count, 1))
        guard epsilon > 0, meanSquare > 0 else { return loss }
        let factor = epsilon / Float(meanSquare.squareRoot())
        var saved = [Float](repeating: 0, count: rowIDs.count * dimension)
        parameters.embedding.weights.withUnsafeMutableBufferPointer { weights in
            for (slot, id) in rowIDs.enumerated() {
                let row = weights.baseAddress! + Int(id) * dimension
                for column in 0..<dimension {
                    saved[slot * dimension + column] = row[column]
                    row[column] += factor * clean.embedding.rows[slot * dimension + column]
                }
            }
        }
        // The same dropout masks: the two losses differ only by the perturbation.
        _ = try computeGradients(
            batch: batch, ngrams: ngrams, labels: labels, dropoutSeed: seed,
            branchLossWeight: branchLossWeight)
        parameters.embedding.weights.withUnsafeMutableBufferPointer { weights in
            saved.withUnsafeBufferPointer { saved in
                for (slot, id) in rowIDs.enumerated() {
                    (weights.baseAddress! + Int(id) * dimension).update(
                        from: saved.baseAddress! + slot * dimension, count: dimension)
                }
            }
        }
        gradients.dense.withUnsafeMutableBufferPointer { total in
            clean.dense.withUnsafeBufferPointer {
                sk_axpy(Int64(total.count), 1, $0.baseAddress!, total.baseAddress!)
            }
        }
        embeddingAccumulator.add(clean.embedding)
        embeddingAccumulator.copyGradient(into: &gradients.embedding)
        if configuration.hasWideChannel, ngrams != nil {
            wideAccumulator.add(clean.wide)
            wideAccumulator.copyGradient(into: &gradients.wide)
        }
        return loss
    }

    /// The seed of this training step's dropout masks, from `dropoutSeed` and the step count.
    private func stepDropoutSeed() -> UInt64 {
        SplitMix64.mix(dropoutSeed ^ SplitMix64.mix(UInt64(trainingSteps) &+ 0x5EED))
    }

    /// Fills `gradients` and returns the loss.
    private func computeGradients(
        batch: [[Int32]], ngrams: [[Int32]]?, labels: [Float], dropoutSeed: UInt64?, branchLossWeight: Float
    ) throws -> Float {
        let offsets = wideLogits(ngrams)
        try validate(batch, ngrams: ngrams, labels: labels)
        guard !batch.isEmpty else { throw ClassifierError.emptyBatch }
        runPass(
            batch: batch, labels: labels,
            options: PassOptions(
                computeGradients: true, dropoutSeed: dropoutSeed, batchCount: batch.count,
                logitOffsets: offsets, branchLossWeight: branchLossWeight))
        let shards = activeWorkspaces(batchCount: batch.count)
        // Reduce in shard order, so a given thread count always sums in the same order.
        gradients.dense.withUnsafeMutableBufferPointer { total in
            total.baseAddress!.update(from: shards[0].denseGradient.pointer, count: total.count)
            for shard in shards.dropFirst() {
                sk_axpy(Int64(total.count), 1, shard.denseGradient.pointer, total.baseAddress!)
            }
        }
        embeddingAccumulator.reset()
        for shard in shards {
            let rows = shard.embeddingGradientRows
            embeddingAccumulator.add(ids: rows.ids, rows: rows.rows, rowStride: configuration.embeddingDim)
        }
        embeddingAccumulator.copyGradient(into: &gradients.embedding)
        if let ngrams, let offsets, configuration.hasWideChannel {
            // d loss / d wide.weight[b] = Σ over the sequences holding b of (d loss / d logit) · scale[b].
            let logits = collectLogits(count: batch.count)
            let scale = parameters.wideScale
            wideAccumulator.reset()
            var rows: [Float] = []
            for (member, buckets) in ngrams.enumerated() where !buckets.isEmpty {
                var logitGradient = BinaryCrossEntropy.gradient(logit: logits[member], label: labels[member])
                if branchLossWeight != 0 {
                    logitGradient +=
                        branchLossWeight
                        * BinaryCrossEntropy.gradient(logit: offsets[member], label: labels[member])
                }
                logitGradient /= Float(batch.count)
                rows.removeAll(keepingCapacity: true)
                for bucket in buckets { rows.append(logitGradient * scale[Int(bucket)]) }
                buckets.withUnsafeBufferPointer { ids in
                    rows.withUnsafeBufferPointer {
                        wideAccumulator.add(ids: ids, rows: $0.baseAddress!, rowStride: 1)
                    }
                }
            }
            wideAccumulator.copyGradient(into: &gradients.wide)
        }
        return Float(shards.reduce(0) { $0 + $1.lossSum } / Double(batch.count))
    }

    // MARK: Passes

    private func validate(_ batch: [[Int32]], ngrams: [[Int32]]? = nil, labels: [Float]? = nil) throws {
        if let ngrams {
            guard ngrams.count == batch.count else {
                throw ClassifierError.ngramCountMismatch(sequences: batch.count, ngrams: ngrams.count)
            }
            let buckets = configuration.ngramBuckets
            for (sequenceIndex, list) in ngrams.enumerated() {
                if let bad = list.first(where: { $0 < 0 || Int($0) >= buckets }) {
                    throw ClassifierError.ngramOutOfRange(
                        sequence: sequenceIndex, bucket: bad, buckets: buckets)
                }
            }
        } else if configuration.hasWideChannel {
            throw ClassifierError.missingNGrams
        }
        let limit = configuration.tokenIDLimit
        for (sequenceIndex, sequence) in batch.enumerated() {
            for (position, id) in sequence.enumerated() where id < 0 || Int(id) >= limit {
                throw ClassifierError.tokenOutOfRange(
                    sequence: sequenceIndex, position: position, id: id, vocabularySize: limit)
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

    func activeWorkspaces(batchCount: Int) -> ArraySlice<ShardWorkspace> {
        workspaces[0..<shardCount(batchCount: batchCount)]
    }

    func collectLogits(count: Int) -> [Float] {
        var logits = [Float](repeating: 0, count: count)
        for workspace in activeWorkspaces(batchCount: count) {
            for (row, member) in workspace.shard.members.enumerated() {
                logits[member] = workspace.logits.pointer[row]
            }
        }
        return logits
    }

    /// Sorts the batch longest first, deals it round-robin into shards and runs them concurrently. With
    /// `inputVectors` (rows of `embeddingDim` floats) the batch's ids index those rows instead of the
    /// embedding table (and none is a marked id).
    func runPass(batch: [[Int32]], labels: [Float]?, options: PassOptions, inputVectors: [Float]? = nil) {
        precondition(parameters.hasConfiguredSizes, "the parameters' sizes no longer match the configuration")
        let shards = shardCount(batchCount: batch.count)
        while workspaces.count < shards { workspaces.append(ShardWorkspace(layout: layout)) }
        let order = batch.indices.sorted {
            batch[$0].count != batch[$1].count ? batch[$0].count > batch[$1].count : $0 < $1
        }
        let workspaces = workspaces
        let rows = inputVectors.map { $0.count / configuration.embeddingDim } ?? configuration.vocabularySize
        parameters.dense.withUnsafeBufferPointer { dense in
            func withFirstLayerRows(_ body: (EmbeddingRows) -> Void) {
                if let inputVectors {
                    inputVectors.withUnsafeBufferPointer {
                        body(EmbeddingRows(dimension: configuration.embeddingDim, floats: $0.baseAddress!, rows: rows))
                    }
                } else {
                    parameters.embedding.withRowSource(body)
                }
            }
            withFirstLayerRows { embedding in
                // Given input vectors are what the first layer reads: no id of theirs is marked.
                let model = ModelSnapshot(
                    layout: layout, dense: dense.baseAddress!, embedding: embedding,
                    embeddingRows: rows, negation: inputVectors == nil ? layout.negation : nil)
                let runShard: @Sendable (Int) -> Void = { shard in
                    workspaces[shard].run(
                        batch: batch, labels: labels,
                        members: stride(from: shard, to: order.count, by: shards).lazy.map { order[$0] },
                        model: model,
                        options: options)
                }
                ParallelWork.run(parts: shards, runShard)
            }
        }
    }
}
