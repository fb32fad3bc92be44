func runTrainingStepBenchmark(arguments: [String]) { print("training-step benchmark: not yet written") }
