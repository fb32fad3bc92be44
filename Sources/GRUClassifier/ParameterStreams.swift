import Embedding

extension SplitMix64 {
    /// A generator for one named stream of `seed`: the same (seed, name) always gives the same stream,
    /// and different names give unrelated streams, so one parameter's initial values do not depend on the
    /// sizes of the others.
    init(seed: UInt64, stream name: String) {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325  // FNV-1a over the UTF-8 bytes
        for byte in name.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        self.init(seed: SplitMix64.mix(seed ^ SplitMix64.mix(hash)))
    }
}
