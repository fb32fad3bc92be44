/// The wide channel's input: the distinct buckets of a document's token-id unigrams and bigrams.
///
/// An n-gram of token ids `t1 … tn` goes to bucket `h mod buckets`, where `h` is 64-bit FNV-1a (offset
/// basis 0xcbf29ce484222325, prime 0x100000001b3) over the byte `n` followed by the 4 little-endian
/// bytes of each id (as unsigned 32-bit). Anyone can recompute it (scripts/reference_probability.py does,
/// in Python). Hashing ids rather than strings keeps the channel free of text; the ids are those of the
/// whole document, before any cut to `max_len`, so long documents keep all their n-grams.
public enum NGramHashing {
    static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01b3

    /// The distinct buckets of the unigrams and bigrams of `ids`, ascending.
    public static func buckets(of ids: [Int32], buckets count: Int) -> [Int32] {
        let occurrences = occurrences(of: ids, buckets: count)
        var result = occurrences.unigrams + occurrences.bigrams
        result.sort()
        var unique = 0
        for bucket in result where unique == 0 || result[unique - 1] != bucket {
            result[unique] = bucket
            unique += 1
        }
        result.removeLast(result.count - unique)
        return result
    }

    /// The bucket of every n-gram occurrence of `ids`, by position: `unigrams[t]` is that of `ids[t]`,
    /// `bigrams[t − 1]` that of `(ids[t − 1], ids[t])`. A bucket may occur several times (a repeated
    /// n-gram, or a hash collision); the channel counts it once.
    public static func occurrences(of ids: [Int32], buckets count: Int) -> (
        unigrams: [Int32], bigrams: [Int32]
    ) {
        precondition(count > 0, "the number of buckets must be positive")
        let modulus = UInt64(count)
        var unigrams: [Int32] = []
        var bigrams: [Int32] = []
        unigrams.reserveCapacity(ids.count)
        bigrams.reserveCapacity(max(0, ids.count - 1))
        for (index, id) in ids.enumerated() {
            unigrams.append(Int32(truncatingIfNeeded: hash([id]) % modulus))
            if index > 0 {
                bigrams.append(Int32(truncatingIfNeeded: hash([ids[index - 1], id]) % modulus))
            }
        }
        return (unigrams, bigrams)
    }

    /// FNV-1a over the n-gram's length and its ids' little-endian bytes.
    @inline(__always)
    static func hash(_ ngram: [Int32]) -> UInt64 {
        var h = (offsetBasis ^ UInt64(ngram.count)) &* prime
        for id in ngram {
            let bits = UInt32(bitPattern: id)
            for shift in stride(from: 0, to: 32, by: 8) {
                h = (h ^ UInt64((bits >> UInt32(shift)) & 0xFF)) &* prime
            }
        }
        return h
    }
}
