import Tokenizer

extension VocabularyBuilder {
    /// Documents tokenized together by `count(_:pool:batchSize:)`, split across the pool's threads.
    public static let defaultCountingBatchSize = 4096

    /// Tokenizes every document `reader` has left and counts its tokens, a batch of documents at a time
    /// split across the pool's threads (the counts do not depend on the thread count or the batch
    /// size). Returns the number of documents. What `sentiment vocab` counts.
    public mutating func count(
        _ reader: CorpusReader, pool: TokenizerPool, batchSize: Int = defaultCountingBatchSize
    ) throws -> Int {
        var documentCount = 0
        var batch: [String] = []
        batch.reserveCapacity(batchSize)
        var finished = false
        while !finished {
            batch.removeAll(keepingCapacity: true)
            while batch.count < batchSize {
                guard let document = try reader.next() else {
                    finished = true
                    break
                }
                batch.append(document.text)
            }
            documentCount += batch.count
            let workers = min(pool.count, max(1, batch.count / 64))
            let texts = batch
            let partial = pool.concurrentMap(workers: workers) { worker, tokenizer in
                var counts = VocabularyBuilder()
                let range = (texts.count * worker / workers)..<(texts.count * (worker + 1) / workers)
                for text in texts[range] { counts.add(tokenizer.tokens(in: text)) }
                return counts
            }
            for counts in partial { merge(counts) }
        }
        return documentCount
    }
}
