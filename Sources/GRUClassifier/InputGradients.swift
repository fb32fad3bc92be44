extension BiGRUClassifier {
    /// The vectors the first layer reads for token ids `ids`, `ids.count × embeddingDim` floats: each
    /// id's embedding row, a marked id's (`NegationTransform`) through the negation transform.
    public func inputVectors(for ids: [Int32]) throws -> [Float] {
        let limit = configuration.tokenIDLimit
        if let (position, id) = ids.enumerated().first(where: { $0.1 < 0 || Int($0.1) >= limit }) {
            throw ClassifierError.tokenOutOfRange(sequence: 0, position: position, id: id, vocabularySize: limit)
        }
        let dimension = configuration.embeddingDim
        let rows = configuration.vocabularySize
        var input = [Float](repeating: 0, count: ids.count * dimension)
        var plain = [Float](repeating: 0, count: dimension)
        parameters.embedding.withRowSource { table in
            parameters.dense.withUnsafeBufferPointer { dense in
                input.withUnsafeMutableBufferPointer { input in
                    plain.withUnsafeMutableBufferPointer { plain in
                        for (position, id) in ids.enumerated() {
                            let target = input.baseAddress! + position * dimension
                            if let negation = layout.negation, Int(id) >= rows {
                                table.copyRow(Int(id) - rows, into: plain.baseAddress!)
                                negation.apply(plain.baseAddress!, into: target, dense: dense.baseAddress!)
                            } else {
                                table.copyRow(Int(id), into: target)
                            }
                        }
                    }
                }
            }
        }
        return input
    }

    /// The BiGRU's own logit (the linear head on the final states, without the wide channel) of sequences
    /// given as input vectors rather than token ids, and the gradient of each logit with respect to each
    /// of its input vectors: what gradient-based attributions need.
    ///
    /// `inputs[i]` holds sequence `i` as `length × embeddingDim` floats, one vector per position (a
    /// sequence of length 0 is an empty array). The pass is the network's own forward and backward pass,
    /// without dropout, with the logit itself back-propagated (no loss) and no parameter gradients; it
    /// runs on `threadCount` threads like any batch. Each result's `inputGradient` has its sequence's
    /// layout.
    public func deepLogitsAndInputGradients(for inputs: [[Float]]) throws -> [(
        logit: Float, inputGradient: [Float]
    )] {
        let dimension = configuration.embeddingDim
        if let bad = inputs.firstIndex(where: { $0.count % dimension != 0 }) {
            throw ClassifierError.inputSizeMismatch(
                sequence: bad, values: inputs[bad].count, dimension: dimension)
        }
        // Every position of every sequence is a row of its own, so its gradient stays apart from those of
        // other positions (the pass sums the gradients of rows that share an id).
        var batch: [[Int32]] = []
        batch.reserveCapacity(inputs.count)
        var rows = 0
        for input in inputs {
            let length = input.count / dimension
            batch.append((rows..<rows + length).map { Int32($0) })
            rows += length
        }
        guard rows <= Int(Int32.max) else {
            throw ClassifierError.invalidConfiguration("too many input vectors (\(rows))")
        }
        var results = inputs.map { (logit: Float(0), inputGradient: [Float](repeating: 0, count: $0.count)) }
        guard !inputs.isEmpty else { return results }
        runPass(
            batch: batch, labels: nil,
            options: PassOptions(
                computeGradients: true, dropoutSeed: nil, batchCount: batch.count, logitInputGradients: true),
            inputVectors: Array(inputs.joined()))
        for (index, logit) in collectLogits(count: batch.count).enumerated() { results[index].logit = logit }
        // Row r belongs to the sequence whose range holds it.
        var owner = [(sequence: Int, position: Int)]()
        owner.reserveCapacity(rows)
        for (sequence, ids) in batch.enumerated() {
            for position in ids.indices { owner.append((sequence, position)) }
        }
        for workspace in activeWorkspaces(batchCount: batch.count) {
            let gradientRows = workspace.embeddingGradientRows
            for (slot, row) in gradientRows.ids.enumerated() {
                let (sequence, position) = owner[Int(row)]
                results[sequence].inputGradient.withUnsafeMutableBufferPointer { gradient in
                    (gradient.baseAddress! + position * dimension).update(
                        from: gradientRows.rows + slot * dimension, count: dimension)
                }
            }
        }
        return results
    }
}
