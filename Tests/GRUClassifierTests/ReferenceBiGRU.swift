import Foundation

@testable import GRUClassifier

/// A deliberately plain double-precision implementation of the classifier, one sequence and one time
/// step at a time, written from the equations and independent of the packed, batched float32 code.
/// Used as the oracle of finite-difference gradient checks and of forward values.
struct ReferenceBiGRU {
    let configuration: ClassifierConfiguration
    var parameters: [String: [Double]]
    /// When set, dropout masks are drawn exactly as the model draws them for this seed.
    var dropoutSeed: UInt64? = nil
    /// Each sequence's n-gram buckets, for a model with the wide channel.
    var ngrams: [[Int32]]? = nil
    /// λ of the auxiliary losses of the two parts' own logits (see `BiGRUClassifier.lossAndGradients`).
    var branchLossWeight = 0.0

    init(_ model: BiGRUClassifier) {
        configuration = model.configuration
        parameters = Dictionary(
            uniqueKeysWithValues: model.namedParameters().map { ($0.name, $0.tensor.values.map(Double.init)) }
        )
    }

    private func mask(site: Int, sequence: Int, position: Int, count: Int? = nil) -> [Double]? {
        guard let dropoutSeed, configuration.dropout > 0 else { return nil }
        let count = count ?? 2 * configuration.hidden
        var values = [Float](repeating: 0, count: count)
        values.withUnsafeMutableBufferPointer {
            DropoutMask.fill(
                $0.baseAddress!, count: count, probability: configuration.dropout, seed: dropoutSeed,
                site: site,
                sequence: sequence, position: position)
        }
        return values.map(Double.init)
    }

    private static func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

    /// The output layer's features of sequence `index` of the batch: the top layer's final states
    /// `[h_fwd ; h_bwd]`, then with pooling the maximum and the mean over time of its outputs.
    func finalState(_ tokens: [Int32], sequence index: Int) -> [Double] {
        let h = configuration.hidden
        let e = configuration.embeddingDim
        var inputs = tokens.map { inputVector($0) }
        if let dropoutSeed, configuration.embeddingDropout > 0 {
            // One mask per token id, whatever the position or sequence.
            for (time, token) in tokens.enumerated() {
                var mask = [Float](repeating: 0, count: e)
                mask.withUnsafeMutableBufferPointer {
                    DropoutMask.fill(
                        $0.baseAddress!, count: e, probability: configuration.embeddingDropout,
                        seed: dropoutSeed, site: ShardWorkspace.embeddingDropoutSite, sequence: Int(token),
                        position: 0)
                }
                for column in 0..<e { inputs[time][column] *= Double(mask[column]) }
            }
        }
        var finals = [Double](repeating: 0, count: 2 * h)
        for layer in 0..<configuration.layers {
            var outputs = [[Double]](repeating: [Double](repeating: 0, count: 2 * h), count: tokens.count)
            for (direction, suffix) in ["", "_reverse"].enumerated() {
                let wih = parameters["gru.weight_ih_l\(layer)\(suffix)"]!
                let whh = parameters["gru.weight_hh_l\(layer)\(suffix)"]!
                let bih = parameters["gru.bias_ih_l\(layer)\(suffix)"]!
                let bhh = parameters["gru.bias_hh_l\(layer)\(suffix)"]!
                let inputSize = inputs.first?.count ?? 0
                var state = [Double](repeating: 0, count: h)
                let times = direction == 0 ? Array(0..<tokens.count) : Array((0..<tokens.count).reversed())
                for time in times {
                    let x = inputs[time]
                    func inputSide(_ row: Int) -> Double {
                        var sum = bih[row]
                        for column in 0..<inputSize { sum += wih[row * inputSize + column] * x[column] }
                        return sum
                    }
                    func hiddenSide(_ row: Int, _ vector: [Double]) -> Double {
                        var sum = bhh[row]
                        for column in 0..<h { sum += whh[row * h + column] * vector[column] }
                        return sum
                    }
                    let r = (0..<h).map { Self.sigmoid(inputSide($0) + hiddenSide($0, state)) }
                    let z = (0..<h).map { Self.sigmoid(inputSide(h + $0) + hiddenSide(h + $0, state)) }
                    let n: [Double]
                    switch configuration.cell {
                    case .resetAfter:
                        n = (0..<h).map {
                            tanh(inputSide(2 * h + $0) + r[$0] * hiddenSide(2 * h + $0, state))
                        }
                    case .resetBefore:
                        let resetState = (0..<h).map { r[$0] * state[$0] }
                        n = (0..<h).map { tanh(inputSide(2 * h + $0) + hiddenSide(2 * h + $0, resetState)) }
                    }
                    state = (0..<h).map { (1 - z[$0]) * n[$0] + z[$0] * state[$0] }
                    for index in 0..<h { outputs[time][direction * h + index] = state[index] }
                }
                for index in 0..<h { finals[direction * h + index] = state[index] }
            }
            if layer < configuration.layers - 1 {
                for time in outputs.indices {
                    if let mask = mask(site: layer, sequence: index, position: time) {
                        for column in 0..<2 * h { outputs[time][column] *= mask[column] }
                    }
                }
            }
            inputs = outputs
        }
        if configuration.pooling == .finalMaxMean {
            var maximum = [Double](repeating: 0, count: 2 * h)
            var mean = [Double](repeating: 0, count: 2 * h)
            for column in 0..<2 * h where !inputs.isEmpty {
                maximum[column] = inputs.map { $0[column] }.max()!
                mean[column] = inputs.map { $0[column] }.reduce(0, +) / Double(inputs.count)
            }
            finals += maximum + mean
        }
        if let mask = mask(
            site: configuration.layers, sequence: index, position: 0, count: configuration.headWidth)
        {
            for column in finals.indices { finals[column] *= mask[column] }
        }
        return finals
    }

    /// The vector the first layer reads for token id `id`: its embedding row, or for a marked id
    /// (`vocabularySize` and up) the plain row through the negation transform.
    func inputVector(_ id: Int32) -> [Double] {
        let e = configuration.embeddingDim
        let rows = configuration.vocabularySize
        let embedding = parameters["embedding.weight"]!
        let plain = Int(id) % rows
        let x = Array(embedding[plain * e..<(plain + 1) * e])
        guard Int(id) >= rows, let transform = configuration.negationTransform else { return x }
        switch transform {
        case .identity:
            return x
        case .diagonal:
            let scale = parameters["negation.scale"]!
            let shift = parameters["negation.shift"]!
            return (0..<e).map { scale[$0] * x[$0] + shift[$0] }
        case .affine:
            let weight = parameters["negation.weight"]!
            let bias = parameters["negation.bias"]!
            return (0..<e).map { row in (0..<e).reduce(bias[row]) { $0 + weight[row * e + $1] * x[$1] } }
        }
    }

    func logits(_ batch: [[Int32]]) -> [Double] {
        parts(batch).map { $0.deep + $0.wide }
    }

    /// Each sequence's BiGRU logit and wide-channel logit (0 without n-grams).
    func parts(_ batch: [[Int32]]) -> [(deep: Double, wide: Double)] {
        let weight = parameters["out.weight"]!
        let bias = parameters["out.bias"]![0]
        return batch.enumerated().map { index, tokens in
            let finals = finalState(tokens, sequence: index)
            let deep = zip(weight, finals).reduce(bias) { $0 + $1.0 * $1.1 }
            guard let buckets = ngrams?[index] else { return (deep, 0) }
            let wide = parameters["wide.weight"]!
            let scale = parameters["wide.scale"]!
            return (deep, buckets.reduce(0) { $0 + wide[Int($1)] * scale[Int($1)] })
        }
    }

    /// Mean binary cross-entropy, written as −y·log σ(x) − (1−y)·log(1−σ(x)) (not the stable form the
    /// model uses, on purpose).
    func loss(_ batch: [[Int32]], labels: [Float]) -> Double {
        func crossEntropy(_ logit: Double, _ label: Float) -> Double {
            let p = Self.sigmoid(logit)
            return -Double(label) * log(p) - (1 - Double(label)) * log(1 - p)
        }
        var sum = 0.0
        for (part, label) in zip(parts(batch), labels) {
            sum += crossEntropy(part.deep + part.wide, label)
            if branchLossWeight != 0 {
                sum += branchLossWeight * (crossEntropy(part.deep, label) + crossEntropy(part.wide, label))
            }
        }
        return sum / Double(batch.count)
    }

    /// Central-difference gradient of `loss` for every element of parameter `name`.
    func numericGradient(_ name: String, batch: [[Int32]], labels: [Float], step: Double = 1e-6) -> [Double] {
        var probe = self
        return (0..<parameters[name]!.count).map { index in
            let original = parameters[name]![index]
            probe.parameters[name]![index] = original + step
            let plus = probe.loss(batch, labels: labels)
            probe.parameters[name]![index] = original - step
            let minus = probe.loss(batch, labels: labels)
            probe.parameters[name]![index] = original
            return (plus - minus) / (2 * step)
        }
    }
}
