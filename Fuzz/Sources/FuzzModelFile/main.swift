import CFuzzDriver
import Foundation
import SentimentKit

/// Model files: the safetensors header, the metadata (vocabulary, config) and every check against the
/// tensors. Either loading throws, or the model scores texts to finite probabilities in [0, 1] (a
/// model that loads must never give NaN).
func fuzzModelFile(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Data(bytes: data, count: size)
    guard let model = try? SentimentModel(data: bytes, threadCount: 1) else { return 0 }
    guard let scorer = try? TextScorer(model: model, threads: 1) else { return 0 }
    let texts = ["", "great film", "awful, awful plot :(", String(repeating: "long ", count: 50)]
    guard let probabilities = try? scorer.probabilities(for: texts) else { return 0 }
    precondition(probabilities.count == texts.count, "one probability per text")
    for probability in probabilities {
        precondition(probability.isFinite && (0...1).contains(probability), "probability \(probability)")
    }
    return 0
}

var argumentCount = CommandLine.argc
var argumentValues = Optional(CommandLine.unsafeArgv)
exit(LLVMFuzzerRunDriver(&argumentCount, &argumentValues) { fuzzModelFile($0, $1) })
