// sentiment-bench: speed measurements that are not tests. Build with `-c release`.
//   sentiment-bench gemm         GFLOP/s of the GEMM at the shapes the model uses
//   sentiment-bench train-step   tokens/s of one training step (forward, backward, Adam)
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "gemm": runGEMMBenchmark(arguments: Array(arguments.dropFirst()))
case "train-step": runTrainingStepBenchmark(arguments: Array(arguments.dropFirst()))
default:
    FileHandle.standardError.write(Data("usage: sentiment-bench gemm|train-step [options]\n".utf8))
    exit(2)
}
