// The program of the README's "Using the library", kept here so that every build compiles it and
// Tests/SentimentKitTests/LibraryExampleTests.swift runs it and checks that the README shows it unchanged.
// It uses SentimentKit's public API only.
import SentimentKit

// A model file written by `sentiment train` (path as the first argument).
let path = CommandLine.arguments.dropFirst().first ?? "sentiment.safetensors"
let scorer = try TextScorer(model: SentimentModel(path: path))

let texts = ["what a wonderful film", "I want my money back"]
for (text, prediction) in zip(texts, try scorer.predictions(for: texts)) {
    print("\(prediction.probability)\t\(prediction.label)\t\(text)")
}
