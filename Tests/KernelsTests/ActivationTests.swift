import CKernels
import Embedding
import Foundation
import Testing

/// Which activation a test exercises, with its double-precision reference.
enum Activation: String, CaseIterable, CustomTestStringConvertible {
    case sigmoid
    case tanh

    var testDescription: String { rawValue }

    func callAsFunction(_ x: [Float]) -> [Float] {
        var y = [Float](repeating: 0, count: x.count)
        switch self {
        case .sigmoid: sk_sigmoid(x, &y, Int64(x.count))
        case .tanh: sk_tanh(x, &y, Int64(x.count))
        }
        return y
    }

    func reference(_ x: Float) -> Double {
        switch self {
        case .sigmoid: 1 / (1 + Foundation.exp(-Double(x)))
        case .tanh: Foundation.tanh(Double(x))
        }
    }
}

extension KernelTests {
    @Suite struct Activations {
        static let cases = KernelPath.available.flatMap { path in Activation.allCases.map { (path, $0) } }

        /// A dense sweep of [-20, 20] (where the functions vary) plus a stride through every finite float
        /// bit pattern (tiny, huge and subnormal magnitudes of both signs).
        static let sweep: [Float] = {
            var values = stride(from: -20, through: 20, by: 1.0 / 4096).map { Float($0) }
            for bits in stride(from: UInt64(0), to: 1 << 32, by: 4099) {
                let x = Float(bitPattern: UInt32(bits))
                if x.isFinite { values.append(x) }
            }
            return values
        }()

        @Test(arguments: cases)
        func absoluteErrorWithinOneMillionth(path: KernelPath, activation: Activation) {
            path.run {
                let y = activation(Self.sweep)
                var worst = 0.0
                var worstX: Float = 0
                for (x, got) in zip(Self.sweep, y) {
                    let error = abs(Double(got) - activation.reference(x))
                    if !(error <= worst) {
                        worst = error
                        worstX = x
                    }
                }
                #expect(worst <= 1e-6, "\(activation) worst absolute error \(worst) at x = \(worstX)")
            }
        }

        @Test(arguments: KernelPath.available)
        func specialValues(path: KernelPath) {
            path.run {
                let x: [Float] = [
                    .infinity, -.infinity, .nan, -.nan, 0, -0.0, .greatestFiniteMagnitude,
                    -.greatestFiniteMagnitude, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, 100, -100,
                    1e-20,
                ]
                let s = Activation.sigmoid(x)
                let t = Activation.tanh(x)
                #expect(s[0] == 1 && s[1] >= 0 && s[1] < 1e-30)
                #expect(t[0] == 1 && t[1] == -1)
                #expect(s[2].isNaN && s[3].isNaN && t[2].isNaN && t[3].isNaN)
                #expect(s[4] == 0.5 && s[5] == 0.5)
                #expect(t[4] == 0 && t[5] == 0 && t[5].sign == .minus, "tanh keeps the sign of zero")
                #expect(s[6] == 1 && s[7] >= 0 && s[7] < 1e-30)
                #expect(t[6] == 1 && t[7] == -1)
                #expect(s[8] == 0.5 && s[9] == 0.5)
                #expect(t[8] == .leastNonzeroMagnitude || t[8] == 0)
                #expect(s[10] == 1 && s[11] < 1e-30 && t[10] == 1 && t[11] == -1)
                #expect(t[12] == 1e-20, "tanh is exact for tiny arguments")
            }
        }

        /// Every length up to a few vectors (covering the masked tail), in place and out of place.
        @Test(arguments: cases)
        func everyTailLengthAndInPlace(path: KernelPath, activation: Activation) {
            path.run {
                var generator = SplitMix64(seed: 7)
                for count in 0...19 {
                    let x = generator.floats(count).map { $0 * 6 }
                    let y = activation(x)
                    for i in 0..<count {
                        #expect(abs(Double(y[i]) - activation.reference(x[i])) <= 1e-6)
                    }
                    var inPlace = x
                    inPlace.withUnsafeMutableBufferPointer { buffer in
                        switch activation {
                        case .sigmoid: sk_sigmoid(buffer.baseAddress, buffer.baseAddress, Int64(count))
                        case .tanh: sk_tanh(buffer.baseAddress, buffer.baseAddress, Int64(count))
                        }
                    }
                    #expect(inPlace.elementsEqualBitwise(y), "in-place result differs for length \(count)")
                }
            }
        }
    }
}
