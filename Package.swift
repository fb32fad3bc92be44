// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "sentiment",
    products: [
        .executable(name: "sentiment", targets: ["SentimentCLI"]),
        .executable(name: "sentiment-bench", targets: ["SentimentBench"]),
        .library(name: "Tokenizer", targets: ["Tokenizer"]),
        .library(name: "GRUClassifier", targets: ["GRUClassifier"]),
        .library(name: "SentimentKit", targets: ["SentimentKit"]),
        .library(name: "SentimentServer", targets: ["SentimentServer"]),
        .executable(name: "serve-load", targets: ["ServeLoad"]),
    ],
    dependencies: [
        // Subcommands, options and --help for the CLI.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // SHA-256, to record which vectors file a model was trained with.
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        // `swift package generate-documentation --target SentimentKit` builds the DocC catalogue
        // (Sources/SentimentKit/SentimentKit.docc). A command plugin: nothing of it is built or linked
        // into the products.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        // The rest serve `sentiment serve` (SentimentServer) and its load generator; SentimentKit and
        // the other libraries depend on none of them.
        // HTTP/1.1 server on SwiftNIO with a router and graceful shutdown: the choice, and the
        // smallest of the maintained Swift servers. Its default traits only add swift-configuration
        // support and Foundation-backed form coding, which the server does not use: turned off to build
        // less.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        // Start, SIGTERM/SIGINT graceful shutdown with a deadline, SIGHUP as an async sequence, and the
        // test kit that triggers a graceful shutdown in tests. Hummingbird already builds it.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // Structured log lines on stderr. Hummingbird already builds it.
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // Prometheus text exposition: counters, gauges and histograms in a registry owned by each
        // server (no process-wide bootstrap, so tests can run several servers side by side).
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // The channel handler that refuses an oversized body from its Content-Length before reading it
        // works on NIO's pipeline and on the HTTP types Hummingbird's channel speaks. Hummingbird
        // already builds all three.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        // HTTP client of `serve-load` (and, through HummingbirdTesting, of the server's tests).
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        // `serve-load`'s latency histogram (HdrHistogram: fixed memory, microsecond resolution).
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        // C shim over ICU: its header uses plain C types only, because ICU's own headers clash with
        // Foundation's bundled ICU when imported into Swift on Linux.
        .target(
            name: "CICU",
            linkerSettings: [.linkedLibrary("icuuc"), .linkedLibrary("icui18n")]
        ),
        // Float32 numeric kernels in C (GEMM, vectorised activations). AVX2/FMA and AVX-512 code paths
        // are compiled with function-level target attributes and picked at run time, so the package builds for any
        // x86-64 (or ARM) target without unsafe flags and still runs at full speed where the CPU allows.
        .target(name: "CKernels"),
        .target(name: "Tokenizer", dependencies: ["CICU"]),
        // zlib's gzip reader: pre-trained vectors usually come gzip-compressed.
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        // Pre-trained word vectors: the file formats, matching this tokenizer's tokens to another
        // tokenizer's words. Its own module because it is about files made elsewhere, not the network.
        // Files compiled into the executable (C23 #embed): the bundled English word vectors and the
        // bundled general model.
        .target(name: "CBundledAssets", exclude: ["assets"]),
        .target(
            name: "WordVectors",
            dependencies: ["CZlib", "CBundledAssets", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "Embedding", dependencies: ["CKernels"]),
        // How good a binary classifier's scores are, and how to make its probabilities honest: metrics
        // (accuracy, F1, ROC-AUC, log loss, ECE, Brier), ROC and precision-recall curves, reliability
        // bins, the F1-maximising threshold and temperature scaling. Arithmetic on scores and labels only,
        // so it knows neither the network nor text; the trainer's early stopping and SentimentKit use it.
        .target(name: "Evaluation"),
        // The network alone: embedding, BiGRU, head, loss, optimisers, the training loop over token ids,
        // and attribution (input gradients, integrated gradients, the wide channel's shares).
        .target(name: "GRUClassifier", dependencies: ["Embedding", "Evaluation", "CKernels"]),
        // The pipelines between text and the network: texts → probabilities, labelled documents →
        // trained model, the model file, corpus readers and atomic file writing. What the CLI runs and
        // what a Swift program imports to score text.
        .target(
            name: "SentimentKit",
            dependencies: [
                "CICU", "CBundledAssets", "Tokenizer", "Embedding", "Evaluation", "GRUClassifier", "WordVectors",
            ]),
        // `sentiment serve`'s HTTP service: endpoints, dynamic batching, limits, metrics, reload and
        // drain over SentimentKit's scorers. Its own target because it carries the HTTP stack (NIO,
        // Hummingbird, service lifecycle, Prometheus), which a program that only scores text with
        // SentimentKit should neither build nor link.
        .target(
            name: "SentimentServer",
            dependencies: [
                "SentimentKit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        .executableTarget(
            name: "SentimentCLI",
            dependencies: [
                "SentimentKit", "SentimentServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Open-loop load generator for scripts/serve_bench.sh: requests sent at fixed times, each timed
        // from when it was due (no coordinated omission), latencies in an HdrHistogram.
        .executableTarget(
            name: "ServeLoad",
            dependencies: [
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                // Only to tell a refused connection (never admitted) from a failure after connecting.
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // The README's "Using the library" program: compiled with every build, run by SentimentKitTests.
        .executableTarget(name: "LibraryExample", dependencies: ["SentimentKit"]),
        .executableTarget(
            name: "SentimentBench", dependencies: ["GRUClassifier", "Embedding", "CKernels", "Tokenizer"]),
        .testTarget(name: "TokenizerTests", dependencies: ["Tokenizer", "Embedding"]),
        .testTarget(name: "KernelsTests", dependencies: ["CKernels", "Embedding"]),
        .testTarget(name: "WordVectorsTests", dependencies: ["WordVectors", "CZlib"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "Embedding"]),
        .testTarget(name: "GRUClassifierTests", dependencies: ["GRUClassifier", "Evaluation", "Embedding", "CKernels"]),
        .testTarget(
            name: "SentimentKitTests",
            dependencies: ["SentimentKit", "Tokenizer", "GRUClassifier", "Embedding", "WordVectors", "LibraryExample", "CBundledAssets"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "SentimentServerTests",
            dependencies: [
                "SentimentServer", "SentimentKit", "SentimentCLI",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
            ]),
        .testTarget(
            name: "SentimentCLITests",
            dependencies: [
                "SentimentCLI", "SentimentKit", "Tokenizer", "GRUClassifier",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]),
    ]
)
