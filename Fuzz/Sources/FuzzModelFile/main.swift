import CFuzzDriver
import Foundation
import SentimentKit

/// Model files: the safetensors header, the metadata (vocabulary, config), every check against the
/// tensors, and both forms of the wide channel and both precisions. Either loading throws, or the model
/// scores texts to finite probabilities in [0, 1] (a model that loads must never give NaN), and writes
/// a file that loads back to the same parameters (in float16: each rounded to the nearest float16,
/// unless a value is beyond float16's range and writing refuses it).
/// Where each input is also written, to be loaded from a file: loading a file maps it and reads a
/// float32 embedding in place, a path of its own (`SentimentModel.init(contentsOf:)`).
let mappedCopy = FileManager.default.temporaryDirectory
    .appendingPathComponent("fuzz-model-file-\(getpid()).safetensors")

func fuzzModelFile(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Data(bytes: data, count: size)
    let fromBytes = try? SentimentModel(data: bytes, threadCount: 1)
    // The mapped file must load exactly when the bytes do, and score the same.
    precondition((try? bytes.write(to: mappedCopy)) != nil, "cannot write \(mappedCopy.path)")
    let fromFile = try? SentimentModel(contentsOf: mappedCopy, threadCount: 1)
    precondition((fromBytes == nil) == (fromFile == nil), "the file and its bytes load differently")
    guard let model = fromBytes, let mapped = fromFile else { return 0 }
    guard let scorer = try? TextScorer(model: model, threads: 1) else { return 0 }
    let texts = ["", "great film", "awful, awful plot :(", String(repeating: "long ", count: 50)]
    guard let probabilities = try? scorer.probabilities(for: texts) else { return 0 }
    precondition(probabilities.count == texts.count, "one probability per text")
    for probability in probabilities {
        precondition(probability.isFinite && (0...1).contains(probability), "probability \(probability)")
    }
    let mappedProbabilities = try? TextScorer(model: mapped, threads: 1).probabilities(for: texts)
    precondition(
        mappedProbabilities?.map(\.bitPattern) == probabilities.map(\.bitPattern),
        "the mapped file scores differently from its bytes")
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
