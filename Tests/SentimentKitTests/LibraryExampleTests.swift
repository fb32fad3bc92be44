import Foundation
import SentimentKit
import Testing

/// The README's "Using the library" program (Sources/LibraryExample/main.swift) is shown in the README
/// exactly, compiles against the public API (it imports SentimentKit without @testable, in a module of
/// its own) and prints what the library computes.
@Suite struct LibraryExampleTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The program's source without its leading comment lines.
    static func exampleSource() throws -> String {
        let source = try String(
            contentsOf: repositoryRoot.appendingPathComponent("Sources/LibraryExample/main.swift"),
            encoding: .utf8)
        return source.split(separator: "\n", omittingEmptySubsequences: false)
            .drop { $0.hasPrefix("//") }.joined(separator: "\n")
    }

    /// The first Swift code block after the README's "## Using the library" heading.
    static func readmeBlock() throws -> String {
        let readme = try String(
            contentsOf: repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.range(of: "\n## Using the library\n"))
        let start = try #require(readme.range(of: "```swift\n", range: section.upperBound..<readme.endIndex))
        let end = try #require(readme.range(of: "```\n", range: start.upperBound..<readme.endIndex))
        return String(readme[start.upperBound..<end.lowerBound])
    }

    /// The built example, beside the test bundle in the build products directory.
    static let binary: URL? = {
        let candidates = [
            Bundle.main.bundleURL.deletingLastPathComponent(), Bundle.main.bundleURL,
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
        ]
        return candidates.map { $0.appendingPathComponent("LibraryExample") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    @Test func theReadmeShowsTheProgramAsItIs() throws {
        #expect(try Self.readmeBlock() == Self.exampleSource())
    }

    @Test func theProgramPrintsTheLibrarysProbabilities() throws {
        let binary = try #require(Self.binary, "the LibraryExample executable was not built")
        let scratch = try ScratchDirectory()
        let modelURL = scratch.url.appendingPathComponent("film.safetensors")
        let corpus = try CorpusReader(path: Self.repositoryRoot.appendingPathComponent("corpora/en.tsv").path)
            .readAll().map { CorpusDocument(text: $0.text, label: $0.label ?? 0) }
        var options = ModelTrainingOptions()
        options.embeddingDim = 8
        options.hidden = 8
        options.pretrainEpochs = 1
        options.training.epochs = 2
        options.threads = 1
        let trained = try ModelTraining.train(training: corpus, options: options, destination: modelURL)

        let process = Process()
        process.executableURL = binary
        process.arguments = [modelURL.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)

        let texts = ["what a wonderful film", "I want my money back"]
        let scorer = try TextScorer(model: trained.model, threads: 1)
        let expected = zip(texts, try scorer.probabilities(for: texts)).map { text, probability in
            "\(probability)\t\(scorer.isPositive(probability) ? "positive" : "negative")\t\(text)"
        }
        #expect(printed.split(separator: "\n").map(String.init) == expected)
    }
}

/// The README's `Package.swift` lines name what the package really declares.
@Suite struct LibraryDependencyLinesTests {
    @Test func theProductAndPackageIdentityExist() throws {
        let readme = try String(
            contentsOf: LibraryExampleTests.repositoryRoot.appendingPathComponent("README.md"),
            encoding: .utf8)
        let manifest = try String(
            contentsOf: LibraryExampleTests.repositoryRoot.appendingPathComponent("Package.swift"),
            encoding: .utf8)
        let section = try #require(readme.range(of: "\n## Using the library\n"))
        let lines = readme[section.upperBound...]
        let product = try #require(lines.firstMatch(of: /\.product\(name: "(\w+)", package: "([\w-]+)"\)/))
        let path = try #require(lines.firstMatch(of: /\.package\(path: "([^"]+)"\)/))
        // The product is a library the manifest declares.
        #expect(manifest.contains(".library(name: \"\(product.1)\""))
        // The identity SwiftPM gives a path dependency is its last component, which the text says is
        // the clone's name; the manifest's own name agrees.
        #expect(String(path.1).split(separator: "/").last.map(String.init) == String(product.2))
        #expect(manifest.contains("name: \"\(product.2)\","))
    }
}
