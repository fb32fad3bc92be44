import CBundledAssets
import Crypto

/// The English word vectors compiled into the executable: the 100,000 most frequent words of GloVe 6B
/// (Pennington, Socher and Manning 2014; Wikipedia 2014 + Gigaword 5, lower-cased), 50 dimensions,
/// float16, public domain (PDDL 1.0). `scripts/make_bundled_vectors.py` makes them from the shared
/// GloVe file.
public enum BundledVectors {
    /// The name a model's training record gives them.
    public static let name = "bundled:glove.6B.50d.100k"

    /// The bundled vectors, decoded on first use (about 20 MB as Float32) and kept for the process.
    public static func english() throws -> PretrainedVectors { try decoded.get() }

    private static let decoded = Result { try decode() }

    private static func decode() throws -> PretrainedVectors {
        let bytes = UnsafeBufferPointer(
            start: sk_bundled_english_vectors(), count: sk_bundled_english_vectors_size())
        let digest = SHA256.hash(data: UnsafeRawBufferPointer(bytes)).map { byteHex($0) }.joined()
        return try CompactVectors.decode(bytes, name: name, sha256: digest)
    }

    private static func byteHex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
    }
}
