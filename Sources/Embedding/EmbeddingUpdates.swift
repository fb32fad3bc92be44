import Dispatch

/// How Adam treats embedding rows that the current batch did not use.
public enum EmbeddingAdamMode: String, Codable, Sendable {
    /// Exactly what `torch.optim.Adam` does with the dense gradient of `nn.Embedding`: every row's moments
    /// decay every step and every row with a non-zero first moment keeps moving. Costs one pass over the
    /// whole table per step.
    case dense
    /// Like `torch.optim.SparseAdam`: only the rows in the batch's gradient are updated (moments and
    /// parameters); other rows stay frozen until they are used again. The bias correction still uses the
    /// global step count. Cheaper for large vocabularies, but not the same trajectory as dense Adam.
    case lazy
}

extension EmbeddingTable {
    /// Plain gradient descent on the rows of `gradient`: `p ← p − lr·(s·g)` with `s = gradientScale`
    /// (1: exactly `p − lr·g`). Rows outside the gradient have a zero gradient, so this equals the dense
    /// update exactly.
    public mutating func applySGD(
        _ gradient: SparseRowGradient, learningRate: Float, gradientScale: Float = 1
    ) {
        precondition(gradient.dimension == dimension, "gradient dimension does not match the table")
        let dimension = dimension
        weights.withUnsafeMutableBufferPointer { table in
            gradient.rows.withUnsafeBufferPointer { rows in
                for (slot, id) in gradient.rowIDs.enumerated() {
                    let target = table.baseAddress! + Int(id) * dimension
                    let source = rows.baseAddress! + slot * dimension
                    if gradientScale == 1 {
                        for column in 0..<dimension { target[column] -= learningRate * source[column] }
                    } else {
                        for column in 0..<dimension {
                            target[column] -= learningRate * (source[column] * gradientScale)
                        }
                    }
                }
            }
        }
    }
}

/// Adam's moment estimates for an embedding table, with the update in either `EmbeddingAdamMode`.
public struct EmbeddingAdamState: Sendable {
    /// First moments, `[vocabularySize × dimension]`.
    public private(set) var firstMoments: [Float]
    /// Second moments, `[vocabularySize × dimension]`.
    public private(set) var secondMoments: [Float]
    /// Marks the rows of the current gradient during a dense update (reset afterwards).
    private var slotOfRow: [Int32]

    /// Zero moments for a table of the given size.
    public init(vocabularySize: Int, dimension: Int) {
        firstMoments = [Float](repeating: 0, count: vocabularySize * dimension)
        secondMoments = firstMoments
        slotOfRow = [Int32](repeating: -1, count: vocabularySize)
    }

    /// Applies one Adam step with `gradient × gradientScale` to `table`. A dense update walks the whole
    /// table, split into `threads` row ranges that run concurrently.
    public mutating func apply(
        _ gradient: SparseRowGradient, to table: inout EmbeddingTable, step: AdamStep,
        mode: EmbeddingAdamMode,
        gradientScale: Float = 1, threads: Int = 1
    ) {
        precondition(firstMoments.count == table.weights.count, "Adam state does not match the table")
        let dimension = table.dimension
        firstMoments.withUnsafeMutableBufferPointer { mBuffer in
            secondMoments.withUnsafeMutableBufferPointer { vBuffer in
                table.weights.withUnsafeMutableBufferPointer { pBuffer in
                    gradient.rows.withUnsafeBufferPointer { gBuffer in
                        slotOfRow.withUnsafeMutableBufferPointer { slots in
                            let rows = AdamRows(
                                parameters: pBuffer.baseAddress!, firstMoments: mBuffer.baseAddress!,
                                secondMoments: vBuffer.baseAddress!, gradients: gBuffer.baseAddress,
                                slots: slots.baseAddress!, dimension: dimension, step: step,
                                gradientScale: gradientScale)
                            switch mode {
                            case .lazy:
                                for (slot, id) in gradient.rowIDs.enumerated() {
                                    rows.update(row: Int(id), slot: slot)
                                }
                            case .dense:
                                for (slot, id) in gradient.rowIDs.enumerated() {
                                    slots[Int(id)] = Int32(slot)
                                }
                                let chunks = max(1, min(threads, slots.count / 1024))
                                let chunkSize = (slots.count + chunks - 1) / chunks
                                let total = slots.count
                                let updateChunk: @Sendable (Int) -> Void = { chunk in
                                    for row in chunk * chunkSize..<min(total, (chunk + 1) * chunkSize) {
                                        rows.update(row: row, slot: Int(rows.slots[row]))
                                    }
                                }
                                if chunks == 1 {
                                    updateChunk(0)
                                } else {
                                    DispatchQueue.concurrentPerform(iterations: chunks, execute: updateChunk)
                                }
                                for id in gradient.rowIDs { slots[Int(id)] = -1 }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Pointers into the table, its moments and a gradient, shared by the threads of one dense update;
/// each thread touches its own rows only.
private struct AdamRows: @unchecked Sendable {
    let parameters: UnsafeMutablePointer<Float>
    let firstMoments: UnsafeMutablePointer<Float>
    let secondMoments: UnsafeMutablePointer<Float>
    let gradients: UnsafePointer<Float>?
    let slots: UnsafeMutablePointer<Int32>
    let dimension: Int
    let step: AdamStep
    let gradientScale: Float

    /// Updates table row `row`, whose gradient is row `slot` of the sparse gradient (or zero if `slot < 0`).
    @inline(__always)
    func update(row: Int, slot: Int) {
        let offset = row * dimension
        if slot >= 0, let gradients {
            step.update(
                parameters: parameters + offset, gradients: gradients + slot * dimension,
                gradientScale: gradientScale,
                firstMoments: firstMoments + offset, secondMoments: secondMoments + offset, count: dimension)
        } else {
            step.updateWithZeroGradient(
                parameters: parameters + offset, firstMoments: firstMoments + offset,
                secondMoments: secondMoments + offset, count: dimension)
        }
    }
}
