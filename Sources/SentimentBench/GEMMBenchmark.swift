func runGEMMBenchmark(arguments: [String]) { print("gemm benchmark: not yet written") }
