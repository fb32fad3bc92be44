// swift-tools-version:6.0
// libFuzzer targets, built only by scripts/fuzz.sh (with -sanitize=fuzzer,address): not part of the
// package's own build or tests. Each executable is one fuzz target: its main.swift hands its
// per-input function to libFuzzer's driver (CFuzzDriver declares it).
import PackageDescription

let package = Package(
    name: "SentimentFuzz",
    dependencies: [.package(name: "sentiment", path: "..")],
    targets: [
        .target(name: "CFuzzDriver"),
        .executableTarget(
            name: "FuzzTokenizer",
            dependencies: ["CFuzzDriver", .product(name: "Tokenizer", package: "sentiment")]),
        .executableTarget(
            name: "FuzzCorpus",
            dependencies: ["CFuzzDriver", .product(name: "SentimentKit", package: "sentiment")]),
        .executableTarget(
            name: "FuzzModelFile",
            dependencies: ["CFuzzDriver", .product(name: "SentimentKit", package: "sentiment")]),
        .executableTarget(
            name: "FuzzVocabulary",
            dependencies: ["CFuzzDriver", .product(name: "Tokenizer", package: "sentiment")]),
    ]
)
