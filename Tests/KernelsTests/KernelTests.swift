import CKernels
import Embedding
import Testing

/// Every kernel test lives under this suite so they run one at a time. Tests pick a path with the
/// per-thread override, which neither leaks into other test targets running in parallel nor depends on
/// them.
@Suite(.serialized) enum KernelTests {}

/// The implementations a test can exercise on this machine. Only the GEMMs have an AVX-512 path; the
/// other kernels run their AVX2 code under `.avx512`.
enum KernelPath: String, CaseIterable, CustomTestStringConvertible {
    case avx512
    case avx2
    case portable

    var testDescription: String { rawValue }

    /// The paths the CPU has (the portable one always).
    static var available: [KernelPath] {
        (sk_cpu_has_avx512() != 0 ? [.avx512] : []) + (sk_cpu_has_avx2_fma() != 0 ? [.avx2] : []) + [.portable]
    }

    /// Runs `body` with this thread's dispatch pinned to this path, then restores the thread to the
    /// process-wide choice.
    func run<T>(_ body: () throws -> T) rethrows -> T {
        sk_set_thread_force_portable(self == .portable ? 1 : 0)
        sk_set_thread_avx512_off(self == .avx512 ? 0 : 1)
        defer {
            sk_set_thread_force_portable(-1)
            sk_set_thread_avx512_off(-1)
        }
        #expect(sk_using_avx2() == (self == .portable ? 0 : 1), "dispatch did not switch to \(self)")
        #expect(sk_using_avx512() == (self == .avx512 ? 1 : 0), "dispatch did not switch to \(self)")
        return try body()
    }
}

/// Deterministic pseudo-random floats from the project's SplitMix64, so failures reproduce.
extension SplitMix64 {
    /// Uniform in [-1, 1).
    mutating func nextFloat() -> Float {
        Float(next() >> 40) / Float(1 << 23) - 1
    }

    mutating func floats(_ count: Int) -> [Float] {
        (0..<count).map { _ in nextFloat() }
    }
}

extension Array where Element == Float {
    /// Equality of bit patterns, so NaNs compare equal to identical NaNs.
    func elementsEqualBitwise(_ other: [Float]) -> Bool {
        count == other.count && zip(self, other).allSatisfy { $0.bitPattern == $1.bitPattern }
    }
}
