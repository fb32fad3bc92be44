import CKernels

/// How Adam treats embedding rows that the current batch did not use.
public enum EmbeddingAdamMode: String, Codable, Sendable {
    /// Exactly what `torch.optim.Adam` does with the dense gradient of `nn.Embedding`: every row's moments
    /// decay every step and every row with a non-zero first moment keeps moving. The updates of rows a
    /// step did not use are deferred until the row is used or read again (see `EmbeddingAdamState`), which
    /// gives bitwise the same values without a pass over the whole table every step.
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

/// Adam's moment estimates for one embedding table, and the update in one `EmbeddingAdamMode`.
///
/// In `.dense` mode a row that a step's gradient does not touch gets the zero-gradient update
/// (`AdamStep.updateWithZeroGradient`), whose arithmetic depends only on the row's own parameters and
/// moments and on that step's two step-dependent coefficients. Instead of walking the whole table every
/// step (parameters and both moments of every row), the state records those two floats per step and, per
/// row, the step up to which the row is current. A row's missed updates are replayed, in order and with
/// the same float operations, hence bitwise the same values, when the row is next needed: when a gradient
/// touches it (`apply`), or when the table's owner brings rows up to date before reading them
/// (`catchUp(rows:in:threads:)`, `catchUpAll(in:threads:)`). The replay keeps a row in registers across
/// its missed steps and is vectorised (`sk_adam_zero_gradient_steps`); the walk it replaces was scalar.
///
/// So while `hasDeferredUpdates` is true, rows of the table may be stale: whoever owns the table must
/// catch up the rows it reads before reading them. `AdamOptimizer` owns this state and does it in
/// `prepare(_:forReading:)` and `synchronize(_:)`, which the training loop calls.
///
/// A state belongs to one table: always pass the same table. Not safe to use from several threads at once.
public final class EmbeddingAdamState {
    /// Number of rows of the table.
    public let vocabularySize: Int
    /// Length of each row.
    public let dimension: Int
    /// How rows the gradient does not touch are updated.
    public let mode: EmbeddingAdamMode
    /// False for the eager reference only: `.dense` steps then walk the whole table at once, as they did
    /// before updates were deferred. Kept so tests can check the deferred path against it bit for bit.
    package let defersUpdates: Bool
    /// Number of steps applied (Adam's `t` of the last one).
    public private(set) var stepCount = 0

    private var firstMoments: [Float]
    private var secondMoments: [Float]
    /// A mark per row, −1 when unmarked: the row's slot in the gradient during an eager dense step, or
    /// "already listed" while the rows to catch up are being collected. Reset after each use.
    private var slotOfRow: [Int32]
    /// The step up to which each row's parameters and moments are current (deferred `.dense` mode).
    private var currentStep: [Int]
    /// `stepSize` and `biasCorrection2Root` of steps `recordedBase + 1 ... stepCount`.
    private var stepSizes: [Float] = []
    private var biasCorrection2Roots: [Float] = []
    /// Every row is current up to this step, so earlier coefficients are no longer kept.
    private var recordedBase = 0
    /// The first step's coefficients; betas and epsilon must stay the same for every step.
    private var constants: AdamStep?
    /// Rows being caught up (kept to reuse its memory).
    private var rowsToCatchUp: [Int32] = []

    /// Zero moments for a `[vocabularySize × dimension]` table updated in `mode`.
    public convenience init(vocabularySize: Int, dimension: Int, mode: EmbeddingAdamMode) {
        self.init(vocabularySize: vocabularySize, dimension: dimension, mode: mode, defersUpdates: true)
    }

    /// Zero moments; with `defersUpdates` false `.dense` steps walk the whole table every step (the
    /// reference implementation for tests).
    package init(vocabularySize: Int, dimension: Int, mode: EmbeddingAdamMode, defersUpdates: Bool) {
        precondition(vocabularySize > 0 && dimension > 0, "embedding table needs positive sizes")
        self.vocabularySize = vocabularySize
        self.dimension = dimension
        self.mode = mode
        self.defersUpdates = defersUpdates
        firstMoments = [Float](repeating: 0, count: vocabularySize * dimension)
        secondMoments = firstMoments
        slotOfRow = [Int32](repeating: -1, count: vocabularySize)
        currentStep = [Int](repeating: 0, count: vocabularySize)
    }

    /// True when rows of the table and of the moments may lag behind `stepCount`: after any step since
    /// the last `catchUpAll`. Always false outside deferred `.dense` mode.
    public var hasDeferredUpdates: Bool { defersDenseUpdates && stepCount > recordedBase }

    /// The first and second moment estimates, `[vocabularySize × dimension]` each. Every row must be
    /// current: call `catchUpAll(in:threads:)` first.
    public var moments: (first: [Float], second: [Float]) {
        precondition(!hasDeferredUpdates, "catch up the deferred updates before reading the moments")
        return (firstMoments, secondMoments)
    }

    private var defersDenseUpdates: Bool { mode == .dense && defersUpdates }

    /// Applies one Adam step with `gradient × gradientScale` to `table`. In `.dense` mode the rows of the
    /// gradient are first brought up to date and every other row's update is deferred; the eager reference
    /// walks the whole table instead, split into `threads` row ranges that run concurrently.
    public func apply(
        _ gradient: SparseRowGradient, to table: inout EmbeddingTable, step: AdamStep,
        gradientScale: Float = 1, threads: Int = 1
    ) {
        precondition(
            table.vocabularySize == vocabularySize && table.dimension == dimension,
            "Adam state does not match the table")
        precondition(gradient.dimension == dimension, "gradient dimension does not match the table")
        stepCount += 1
        if defersDenseUpdates { record(step) }
        let stepCount = stepCount
        withRows(of: &table, gradient: gradient, step: step, gradientScale: gradientScale) { rows in
            switch mode {
            case .lazy:
                for (slot, id) in gradient.rowIDs.enumerated() {
                    rows.update(row: Int(id), slot: slot)
                }
            case .dense where defersUpdates:
                // The rows the forward pass read are usually current already; others catch up here.
                for (slot, id) in gradient.rowIDs.enumerated() {
                    rows.catchUp(row: Int(id), through: stepCount - 1)
                    rows.update(row: Int(id), slot: slot)
                    rows.currentStep[Int(id)] = stepCount
                }
            case .dense:
                for (slot, id) in gradient.rowIDs.enumerated() {
                    rows.slots[Int(id)] = Int32(slot)
                }
                let chunks = max(1, min(threads, vocabularySize / 1024))
                let total = vocabularySize
                ParallelWork.run(parts: chunks) { chunk in
                    for row in ParallelWork.range(chunk, of: chunks, count: total) {
                        rows.update(row: row, slot: Int(rows.slots[row]))
                    }
                }
                for id in gradient.rowIDs { rows.slots[Int(id)] = -1 }
            }
        }
    }

    /// Brings the rows of `ids` (repeats allowed, each in `0..<vocabularySize`) up to date with every step
    /// applied so far, in `table` and in the moments, replaying their deferred updates; other rows keep
    /// theirs. Large catch-ups are split across `threads`.
    public func catchUp(rows ids: some Sequence<Int32>, in table: inout EmbeddingTable, threads: Int = 1) {
        guard hasDeferredUpdates else { return }
        let stepCount = stepCount
        let vocabularySize = vocabularySize
        rowsToCatchUp.removeAll(keepingCapacity: true)
        currentStep.withUnsafeBufferPointer { current in
            slotOfRow.withUnsafeMutableBufferPointer { listed in
                for id in ids {
                    precondition(id >= 0 && Int(id) < vocabularySize, "row \(id) outside the table")
                    if current[Int(id)] < stepCount && listed[Int(id)] < 0 {
                        listed[Int(id)] = 0
                        rowsToCatchUp.append(id)
                    }
                }
                for id in rowsToCatchUp { listed[Int(id)] = -1 }
            }
        }
        replay(rowsToCatchUp, in: &table, threads: threads)
    }

    /// Brings every row of `table` and of the moments up to date, split across `threads`; afterwards
    /// `hasDeferredUpdates` is false and the recorded step coefficients are dropped.
    public func catchUpAll(in table: inout EmbeddingTable, threads: Int = 1) {
        guard hasDeferredUpdates else { return }
        let stepCount = stepCount
        rowsToCatchUp.removeAll(keepingCapacity: true)
        for (row, step) in currentStep.enumerated() where step < stepCount {
            rowsToCatchUp.append(Int32(row))
        }
        replay(rowsToCatchUp, in: &table, threads: threads)
        stepSizes.removeAll(keepingCapacity: true)
        biasCorrection2Roots.removeAll(keepingCapacity: true)
        recordedBase = stepCount
    }

    /// Keeps the step-dependent coefficients of the step being applied, for rows that catch up later.
    private func record(_ step: AdamStep) {
        if let constants {
            precondition(step.hasSameConstants(as: constants), "Adam's betas and epsilon must not change")
        } else {
            constants = step
        }
        stepSizes.append(step.stepSize)
        biasCorrection2Roots.append(step.biasCorrection2Root)
    }

    /// Replays the deferred updates of `rows` (distinct) up to `stepCount`. With several threads and enough
    /// work, the list is cut into ranges of about equal work (rows lag by very different numbers of steps).
    private func replay(_ rows: [Int32], in table: inout EmbeddingTable, threads: Int) {
        guard !rows.isEmpty, let constants else { return }
        let stepCount = stepCount
        withRows(of: &table, gradient: nil, step: constants, gradientScale: 1) { table in
            var work = 0
            for row in rows { work += stepCount - table.currentStep[Int(row)] }
            let chunks = work * dimension >= Self.minimumParallelWork ? max(1, min(threads, rows.count)) : 1
            if chunks == 1 {
                for row in rows { table.catchUp(row: Int(row), through: stepCount) }
                return
            }
            var bounds = [0]
            var done = 0
            for (index, row) in rows.enumerated() where bounds.count < chunks {
                done += stepCount - table.currentStep[Int(row)]
                if done * chunks >= bounds.count * work { bounds.append(index + 1) }
            }
            bounds.append(rows.count)
            let ranges = bounds
            ParallelWork.run(parts: ranges.count - 1) { chunk in
                for index in ranges[chunk]..<ranges[chunk + 1] {
                    table.catchUp(row: Int(rows[index]), through: stepCount)
                }
            }
        }
    }

    /// Element updates (row length × steps) below which a catch-up stays on the calling thread.
    private static let minimumParallelWork = 1 << 16

    /// Runs `body` with pointers to the table, the moments, `gradient`'s rows and the recorded
    /// coefficients.
    private func withRows(
        of table: inout EmbeddingTable, gradient: SparseRowGradient?, step: AdamStep, gradientScale: Float,
        _ body: (AdamRows) -> Void
    ) {
        precondition(table.weights.count == firstMoments.count, "Adam state does not match the table")
        let dimension = dimension
        let recordedBase = recordedBase
        firstMoments.withUnsafeMutableBufferPointer { m in
            secondMoments.withUnsafeMutableBufferPointer { v in
                table.weights.withUnsafeMutableBufferPointer { p in
                    slotOfRow.withUnsafeMutableBufferPointer { slots in
                        currentStep.withUnsafeMutableBufferPointer { current in
                            stepSizes.withUnsafeBufferPointer { stepSizes in
                                biasCorrection2Roots.withUnsafeBufferPointer { roots in
                                    (gradient?.rows ?? []).withUnsafeBufferPointer { g in
                                        body(
                                            AdamRows(
                                                parameters: p.baseAddress!, firstMoments: m.baseAddress!,
                                                secondMoments: v.baseAddress!, gradients: g.baseAddress,
                                                slots: slots.baseAddress!, currentStep: current.baseAddress!,
                                                stepSizes: stepSizes.baseAddress,
                                                biasCorrection2Roots: roots.baseAddress,
                                                recordedBase: recordedBase, dimension: dimension, step: step,
                                                gradientScale: gradientScale))
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

/// Pointers into the table, its moments, a gradient and the recorded step coefficients, shared by the
/// threads of one update or catch-up; each thread touches its own rows only.
private struct AdamRows: @unchecked Sendable {
    let parameters: UnsafeMutablePointer<Float>
    let firstMoments: UnsafeMutablePointer<Float>
    let secondMoments: UnsafeMutablePointer<Float>
    let gradients: UnsafePointer<Float>?
    let slots: UnsafeMutablePointer<Int32>
    let currentStep: UnsafeMutablePointer<Int>
    let stepSizes: UnsafePointer<Float>?
    let biasCorrection2Roots: UnsafePointer<Float>?
    let recordedBase: Int
    let dimension: Int
    /// The step being applied (for a catch-up only its betas and epsilon are used).
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

    /// Replays the zero-gradient updates that row `row` missed, one step after the other, up to step
    /// `target`: exactly what the eager walk did to it at each of those steps. The kernel is C because
    /// Swift's `Float.squareRoot()` calls libm's `sqrtf` on Linux, which keeps the loop scalar; it performs
    /// the float operations of `AdamStep.updateWithZeroGradient` in the same order, unfused.
    @inline(__always)
    func catchUp(row: Int, through target: Int) {
        let first = currentStep[row] + 1
        guard first <= target else { return }
        let offset = row * dimension
        let index = first - recordedBase - 1
        sk_adam_zero_gradient_steps(
            Int64(dimension), parameters + offset, firstMoments + offset, secondMoments + offset,
            step.oneMinusBeta1, step.beta2, step.epsilon, stepSizes! + index, biasCorrection2Roots! + index,
            Int64(target - first + 1))
        currentStep[row] = target
    }
}
