import CFuzzDriver
import Foundation
import SentimentKit

/// Model files: the safetensors header, the metadata (vocabulary, config), every check against the
/// tensors, and both forms of the wide channel and both precisions. Either loading throws, or the model
/// scores texts to finite probabilities in [0, 1] (a model that loads must never give NaN), and writes
/// a file that loads back to the same parameters (in float16: each rounded to the nearest float16,
/// unless a value is beyond float16's range and writing refuses it).
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
    let parameters = model.classifier.namedParameters()
    for precision in ModelFilePrecision.allCases {
        guard let written = try? model.serialized(precision: precision) else {
            precondition(precision == .f16, "a model that loads could not be written in float32")
            continue
        }
        guard let again = try? SentimentModel(data: written, threadCount: 1) else {
            preconditionFailure("a written \(precision) model does not load")
        }
        for ((name, tensor), (nameAgain, tensorAgain)) in zip(parameters, again.classifier.namedParameters())
        {
            precondition(name == nameAgain, "\(name) came back as \(nameAgain)")
            let expected = precision == .f32 ? tensor.values : tensor.values.map { Float(Float16($0)) }
            precondition(
                expected.map(\.bitPattern) == tensorAgain.values.map(\.bitPattern),
                "\(name) changed in \(precision)")
        }
    }
    return 0
}

var argumentCount = CommandLine.argc
var argumentValues = Optional(CommandLine.unsafeArgv)
exit(LLVMFuzzerRunDriver(&argumentCount, &argumentValues) { fuzzModelFile($0, $1) })
