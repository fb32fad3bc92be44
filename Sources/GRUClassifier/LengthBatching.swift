/// Groups example indices into batches of similar sequence length, so a batch wastes little work on
/// padding, while still mixing the data differently every epoch.
///
/// The indices are shuffled, cut into pools of `poolBatches` batches, sorted by length inside each pool,
/// cut into batches, and the batches are shuffled. Sorting only within a pool keeps some randomness in
/// which examples share a batch; the final shuffle keeps long and short batches interleaved.
public func lengthBucketedBatches<Generator: RandomNumberGenerator>(
    lengths: [Int], batchSize: Int, poolBatches: Int = 50, using generator: inout Generator
) -> [[Int]] {
    precondition(batchSize > 0 && poolBatches > 0)
    var order = Array(lengths.indices)
    order.shuffle(using: &generator)
    var batches: [[Int]] = []
    batches.reserveCapacity((order.count + batchSize - 1) / batchSize)
    let poolSize = batchSize * poolBatches
    var poolStart = 0
    while poolStart < order.count {
        let pool = order[poolStart..<min(poolStart + poolSize, order.count)].sorted {
            lengths[$0] != lengths[$1] ? lengths[$0] < lengths[$1] : $0 < $1
        }
        var start = 0
        while start < pool.count {
            batches.append(Array(pool[start..<min(start + batchSize, pool.count)]))
            start += batchSize
        }
        poolStart += poolSize
    }
    batches.shuffle(using: &generator)
    return batches
}

/// Batches for inference: indices sorted by length (longest first) and cut into batches, so each batch
/// holds sequences of nearly equal length. Deterministic; callers restore the original order.
public func lengthSortedBatches(lengths: [Int], batchSize: Int) -> [[Int]] {
    precondition(batchSize > 0)
    let order = lengths.indices.sorted {
        lengths[$0] != lengths[$1] ? lengths[$0] > lengths[$1] : $0 < $1
    }
    return stride(from: 0, to: order.count, by: batchSize).map {
        Array(order[$0..<min($0 + batchSize, order.count)])
    }
}
