// `sentiment-bench train-step`: tokens per second of one training step (forward, backward, Adam) and of
// inference, for the model size `sentiment train` uses by default.
import Embedding
import Foundation
import GRUClassifier

/// Options: --batch N (64), --length N (400), --vocab N (30000), --embedding N (128), --hidden N (128),
/// --layers N (1), --cell reset_after|reset_before, --steps N (timed steps, 3), --threads a,b (1,2),
/// --uniform (token ids uniform instead of Zipf-distributed).
func runTrainingStepBenchmark(arguments: [String]) {
    var options: [String: String] = [:]
    var flags: Set<String> = []
    var index = 0
    while index < arguments.count {
        let argument = arguments[index]
        if argument == "--uniform" {
            flags.insert(argument)
        } else if argument.hasPrefix("--"), index + 1 < arguments.count {
            options[String(argument.dropFirst(2))] = arguments[index + 1]
            index += 1
        } else {
            benchmarkUsageError("unexpected argument \(argument)")
        }
        index += 1
    }
    func integer(_ name: String, _ fallback: Int) -> Int {
        guard let text = options.removeValue(forKey: name) else { return fallback }
        guard let value = Int(text), value > 0 else {
            benchmarkUsageError("--\(name) needs a positive integer")
        }
        return value
    }
    let batchSize = integer("batch", 64)
    let length = integer("length", 400)
    let steps = integer("steps", 3)
    let layers = integer("layers", 1)
    let configuration = ClassifierConfiguration(
        vocabularySize: integer("vocab", 30_000), embeddingDim: integer("embedding", 128),
        hidden: integer("hidden", 128), layers: layers,
        cell: GRUCellVariant(rawValue: options.removeValue(forKey: "cell") ?? "reset_after") ?? .resetAfter,
        dropout: 0)
    let threadCounts = (options.removeValue(forKey: "threads") ?? "1,2").split(separator: ",").compactMap {
        Int($0)
    }
    if let unknown = options.keys.first { benchmarkUsageError("unknown option --\(unknown)") }

    // Token ids: Zipf(1) over the vocabulary by default, as word frequencies in text roughly are, so the
    // share of distinct tokens per batch is realistic; --uniform draws them uniformly.
    var generator = SplitMix64(seed: 1)
    let sampler = TokenSampler(
        vocabularySize: configuration.vocabularySize, zipf: !flags.contains("--uniform"))
    let batch = (0..<batchSize).map { _ in (0..<length).map { _ in sampler.sample(&generator) } }
    let labels = (0..<batchSize).map { Float($0 % 2) }
    let tokens = batchSize * length
    let distinct = Set(batch.joined()).count

    // FLOPs per token, counting a multiply-add as 2, for L layers of two directions with gates 3H:
    // forward  input side 2·3H·in, recurrence 2·3H·H;
    // backward dW_ih, dX, dW_hh and dh_prev: 2·(2·3H·in) + 2·(2·3H·H).
    // Training: 3 × forward; inference: 1 × forward. Element-wise work, the output layer and Adam are
    // left out (under 1 %). Layer 0 runs its input-side products on distinct tokens only, so it
    // performs fewer FLOPs than this nominal count; both are printed.
    let h = configuration.hidden
    var forwardPerToken = 0.0
    var layer0InputSide = 0.0
    for layer in 0..<layers {
        let inputSize = layer == 0 ? configuration.embeddingDim : 2 * h
        forwardPerToken += 2 * (2.0 * 3 * Double(h) * Double(inputSize + h))
        if layer == 0 { layer0InputSide = 2 * (2.0 * 3 * Double(h) * Double(inputSize)) }
    }
    let trainPerToken = 3 * forwardPerToken
    // Distinct tokens per shard, with the model's dealing: longest first, round-robin over shards.
    func distinctShare(shards: Int) -> Double {
        let order = batch.indices.sorted {
            batch[$0].count != batch[$1].count ? batch[$0].count > batch[$1].count : $0 < $1
        }
        let distinctTotal = (0..<shards).reduce(0) { total, shard in
            total + Set(stride(from: shard, to: order.count, by: shards).flatMap { batch[order[$0]] }).count
        }
        return Double(distinctTotal) / Double(tokens)
    }
    func performed(perToken: Double, inputSideRuns: Double, shards: Int) -> Double {
        perToken - inputSideRuns * layer0InputSide * (1 - distinctShare(shards: shards))
    }

    print(
        "train-step: batch \(batchSize) × \(length) tokens, vocab \(configuration.vocabularySize), "
            + "embedding \(configuration.embeddingDim), hidden \(h), layers \(layers), \(configuration.cell.rawValue), "
            + "Adam (dense embedding update, every row brought up to date each step)")
    print(
        "tokens: \(flags.contains("--uniform") ? "uniform" : "Zipf(1)") ids, \(distinct) distinct of \(tokens) "
            + String(format: "(%.1f %%)", 100 * Double(distinct) / Double(tokens)))
    print(
        String(
            format: "FLOP per token (nominal, all tokens): training %.3f M, inference %.3f M",
            trainPerToken / 1e6,
            forwardPerToken / 1e6))
    for shards in Set(threadCounts).sorted() {
        print(
            String(
                format:
                    "FLOP per token performed with %d shard(s) (layer 0's input side on each shard's distinct "
                    + "tokens): training %.3f M, inference %.3f M",
                shards,
                performed(perToken: trainPerToken, inputSideRuns: 3, shards: min(shards, batchSize)) / 1e6,
                performed(perToken: forwardPerToken, inputSideRuns: 1, shards: min(shards, batchSize)) / 1e6))
    }

    print(
        "GFLOP/s effective = nominal FLOPs per token × tokens/s; performed = FLOPs actually executed per second"
    )
    for threads in threadCounts {
        guard let model = try? BiGRUClassifier(configuration: configuration, seed: 1, threadCount: threads)
        else {
            benchmarkUsageError("invalid model configuration")
        }
        let optimizer = AdamOptimizer(learningRate: 1e-3, clipNorm: 5)
        optimizer.threadCount = threads
        var options = TrainingOptions()
        options.batchSize = batchSize
        let trainer = ClassifierTrainer(classifier: model, options: options, optimizer: optimizer)
        // One untimed step grows the workspaces to this batch size.
        _ = try? trainer.step(batch: batch, labels: labels)
        let trainSeconds = bestSeconds(repeats: steps) {
            _ = try? trainer.step(batch: batch, labels: labels)
            // Training defers the Adam updates of rows the batch did not use until they are used or read;
            // this repeated batch would never bring them back, so bring every row up to date each step,
            // which is the work dense Adam does per step.
            trainer.synchronize()
        }
        _ = try? model.probabilities(for: batch)
        let inferenceSeconds = bestSeconds(repeats: steps) { _ = try? model.probabilities(for: batch) }
        let trainPerformed = performed(
            perToken: trainPerToken, inputSideRuns: 3, shards: min(threads, batchSize))
        let inferencePerformed = performed(
            perToken: forwardPerToken, inputSideRuns: 1, shards: min(threads, batchSize))
        let trainRate = Double(tokens) / trainSeconds
        let inferenceRate = Double(tokens) / inferenceSeconds
        print(
            String(
                format:
                    "threads %d  train step %7.1f ms  %8.0f tokens/s  %5.1f GFLOP/s effective (%5.1f performed) | "
                    + "inference %6.1f ms  %8.0f tokens/s  %5.1f GFLOP/s effective (%5.1f performed)",
                threads, trainSeconds * 1e3, trainRate, trainRate * trainPerToken / 1e9,
                trainRate * trainPerformed / 1e9,
                inferenceSeconds * 1e3, inferenceRate, inferenceRate * forwardPerToken / 1e9,
                inferenceRate * inferencePerformed / 1e9))
    }
}

/// The fastest of `repeats` runs of `body`, in seconds.
private func bestSeconds(repeats: Int, _ body: () -> Void) -> Double {
    var best = Double.infinity
    for _ in 0..<repeats {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return best
}

private func benchmarkUsageError(_ message: String) -> Never {
    FileHandle.standardError.write(Data("sentiment-bench train-step: \(message)\n".utf8))
    exit(2)
}

/// Draws token ids uniformly or with Zipf(1) frequencies (id k has weight 1/(k+1)) by inverse CDF.
private struct TokenSampler {
    let cumulative: [Double]

    init(vocabularySize: Int, zipf: Bool) {
        var sum = 0.0
        cumulative = (0..<vocabularySize).map { rank in
            sum += zipf ? 1 / Double(rank + 1) : 1
            return sum
        }
    }

    func sample(_ generator: inout SplitMix64) -> Int32 {
        let target = Double(generator.next() >> 11) * 0x1p-53 * cumulative[cumulative.count - 1]
        var low = 0
        var high = cumulative.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] > target { high = middle } else { low = middle + 1 }
        }
        return Int32(low)
    }
}
