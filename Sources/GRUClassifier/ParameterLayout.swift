/// Where each GRU direction's tensors sit in the flat dense parameter (and gradient) vector.
struct DirectionSlots: Sendable, Equatable {
    /// Input size of this layer: the embedding dimension for layer 0, `2H` above it.
    let inputSize: Int
    /// Offsets of `weight_ih` `[3H × inputSize]`, `weight_hh` `[3H × H]`, `bias_ih` `[3H]`, `bias_hh` `[3H]`.
    let weightIH: Int
    let weightHH: Int
    let biasIH: Int
    let biasHH: Int
}

/// The classifier's parameters in PyTorch's names and order, and their places in storage.
///
/// `embedding.weight` is stored in its own table (its gradient is sparse); every other tensor lives in
/// one flat `dense` vector, in `namedParameters()` order, so that optimisers, clipping and the reduction
/// of per-thread gradients are single loops over contiguous memory.
struct ParameterLayout: Sendable, Equatable {
    let configuration: ClassifierConfiguration
    /// The dense tensors in order: name, shape and offset in the flat vector.
    let denseEntries: [(name: String, shape: [Int], offset: Int)]
    /// Per layer, the forward (index `2·layer`) and reverse (`2·layer + 1`) direction.
    let directions: [DirectionSlots]
    /// Offsets of `out.weight` `[1 × 2H]` and `out.bias` `[1]`.
    let outWeight: Int
    let outBias: Int
    /// The negation transform's parameters (nil without a negation transform).
    let negation: NegationTransformSlots?
    /// Length of the flat dense vector.
    let denseCount: Int

    static let embeddingName = "embedding.weight"
    /// The wide channel: a learned weight and a fixed scale (naive-Bayes log-count ratio) per bucket.
    static let wideWeightName = "wide.weight"
    static let wideScaleName = "wide.scale"

    init(_ configuration: ClassifierConfiguration) {
        self.configuration = configuration
        let hidden = configuration.hidden
        var entries: [(name: String, shape: [Int], offset: Int)] = []
        var directions: [DirectionSlots] = []
        var offset = 0
        func add(_ name: String, _ shape: [Int]) -> Int {
            entries.append((name, shape, offset))
            defer { offset += shape.reduce(1, *) }
            return offset
        }
        for layer in 0..<configuration.layers {
            let inputSize = layer == 0 ? configuration.embeddingDim : 2 * hidden
            for suffix in ["", "_reverse"] {
                let weightIH = add("gru.weight_ih_l\(layer)\(suffix)", [3 * hidden, inputSize])
                let weightHH = add("gru.weight_hh_l\(layer)\(suffix)", [3 * hidden, hidden])
                let biasIH = add("gru.bias_ih_l\(layer)\(suffix)", [3 * hidden])
                let biasHH = add("gru.bias_hh_l\(layer)\(suffix)", [3 * hidden])
                directions.append(
                    DirectionSlots(
                        inputSize: inputSize, weightIH: weightIH, weightHH: weightHH, biasIH: biasIH,
                        biasHH: biasHH))
            }
        }
        outWeight = add("out.weight", [1, configuration.headWidth])
        outBias = add("out.bias", [1])
        // After every PyTorch-named tensor, so a model without it keeps their layout.
        negation = configuration.negationTransform.map { transform in
            let slots = transform.parameterShapes(dimension: configuration.embeddingDim).map { add($0.name, $0.shape) }
            return NegationTransformSlots(
                transform: transform, dimension: configuration.embeddingDim, map: slots.first ?? 0,
                offset: slots.last ?? 0)
        }
        denseEntries = entries
        self.directions = directions
        denseCount = offset
    }

    /// Every parameter's name and shape, `embedding.weight` first.
    var shapes: [(name: String, shape: [Int])] {
        [(Self.embeddingName, [configuration.vocabularySize, configuration.embeddingDim])]
            + denseEntries.map { ($0.name, $0.shape) } + wideShapes
    }

    /// The wide channel's tensors (none without it), after every other one.
    var wideShapes: [(name: String, shape: [Int])] {
        configuration.hasWideChannel
            ? [
                (Self.wideWeightName, [configuration.ngramBuckets]),
                (Self.wideScaleName, [configuration.ngramBuckets]),
            ]
            : []
    }

    static func == (lhs: ParameterLayout, rhs: ParameterLayout) -> Bool {
        lhs.configuration == rhs.configuration
    }
}
