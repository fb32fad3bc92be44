import Embedding
import Foundation
import GRUClassifier
import Tokenizer
import WordVectors

/// How pre-trained word vectors set a new classifier's embedding.
///
/// The first `vectors.dimension` columns of a row hold its token's pre-trained vector (matched by
/// `TokenVectorMatching`), centred, at the vectors' own spread; the columns after them, when the
/// embedding is wider, hold skip-gram vectors trained on the training texts, rescaled to that spread.
/// A token without a pre-trained vector gets, in the first
/// columns, its skip-gram vector mapped into the pre-trained space by a least-squares linear map fitted
/// on the tokens that have both, so a word seen only in the training texts still lands near words used
/// alike.
struct PretrainedEmbedding {
    let matching: TokenVectorMatching
    /// Share of the labelled training tokens (occurrences) whose token found a vector.
    let coverage: Double

    init(vectors: PretrainedVectors, trainingCounts: VocabularyBuilder) {
        matching = TokenVectorMatching(vectors: vectors)
        var found = 0
        var total = 0
        var cache: [String: Bool] = [:]
        for (token, count) in trainingCounts.keptTokens(minCount: 1, maxSize: Int.max) {
            total += count
            let has = cache[token] ?? (matching.rows(for: token) != nil)
            cache[token] = has
            if has { found += count }
        }
        coverage = total > 0 ? Double(found) / Double(total) : 0
    }

    /// The vector words to add to `vocabulary`: the first `count` words of the vectors that are not in
    /// it yet (and can be stored), so a test word the training texts never had keeps its meaning.
    func extensionWords(for vocabulary: Vocabulary, count: Int) -> [String] {
        guard count > 0 else { return [] }
        var added: [String] = []
        for word in matching.vectors.words {
            guard added.count < count else { break }
            if vocabulary.id(of: word) == Vocabulary.unknownID, word != Vocabulary.unknownToken,
                Vocabulary.isStorable(word)
            {
                added.append(word)
            }
        }
        return added
    }

    /// Writes the pre-trained vectors (and, for tokens without one or columns beyond them, `skipGram`'s)
    /// into `table`, `[vocabulary.count × embeddingDim]`. Returns the rows that got a pre-trained vector.
    @discardableResult
    func initialize(
        table: inout [Float], vocabulary: Vocabulary, embeddingDim: Int, skipGram: SkipGramVectors?
    ) -> Int {
        let vectorDim = matching.vectors.dimension
        precondition(embeddingDim >= vectorDim, "the embedding is narrower than the vectors")
        var pretrained = [Float](repeating: 0, count: vocabulary.count * vectorDim)
        var matched = [Bool](repeating: false, count: vocabulary.count)
        pretrained.withUnsafeMutableBufferPointer { rows in
            for id in 2..<vocabulary.count {
                let row = UnsafeMutableBufferPointer(rebasing: rows[id * vectorDim..<(id + 1) * vectorDim])
                matched[id] = matching.vector(for: vocabulary.tokens[id], into: row)
            }
        }
        let matchedRows = matched.indices.filter { matched[$0] }
        guard !matchedRows.isEmpty else { return 0 }
        // Centre the matched rows; they keep their own spread, which the skip-gram columns take on.
        let (mean, spread) = Self.moments(pretrained, rows: matchedRows, dimension: vectorDim)
        for row in matchedRows {
            for column in 0..<vectorDim {
                table[row * embeddingDim + column] = pretrained[row * vectorDim + column] - mean[column]
            }
        }
        guard let skipGram else { return matchedRows.count }
        let learnedDim = skipGram.dimension
        let trained = skipGram.counts.indices.filter { skipGram.counts[$0] > 0 }
        // Skip-gram vectors, centred and rescaled the same way.
        let (skipMean, skipDeviation) = Self.moments(skipGram.vectors, rows: trained, dimension: learnedDim)
        let skipScale = skipDeviation > 0 ? spread / skipDeviation : 0
        var standardized = [Float](repeating: 0, count: vocabulary.count * learnedDim)
        for row in trained {
            for column in 0..<learnedDim {
                standardized[row * learnedDim + column] =
                    (skipGram.vectors[row * learnedDim + column] - skipMean[column]) * skipScale
            }
        }
        if embeddingDim > vectorDim {
            precondition(learnedDim == embeddingDim - vectorDim, "skip-gram vectors of the wrong width")
            for row in trained {
                for column in 0..<learnedDim {
                    table[row * embeddingDim + vectorDim + column] = standardized[row * learnedDim + column]
                }
            }
        }
        let unmatched = trained.filter { !matched[$0] && $0 >= 2 }
        let both = trained.filter { matched[$0] }
        guard !unmatched.isEmpty, both.count >= 2 * learnedDim else { return matchedRows.count }
        // Least squares from the skip-gram space to the pre-trained one, ridge-regularised.
        var targets = [Float](repeating: 0, count: both.count * vectorDim)
        var inputs = [Float](repeating: 0, count: both.count * learnedDim)
        for (index, row) in both.enumerated() {
            for column in 0..<vectorDim { targets[index * vectorDim + column] = table[row * embeddingDim + column] }
            for column in 0..<learnedDim {
                inputs[index * learnedDim + column] = standardized[row * learnedDim + column]
            }
        }
        let map = LinearLeastSquares.solve(
            inputs: inputs, targets: targets, rows: both.count, inputDim: learnedDim, outputDim: vectorDim,
            ridge: 1e-3)
        for row in unmatched {
            for column in 0..<vectorDim {
                var sum: Float = 0
                for k in 0..<learnedDim { sum += standardized[row * learnedDim + k] * map[k * vectorDim + column] }
                table[row * embeddingDim + column] = sum
            }
        }
        return matchedRows.count
    }

    /// Per-column means and the overall standard deviation around them of `rows` of `values`.
    static func moments(_ values: [Float], rows: [Int], dimension: Int) -> (mean: [Float], deviation: Float) {
        var mean = [Double](repeating: 0, count: dimension)
        for row in rows {
            for column in 0..<dimension { mean[column] += Double(values[row * dimension + column]) }
        }
        for column in 0..<dimension { mean[column] /= Double(max(rows.count, 1)) }
        var squares = 0.0
        for row in rows {
            for column in 0..<dimension {
                let centred = Double(values[row * dimension + column]) - mean[column]
                squares += centred * centred
            }
        }
        let deviation = (squares / Double(max(rows.count * dimension, 1))).squareRoot()
        return (mean.map { Float($0) }, Float(deviation))
    }
}

/// Ridge least squares `min ‖X W − Y‖² + λ‖W‖²` by the normal equations in Double (small problems:
/// a few hundred columns at most).
enum LinearLeastSquares {
    /// `W`, `[inputDim × outputDim]` row-major, for `X` `[rows × inputDim]` and `Y` `[rows × outputDim]`.
    static func solve(
        inputs: [Float], targets: [Float], rows: Int, inputDim: Int, outputDim: Int, ridge: Double
    ) -> [Float] {
        var gram = [Double](repeating: 0, count: inputDim * inputDim)
        var right = [Double](repeating: 0, count: inputDim * outputDim)
        for row in 0..<rows {
            for i in 0..<inputDim {
                let xi = Double(inputs[row * inputDim + i])
                for j in 0..<inputDim { gram[i * inputDim + j] += xi * Double(inputs[row * inputDim + j]) }
                for j in 0..<outputDim { right[i * outputDim + j] += xi * Double(targets[row * outputDim + j]) }
            }
        }
        let trace = (0..<inputDim).reduce(0.0) { $0 + gram[$1 * inputDim + $1] }
        let lambda = ridge * max(trace / Double(inputDim), 1e-12)
        for i in 0..<inputDim { gram[i * inputDim + i] += lambda }
        // Gaussian elimination with partial pivoting on [gram | right].
        let n = inputDim
        for column in 0..<n {
            var pivot = column
            for row in column + 1..<n where abs(gram[row * n + column]) > abs(gram[pivot * n + column]) {
                pivot = row
            }
            if pivot != column {
                for k in 0..<n { gram.swapAt(column * n + k, pivot * n + k) }
                for k in 0..<outputDim { right.swapAt(column * outputDim + k, pivot * outputDim + k) }
            }
            let diagonal = gram[column * n + column]
            guard abs(diagonal) > 1e-300 else { continue }
            for row in 0..<n where row != column {
                let factor = gram[row * n + column] / diagonal
                guard factor != 0 else { continue }
                for k in column..<n { gram[row * n + k] -= factor * gram[column * n + k] }
                for k in 0..<outputDim { right[row * outputDim + k] -= factor * right[column * outputDim + k] }
            }
        }
        var solution = [Float](repeating: 0, count: n * outputDim)
        for row in 0..<n {
            let diagonal = gram[row * n + row]
            for k in 0..<outputDim {
                solution[row * outputDim + k] = abs(diagonal) > 1e-300 ? Float(right[row * outputDim + k] / diagonal) : 0
            }
        }
        return solution
    }
}
