// The program of the README's "Using the library", kept here so that every build compiles it and
// Tests/SentimentKitTests/LibraryExampleTests.swift runs it and checks that the README shows it unchanged.
// It uses SentimentKit's public API only.
import Foundation
import SentimentKit

// A model file written by `sentiment train` (path as the first argument).
let path = CommandLine.arguments.dropFirst().first ?? "sentiment.safetensors"
let model = try SentimentModel(contentsOf: URL(fileURLWithPath: path))
let scorer = try TextScorer(model: model)

let texts = ["what a wonderful film", "I want my money back"]
for (text, probability) in zip(texts, try scorer.probabilities(for: texts)) {
    let label = scorer.isPositive(probability) ? "positive" : "negative"
    print("\(probability)\t\(label)\t\(text)")
}
