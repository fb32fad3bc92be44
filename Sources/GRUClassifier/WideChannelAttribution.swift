extension BiGRUClassifier {
    /// Each token's share of the wide channel's logit for the document `ids` (all of its ids, before any
    /// cut to a maximum length, as the channel reads them); all zeros without the wide channel.
    ///
    /// The wide logit is exactly linear in its n-gram features: every distinct bucket `b` of the document
    /// adds `wide.weight[b] · wide.scale[b]`. That amount is split equally between the n-gram occurrences
    /// that hash to `b` (a repeated n-gram, or a collision), a unigram's share goes to its token and a
    /// bigram's half to each of its two tokens. The shares add up to the wide logit (up to float
    /// rounding), with no approximation.
    public func wideAttributions(of ids: [Int32]) -> [Float] {
        var shares = [Float](repeating: 0, count: ids.count)
        guard let wide = parameters.wide, !ids.isEmpty else { return shares }
        let occurrences = NGramHashing.occurrences(of: ids, buckets: configuration.ngramBuckets)
        var counts: [Int32: Int] = [:]
        for bucket in occurrences.unigrams { counts[bucket, default: 0] += 1 }
        for bucket in occurrences.bigrams { counts[bucket, default: 0] += 1 }
        let scale = parameters.wideScale
        func share(_ bucket: Int32) -> Float {
            wide.weights[Int(bucket)] * scale[Int(bucket)] / Float(counts[bucket]!)
        }
        for (position, bucket) in occurrences.unigrams.enumerated() { shares[position] += share(bucket) }
        for (start, bucket) in occurrences.bigrams.enumerated() {
            let half = share(bucket) / 2
            shares[start] += half
            shares[start + 1] += half
        }
        return shares
    }
}
