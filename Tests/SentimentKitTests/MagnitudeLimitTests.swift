import Embedding
import Testing

@testable import SentimentKit

/// The one-pass check a model's tensors go through when they are loaded and written.
@Suite struct MagnitudeLimitTests {
    private let limit = SentimentModel.maximumParameterMagnitude

    @Test func valuesUpToTheLimitPassAndAnythingPastItFails() {
        let inside: [Float] = [
            0, -0, 1, -1, limit, -limit, .leastNonzeroMagnitude, -.leastNormalMagnitude, 3e-39,
        ]
        #expect(SentimentModel.isWithinMagnitudeLimit(inside))
        #expect(SentimentModel.isWithinMagnitudeLimit([]))
        let outside: [Float] = [
            limit.nextUp, -limit.nextUp, .infinity, -.infinity, .nan, -.nan, .signalingNaN,
            .greatestFiniteMagnitude,
        ]
        for value in outside {
            // Anywhere in a long array, so the vectorised loop's body and its tail both see it.
            for position in [0, 5, 37, 63] {
                var values = [Float](repeating: 0.5, count: 64)
                values[position] = value
                #expect(!SentimentModel.isWithinMagnitudeLimit(values), "\(value) at \(position)")
                #expect(!SentimentModel.isWithinMagnitudeLimit(Array(values.prefix(position + 1))))
            }
        }
    }

    @Test func float16ValuesReadInPlacePassExactlyWhenFinite() {
        final class Owner {}
        let owner = Owner()
        let patterns = (0...UInt16.max).map { $0 }
        patterns.withUnsafeBufferPointer { all in
            for pattern in all {
                var one = pattern
                let finite = HalfPrecision.float(fromBits: pattern).isFinite
                let passes = withUnsafePointer(to: &one) {
                    SentimentModel.isWithinMagnitudeLimit(ReadOnlyValues(float16: $0, count: 1, owner: owner))
                }
                if passes != finite { Issue.record("float16 bits \(pattern): passes \(passes), finite \(finite)") }
            }
            // Anywhere in a long run of finite values.
            var values = [UInt16](repeating: 0x3C00, count: 100)
            values[63] = 0x7E00
            values.withUnsafeBufferPointer {
                #expect(!SentimentModel.isWithinMagnitudeLimit(ReadOnlyValues(float16: $0.baseAddress!, count: 100, owner: owner)))
            }
        }
    }
}
