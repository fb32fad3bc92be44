/// IEEE 754 binary16 ("float16", safetensors' `F16`, and an embedding read from a float16 model file in
/// place) to and from Float, by bit manipulation: Swift's
/// `Float16` is missing on some targets (macOS on Intel), and without the F16C instructions of the
/// baseline x86-64 target each conversion would be a library call. Both directions are written without
/// data-dependent control flow beyond selects, so loops over them vectorise.
public enum HalfPrecision {
    /// The largest finite float16 magnitude.
    public static let largestFinite: Float = 65504

    /// The float16 with bit pattern `half`, exactly (every float16 is a Float).
    @inline(__always)
    public static func float(fromBits half: UInt16) -> Float {
        let bits = UInt32(half)
        // Exponent and mantissa moved to their Float positions read as a Float 2¹¹² times too small,
        // subnormals included; the product with 2¹¹² is exact. Infinity and NaN get the all-ones
        // exponent instead.
        let moved = (bits & 0x7FFF) << 13
        let scaled = (Float(bitPattern: moved) * 0x1p112).bitPattern
        let magnitude = (bits & 0x7C00) == 0x7C00 ? moved | 0x7F80_0000 : scaled
        return Float(bitPattern: magnitude | (bits & 0x8000) << 16)
    }

    /// The bit pattern of the float16 nearest `value` (ties to even): beyond ±65520 an infinity; NaN
    /// stays NaN. Callers refuse values beyond `largestFinite` before they get here.
    @inline(__always)
    public static func bits(from value: Float) -> UInt16 {
        let bits = value.bitPattern
        let sign = UInt16(truncatingIfNeeded: (bits >> 16) & 0x8000)
        let magnitude = bits & 0x7FFF_FFFF
        let result: UInt32
        if magnitude >= 0x4780_0000 {
            // 65536 or more, infinity or NaN (a quiet NaN keeps a mantissa bit).
            result = magnitude > 0x7F80_0000 ? 0x7E00 : 0x7C00
        } else if magnitude < 0x3880_0000 {
            // Below 2⁻¹⁴, float16's smallest normal: adding 0.5 lines the value up so that the Float
            // addition itself rounds it (to nearest even) to a multiple of 2⁻²⁴, held in the low bits.
            let aligned = Float(bitPattern: magnitude) + 0.5
            result = aligned.bitPattern &- Float(0.5).bitPattern
        } else {
            // Rebias the exponent, then round the 13 dropped mantissa bits to nearest, ties to even; a
            // carry out of the mantissa raises the exponent (up to infinity from 65520 on), as it should.
            let odd = (magnitude >> 13) & 1
            result = (magnitude &- 0x3800_0000 &+ 0x0FFF &+ odd) >> 13
        }
        return sign | UInt16(truncatingIfNeeded: result)
    }
}
