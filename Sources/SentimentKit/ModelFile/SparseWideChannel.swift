import GRUClassifier

/// The wide channel as a model file stores it since format version 2: only the occupied buckets.
///
/// Of `wide.weight` and `wide.scale` (`[B]` each, B = `ngram_buckets`) a trained model moves the weight
/// of the buckets its training texts hold and leaves the rest at 0, and every bucket no training text
/// holds has one and the same scale (the naive-Bayes ratio of a count of zero on both sides). So the file
/// stores that common scale once and the buckets that differ from (weight 0, that scale):
///
/// - `wide.indices` `[K]` (I32): the stored buckets, ascending, each once, in `[0, B)`;
/// - `wide.weight_values`, `wide.scale_values` `[K]`: their weight and scale;
/// - `wide.scale_fill` `[1]`: the scale of every other bucket, whose weight is 0.
///
/// Dense again: `weight = zeros(B); weight[indices] = weight_values; scale = full(B, scale_fill[0]);
/// scale[indices] = scale_values`. Bit for bit the tensors that were stored (−0.0 included), whatever
/// the values: the choice of the common scale only changes how many buckets are stored.
enum SparseWideChannel {
    static let indicesName = "wide.indices"
    static let weightValuesName = "wide.weight_values"
    static let scaleValuesName = "wide.scale_values"
    static let scaleFillName = "wide.scale_fill"
    /// Every tensor of the sparse form, in the order messages list them.
    static let names = [indicesName, weightValuesName, scaleValuesName, scaleFillName]

    /// The sparse tensors.
    struct Tensors {
        var indices: IntegerTensor
        var weightValues: Tensor
        var scaleValues: Tensor
        var scaleFill: Tensor

        /// How many buckets are stored.
        var count: Int { indices.values.count }
    }

    /// The sparse form of a dense wide channel (`weight` and `scale` of equal length).
    static func sparse(weight: [Float], scale: [Float]) -> Tensors {
        precondition(weight.count == scale.count, "the wide channel's weight and scale differ in length")
        let fill = commonScale(weight: weight, scale: scale)
        var indices: [Int64] = []
        var weights: [Float] = []
        var scales: [Float] = []
        for bucket in weight.indices
        where weight[bucket].bitPattern != 0 || scale[bucket].bitPattern != fill.bitPattern {
            indices.append(Int64(bucket))
            weights.append(weight[bucket])
            scales.append(scale[bucket])
        }
        return Tensors(
            indices: IntegerTensor(shape: [indices.count], values: indices),
            weightValues: Tensor(shape: [weights.count], values: weights),
            scaleValues: Tensor(shape: [scales.count], values: scales),
            scaleFill: Tensor(shape: [1], values: [fill]))
    }

    /// The scale held by most of the buckets whose weight is +0 (Boyer–Moore's majority vote over bit
    /// patterns, one pass, no allocation): in a trained model, that of the buckets no training text
    /// holds. 0 when no bucket has weight +0.
    private static func commonScale(weight: [Float], scale: [Float]) -> Float {
        var candidate: UInt32 = 0
        var lead = 0
        for bucket in weight.indices where weight[bucket].bitPattern == 0 {
            let bits = scale[bucket].bitPattern
            if lead == 0 {
                candidate = bits
                lead = 1
            } else {
                lead += bits == candidate ? 1 : -1
            }
        }
        return Float(bitPattern: candidate)
    }

    /// Replaces the sparse tensors in `parameters` (the floating-point tensors of `file`, whose integer
    /// tensors are checked here too) with the dense `wide.weight` and `wide.scale` the network takes.
    /// Returns how many buckets the file stores, or nil when it has no sparse wide channel. Errors name
    /// the tensor: an integer tensor other than `wide.indices`, a float `wide.indices`, a sparse tensor
    /// without `ngram_buckets`, both forms at once, a missing part, and what `dense` refuses.
    static func expand(_ parameters: inout [String: Tensor], from file: SafeTensorsFile, buckets: Int)
        throws -> Int?
    {
        for (name, _) in file.integerTensors where name != indicesName {
            throw ModelFileError.invalid(
                "tensor '\(name)' holds integers (\(file.dtype(of: name)?.rawValue ?? "")), but only"
                    + " '\(indicesName)' may: weights are floating-point")
        }
        let indices = file.integerTensor(named: indicesName)
        let present = names.filter { parameters[$0] != nil || $0 == indicesName && indices != nil }
        guard let first = present.first else { return nil }
        if parameters[indicesName] != nil {
            throw ModelFileError.invalid(
                "tensor '\(indicesName)' holds \(file.dtype(of: indicesName)?.rawValue ?? "floats"), but bucket"
                    + " numbers must be integers (I32 or I64)")
        }
        guard buckets > 0 else {
            throw ModelFileError.invalid(
                "tensor '\(first)' belongs to the wide channel, but the config has no ngram_buckets")
        }
        let denseNames = [BiGRUClassifier.wideWeightName, BiGRUClassifier.wideScaleName]
        if let dense = denseNames.first(where: { parameters[$0] != nil }) {
            throw ModelFileError.invalid(
                "the file holds both the dense '\(dense)' and the sparse '\(first)': the wide channel must"
                    + " be stored in one form")
        }
        guard let indices, let weightValues = parameters[weightValuesName],
            let scaleValues = parameters[scaleValuesName], let scaleFill = parameters[scaleFillName]
        else {
            let missing = names.filter { !present.contains($0) }
            throw ModelFileError.invalid(
                "the sparse wide channel lacks " + missing.map { "'\($0)'" }.joined(separator: ", ")
                    + " (it needs " + names.map { "'\($0)'" }.joined(separator: ", ") + ")")
        }
        let (weight, scale) = try dense(
            Tensors(
                indices: indices, weightValues: weightValues, scaleValues: scaleValues, scaleFill: scaleFill),
            buckets: buckets)
        for name in names { parameters[name] = nil }
        parameters[BiGRUClassifier.wideWeightName] = weight
        parameters[BiGRUClassifier.wideScaleName] = scale
        return indices.values.count
    }

    /// The dense `wide.weight` and `wide.scale` (`[buckets]`) of the sparse tensors, after checking
    /// them: shapes, and indices ascending, distinct and in range. Errors name the tensor. The values'
    /// magnitudes are the caller's to check (as for every other tensor).
    static func dense(_ sparse: Tensors, buckets: Int) throws -> (weight: Tensor, scale: Tensor) {
        let indices = sparse.indices.values
        let count = indices.count
        guard sparse.indices.shape.count == 1, count <= buckets else {
            throw ModelFileError.invalid(
                "tensor '\(indicesName)' has shape \(sparse.indices.shape), but the sparse wide channel needs"
                    + " [K] with K at most ngram_buckets = \(buckets)")
        }
        for (name, tensor) in [
            (weightValuesName, sparse.weightValues), (scaleValuesName, sparse.scaleValues),
        ]
        where tensor.shape != [count] {
            throw ModelFileError.invalid(
                "tensor '\(name)' has shape \(tensor.shape), but '\(indicesName)' has \(count) buckets: [\(count)]"
                    + " expected")
        }
        guard sparse.scaleFill.shape == [1] else {
            throw ModelFileError.invalid(
                "tensor '\(scaleFillName)' has shape \(sparse.scaleFill.shape), not [1]")
        }
        try checkIndices(indices, buckets: buckets)
        var weight = [Float](repeating: 0, count: buckets)
        var scale = [Float](repeating: sparse.scaleFill.values[0], count: buckets)
        for (position, bucket) in indices.enumerated() {
            weight[Int(bucket)] = sparse.weightValues.values[position]
            scale[Int(bucket)] = sparse.scaleValues.values[position]
        }
        return (Tensor(shape: [buckets], values: weight), Tensor(shape: [buckets], values: scale))
    }

    /// Throws, naming `wide.indices`, for an index outside `[0, buckets)` or one not above the one
    /// before it (unsorted or repeated).
    private static func checkIndices(_ indices: [Int64], buckets: Int) throws {
        let limit = Int64(buckets)
        if let position = indices.firstIndex(where: { $0 < 0 || $0 >= limit }) {
            let outside = indices.reduce(0) { $1 < 0 || $1 >= limit ? $0 + 1 : $0 }
            throw ModelFileError.invalid(
                "tensor '\(indicesName)' holds \(outside) bucket\(outside == 1 ? "" : "s") outside [0, \(buckets))"
                    + " (the first, at element \(position), is \(indices[position])): the file is damaged")
        }
        for position in indices.indices.dropFirst() where indices[position] <= indices[position - 1] {
            let (previous, current) = (indices[position - 1], indices[position])
            throw ModelFileError.invalid(
                current == previous
                    ? "tensor '\(indicesName)' holds bucket \(current) twice (elements \(position - 1) and"
                        + " \(position)): the file is damaged"
                    : "tensor '\(indicesName)' is not in ascending order (element \(position), \(current), follows"
                        + " \(previous)): the file is damaged")
        }
    }
}
