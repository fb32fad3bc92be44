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
}
