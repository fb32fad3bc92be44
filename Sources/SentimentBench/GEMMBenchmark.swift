import CKernels
import Embedding
import Foundation

/// `sentiment-bench gemm [--passes P] [--rounds N] [--round-seconds S] [--all-layouts] [--portable | --avx2]`:
/// GFLOP/s of sk_sgemm at the shapes one training step of the BiGRU uses (batch 64, hidden 128, 3 gates,
/// sequences of 400 tokens) and at the few-row shapes of scoring (one thread only), plus activation
/// throughput. With 2 threads the rows of the product are split in two halves multiplied at once, as the
/// network's shards split a batch: that is the machine's limit for the way the network uses the cores.
/// The machine is shared, so every case is measured in each of several passes over all cases and the best
/// is reported.
func runGEMMBenchmark(arguments: [String]) {
    var options = GEMMBenchmarkOptions()
    do {
        options = try GEMMBenchmarkOptions(arguments: arguments)
    } catch {
        FileHandle.standardError.write(Data("sentiment-bench gemm: \(error)\n".utf8))
        exit(2)
    }
    if options.portable { sk_set_force_portable(1) }
    if options.avx2 { sk_set_avx512_off(1) }
    var cases: [GEMMBenchmarkCase] = []
    let products =
        GEMMProduct.trainingProducts.map { ($0, [1, 2]) } + GEMMProduct.edgeTileProducts.map { ($0, [1]) }
    for (product, threadCounts) in products {
        for layout in options.allLayouts ? GEMMLayout.all : product.layouts {
            let operands = GEMMOperands(product: product, layout: layout)
            for threads in threadCounts {
                cases.append(GEMMBenchmarkCase(operands: operands, threads: threads))
            }
        }
    }
    let showProgress = isatty(STDERR_FILENO) != 0
    for pass in 1...options.passes {
        if showProgress { FileHandle.standardError.write(Data("pass \(pass) of \(options.passes)\r".utf8)) }
        for index in cases.indices {
            let benchmarkCase = cases[index]
            let seconds = BenchmarkTiming.bestSecondsPerCall(
                rounds: options.rounds, minRoundSeconds: options.roundSeconds
            ) {
                benchmarkCase.operands.multiply(threads: benchmarkCase.threads)
            }
            cases[index].bestSeconds = min(benchmarkCase.bestSeconds, seconds)
        }
    }

    let path = sk_using_avx512() != 0 ? "AVX-512" : sk_using_avx2() != 0 ? "AVX2/FMA" : "portable"
    print(
        "sgemm, \(path) path; best of \(options.passes) passes × \(options.rounds) rounds of at least "
            + "\(options.roundSeconds) s")
    print(
        gemmColumn("product", 44) + gemmColumn("layout", 8) + gemmColumn("threads", 9)
            + gemmColumn("GFLOP/s", 10, right: true) + gemmColumn("ms/call", 10, right: true))
    for benchmarkCase in cases {
        let product = benchmarkCase.operands.product
        let layout = benchmarkCase.operands.layout.name
        print(
            gemmColumn(product.name, 44) + gemmColumn(layout, 8) + gemmColumn("\(benchmarkCase.threads)", 9)
                + gemmColumn(
                    String(format: "%.1f", product.flops / benchmarkCase.bestSeconds * 1e-9), 10, right: true)
                + gemmColumn(String(format: "%.3f", benchmarkCase.bestSeconds * 1e3), 10, right: true))
    }
    runActivationBenchmark(options: options)
}

/// One measured configuration and its best time so far.
private struct GEMMBenchmarkCase {
    let operands: GEMMOperands
    let threads: Int
    var bestSeconds = Double.infinity
}

/// Throughput of the activations at the size of one time step's gates and at a large size.
private func runActivationBenchmark(options: GEMMBenchmarkOptions) {
    print("\nactivations")
    print(gemmColumn("function", 20) + gemmColumn("elements", 12) + gemmColumn("ns/element", 12, right: true))
    for count in [64 * 256, 1 << 20] {
        let x = UnsafeMutablePointer<Float>.allocate(capacity: count)
        let y = UnsafeMutablePointer<Float>.allocate(capacity: count)
        defer {
            x.deallocate()
            y.deallocate()
        }
        var generator = SplitMix64(seed: 11)
        for i in 0..<count { x[i] = generator.nextUniform(-1, 1) * 8 }
        for (name, function) in [("sigmoid", sk_sigmoid), ("tanh", sk_tanh)] as [(String, ActivationFunction)]
        {
            let seconds = BenchmarkTiming.bestSecondsPerCall(
                rounds: options.rounds * options.passes, minRoundSeconds: options.roundSeconds
            ) { function(x, y, Int64(count)) }
            print(
                gemmColumn(name, 20) + gemmColumn("\(count)", 12)
                    + gemmColumn(String(format: "%.3f", seconds / Double(count) * 1e9), 12, right: true))
        }
    }
}

private typealias ActivationFunction =
    @convention(c) (
        UnsafePointer<Float>?, UnsafeMutablePointer<Float>?, Int64
    ) -> Void

private struct GEMMBenchmarkOptions {
    var passes = 3
    var rounds = 5
    var roundSeconds = 0.05
    var allLayouts = false
    var portable = false
    var avx2 = false

    init() {}

    init(arguments: [String]) throws {
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            switch argument {
            case "--passes":
                guard let value = remaining.popFirst().flatMap(Int.init), value > 0 else {
                    throw GEMMBenchmarkUsageError("--passes needs a positive integer")
                }
                passes = value
            case "--rounds":
                guard let value = remaining.popFirst().flatMap(Int.init), value > 0 else {
                    throw GEMMBenchmarkUsageError("--rounds needs a positive integer")
                }
                rounds = value
            case "--round-seconds":
                guard let value = remaining.popFirst().flatMap(Double.init), value > 0 else {
                    throw GEMMBenchmarkUsageError("--round-seconds needs a positive number")
                }
                roundSeconds = value
            case "--all-layouts": allLayouts = true
            case "--portable": portable = true
            case "--avx2": avx2 = true
            default:
                throw GEMMBenchmarkUsageError(
                    "unknown option \(argument); options: --passes P, --rounds N, --round-seconds S, --all-layouts, --portable, --avx2"
                )
            }
        }
    }
}

private struct GEMMBenchmarkUsageError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Which operands are stored transposed.
private struct GEMMLayout {
    var transA: Bool
    var transB: Bool

    var name: String { (transA ? "T" : "N") + (transB ? "T" : "N") }

    static let nn = GEMMLayout(transA: false, transB: false)
    static let nt = GEMMLayout(transA: false, transB: true)
    static let tn = GEMMLayout(transA: true, transB: false)
    static let tt = GEMMLayout(transA: true, transB: true)
    static let all = [nn, nt, tn, tt]
}

/// One product of a training step: op(A) is m×k, op(B) is k×n.
private struct GEMMProduct {
    var name: String
    var m: Int
    var n: Int
    var k: Int
    /// The storage layouts training uses for it (weights may be stored either way round).
    var layouts: [GEMMLayout]

    var flops: Double { 2 * Double(m) * Double(n) * Double(k) }

    static let trainingProducts = [
        GEMMProduct(
            name: "recurrent h·W_hhᵀ 64×128·128×384", m: 64, n: 384, k: 128, layouts: [.nt, .nn]),
        GEMMProduct(
            name: "  per 2-shard 32×128·128×384", m: 32, n: 384, k: 128, layouts: [.nt]),
        GEMMProduct(
            name: "input proj X·W_ihᵀ 25600×128·128×384", m: 25600, n: 384, k: 128, layouts: [.nt, .nn]),
        GEMMProduct(name: "weight grad dGᵀ·X 384×25600ᵀ·25600×128", m: 384, n: 128, k: 25600, layouts: [.tn]),
        GEMMProduct(
            name: "grad wrt h dG·W_hh 64×384·384×128", m: 64, n: 128, k: 384, layouts: [.nn, .nt]),
        GEMMProduct(name: "grad wrt X dG·W_ih 25600×384·384×128", m: 25600, n: 128, k: 384, layouts: [.nn]),
    ]

    /// Products whose rows end in an edge tile of one or two rows (the AVX2 kernel's 6-row tiles leave
    /// them): the recurrent step while one or two sequences are still running, which is all of scoring
    /// one text, and a batch of 8.
    static let edgeTileProducts = [
        GEMMProduct(name: "recurrent, 1 running 1×128·128×384", m: 1, n: 384, k: 128, layouts: [.nt]),
        GEMMProduct(name: "recurrent, 2 running 2×128·128×384", m: 2, n: 384, k: 128, layouts: [.nt]),
        GEMMProduct(name: "recurrent, 8 running 8×128·128×384", m: 8, n: 384, k: 128, layouts: [.nt]),
        GEMMProduct(name: "grad wrt h, 1 running 1×384·384×128", m: 1, n: 128, k: 384, layouts: [.nn]),
    ]
}

/// The operands' addresses, for the threads of one product (each writes its own rows of C).
private struct GEMMPointers: @unchecked Sendable {
    let a: UnsafeMutablePointer<Float>
    let b: UnsafeMutablePointer<Float>
    let c: UnsafeMutablePointer<Float>
}

/// Random operands for one product and layout, and the call that multiplies them.
private final class GEMMOperands {
    let product: GEMMProduct
    let layout: GEMMLayout
    let a: UnsafeMutablePointer<Float>
    let b: UnsafeMutablePointer<Float>
    let c: UnsafeMutablePointer<Float>

    init(product: GEMMProduct, layout: GEMMLayout) {
        self.product = product
        self.layout = layout
        a = .allocate(capacity: product.m * product.k)
        b = .allocate(capacity: product.k * product.n)
        c = .allocate(capacity: product.m * product.n)
        // Deterministic inputs, so runs are comparable.
        var generator = SplitMix64(seed: 5)
        for i in 0..<product.m * product.k { a[i] = generator.nextUniform(-1, 1) }
        for i in 0..<product.k * product.n { b[i] = generator.nextUniform(-1, 1) }
        c.initialize(repeating: 0, count: product.m * product.n)
    }

    deinit {
        a.deallocate()
        b.deallocate()
        c.deallocate()
    }

    /// C = op(A)·op(B), on `threads` threads each computing its own block of C's rows.
    func multiply(threads: Int) {
        let (m, n, k) = (Int32(product.m), Int32(product.n), Int32(product.k))
        let lda = layout.transA ? m : k
        let ldb = layout.transB ? k : n
        let (ta, tb): (Int32, Int32) = (layout.transA ? 1 : 0, layout.transB ? 1 : 0)
        let rowCount = product.m
        let parts = max(1, min(threads, rowCount))
        let pointers = GEMMPointers(a: a, b: b, c: c)
        let layout = layout
        ParallelWork.run(parts: parts) { part in
            let range = ParallelWork.range(part, of: parts, count: rowCount)
            let (first, rows) = (Int32(range.lowerBound), Int32(range.count))
            // Row i of op(A) starts at A + i·lda when A is not transposed, at A + i when it is.
            let aStart = pointers.a + Int(first) * (layout.transA ? 1 : Int(lda))
            sk_sgemm(
                ta, tb, rows, n, k, 1, aStart, lda, pointers.b, ldb, 0, pointers.c + Int(first) * Int(n), n)
        }
    }
}

private func gemmColumn(_ text: String, _ width: Int, right: Bool = false) -> String {
    let fill = String(repeating: " ", count: max(0, width - text.count))
    return right ? fill + text : text + fill
}
