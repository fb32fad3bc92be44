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

    /// Applies one Adam step with `gradient × gradientScale` to `table`.
    public mutating func apply(
        _ gradient: SparseRowGradient, to table: inout EmbeddingTable, step: AdamStep,
        mode: EmbeddingAdamMode,
        gradientScale: Float = 1
    ) {
        precondition(firstMoments.count == table.weights.count, "Adam state does not match the table")
        let dimension = table.dimension
        firstMoments.withUnsafeMutableBufferPointer { mBuffer in
            secondMoments.withUnsafeMutableBufferPointer { vBuffer in
                table.weights.withUnsafeMutableBufferPointer { pBuffer in
                    gradient.rows.withUnsafeBufferPointer { gBuffer in
                        let m = mBuffer.baseAddress!
                        let v = vBuffer.baseAddress!
                        let p = pBuffer.baseAddress!
                        switch mode {
                        case .lazy:
                            for (slot, id) in gradient.rowIDs.enumerated() {
                                let offset = Int(id) * dimension
                                step.update(
                                    parameters: p + offset,
                                    gradients: gBuffer.baseAddress! + slot * dimension,
                                    gradientScale: gradientScale,
                                    firstMoments: m + offset, secondMoments: v + offset, count: dimension)
                            }
                        case .dense:
                            slotOfRow.withUnsafeMutableBufferPointer { slots in
                                for (slot, id) in gradient.rowIDs.enumerated() {
                                    slots[Int(id)] = Int32(slot)
                                }
                                for row in 0..<slots.count {
                                    let offset = row * dimension
                                    let slot = Int(slots[row])
                                    if slot >= 0 {
                                        step.update(
                                            parameters: p + offset,
                                            gradients: gBuffer.baseAddress! + slot * dimension,
                                            gradientScale: gradientScale,
                                            firstMoments: m + offset, secondMoments: v + offset,
                                            count: dimension)
                                        slots[row] = -1
                                    } else {
                                        step.updateWithZeroGradient(
                                            parameters: p + offset, firstMoments: m + offset,
                                            secondMoments: v + offset, count: dimension)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
