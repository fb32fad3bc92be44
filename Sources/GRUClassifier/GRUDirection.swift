import CKernels

/// Read-only pointers to one GRU direction's parameters (PyTorch layout, row blocks `[r; z; n]`).
struct DirectionParameters {
    let weightIH: UnsafePointer<Float>  // [3H × inputSize]
    let weightHH: UnsafePointer<Float>  // [3H × H]
    let biasIH: UnsafePointer<Float>  // [3H]
    let biasHH: UnsafePointer<Float>  // [3H]
    let inputSize: Int
}

/// Per-step values the backward pass reads, in packed rows `[tokenCount × …]`.
struct DirectionRecord {
    /// Gate activations `r`, `z`, `n` of each step, `[T × 3H]`.
    let gates: UnsafeMutablePointer<Float>
    /// `reset_after`: `W_hn h + b_hn`; `reset_before`: `r ⊙ h`. `[T × H]`.
    let auxiliary: UnsafeMutablePointer<Float>
    /// The state each step started from, `[T × H]`.
    let previous: UnsafeMutablePointer<Float>
}

/// Forward and backward passes of one GRU direction over a packed shard.
///
/// The forward direction walks the time steps upwards, the reverse one downwards; since the running
/// sequences at step `t` are always the prefix `0..<activeCount[t]` of the shard, each step is one matrix
/// product over that prefix of the state `[B × H]` plus element-wise gate arithmetic on contiguous rows.
/// A sequence's row of the state freezes once it has ended (forward) and is still zero when it starts
/// (reverse), so after the walk the state holds every sequence's final state, without padding.
enum GRUDirection {
    /// The part of the biases that simply adds to the input projection: `b_ih` for all gates, plus `b_hh`
    /// for `r` and `z` (and for `n` in `reset_before`, where `b_hn` sits outside the reset gate).
    static func foldedInputBias(
        cell: GRUCellVariant, hidden: Int, parameters: DirectionParameters,
        into bias: UnsafeMutablePointer<Float>
    ) {
        let foldedRows = cell == .resetAfter ? 2 * hidden : 3 * hidden
        for index in 0..<3 * hidden {
            bias[index] = parameters.biasIH[index] + (index < foldedRows ? parameters.biasHH[index] : 0)
        }
    }

    /// `projections[rows × 3H] = input · W_ihᵀ + folded bias`: the input side of every time step at once.
    static func project(
        cell: GRUCellVariant, hidden: Int, rows: Int, input: UnsafePointer<Float>,
        parameters: DirectionParameters,
        bias: UnsafeMutablePointer<Float>, into projections: UnsafeMutablePointer<Float>
    ) {
        let width = 3 * hidden
        gemm(
            transposeA: false, transposeB: true, m: rows, n: width, k: parameters.inputSize, a: input,
            lda: parameters.inputSize, b: parameters.weightIH, ldb: parameters.inputSize, beta: 0,
            c: projections,
            ldc: width)
        foldedInputBias(cell: cell, hidden: hidden, parameters: parameters, into: bias)
        sk_add_bias_rows(projections, Int32(rows), Int32(width), Int32(width), bias)
    }

    /// Runs the recurrence. `projections` holds the input side per packed row, or per distinct token when
    /// `projectionRows` maps each packed row to its projection row. `state` `[B × H]` must be zero on entry
    /// and holds the final states on exit. `output` (if any) receives each step's state with row stride
    /// `outputStride`. `record` (if any) receives what `backward` needs.
    static func forward(
        cell: GRUCellVariant, hidden: Int, shard: PackedShard, reversed: Bool,
        projections: UnsafePointer<Float>,
        projectionRows: UnsafePointer<Int32>?, parameters: DirectionParameters,
        state: UnsafeMutablePointer<Float>, stepBuffer: UnsafeMutablePointer<Float>,
        resetBuffer: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>?, outputStride: Int,
        record: DirectionRecord?
    ) {
        let h = hidden
        let width = 3 * h
        let weightHN = parameters.weightHH + 2 * h * h
        let biasHN = parameters.biasHH + 2 * h
        let steps = shard.maxLength
        for stepIndex in 0..<steps {
            let time = reversed ? steps - 1 - stepIndex : stepIndex
            let active = shard.activeCount[time]
            let base = shard.rowOffset[time]
            if let record {
                (record.previous + base * h).update(from: state, count: active * h)
            }
            switch cell {
            case .resetAfter:
                // All three hidden-side products at once: stepBuffer = h · W_hhᵀ.
                gemm(
                    transposeA: false, transposeB: true, m: active, n: width, k: h, a: state, lda: h,
                    b: parameters.weightHH, ldb: h, beta: 0, c: stepBuffer, ldc: width)
                for row in 0..<active {
                    let packedRow = base + row
                    let input = projections + width * projectionRow(projectionRows, packedRow)
                    let hiddenSide = stepBuffer + row * width
                    // In inference the gates are computed in place over the step buffer.
                    let gates = record.map { $0.gates + packedRow * width } ?? hiddenSide
                    ForwardLanes.add(input, hiddenSide, into: gates, count: 2 * h)
                    sk_sigmoid(gates, gates, Int64(2 * h))
                    ForwardLanes.resetAfterCandidate(
                        input: input + 2 * h, reset: gates, hiddenN: hiddenSide + 2 * h, bias: biasHN,
                        auxiliary: record.map { $0.auxiliary + packedRow * h }, into: gates + 2 * h, count: h)
                    sk_tanh(gates + 2 * h, gates + 2 * h, Int64(h))
                    updateState(
                        gates: gates, hidden: h, state: state + row * h,
                        output: output.map { $0 + packedRow * outputStride })
                }
            case .resetBefore:
                // r and z from h · W_h{r,z}ᵀ; then n needs (r ⊙ h) · W_hnᵀ, a second product.
                gemm(
                    transposeA: false, transposeB: true, m: active, n: 2 * h, k: h, a: state, lda: h,
                    b: parameters.weightHH, ldb: h, beta: 0, c: stepBuffer, ldc: width)
                let resetState = record.map { $0.auxiliary + base * h } ?? resetBuffer
                for row in 0..<active {
                    let packedRow = base + row
                    let input = projections + width * projectionRow(projectionRows, packedRow)
                    let hiddenSide = stepBuffer + row * width
                    let gates = record.map { $0.gates + packedRow * width } ?? hiddenSide
                    ForwardLanes.add(input, hiddenSide, into: gates, count: 2 * h)
                    sk_sigmoid(gates, gates, Int64(2 * h))
                    ForwardLanes.multiply(gates, state + row * h, into: resetState + row * h, count: h)
                }
                gemm(
                    transposeA: false, transposeB: true, m: active, n: h, k: h, a: resetState, lda: h,
                    b: weightHN,
                    ldb: h, beta: 0, c: stepBuffer + 2 * h, ldc: width)
                for row in 0..<active {
                    let packedRow = base + row
                    let input = projections + width * projectionRow(projectionRows, packedRow)
                    let hiddenSide = stepBuffer + row * width
                    let gates = record.map { $0.gates + packedRow * width } ?? hiddenSide
                    ForwardLanes.add(input + 2 * h, hiddenSide + 2 * h, into: gates + 2 * h, count: h)
                    sk_tanh(gates + 2 * h, gates + 2 * h, Int64(h))
                    updateState(
                        gates: gates, hidden: h, state: state + row * h,
                        output: output.map { $0 + packedRow * outputStride })
                }
            }
        }
    }

    /// The projection row of a packed row: itself, or its distinct token's row.
    @inline(__always)
    private static func projectionRow(_ rows: UnsafePointer<Int32>?, _ packedRow: Int) -> Int {
        if let rows { return Int(rows[packedRow]) }
        return packedRow
    }

    /// `h' = (1 − z) ⊙ n + z ⊙ h`, written to the state row and the output row.
    @inline(__always)
    private static func updateState(
        gates: UnsafePointer<Float>, hidden h: Int, state: UnsafeMutablePointer<Float>,
        output: UnsafeMutablePointer<Float>?
    ) {
        ForwardLanes.interpolate(update: gates + h, candidate: gates + 2 * h, state: state, count: h)
        output?.update(from: state, count: h)
    }

    /// Back-propagates through the recurrence, in the opposite time order to `forward`.
    ///
    /// On entry `stateGradient` `[B × H]` holds, for each sequence, the gradient of its final state (zero
    /// for layers below the top). `outputGradient` (if any) adds the gradient of each step's output.
    /// On exit `projectionGradient` `[T × 3H]` holds the gradient of the gate pre-activations on the input
    /// side, and `hiddenNGradient` `[T × H]` (`reset_after` only) that of `W_hn h + b_hn`.
    static func backward(
        cell: GRUCellVariant, hidden: Int, shard: PackedShard, reversed: Bool,
        parameters: DirectionParameters,
        record: DirectionRecord, outputGradient: UnsafePointer<Float>?, outputStride: Int,
        stateGradient: UnsafeMutablePointer<Float>, projectionGradient: UnsafeMutablePointer<Float>,
        hiddenNGradient: UnsafeMutablePointer<Float>, stepBuffer: UnsafeMutablePointer<Float>,
        resetBuffer: UnsafeMutablePointer<Float>
    ) {
        let h = hidden
        let width = 3 * h
        let weightHN = parameters.weightHH + 2 * h * h
        let steps = shard.maxLength
        for stepIndex in 0..<steps {
            let time = reversed ? stepIndex : steps - 1 - stepIndex
            let active = shard.activeCount[time]
            let base = shard.rowOffset[time]
            switch cell {
            case .resetAfter:
                for row in 0..<active {
                    let packedRow = base + row
                    let gates = record.gates + packedRow * width
                    let hiddenN = record.auxiliary + packedRow * h
                    let previous = record.previous + packedRow * h
                    let gradient = stateGradient + row * h
                    if let outputGradient {
                        let fromOutput = outputGradient + packedRow * outputStride
                        for index in 0..<h { gradient[index] += fromOutput[index] }
                    }
                    let inputSide = projectionGradient + packedRow * width
                    let hiddenSide = stepBuffer + row * width
                    let hiddenNRow = hiddenNGradient + packedRow * h
                    let lanes = ResetAfterGradientRow(
                        h: h, gates: gates, hiddenN: hiddenN, previous: previous, gradient: gradient,
                        inputSide: inputSide, hiddenSide: hiddenSide, hiddenNGradient: hiddenNRow)
                    forEachLaneGroup(
                        count: h, { lanes.apply(SIMD8<Float>.self, $0) }, { lanes.apply(Float.self, $0) })
                }
                // dh_prev += [dr, dz, dHiddenN] · W_hh
                gemm(
                    transposeA: false, transposeB: false, m: active, n: h, k: width, a: stepBuffer,
                    lda: width,
                    b: parameters.weightHH, ldb: h, beta: 1, c: stateGradient, ldc: h)
            case .resetBefore:
                for row in 0..<active {
                    let packedRow = base + row
                    let gates = record.gates + packedRow * width
                    let previous = record.previous + packedRow * h
                    let gradient = stateGradient + row * h
                    if let outputGradient {
                        let fromOutput = outputGradient + packedRow * outputStride
                        for index in 0..<h { gradient[index] += fromOutput[index] }
                    }
                    let inputSide = projectionGradient + packedRow * width
                    let lanes = ResetBeforeGradientRow(
                        h: h, gates: gates, previous: previous, gradient: gradient, inputSide: inputSide,
                        resetGradient: resetBuffer)
                    forEachLaneGroup(
                        count: h, { lanes.updateGate(SIMD8<Float>.self, $0) },
                        { lanes.updateGate(Float.self, $0) })
                }
                // Gradient of r ⊙ h: dn · W_hn.
                gemm(
                    transposeA: false, transposeB: false, m: active, n: h, k: h,
                    a: projectionGradient + base * width + 2 * h, lda: width, b: weightHN, ldb: h, beta: 0,
                    c: resetBuffer, ldc: h)
                for row in 0..<active {
                    let packedRow = base + row
                    let gates = record.gates + packedRow * width
                    let previous = record.previous + packedRow * h
                    let gradient = stateGradient + row * h
                    let inputSide = projectionGradient + packedRow * width
                    let resetGradient = resetBuffer + row * h
                    let lanes = ResetBeforeGradientRow(
                        h: h, gates: gates, previous: previous, gradient: gradient, inputSide: inputSide,
                        resetGradient: resetGradient)
                    forEachLaneGroup(
                        count: h, { lanes.resetGate(SIMD8<Float>.self, $0) },
                        { lanes.resetGate(Float.self, $0) })
                }
                // dh_prev += [dr, dz] · W_h{r,z}
                gemm(
                    transposeA: false, transposeB: false, m: active, n: h, k: 2 * h,
                    a: projectionGradient + base * width, lda: width, b: parameters.weightHH, ldb: h, beta: 1,
                    c: stateGradient, ldc: h)
            }
        }
    }

    /// Adds the gradients of `weight_hh` and `bias_hh` over all time steps at once:
    /// `dW_h{r,z} += dG_{r,z}ᵀ · H_prev`, and `dW_hn += dHNᵀ · H_prev` (`reset_after`) or
    /// `dG_nᵀ · (r ⊙ H_prev)` (`reset_before`).
    static func accumulateHiddenGradients(
        cell: GRUCellVariant, hidden: Int, tokenCount: Int, record: DirectionRecord,
        projectionGradient: UnsafePointer<Float>, hiddenNGradient: UnsafePointer<Float>,
        weightGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>
    ) {
        let h = hidden
        let width = 3 * h
        gemm(
            transposeA: true, transposeB: false, m: 2 * h, n: h, k: tokenCount, a: projectionGradient,
            lda: width,
            b: record.previous, ldb: h, beta: 1, c: weightGradient, ldc: h)
        let nGradient: UnsafePointer<Float>
        let nStride: Int
        switch cell {
        case .resetAfter:
            nGradient = hiddenNGradient
            nStride = h
            gemm(
                transposeA: true, transposeB: false, m: h, n: h, k: tokenCount, a: hiddenNGradient, lda: h,
                b: record.previous, ldb: h, beta: 1, c: weightGradient + 2 * h * h, ldc: h)
        case .resetBefore:
            nGradient = projectionGradient + 2 * h
            nStride = width
            gemm(
                transposeA: true, transposeB: false, m: h, n: h, k: tokenCount, a: nGradient, lda: width,
                b: record.auxiliary, ldb: h, beta: 1, c: weightGradient + 2 * h * h, ldc: h)
        }
        // Column sums over the time steps: the r and z gates', then the n gate's.
        sk_sum_rows(Int32(tokenCount), Int32(2 * h), projectionGradient, Int32(width), biasGradient)
        sk_sum_rows(Int32(tokenCount), Int32(h), nGradient, Int32(nStride), biasGradient + 2 * h)
    }

    /// Adds the gradients of `weight_ih` and `bias_ih` (`dW_ih += dGᵀ · X`; neither when `weightGradient`
    /// is nil, when only the inputs' gradient is wanted) and writes (`beta` 0) or adds (`beta` 1) the
    /// gradient of the input rows, `dX = dG · W_ih`.
    static func accumulateInputGradients(
        hidden: Int, rows: Int, input: UnsafePointer<Float>, rowGradients: UnsafePointer<Float>,
        parameters: DirectionParameters, weightGradient: UnsafeMutablePointer<Float>?,
        biasGradient: UnsafeMutablePointer<Float>, inputGradient: UnsafeMutablePointer<Float>, beta: Float
    ) {
        let width = 3 * hidden
        let inputSize = parameters.inputSize
        if let weightGradient {
            gemm(
                transposeA: true, transposeB: false, m: width, n: inputSize, k: rows, a: rowGradients,
                lda: width, b: input, ldb: inputSize, beta: 1, c: weightGradient, ldc: inputSize)
            sk_sum_rows(Int32(rows), Int32(width), rowGradients, Int32(width), biasGradient)
        }
        gemm(
            transposeA: false, transposeB: false, m: rows, n: inputSize, k: width, a: rowGradients,
            lda: width,
            b: parameters.weightIH, ldb: inputSize, beta: beta, c: inputGradient, ldc: inputSize)
    }
}

/// One row's gate gradients in `reset_after`, from the gradient `dh` of the step's output state:
/// `dn = dh·(1−z)·(1−n²)`, `dz = dh·(h_prev−n)·z·(1−z)`, `dr = dn·hn·r·(1−r)`, `d hn = dn·r`, and
/// `dh·z` as the direct part of the previous state's gradient.
private struct ResetAfterGradientRow {
    let h: Int
    let gates: UnsafePointer<Float>
    let hiddenN: UnsafePointer<Float>
    let previous: UnsafePointer<Float>
    let gradient: UnsafeMutablePointer<Float>
    let inputSide: UnsafeMutablePointer<Float>
    let hiddenSide: UnsafeMutablePointer<Float>
    let hiddenNGradient: UnsafeMutablePointer<Float>

    @inline(__always)
    func apply<V: GateLanes>(_: V.Type, _ index: Int) {
        let one = V.one
        let dh = V.load(gradient + index)
        let r = V.load(gates + index)
        let z = V.load(gates + h + index)
        let n = V.load(gates + 2 * h + index)
        let dn = dh * (one - z) * (one - n * n)
        let dz = dh * (V.load(previous + index) - n) * z * (one - z)
        let dr = dn * V.load(hiddenN + index) * r * (one - r)
        let dHiddenN = dn * r
        dr.store(inputSide + index)
        dz.store(inputSide + h + index)
        dn.store(inputSide + 2 * h + index)
        dr.store(hiddenSide + index)
        dz.store(hiddenSide + h + index)
        dHiddenN.store(hiddenSide + 2 * h + index)
        dHiddenN.store(hiddenNGradient + index)
        (dh * z).store(gradient + index)
    }
}

/// One row's gate gradients in `reset_before`, in two phases around the product `d(r⊙h) = dn·W_hn`.
private struct ResetBeforeGradientRow {
    let h: Int
    let gates: UnsafePointer<Float>
    let previous: UnsafePointer<Float>
    let gradient: UnsafeMutablePointer<Float>
    let inputSide: UnsafeMutablePointer<Float>
    let resetGradient: UnsafePointer<Float>

    /// `dz`, `dn` and the direct part `dh·z` of the previous state's gradient.
    @inline(__always)
    func updateGate<V: GateLanes>(_: V.Type, _ index: Int) {
        let one = V.one
        let dh = V.load(gradient + index)
        let z = V.load(gates + h + index)
        let n = V.load(gates + 2 * h + index)
        (dh * (V.load(previous + index) - n) * z * (one - z)).store(inputSide + h + index)
        (dh * (one - z) * (one - n * n)).store(inputSide + 2 * h + index)
        (dh * z).store(gradient + index)
    }

    /// `dr = d(r⊙h)·h_prev·r·(1−r)` and the previous state's share `d(r⊙h)·r`.
    @inline(__always)
    func resetGate<V: GateLanes>(_: V.Type, _ index: Int) {
        let one = V.one
        let r = V.load(gates + index)
        let dReset = V.load(resetGradient + index)
        (dReset * V.load(previous + index) * r * (one - r)).store(inputSide + index)
        (V.load(gradient + index) + dReset * r).store(gradient + index)
    }
}
