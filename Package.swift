// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "sentiment",
    products: [
        .executable(name: "sentiment", targets: ["SentimentCLI"]),
        .executable(name: "sentiment-bench", targets: ["SentimentBench"]),
        .library(name: "Tokenizer", targets: ["Tokenizer"]),
        .library(name: "GRUClassifier", targets: ["GRUClassifier"]),
        .library(name: "SentimentKit", targets: ["SentimentKit"]),
    ],
    dependencies: [
        // Subcommands, options and --help for the CLI.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // SHA-256, to record which vectors file a model was trained with.
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
    ],
    targets: [
        // C shim over ICU: its header uses plain C types only, because ICU's own headers clash with
        // Foundation's bundled ICU when imported into Swift on Linux.
        .target(
            name: "CICU",
            linkerSettings: [.linkedLibrary("icuuc"), .linkedLibrary("icui18n")]
        ),
        // Float32 numeric kernels in C (GEMM, vectorised activations). AVX2/FMA code paths are compiled
        // with function-level target attributes and picked at run time, so the package builds for any
        // x86-64 (or ARM) target without unsafe flags and still runs at full speed where the CPU allows.
        .target(name: "CKernels"),
        .target(name: "Tokenizer", dependencies: ["CICU"]),
        // zlib's gzip reader: pre-trained vectors usually come gzip-compressed.
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        // Pre-trained word vectors: the file formats, matching this tokenizer's tokens to another
        // tokenizer's words. Its own module because it is about files made elsewhere, not the network.
        // Files compiled into the executable (C23 #embed): the bundled English word vectors.
        .target(name: "CBundledAssets", exclude: ["assets"]),
        .target(
            name: "WordVectors",
            dependencies: ["CZlib", "CBundledAssets", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "Embedding", dependencies: ["CKernels"]),
        // The network alone: embedding, BiGRU, head, loss, optimisers and the training loop over token ids.
        .target(name: "GRUClassifier", dependencies: ["Embedding", "CKernels"]),
        // The pipelines between text and the network: texts → probabilities, labelled documents →
        // trained model, the model file, corpus readers and atomic file writing. What the CLI runs and
        // what a Swift program imports to score text.
        .target(
            name: "SentimentKit", dependencies: ["CICU", "Tokenizer", "Embedding", "GRUClassifier", "WordVectors"]),
        .executableTarget(
            name: "SentimentCLI",
            dependencies: [
                "Tokenizer", "GRUClassifier", "SentimentKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The README's "Using the library" program: compiled with every build, run by SentimentKitTests.
        .executableTarget(name: "LibraryExample", dependencies: ["SentimentKit"]),
        .executableTarget(
            name: "SentimentBench", dependencies: ["GRUClassifier", "Embedding", "CKernels", "Tokenizer"]),
        .testTarget(name: "TokenizerTests", dependencies: ["Tokenizer"]),
        .testTarget(name: "KernelsTests", dependencies: ["CKernels"]),
        .testTarget(name: "WordVectorsTests", dependencies: ["WordVectors", "CZlib"]),
        .testTarget(name: "GRUClassifierTests", dependencies: ["GRUClassifier", "Embedding", "CKernels"]),
        .testTarget(
            name: "SentimentKitTests",
            dependencies: ["SentimentKit", "Tokenizer", "GRUClassifier", "Embedding", "WordVectors", "LibraryExample"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "SentimentCLITests", dependencies: ["SentimentCLI", "SentimentKit", "Tokenizer", "GRUClassifier"]),
    ]
)
