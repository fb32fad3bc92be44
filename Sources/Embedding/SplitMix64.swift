import Foundation

/// SplitMix64 (Steele, Lea and Flood 2014): a small, fast, seedable generator with 64 bits of state.
/// Every random choice of the network and its training (initialisation, dropout, batch order, skip-gram
/// sampling, the validation split) comes from an instance seeded explicitly; there is no global state.
/// It lives here, in the lowest module that draws random numbers, so there is one of it.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The generator's whole state; equal states produce equal streams.
    public private(set) var state: UInt64

    /// A generator whose stream is fixed by `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    /// SplitMix64's output function: a bijective 64-bit mixer, also used to derive independent seeds.
    @inlinable
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A float uniformly distributed in `[0, 1)` with 24 random bits.
    @inlinable
    public mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// A float uniformly distributed in `[lower, upper)`.
    @inlinable
    public mutating func nextUniform(_ lower: Float, _ upper: Float) -> Float {
        lower + (upper - lower) * nextUnitFloat()
    }

    /// A standard normal sample (Box–Muller in double precision).
    public mutating func nextStandardNormal() -> Float {
        // 53-bit uniform in (0, 1], so the logarithm is finite.
        let u1 = (Double(next() >> 11) + 1) * 0x1p-53
        let u2 = Double(next() >> 11) * 0x1p-53
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }
}
