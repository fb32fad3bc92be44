/// How the first GRU layer reads a token marked as inside a negation scope.
///
/// A network with a negation transform takes two kinds of token ids: `id` in `0..<V` (V the vocabulary
/// size) reads embedding row `id` as usual, and the marked id `V + id` reads the same row `x` through a
/// learned map: what the text around a negation cue ("not", "never", 不 …) turns into (Das & Chen 2001,
/// Pang et al. 2002 marked such words for their classifiers). One map serves every word, so a word seen
/// negated rarely or never in training is still read differently there. The wide channel needs nothing
/// of its own: a marked id hashes to other n-gram buckets than the plain one.
public enum NegationTransform: String, Codable, Sendable, CaseIterable {
    /// `x` unchanged: the marks reach the wide channel's n-grams only.
    case identity
    /// `s ⊙ x + t`, with `negation.scale` `s` (starts at 1) and `negation.shift` `t` (starts at 0).
    case diagonal
    /// `W x + b`, with `negation.weight` `W` `[E × E]` (starts as the identity) and `negation.bias`
    /// `b` (starts at 0).
    case affine

    /// The parameters' names and shapes for embedding width `dimension`, in `namedParameters()` order.
    func parameterShapes(dimension: Int) -> [(name: String, shape: [Int])] {
        switch self {
        case .identity: []
        case .diagonal: [(Self.scaleName, [dimension]), (Self.shiftName, [dimension])]
        case .affine: [(Self.weightName, [dimension, dimension]), (Self.biasName, [dimension])]
        }
    }

    /// What the transform's parameter names start with.
    static let namePrefix = "negation."
    static let scaleName = "negation.scale"
    static let shiftName = "negation.shift"
    static let weightName = "negation.weight"
    static let biasName = "negation.bias"

    /// The starting values of parameter `name`: the transform starts as the identity map.
    static func initialValues(name: String, shape: [Int]) -> [Float] {
        let count = shape.reduce(1, *)
        switch name {
        case scaleName: return [Float](repeating: 1, count: count)
        case weightName:
            var values = [Float](repeating: 0, count: count)
            for index in 0..<shape[0] { values[index * shape[0] + index] = 1 }
            return values
        default: return [Float](repeating: 0, count: count)
        }
    }
}

/// The negation transform's parameters in the flat dense vector, and its forward and backward maps.
struct NegationTransformSlots: Sendable, Equatable {
    let transform: NegationTransform
    let dimension: Int
    /// Offsets of the map (`negation.scale` or `negation.weight`) and the offset term (`negation.shift`
    /// or `negation.bias`); unused for the identity.
    let map: Int
    let offset: Int

    /// `output = f(input)` for one row of `dimension` floats.
    func apply(_ input: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>, dense: UnsafePointer<Float>) {
        let e = dimension
        switch transform {
        case .identity:
            output.update(from: input, count: e)
        case .diagonal:
            let scale = dense + map
            let shift = dense + offset
            for column in 0..<e { output[column] = scale[column] * input[column] + shift[column] }
        case .affine:
            let weight = dense + map
            let bias = dense + offset
            // Eight rows at a time: eight independent sums instead of one chain of dependent adds. Each
            // row still sums its products in column order, so the result is the same to the bit.
            var row = 0
            while row + 8 <= e {
                let w = weight + row * e
                var (s0, s1, s2, s3, s4, s5, s6, s7): (Float, Float, Float, Float, Float, Float, Float, Float) =
                    (0, 0, 0, 0, 0, 0, 0, 0)
                for column in 0..<e {
                    let x = input[column]
                    s0 += w[column] * x
                    s1 += w[e + column] * x
                    s2 += w[2 * e + column] * x
                    s3 += w[3 * e + column] * x
                    s4 += w[4 * e + column] * x
                    s5 += w[5 * e + column] * x
                    s6 += w[6 * e + column] * x
                    s7 += w[7 * e + column] * x
                }
                output[row] = s0 + bias[row]
                output[row + 1] = s1 + bias[row + 1]
                output[row + 2] = s2 + bias[row + 2]
                output[row + 3] = s3 + bias[row + 3]
                output[row + 4] = s4 + bias[row + 4]
                output[row + 5] = s5 + bias[row + 5]
                output[row + 6] = s6 + bias[row + 6]
                output[row + 7] = s7 + bias[row + 7]
                row += 8
            }
            while row < e {
                var sum: Float = 0
                let weights = weight + row * e
                for column in 0..<e { sum += weights[column] * input[column] }
                output[row] = sum + bias[row]
                row += 1
            }
        }
    }

    /// From `gradient` (of the loss with respect to `f(input)`, overwritten with that with respect to
    /// `input`), adds the parameters' gradient to `parameterGradient` (the flat dense gradient) when given.
    func backward(
        input: UnsafePointer<Float>, gradient: UnsafeMutablePointer<Float>, dense: UnsafePointer<Float>,
        parameterGradient: UnsafeMutablePointer<Float>?, scratch: UnsafeMutablePointer<Float>
    ) {
        let e = dimension
        switch transform {
        case .identity:
            return
        case .diagonal:
            let scale = dense + map
            if let parameterGradient {
                for column in 0..<e {
                    parameterGradient[map + column] += gradient[column] * input[column]
                    parameterGradient[offset + column] += gradient[column]
                }
            }
            for column in 0..<e { gradient[column] *= scale[column] }
        case .affine:
            let weight = dense + map
            if let parameterGradient {
                for row in 0..<e {
                    let g = gradient[row]
                    parameterGradient[offset + row] += g
                    let target = parameterGradient + map + row * e
                    for column in 0..<e { target[column] += g * input[column] }
                }
            }
            // dx = Wᵀ g
            scratch.update(repeating: 0, count: e)
            for row in 0..<e {
                let g = gradient[row]
                let weights = weight + row * e
                for column in 0..<e { scratch[column] += weights[column] * g }
            }
            gradient.update(from: scratch, count: e)
        }
    }
}
