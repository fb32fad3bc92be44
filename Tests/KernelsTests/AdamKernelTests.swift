import CKernels
import Embedding
import Foundation
import Testing

extension KernelTests {
    @Suite struct AdamZeroGradientSteps {
        /// Swift's `AdamStep.updateWithZeroGradient`, step after step: the reference the kernel must match
        /// bit for bit.
        static func reference(
            p: inout [Float], m: inout [Float], v: inout [Float], oneMinusBeta1: Float, beta2: Float,
            epsilon: Float, stepSizes: [Float], roots: [Float]
        ) {
            for (stepSize, root) in zip(stepSizes, roots) {
                for index in p.indices {
                    let first = m[index] - oneMinusBeta1 * m[index]
                    let second = beta2 * v[index]
                    m[index] = first
                    v[index] = second
                    p[index] -= stepSize * first / (second.squareRoot() / root + epsilon)
                }
            }
        }

        @Test(arguments: KernelPath.available)
        func matchesSwiftBitForBit(path: KernelPath) {
            path.run {
                var generator = SplitMix64(seed: 21)
                for count in [0, 1, 3, 4, 7, 8, 9, 16, 131] {
                    for steps in [0, 1, 6, 900] {
                        // Moments over many magnitudes, so the 900 steps also run through subnormals; some
                        // exact zeros of both signs.
                        var p = (0..<count).map { index in index % 11 == 5 ? -0.0 : generator.nextFloat() }
                        var m = (0..<count).map { index -> Float in
                            index % 7 == 3
                                ? (index % 2 == 0 ? 0 : -0.0)
                                : generator.nextFloat()
                                    * Float(
                                        sign: .plus, exponent: -Int(generator.next() % 40), significand: 1)
                        }
                        var v = m.map { $0 * $0 * 10 + (generator.next() % 3 == 0 ? 0 : 1e-30) }
                        let stepSizes = (0..<steps).map { step in
                            Float(0.002 / (1 - pow(0.9, Double(step + 1))))
                        }
                        let roots = (0..<steps).map { step in
                            Float((1 - pow(0.999, Double(step + 1))).squareRoot())
                        }
                        var (expectedP, expectedM, expectedV) = (p, m, v)
                        Self.reference(
                            p: &expectedP, m: &expectedM, v: &expectedV, oneMinusBeta1: 0.1, beta2: 0.999,
                            epsilon: 1e-8, stepSizes: stepSizes, roots: roots)
                        sk_adam_zero_gradient_steps(
                            Int64(count), &p, &m, &v, 0.1, 0.999, 1e-8, stepSizes, roots, Int64(steps))
                        #expect(
                            p.map(\.bitPattern) == expectedP.map(\.bitPattern),
                            "p, n \(count), \(steps) steps")
                        #expect(
                            m.map(\.bitPattern) == expectedM.map(\.bitPattern),
                            "m, n \(count), \(steps) steps")
                        #expect(
                            v.map(\.bitPattern) == expectedV.map(\.bitPattern),
                            "v, n \(count), \(steps) steps")
                    }
                }
            }
        }

        /// A row that never had a gradient (moments all +0) is skipped rather than replayed; the result
        /// must still be the replay's, and moments of -0 (not skipped) must replay as usual.
        @Test(arguments: KernelPath.available)
        func rowsWithoutMomentsStayAsTheReplayLeavesThem(path: KernelPath) {
            path.run {
                var generator = SplitMix64(seed: 8)
                for (firstMoment, secondMoment) in [(Float(0), Float(0)), (-0.0, 0), (0, -0.0), (-0.0, -0.0)] {
                    for count in [1, 8, 131] {
                        var p = (0..<count).map { index in index % 5 == 2 ? -0.0 : generator.nextFloat() }
                        var m = [Float](repeating: firstMoment, count: count)
                        var v = [Float](repeating: secondMoment, count: count)
                        let steps = 50
                        let stepSizes = (0..<steps).map { Float(0.002 / (1 - pow(0.9, Double($0 + 1)))) }
                        let roots = (0..<steps).map { Float((1 - pow(0.999, Double($0 + 1))).squareRoot()) }
                        var (expectedP, expectedM, expectedV) = (p, m, v)
                        Self.reference(
                            p: &expectedP, m: &expectedM, v: &expectedV, oneMinusBeta1: 0.1, beta2: 0.999,
                            epsilon: 1e-8, stepSizes: stepSizes, roots: roots)
                        sk_adam_zero_gradient_steps(
                            Int64(count), &p, &m, &v, 0.1, 0.999, 1e-8, stepSizes, roots, Int64(steps))
                        let label = "moments \(firstMoment), \(secondMoment), n \(count)"
                        #expect(p.map(\.bitPattern) == expectedP.map(\.bitPattern), "p, \(label)")
                        #expect(m.map(\.bitPattern) == expectedM.map(\.bitPattern), "m, \(label)")
                        #expect(v.map(\.bitPattern) == expectedV.map(\.bitPattern), "v, \(label)")
                    }
                }
            }
        }
    }
}

extension KernelTests {
    @Suite struct AdamUpdate {
        /// The Swift expressions `AdamStep.update` had before it called the kernel: the reference the
        /// kernel must match bit for bit.
        static func reference(
            p: inout [Float], g: [Float], scale: Float, m: inout [Float], v: inout [Float],
            oneMinusBeta1: Float,
            beta2: Float, oneMinusBeta2: Float, epsilon: Float, stepSize: Float, root: Float
        ) {
            for index in p.indices {
                let gradient = scale == 1 ? g[index] : g[index] * scale
                let first = m[index] + oneMinusBeta1 * (gradient - m[index])
                let second = beta2 * v[index] + oneMinusBeta2 * gradient * gradient
                m[index] = first
                v[index] = second
                p[index] -= stepSize * first / (second.squareRoot() / root + epsilon)
            }
        }

        @Test(arguments: KernelPath.available)
        func matchesSwiftBitForBit(path: KernelPath) {
            path.run {
                var generator = SplitMix64(seed: 5)
                for count in [0, 1, 3, 4, 7, 8, 9, 16, 131] {
                    for (step, scale) in [(1, Float(1)), (2, 0.37), (40, 1), (3000, 2.5)] {
                        // Gradients and moments over many magnitudes, with exact zeros of both signs.
                        let g = (0..<count).map { index -> Float in
                            index % 9 == 4
                                ? (index % 2 == 0 ? 0 : -0.0)
                                : (generator.nextFloat() - 0.5)
                                    * Float(
                                        sign: .plus, exponent: -Int(generator.next() % 30), significand: 1)
                        }
                        var p = (0..<count).map { _ in generator.nextFloat() - 0.5 }
                        var m = g.map { $0 * generator.nextFloat() }
                        var v = m.map { $0 * $0 * 3 }
                        let stepSize = Float(0.002 / (1 - pow(0.9, Double(step))))
                        let root = Float((1 - pow(0.999, Double(step))).squareRoot())
                        var (expectedP, expectedM, expectedV) = (p, m, v)
                        Self.reference(
                            p: &expectedP, g: g, scale: scale, m: &expectedM, v: &expectedV,
                            oneMinusBeta1: 0.1,
                            beta2: 0.999, oneMinusBeta2: Float(1 - 0.999), epsilon: 1e-8, stepSize: stepSize,
                            root: root)
                        sk_adam_update(
                            Int64(count), &p, g, scale, &m, &v, 0.1, 0.999, Float(1 - 0.999), 1e-8, stepSize,
                            root)
                        let label = "n \(count), step \(step), scale \(scale)"
                        #expect(p.map(\.bitPattern) == expectedP.map(\.bitPattern), "p, \(label)")
                        #expect(m.map(\.bitPattern) == expectedM.map(\.bitPattern), "m, \(label)")
                        #expect(v.map(\.bitPattern) == expectedV.map(\.bitPattern), "v, \(label)")
                    }
                }
            }
        }
    }
}
