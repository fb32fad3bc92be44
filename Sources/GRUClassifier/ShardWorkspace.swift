import Embedding

/// Read-only views of a model's parameters, valid while the model's arrays are pinned by the caller.
struct ModelSnapshot: @unchecked Sendable {
    let layout: ParameterLayout
    let dense: UnsafePointer<Float>
    let embedding: EmbeddingRows
    /// Rows of `embedding`: the vocabulary size, or the number of vectors a pass on given input vectors
    /// reads (`BiGRUClassifier.deepLogitsAndInputGradients`).
    let embeddingRows: Int
    /// The negation transform, when ids from `embeddingRows` on are marked tokens that read row
    /// `id − embeddingRows` through it; nil: every id is a row.
    let negation: NegationTransformSlots?

    /// One past the largest id a pass reads.
    var idLimit: Int { negation == nil ? embeddingRows : 2 * embeddingRows }

    func direction(layer: Int, reverse: Bool) -> DirectionParameters {
        let slots = layout.directions[2 * layer + (reverse ? 1 : 0)]
        return DirectionParameters(
            weightIH: dense + slots.weightIH, weightHH: dense + slots.weightHH, biasIH: dense + slots.biasIH,
            biasHH: dense + slots.biasHH, inputSize: slots.inputSize)
    }
}

/// What one pass over a batch computes.
struct PassOptions: Sendable {
    /// Record the forward pass and run the backward pass.
    var computeGradients: Bool
    /// Seed of this pass's dropout masks; `nil` (or dropout 0) runs without dropout.
    var dropoutSeed: UInt64?
    /// Number of sequences in the whole batch (all shards): the loss is their mean.
    var batchCount: Int
    /// What each sequence's logit gets added (the wide channel's part), by batch index; nil: nothing.
    var logitOffsets: [Float]? = nil
    /// Weight of the auxiliary loss of the BiGRU's own logit (without the offset), which makes it learn
    /// to predict alone too; 0: none. Only the gradients see it.
    var branchLossWeight: Float = 0
    /// With `computeGradients`: back-propagate each sequence's logit itself (d logit / d logit = 1, no
    /// labels, no loss) and compute only the gradients of the input rows, not the parameters' (what
    /// attributions need).
    var logitInputGradients = false
}

/// Everything one thread needs to run a shard of a batch forward (and backward), allocated once and
/// reused: the packed layout, activations recorded for the backward pass, gradients of the shard.
///
/// Layer 0 works on the shard's distinct tokens: their embedding rows are gathered once, projected once
/// per direction, and in the backward pass the per-token gate gradients are summed per distinct token
/// before the two input-side products, which also yields the sparse embedding gradient directly.
final class ShardWorkspace: @unchecked Sendable {
    let layout: ParameterLayout
    private(set) var shard = PackedShard()

    // Distinct tokens of the shard.
    private var slotOfToken: [Int32]  // vocabulary-sized, -1 except during a pass
    let distinctTokens = ScratchBuffer<Int32>()  // [U]
    let distinctRowOfToken = ScratchBuffer<Int32>()  // [T]
    private(set) var distinctCount = 0

    // Forward.
    let embedded = ScratchBuffer<Float>()  // [U × E]
    let projections = ScratchBuffer<Float>()  // [max(T, U) × 3H]; gate gradients in the backward pass
    let foldedBias = ScratchBuffer<Float>()  // [3H]
    private var layerOutputs: [ScratchBuffer<Float>] = []  // per layer below the top, [T × 2H]
    private var dropoutMasks: [ScratchBuffer<Float>] = []  // per layer below the top, [T × 2H]
    private var records:
        [(gates: ScratchBuffer<Float>, auxiliary: ScratchBuffer<Float>, previous: ScratchBuffer<Float>)] = []
    let state = ScratchBuffer<Float>()  // [B × H]
    let stepBuffer = ScratchBuffer<Float>()  // [B × 3H]
    let resetBuffer = ScratchBuffer<Float>()  // [B × H]
    /// The output layer's features, `[B × W]` in shard order: the top layer's final states (forward
    /// half, then reverse half), then with pooling their maximum and mean over time.
    let finals = ScratchBuffer<Float>()
    let headMask = ScratchBuffer<Float>()  // [B × W]
    /// The top layer's outputs `[T × 2H]` and, per feature, the packed row of its maximum `[B × 2H]`
    /// (with pooling only).
    let topOutput = ScratchBuffer<Float>()
    let maximumRows = ScratchBuffer<Int32>()
    let embeddingMask = ScratchBuffer<Float>()  // [U × E]
    /// Dropout site of the embedding masks, apart from the layer sites 0...layers (at most 1025).
    static let embeddingDropoutSite = 1 << 20
    let headInput = ScratchBuffer<Float>()  // [B × W], features after dropout
    /// Logits in shard order.
    let logits = ScratchBuffer<Float>()
    /// Sum over the shard's sequences of the binary cross-entropy (when labels were given).
    private(set) var lossSum = 0.0

    // Backward.
    let stateGradient = ScratchBuffer<Float>()  // [B × H]
    let finalGradient = ScratchBuffer<Float>()  // [B × W]
    let topOutputGradient = ScratchBuffer<Float>()  // [T × 2H], with pooling
    let hiddenNGradient = ScratchBuffer<Float>()  // [T × H]
    let distinctProjectionGradient = ScratchBuffer<Float>()  // [U × 3H]
    let outputGradients = (ScratchBuffer<Float>(), ScratchBuffer<Float>())  // [T × 2H], ping-pong
    /// Gradient of the embedding rows of `distinctTokens`, `[U × E]`.
    let embeddingGradient = ScratchBuffer<Float>()
    /// The embedding row each row of `embeddingGradient` belongs to: the distinct tokens' ids, a marked
    /// token's made plain (so a token read both ways appears twice).
    let gradientRowIDs = ScratchBuffer<Int32>()
    let negationScratch = ScratchBuffer<Float>()  // [E]
    /// Gradient of the dense parameters, in layout order.
    let denseGradient = ScratchBuffer<Float>()

    init(layout: ParameterLayout) {
        self.layout = layout
        let configuration = layout.configuration
        slotOfToken = [Int32](repeating: -1, count: configuration.vocabularySize)
        for _ in 0..<configuration.layers - 1 {
            layerOutputs.append(ScratchBuffer())
            dropoutMasks.append(ScratchBuffer())
        }
        for _ in 0..<2 * configuration.layers {
            records.append((ScratchBuffer(), ScratchBuffer(), ScratchBuffer()))
        }
        denseGradient.reserve(layout.denseCount)
    }

    /// Runs the sequences `members` (indices into `batch`, sorted longest first) forward, and backward
    /// when `options.computeGradients`. Token ids must already be validated.
    func run(
        batch: [[Int32]], labels: [Float]?, members: some Sequence<Int>, model: ModelSnapshot,
        options: PassOptions
    ) {
        if slotOfToken.count < model.idLimit {
            slotOfToken.append(contentsOf: repeatElement(-1, count: model.idLimit - slotOfToken.count))
        }
        shard.rebuild(batch: batch, members: members)
        collectDistinctTokens()
        let dropoutSeed = layout.configuration.usesDropout ? options.dropoutSeed : nil
        runForward(model: model, recording: options.computeGradients, dropoutSeed: dropoutSeed)
        if layout.configuration.pooling != .final { poolTopOutputs() }
        runOutputLayer(model: model, labels: labels, dropoutSeed: dropoutSeed, offsets: options.logitOffsets)
        guard options.computeGradients, labels != nil || options.logitInputGradients else { return }
        runBackward(
            model: model, labels: options.logitInputGradients ? nil : labels, dropoutSeed: dropoutSeed,
            batchCount: options.batchCount, offsets: options.logitOffsets,
            branchLossWeight: options.branchLossWeight)
    }

    /// All layers forward; leaves the output layer's features in `finals`.
    private func runForward(model: ModelSnapshot, recording: Bool, dropoutSeed: UInt64?) {
        let configuration = layout.configuration
        let h = configuration.hidden
        let embeddingDim = configuration.embeddingDim
        let count = shard.count
        let tokenCount = shard.tokenCount
        let distinct = distinctCount

        let embedded = embedded.reserve(distinct * embeddingDim)
        let rows = model.embeddingRows
        for (slot, id) in UnsafeBufferPointer(start: distinctTokens.pointer, count: distinct).enumerated() {
            if let negation = model.negation, Int(id) >= rows {
                let plain = negationScratch.reserve(embeddingDim)
                model.embedding.copyRow(Int(id) - rows, into: plain)
                negation.apply(plain, into: embedded + slot * embeddingDim, dense: model.dense)
            } else {
                model.embedding.copyRow(Int(id), into: embedded + slot * embeddingDim)
            }
        }
        if let dropoutSeed, configuration.embeddingDropout > 0 {
            // One mask per distinct token, drawn from the token id: the same in every shard.
            let mask = embeddingMask.reserve(distinct * embeddingDim)
            for (slot, id) in UnsafeBufferPointer(start: distinctTokens.pointer, count: distinct).enumerated()
            {
                DropoutMask.fill(
                    mask + slot * embeddingDim, count: embeddingDim,
                    probability: configuration.embeddingDropout,
                    seed: dropoutSeed, site: Self.embeddingDropoutSite, sequence: Int(id), position: 0)
            }
            for index in 0..<distinct * embeddingDim { embedded[index] *= mask[index] }
        }
        let projections = projections.reserve(max(tokenCount, distinct) * 3 * h)
        let foldedBias = foldedBias.reserve(3 * h)
        let state = state.reserve(count * h)
        let stepBuffer = stepBuffer.reserve(count * 3 * h)
        let resetBuffer = resetBuffer.reserve(count * h)
        let width = configuration.headWidth
        let pooled = configuration.pooling != .final
        let finals = finals.reserve(count * width)
        finals.update(repeating: 0, count: count * width)

        for layer in 0..<configuration.layers {
            let isTop = layer == configuration.layers - 1
            let output =
                isTop
                ? (pooled ? topOutput.reserve(tokenCount * 2 * h) : nil)
                : layerOutputs[layer].reserve(tokenCount * 2 * h)
            for reverse in [false, true] {
                let parameters = model.direction(layer: layer, reverse: reverse)
                // The input side of every time step in one product: per distinct token in layer 0.
                GRUDirection.project(
                    cell: configuration.cell, hidden: h, rows: layer == 0 ? distinct : tokenCount,
                    input: layer == 0 ? embedded : layerOutputs[layer - 1].pointer, parameters: parameters,
                    bias: foldedBias, into: projections)
                state.update(repeating: 0, count: count * h)
                GRUDirection.forward(
                    cell: configuration.cell, hidden: h, shard: shard, reversed: reverse,
                    projections: projections, projectionRows: layer == 0 ? distinctRowOfToken.pointer : nil,
                    parameters: parameters, state: state, stepBuffer: stepBuffer, resetBuffer: resetBuffer,
                    output: output.map { $0 + (reverse ? h : 0) }, outputStride: 2 * h,
                    record: recording ? record(layer: layer, reverse: reverse, tokenCount: tokenCount) : nil)
                if isTop {
                    for row in 0..<count {
                        (finals + row * width + (reverse ? h : 0)).update(from: state + row * h, count: h)
                    }
                }
            }
            if let output, !isTop, let dropoutSeed {
                // Inverted dropout on this layer's outputs, in place: the next layer reads the dropped values.
                let mask = dropoutMasks[layer].reserve(tokenCount * 2 * h)
                for time in 0..<shard.maxLength {
                    for row in 0..<shard.activeCount[time] {
                        let packedRow = shard.rowOffset[time] + row
                        DropoutMask.fill(
                            mask + packedRow * 2 * h, count: 2 * h, probability: configuration.dropout,
                            seed: dropoutSeed, site: layer, sequence: shard.members[row], position: time)
                    }
                }
                for index in 0..<tokenCount * 2 * h { output[index] *= mask[index] }
            }
        }
    }

    /// The maximum and the mean over time of each sequence's top-layer outputs, after its final states
    /// in `finals` (zeros for an empty sequence); records where each maximum was.
    private func poolTopOutputs() {
        let h = layout.configuration.hidden
        let width = layout.configuration.headWidth
        let top = topOutput.pointer
        let maximumRows = maximumRows.reserve(shard.count * 2 * h)
        for row in 0..<shard.count {
            let length = shard.lengths[row]
            let maximum = finals.pointer + row * width + 2 * h
            let mean = maximum + 2 * h
            let rows = maximumRows + row * 2 * h
            guard length > 0 else {
                rows.update(repeating: -1, count: 2 * h)
                continue
            }
            let first = shard.rowOffset[0] + row
            maximum.update(from: top + first * 2 * h, count: 2 * h)
            mean.update(from: top + first * 2 * h, count: 2 * h)
            rows.update(repeating: Int32(first), count: 2 * h)
            for time in 1..<length {
                let packedRow = shard.rowOffset[time] + row
                let output = top + packedRow * 2 * h
                for index in 0..<2 * h {
                    let value = output[index]
                    if value > maximum[index] {
                        maximum[index] = value
                        rows[index] = Int32(packedRow)
                    }
                    mean[index] += value
                }
            }
            let inverseLength = 1 / Float(length)
            for index in 0..<2 * h { mean[index] *= inverseLength }
        }
    }

    /// The gradient of the top layer's outputs from that of the pooled features in `finalGradient`:
    /// each maximum's gradient goes to the time step it came from, each mean's is shared by all steps.
    private func topOutputGradients() -> UnsafeMutablePointer<Float> {
        let h = layout.configuration.hidden
        let width = layout.configuration.headWidth
        let gradient = topOutputGradient.reserve(shard.tokenCount * 2 * h)
        gradient.update(repeating: 0, count: shard.tokenCount * 2 * h)
        for row in 0..<shard.count {
            let length = shard.lengths[row]
            guard length > 0 else { continue }
            let maximumGradient = finalGradient.pointer + row * width + 2 * h
            let meanGradient = maximumGradient + 2 * h
            let inverseLength = 1 / Float(length)
            for time in 0..<length {
                let target = gradient + (shard.rowOffset[time] + row) * 2 * h
                for index in 0..<2 * h { target[index] += meanGradient[index] * inverseLength }
            }
            let rows = maximumRows.pointer + row * 2 * h
            for index in 0..<2 * h { gradient[Int(rows[index]) * 2 * h + index] += maximumGradient[index] }
        }
        return gradient
    }

    /// Dropout on the final states, the logits and (with labels) the summed loss.
    private func runOutputLayer(
        model: ModelSnapshot, labels: [Float]?, dropoutSeed: UInt64?, offsets: [Float]?
    ) {
        let configuration = layout.configuration
        let width = configuration.headWidth
        let count = shard.count
        let finals = finals.pointer
        let headInput: UnsafeMutablePointer<Float>
        if let dropoutSeed {
            let mask = headMask.reserve(count * width)
            headInput = self.headInput.reserve(count * width)
            for row in 0..<count {
                DropoutMask.fill(
                    mask + row * width, count: width, probability: configuration.dropout, seed: dropoutSeed,
                    site: configuration.layers, sequence: shard.members[row], position: 0)
            }
            for index in 0..<count * width { headInput[index] = finals[index] * mask[index] }
        } else {
            headInput = self.headInput.reserve(count * width)
            headInput.update(from: finals, count: count * width)
        }
        let outWeight = model.dense + layout.outWeight
        let outBias = model.dense[layout.outBias]
        let logits = logits.reserve(count)
        for row in 0..<count {
            var sum: Float = 0
            for index in 0..<width { sum += outWeight[index] * headInput[row * width + index] }
            logits[row] = sum + outBias
        }
        if let offsets {
            for row in 0..<count { logits[row] += offsets[shard.members[row]] }
        }
        lossSum = 0
        if let labels {
            for row in 0..<count {
                lossSum += Double(
                    BinaryCrossEntropy.loss(logit: logits[row], label: labels[shard.members[row]]))
            }
        }
    }

    /// Back-propagates the shard's share of the mean loss into `denseGradient` and, for the distinct
    /// tokens, `embeddingGradient`. Without labels it back-propagates each sequence's logit instead, and
    /// only into `embeddingGradient` (the parameters' gradients are left undefined).
    private func runBackward(
        model: ModelSnapshot, labels: [Float]?, dropoutSeed: UInt64?, batchCount: Int, offsets: [Float]?,
        branchLossWeight: Float
    ) {
        let parameterGradients = labels != nil
        let configuration = layout.configuration
        let h = configuration.hidden
        let layers = configuration.layers
        let count = shard.count
        let tokenCount = shard.tokenCount
        let distinct = distinctCount
        let projections = projections.pointer
        let stepBuffer = stepBuffer.pointer
        let resetBuffer = resetBuffer.pointer

        // Output layer: d loss / d logit = (σ(x) − y) / batchCount, or 1 for the logit itself.
        let gradient = denseGradient.reserve(layout.denseCount)
        gradient.update(repeating: 0, count: layout.denseCount)
        let width = configuration.headWidth
        let finalGradient = finalGradient.reserve(count * width)
        let headInput = headInput.pointer
        let outWeight = model.dense + layout.outWeight
        let scale = 1 / Float(batchCount)
        for row in 0..<count {
            var logitGradient: Float = 1
            if let labels {
                let label = labels[shard.members[row]]
                logitGradient = BinaryCrossEntropy.gradient(logit: logits.pointer[row], label: label)
                if let offsets, branchLossWeight != 0 {
                    let deep = logits.pointer[row] - offsets[shard.members[row]]
                    logitGradient += branchLossWeight * BinaryCrossEntropy.gradient(logit: deep, label: label)
                }
                logitGradient *= scale
            }
            gradient[layout.outBias] += logitGradient
            for index in 0..<width {
                let position = row * width + index
                gradient[layout.outWeight + index] += logitGradient * headInput[position]
                finalGradient[position] =
                    logitGradient * outWeight[index] * (dropoutSeed == nil ? 1 : headMask.pointer[position])
            }
        }

        let stateGradient = stateGradient.reserve(count * h)
        let hiddenNGradient = hiddenNGradient.reserve(tokenCount * h)
        let embeddingGradient = embeddingGradient.reserve(distinct * configuration.embeddingDim)
        let distinctProjectionGradient = distinctProjectionGradient.reserve(distinct * 3 * h)
        // The gradient of this layer's outputs: for the top layer, from the pooled features.
        var outputGradient: UnsafeMutablePointer<Float>? =
            configuration.pooling != .final ? topOutputGradients() : nil
        var spareGradient = outputGradients.0
        var nextGradient = outputGradients.1
        for layer in stride(from: layers - 1, through: 0, by: -1) {
            let inputGradient = layer == 0 ? embeddingGradient : spareGradient.reserve(tokenCount * 2 * h)
            for reverse in [false, true] {
                let parameters = model.direction(layer: layer, reverse: reverse)
                let slots = layout.directions[2 * layer + (reverse ? 1 : 0)]
                let record = record(layer: layer, reverse: reverse, tokenCount: tokenCount)
                if layer == layers - 1 {
                    // Each sequence's final state gets the output layer's gradient; the walk back in
                    // time reaches a sequence's row only once the sequence is running.
                    for row in 0..<count {
                        (stateGradient + row * h).update(
                            from: finalGradient + row * width + (reverse ? h : 0), count: h)
                    }
                } else {
                    stateGradient.update(repeating: 0, count: count * h)
                }
                GRUDirection.backward(
                    cell: configuration.cell, hidden: h, shard: shard, reversed: reverse,
                    parameters: parameters,
                    record: record,
                    outputGradient: outputGradient.map { UnsafePointer($0 + (reverse ? h : 0)) },
                    outputStride: 2 * h, stateGradient: stateGradient, projectionGradient: projections,
                    hiddenNGradient: hiddenNGradient, stepBuffer: stepBuffer, resetBuffer: resetBuffer)
                if parameterGradients {
                    GRUDirection.accumulateHiddenGradients(
                        cell: configuration.cell, hidden: h, tokenCount: tokenCount, record: record,
                        projectionGradient: projections, hiddenNGradient: hiddenNGradient,
                        weightGradient: gradient + slots.weightHH, biasGradient: gradient + slots.biasHH)
                }
                if layer == 0 {
                    // Sum the gate gradients per distinct token; both input-side products then run on
                    // U rows, and dX is directly the gradient of the distinct embedding rows.
                    let width = 3 * h
                    distinctProjectionGradient.update(repeating: 0, count: distinct * width)
                    for packedRow in 0..<tokenCount {
                        let source = projections + packedRow * width
                        let target =
                            distinctProjectionGradient + Int(distinctRowOfToken.pointer[packedRow]) * width
                        for index in 0..<width { target[index] += source[index] }
                    }
                    GRUDirection.accumulateInputGradients(
                        hidden: h, rows: distinct, input: embedded.pointer,
                        rowGradients: distinctProjectionGradient,
                        parameters: parameters,
                        weightGradient: parameterGradients ? gradient + slots.weightIH : nil,
                        biasGradient: gradient + slots.biasIH, inputGradient: inputGradient,
                        beta: reverse ? 1 : 0)
                } else {
                    GRUDirection.accumulateInputGradients(
                        hidden: h, rows: tokenCount, input: layerOutputs[layer - 1].pointer,
                        rowGradients: projections, parameters: parameters,
                        weightGradient: parameterGradients ? gradient + slots.weightIH : nil,
                        biasGradient: gradient + slots.biasIH, inputGradient: inputGradient,
                        beta: reverse ? 1 : 0)
                }
            }
            if layer == 0, dropoutSeed != nil, configuration.embeddingDropout > 0 {
                let mask = embeddingMask.pointer
                for index in 0..<distinct * configuration.embeddingDim { inputGradient[index] *= mask[index] }
            }
            if layer == 0 {
                negationBackward(
                    model: model, parameterGradient: parameterGradients ? gradient : nil)
            }
            if layer > 0 {
                if dropoutSeed != nil {
                    let mask = dropoutMasks[layer - 1].pointer
                    for index in 0..<tokenCount * 2 * h { inputGradient[index] *= mask[index] }
                }
                outputGradient = inputGradient
                swap(&spareGradient, &nextGradient)
            }
        }
    }

    /// Takes the gradient of the marked tokens' transformed rows back through the negation transform
    /// (adding its parameters' gradient to `parameterGradient` when given) and names each gradient row's
    /// embedding row in `gradientRowIDs`.
    private func negationBackward(model: ModelSnapshot, parameterGradient: UnsafeMutablePointer<Float>?) {
        let distinct = distinctCount
        let ids = gradientRowIDs.reserve(distinct)
        ids.update(from: distinctTokens.pointer, count: distinct)
        guard let negation = model.negation else { return }
        let e = layout.configuration.embeddingDim
        let rows = Int32(model.embeddingRows)
        let scratch = negationScratch.reserve(e)
        // Training owns its table, so its rows are float32 in place.
        guard let embedding = model.embedding.floatRows else { preconditionFailure("training reads float16 rows") }
        for slot in 0..<distinct where ids[slot] >= rows {
            ids[slot] -= rows
            negation.backward(
                input: embedding + Int(ids[slot]) * e, gradient: embeddingGradient.pointer + slot * e,
                dense: model.dense, parameterGradient: parameterGradient, scratch: scratch)
        }
    }

    /// The shard's sparse embedding gradient: ids (a row may appear twice: read plain and marked) and
    /// rows.
    var embeddingGradientRows: (ids: UnsafeBufferPointer<Int32>, rows: UnsafePointer<Float>) {
        (
            UnsafeBufferPointer(start: gradientRowIDs.pointer, count: distinctCount),
            UnsafePointer(embeddingGradient.pointer)
        )
    }

    private func record(layer: Int, reverse: Bool, tokenCount: Int) -> DirectionRecord {
        let h = layout.configuration.hidden
        let buffers = records[2 * layer + (reverse ? 1 : 0)]
        return DirectionRecord(
            gates: buffers.gates.reserve(tokenCount * 3 * h),
            auxiliary: buffers.auxiliary.reserve(tokenCount * h),
            previous: buffers.previous.reserve(tokenCount * h))
    }

    /// Fills `distinctTokens` (in order of first appearance) and maps every packed row to its slot.
    private func collectDistinctTokens() {
        let tokenCount = shard.tokenCount
        let distinct = distinctTokens.reserve(tokenCount)
        let rowOfToken = distinctRowOfToken.reserve(tokenCount)
        var count = 0
        slotOfToken.withUnsafeMutableBufferPointer { slots in
            shard.tokens.withUnsafeBufferPointer { tokens in
                for (row, id) in tokens.enumerated() {
                    var slot = slots[Int(id)]
                    if slot < 0 {
                        slot = Int32(count)
                        slots[Int(id)] = slot
                        distinct[count] = id
                        count += 1
                    }
                    rowOfToken[row] = slot
                }
            }
            for slot in 0..<count { slots[Int(distinct[slot])] = -1 }
        }
        distinctCount = count
    }
}
