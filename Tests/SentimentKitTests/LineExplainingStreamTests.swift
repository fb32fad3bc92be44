import Foundation
import SentimentKit
import Testing

/// `sentiment explain`'s path through the library: each line explained in order into one output line,
/// its id echoed, an HTML entry per line numbered across files, and lines missing completeness named.
@Suite struct LineExplainingStreamTests {
    private static func explain(
        _ stream: LineExplainingStream, _ text: String, numbered: inout Int, page: AtomicFileWriter? = nil
    ) throws -> (output: String, notes: [String]) {
        var output: [UInt8] = []
        var notes: [String] = []
        _ = try stream.explain(
            try InputFile(bytes: Array(text.utf8), name: "in.txt"), page: page, numbered: &numbered,
            note: { notes.append($0) }
        ) { output += $0 }
        return (String(decoding: output, as: UTF8.self), notes)
    }

    @Test func eachLineGivesItsExplanationsLineWithItsIDAndLabel() throws {
        let model = try TextExplainerTests.model()
        let explainer = try TextExplainer(model: model, method: .occlusion)
        let stream = try LineExplainingStream(explainer: explainer, threshold: 0.5, idColumn: 1)
        var numbered = 0
        let result = try Self.explain(stream, "a\tgood film\nb\tthe plot was dull\n", numbered: &numbered)
        let expected = try ["good film", "the plot was dull"].map { try explainer.explain($0) }
        let lines = zip(["a", "b"], expected).map { id, explanation in
            ExplanationOutput.tsv(
                explanation, label: explanation.probability >= 0.5 ? .positive : .negative, id: id)
        }
        #expect(result.output == lines.joined())
        #expect(numbered == 2)
        #expect(result.notes.isEmpty)
        #expect(throws: InputError.self) {
            var count = 0
            _ = try Self.explain(stream, "no id column here\n", numbered: &count)
        }
    }

    @Test func pageEntriesAreNumberedAcrossFilesAndIncompleteLinesAreNamed() throws {
        // With one integration point this model leaves two of the texts short of completeness.
        let model = try TextExplainerTests.model(seed: 6)
        let explainer = try TextExplainer(model: model, method: .integratedGradients(steps: 1))
        let stream = try LineExplainingStream(explainer: explainer, format: .jsonl)
        let texts = TextExplainerTests.texts
        let missing = try texts.indices.filter { try explainer.explain(texts[$0]).missesCompleteness() }
        try #require(!missing.isEmpty, "no line misses completeness: nothing to test")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let page = try AtomicFileWriter(destination: directory.appendingPathComponent("page.html"))
        var numbered = 0
        _ = try Self.explain(stream, "good film\n", numbered: &numbered, page: page)
        let second = try Self.explain(
            stream, texts.joined(separator: "\n") + "\n", numbered: &numbered, page: page)
        try page.commit()
        let html = try String(contentsOf: directory.appendingPathComponent("page.html"), encoding: .utf8)
        #expect(html.contains(#"id="line-1""#) && html.contains(#"id="line-\#(texts.count + 1)""#))
        #expect(second.output.split(separator: "\n").allSatisfy { $0.hasPrefix("{") && $0.hasSuffix("}") })
        let named = second.notes.dropLast().map { $0.split(separator: ":")[1] }
        #expect(named == missing.map { "\($0 + 1)"[...] }, "\(second.notes)")
        let count = missing.count
        #expect(
            second.notes.last
                == "in.txt: \(count) line\(count == 1 ? "" : "s") missed completeness by more than 5 % with 1 step; "
                + "more --steps make the integral more exact")
    }
}
