import Foundation
import GRUClassifier
import SentimentKit
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// `eval --plots` and `train --plots`: the files, as a user gets them.
@Suite struct PlotOptionTests {
    /// The root element's name and the texts of a well-formed XML file.
    static func read(_ url: URL) throws -> (root: String, texts: [String]) {
        let document = try XMLDocument(contentsOf: url)
        return try withExtendedLifetime(document) {
            let root = try #require(document.rootElement())
            var texts: [String] = []
            func visit(_ element: XMLElement) {
                if element.name == "text" { texts.append(element.stringValue ?? "") }
                for child in element.children?.compactMap({ $0 as? XMLElement }) ?? [] { visit(child) }
            }
            visit(root)
            return (root.name ?? "", texts)
        }
    }

    @Test func evalWritesFourPicturesThatAgreeWithItsFigures() throws {
        let model = try TestModelFiles.trained.get()
        try withTemporaryDirectory { directory in
            let plots = directory.appendingPathComponent("new/plots")
            let result = try SentimentBinary.run(
                [
                    "eval", "-m", model.path, "--format", "json", "--plots", plots.path,
                    TestModelFiles.englishCorpus.path,
                ])
            #expect(result.status == 0, "\(result.standardError)")
            #expect(result.standardError.contains("written to \(plots.path)"))
            let names = try FileManager.default.contentsOfDirectory(atPath: plots.path).sorted()
            #expect(names == ["calibration.svg", "precision_recall.svg", "roc.svg", "score_histogram.svg"])
            let metrics = try JSONDecoder().decode(EvalJSON.self, from: Data(result.standardOutput.utf8))
                .metrics
            let roc = try Self.read(plots.appendingPathComponent("roc.svg"))
            #expect(roc.root == "svg")
            #expect(roc.texts.contains(String(format: "AUC %.4f", try #require(metrics.rocAUC))))
            let calibration = try Self.read(plots.appendingPathComponent("calibration.svg"))
            #expect(
                calibration.texts.contains(
                    String(format: "ECE %.4f", try #require(metrics.expectedCalibrationError))))
            for name in ["precision_recall.svg", "score_histogram.svg"] {
                #expect(try Self.read(plots.appendingPathComponent(name)).root == "svg")
            }
        }
    }

    struct EvalJSON: Decodable { var metrics: BinaryClassificationMetrics }

    @Test func trainWritesItsPictureAndRefusesAPlotPathThatIsAFileBeforeTraining() throws {
        try withTemporaryDirectory { directory in
            let plots = directory.appendingPathComponent("plots")
            let model = directory.appendingPathComponent("m.safetensors")
            let result = try SentimentBinary.run(
                [
                    "train", TestModelFiles.englishCorpus.path, "--epochs", "2", "--patience", "0", "--model",
                    model.path,
                    "--plots", plots.path,
                ] + TestModelFiles.tinyNetwork)
            #expect(result.status == 0, "\(result.standardError)")
            let picture = try Self.read(plots.appendingPathComponent("training.svg"))
            #expect(picture.root == "svg")
            #expect(
                picture.texts.contains("Loss per epoch")
                    && picture.texts.contains("Validation accuracy per epoch"))
            let kept = try #require(try SentimentModel(contentsOf: model).trainingRecord?.bestEpoch)
            #expect(picture.texts.contains("kept: epoch \(kept)"))

            let file = directory.appendingPathComponent("a-file")
            try Data("x".utf8).write(to: file)
            let refused = try SentimentBinary.run(
                [
                    "train", TestModelFiles.englishCorpus.path, "--model",
                    directory.appendingPathComponent("n.safetensors").path,
                    "--plots", file.path,
                ] + TestModelFiles.tinyNetwork)
            #expect(refused.status != 0)
            #expect(
                refused.standardError.contains("\(file.path): is not a directory"), "\(refused.standardError)"
            )
            #expect(!refused.standardError.contains("epoch 1"))
            #expect(
                !FileManager.default.fileExists(
                    atPath: directory.appendingPathComponent("n.safetensors").path))
            let eval = try SentimentBinary.run(
                ["eval", "-m", model.path, "--plots", file.path, TestModelFiles.englishCorpus.path])
            #expect(eval.status != 0 && eval.standardError.contains("\(file.path): is not a directory"))
            #expect(eval.standardOutput.isEmpty)
        }
    }
}
