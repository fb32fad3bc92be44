/// The colour scale of attributions, shared by the terminal and the HTML page: red for tokens that push
/// towards negative, green for those that push towards positive, the stronger the larger the token's
/// attribution is against the largest of its line.
public enum AttributionColor {
    public struct RGB: Equatable, Sendable {
        public var red: Int
        public var green: Int
        public var blue: Int

        public init(red: Int, green: Int, blue: Int) {
            self.red = red
            self.green = green
            self.blue = blue
        }
    }

    /// The colour of a token that pushes fully negative.
    public static let negative = RGB(red: 215, green: 48, blue: 39)
    /// The colour of a token that pushes fully positive.
    public static let positive = RGB(red: 26, green: 152, blue: 80)

    /// How strongly `attribution` is coloured, in [0, 1]: `|attribution| / scale` (0 when `scale` is 0).
    public static func intensity(_ attribution: Float, scale: Float) -> Double {
        guard scale > 0, attribution.isFinite else { return 0 }
        return min(1, Double(abs(attribution) / scale))
    }

    /// The largest `|attribution|` of a line: what full intensity means on it.
    public static func scale(of attributions: [Float]) -> Float {
        attributions.lazy.filter(\.isFinite).map(abs).max() ?? 0
    }

    /// `attribution`'s hue at `intensity` blended into `neutral` (intensity 0 gives `neutral`).
    public static func blend(_ attribution: Float, scale: Float, into neutral: RGB) -> RGB {
        let target = attribution < 0 ? negative : positive
        let t = intensity(attribution, scale: scale)
        func mix(_ a: Int, _ b: Int) -> Int { Int((Double(a) + (Double(b) - Double(a)) * t).rounded()) }
        return RGB(
            red: mix(neutral.red, target.red), green: mix(neutral.green, target.green),
            blue: mix(neutral.blue, target.blue))
    }
}
