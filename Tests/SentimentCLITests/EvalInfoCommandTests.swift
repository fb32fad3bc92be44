import Foundation
import GRUClassifier
import SentimentKit
import Testing

private func trainedModel() throws -> URL { try TestModelFiles.trained.get() }

private func jsonObject(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
}

/// What `eval --format json` prints. Decoded with JSONDecoder, which reads numbers exactly (Linux
/// Foundation's JSONSerialization can be off in the last digit).
private struct EvalReport: Decodable {
    var model: String
    var files: [String]
    var metrics: BinaryClassificationMetrics
}

private func evalReport(_ text: String) throws -> EvalReport {
    try JSONDecoder().decode(EvalReport.self, from: Data(text.utf8))
}

/// The labels of corpora/en.tsv, in order (the header skipped).
private func englishLabels() throws -> [Bool] {
    let text = try String(contentsOf: TestModelFiles.englishCorpus, encoding: .utf8)
    return outputLines(text).dropFirst().map { $0.hasPrefix("1\t") }
}

/// The value after `name` on the table line that starts with it.
private func tableValue(_ table: String, _ name: String) -> String? {
    outputLines(table).first { $0.hasPrefix(name + " ") }.map {
        String($0.dropFirst(name.count).trimmingCharacters(in: .whitespaces))
    }
}

@Suite struct EvalCommandTests {
    private let corpus = TestModelFiles.englishCorpus.path

    @Test func jsonAccuracyEqualsTheAccuracyOfScoresOutput() throws {
        let model = try trainedModel()
        let eval = try SentimentBinary.run(["eval", "-m", model.path, "--format", "json", corpus])
        #expect(eval.status == 0, "\(eval.standardError)")
        #expect(eval.standardError == "")
        let report = try evalReport(eval.standardOutput)
        #expect(report.model == model.path)
        #expect(report.files == [corpus])
        let metrics = report.metrics
        #expect(metrics.count == 400)
        #expect(metrics.threshold == 0.5)
        let accuracy = try #require(metrics.accuracy)

        // The same file scored line by line: its header row is kept as a header, the rest are scored.
        let score = try SentimentBinary.run(["score", "-m", model.path, "--text-column", "2", corpus])
        #expect(score.status == 0)
        let lines = outputLines(score.standardOutput)
        #expect(lines.first == "probability\tlabel")
        let predictions = lines.dropFirst().map { $0.hasSuffix("\tpositive") }
        let labels = try englishLabels()
        #expect(predictions.count == labels.count)
        let correct = zip(predictions, labels).filter { $0 == $1 }.count
        #expect(accuracy == Double(correct) / Double(labels.count))
        // The shared model has learned something, so this is not a coin's accuracy.
        #expect(accuracy > 0.7)

        let matrix = metrics.confusionMatrix
        #expect(matrix.actualPositives == 200 && matrix.actualNegatives == 200)
        #expect(matrix.truePositives + matrix.trueNegatives == correct)
        #expect(matrix.truePositives + matrix.falsePositives == predictions.filter { $0 }.count)
        #expect(metrics.precision != nil && metrics.recall != nil && metrics.f1 != nil)
        #expect(metrics.rocAUC != nil && metrics.logLoss != nil)
        // Every field is present in the JSON, under these names.
        let object = try #require(try jsonObject(eval.standardOutput)["metrics"] as? [String: Any])
        #expect(
            Set(object.keys) == [
                "count", "threshold", "confusion_matrix", "accuracy", "precision", "recall", "f1", "roc_auc",
                "log_loss", "ece", "brier",
            ])
        // ECE and Brier score of the probabilities `score` prints.
        let probabilities = lines.dropFirst().map { Double($0.split(separator: "\t")[0])! }
        let brier = zip(probabilities, labels).map { pow($0 - ($1 ? 1 : 0), 2) }.reduce(0, +) / 400
        #expect(abs(try #require(metrics.brierScore) - brier) < 1e-6)
        // ECE: the confidence in the predicted label in 10 bins, against the accuracy in each.
        var binned = [(count: Int, sum: Double, right: Int)](repeating: (0, 0, 0), count: 10)
        for (p, label) in zip(probabilities, labels) {
            let confidence = max(p, 1 - p)
            let bin = min(9, Int(confidence * 10))
            binned[bin].count += 1
            binned[bin].sum += confidence
            binned[bin].right += (p >= 0.5) == label ? 1 : 0
        }
        let ece = binned.filter { $0.count > 0 }.map {
            abs(Double($0.right) / Double($0.count) - $0.sum / Double($0.count)) * Double($0.count) / 400
        }.reduce(0, +)
        #expect(abs(try #require(metrics.expectedCalibrationError) - ece) < 1e-5)
    }

    @Test func errorsListTheSurestMistakesWithTheirPlaceAndBestF1IsReported() throws {
        let model = try trainedModel()
        // The shared model gets its own training file right at 0.5; a high threshold makes mistakes.
        let eval = try SentimentBinary.run([
            "eval", "-m", model.path, "--format", "json", "--errors", "5", "--threshold", "0.97", corpus,
        ])
        #expect(eval.status == 0, "\(eval.standardError)")
        let object = try jsonObject(eval.standardOutput)
        let metrics = try evalReport(eval.standardOutput).metrics
        let matrix = metrics.confusionMatrix
        let errors = try #require(object["errors"] as? [[String: Any]])
        #expect(errors.count == min(5, matrix.falsePositives + matrix.falseNegatives))
        #expect(errors.count > 1, "no mistakes to list at threshold 0.97")
        let corpusLines = outputLines(try String(contentsOf: TestModelFiles.englishCorpus, encoding: .utf8))
        var previousWrongness = Double.infinity
        for error in errors {
            #expect(Set(error.keys) == ["file", "line", "label", "probability", "text"])
            #expect(error["file"] as? String == corpus)
            // FILE:LINE points at the document: its line holds this label and this text.
            let line = try #require(error["line"] as? Int)
            let label = try #require(error["label"] as? String)
            let text = try #require(error["text"] as? String)
            #expect(corpusLines[line - 1] == "\(label == "positive" ? 1 : 0)\t\(text)")
            // Misclassified at the threshold, surest first.
            let probability = try #require(error["probability"] as? Double)
            let threshold = metrics.threshold
            #expect((probability >= threshold) != (label == "positive"))
            let wrongness = label == "positive" ? threshold - probability : probability - threshold
            #expect(wrongness <= previousWrongness + 1e-7)
            previousWrongness = wrongness
        }
        // The best threshold's F1 is at least the given threshold's, on the same documents.
        let best = try #require(object["best_f1"] as? [String: Any])
        let bestF1 = try #require(best["f1"] as? Double)
        #expect(bestF1 >= (metrics.f1 ?? 0))
        let bestMatrix = try #require(best["confusion_matrix"] as? [String: Int])
        #expect(bestMatrix.values.reduce(0, +) == 400)

        let table = try SentimentBinary.run([
            "eval", "-m", model.path, "--errors", "2", "--threshold", "0.97", corpus,
        ])
        let lines = outputLines(table.standardOutput)
        let heading = try #require(lines.firstIndex(of: "most confidently misclassified (2 shown)"))
        #expect(lines[heading + 1].hasPrefix("  \(corpus):\(errors[0]["line"] as? Int ?? 0)  "))
        #expect(lines.count == heading + 3)
        let bestRow = try #require(tableValue(table.standardOutput, "best F1"))
        #expect(bestRow.hasPrefix(String(format: "%.4f at threshold ", bestF1)))
        // Without --errors the JSON has no "errors" key.
        let plain = try SentimentBinary.run(["eval", "-m", model.path, "--format", "json", corpus])
        #expect(try jsonObject(plain.standardOutput)["errors"] == nil)
    }

    @Test func tableShowsTheSameFigures() throws {
        let model = try trainedModel()
        let table = try SentimentBinary.run(["eval", "-m", model.path, corpus])
        let json = try SentimentBinary.run(["eval", "-m", model.path, "--format", "json", corpus])
        #expect(table.status == 0 && json.status == 0)
        let metrics = try evalReport(json.standardOutput).metrics
        let text = table.standardOutput
        #expect(tableValue(text, "documents") == "400  (\(corpus))")
        #expect(tableValue(text, "threshold") == "0.5")
        for (row, value) in [
            ("accuracy", metrics.accuracy), ("precision", metrics.precision), ("recall", metrics.recall),
            ("F1", metrics.f1), ("ROC-AUC", metrics.rocAUC), ("log loss", metrics.logLoss),
            ("ECE", metrics.expectedCalibrationError), ("Brier", metrics.brierScore),
        ] {
            #expect(tableValue(text, row) == String(format: "%.4f", try #require(value)), "\(row)")
        }
        let matrix = metrics.confusionMatrix
        let negativeRow = try #require(outputLines(text).first { $0.contains("actual negative") })
        let positiveRow = try #require(outputLines(text).first { $0.contains("actual positive") })
        #expect(
            negativeRow.split(separator: " ").suffix(2) == [
                "\(matrix.trueNegatives)", "\(matrix.falsePositives)",
            ])
        #expect(
            positiveRow.split(separator: " ").suffix(2) == [
                "\(matrix.falseNegatives)", "\(matrix.truePositives)",
            ])
        #expect(text.contains("pred neg") && text.contains("pred pos"))
    }

    @Test func thresholdChangesThePredictions() throws {
        let model = try trainedModel()
        let eval = try SentimentBinary.run([
            "eval", "-m", model.path, "--format", "json", "--threshold", "0.9", corpus,
        ])
        #expect(eval.status == 0)
        let metrics = try evalReport(eval.standardOutput).metrics
        #expect(metrics.threshold == Double(Float(0.9)))
        let matrix = metrics.confusionMatrix
        let score = try SentimentBinary.run(
            ["score", "-m", model.path, "--text-column", "2", "--threshold", "0.9", corpus])
        let positives = outputLines(score.standardOutput).filter { $0.hasSuffix("\tpositive") }.count
        #expect(matrix.truePositives + matrix.falsePositives == positives)
    }

    @Test func badInputIsNamed() throws {
        let model = try trainedModel()
        try withTemporaryDirectory { directory in
            let bad = directory.appendingPathComponent("bad.tsv")
            try Data("label\ttext\n1\tgood\nperhaps\tmeh\n".utf8).write(to: bad)
            let result = try SentimentBinary.run(["eval", "-m", model.path, bad.path])
            #expect(result.status != 0)
            #expect(result.standardOutput == "")
            #expect(
                result.standardError.contains("\(bad.path):3: label \"perhaps\""), "\(result.standardError)")
            let missing = try SentimentBinary.run([
                "eval", "-m", model.path, directory.appendingPathComponent("x.tsv").path,
            ])
            #expect(missing.status != 0)
            #expect(missing.standardError.contains("x.tsv: cannot open: No such file or directory"))
            let noModel = try SentimentBinary.run(
                ["eval", corpus, "-m", directory.appendingPathComponent("none.safetensors").path],
                in: directory, environment: environment())
            #expect(noModel.status != 0)
            #expect(noModel.standardError.contains("none.safetensors: no such model file"))
        }
    }
}

@Suite struct InfoCommandTests {
    @Test func textDescribesTheTrainedModel() throws {
        let path = try trainedModel()
        let model = try SentimentModel(contentsOf: path)
        let result = try SentimentBinary.run(["info", "-m", path.path])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError == "")
        let text = result.standardOutput
        // V·E embedding + two directions of (3H·E + 3H·H + 6H) + 2H + 1 output weights + one weight per
        // n-gram bucket of the wide channel (its fixed scale is not counted) + the default affine negation
        // transform's E·E + E.
        let (v, e, h, buckets) = (model.vocabulary.count, 8, 8, 1 << 20)
        let parameters = v * e + 2 * (3 * h * e + 3 * h * h + 6 * h) + 2 * h + 1 + buckets + e * e + e
        #expect(tableValue(text, "model") == path.path)
        #expect(
            tableValue(text, "network")
                == "embedding 8, bidirectional GRU hidden 8 × 1 layer, cell reset_after, dropout 0.3, "
                + "embedding dropout 0.0, wide channel of 1048576 n-gram buckets")
        #expect(tableValue(text, "vocabulary") == "\(v) tokens")
        #expect(tableValue(text, "parameters") == "\(parameters)")
        // The default --head-len is a quarter of --max-len.
        #expect(tableValue(text, "max length") == "400 tokens (longer documents: first 100 + last 300)")
        #expect(tableValue(text, "threshold") == "0.5")
        #expect(tableValue(text, "temperature") == "none (1: not calibrated)")
        #expect(tableValue(text, "tokenizer") == "locale root, case folded, emoticons on")
        #expect(text.contains("\ntraining\n"))
        #expect(tableValue(text, "  training files") == TestModelFiles.englishCorpus.path)
        #expect(tableValue(text, "  training examples") == "400")
        #expect(tableValue(text, "  epochs run") == "6")
        #expect(tableValue(text, "  options")?.contains("lr=0.02") == true)
    }

    @Test func jsonHoldsTheConfigAndTheTrainingRecord() throws {
        let path = try trainedModel()
        let result = try SentimentBinary.run(
            ["info", "--format", "json"], environment: environment(["SENTIMENT_MODEL": path.path]))
        #expect(result.status == 0, "\(result.standardError)")
        let report = try jsonObject(result.standardOutput)
        let model = try SentimentModel(contentsOf: path)
        #expect(report["model"] as? String == path.path)
        #expect(report["vocabulary_size"] as? Int == model.vocabulary.count)
        // Every tensor but the wide channel's fixed scale.
        #expect(
            report["parameters"] as? Int
                == model.classifier.namedParameters().filter { $0.name != "wide.scale" }
                .reduce(0) { $0 + $1.tensor.count })
        #expect(model.classifier.namedParameters().contains { $0.name == "wide.scale" })
        let config = try #require(report["config"] as? [String: Any])
        #expect(config["embedding_dim"] as? Int == 8)
        #expect(config["hidden"] as? Int == 8)
        #expect(config["layers"] as? Int == 1)
        #expect(config["cell"] as? String == "reset_after")
        #expect(config["max_len"] as? Int == 400)
        #expect(config["head_len"] as? Int == 100)
        let training = try #require(config["training"] as? [String: Any])
        #expect(training["epochs_run"] as? Int == 6)
        #expect(training["training_examples"] as? Int == 400)
        #expect((training["options"] as? [String: String])?["lr"] == "0.02")
    }

    @Test func modelWithoutATrainingRecord() throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("sentiment.safetensors")
            try TestModelFiles.writeConstantModel(logit: 0, threshold: 0.25, to: path)
            let text = try SentimentBinary.run(["info"], in: directory, environment: environment())
            #expect(text.status == 0, "\(text.standardError)")
            #expect(tableValue(text.standardOutput, "model") == "sentiment.safetensors")
            #expect(tableValue(text.standardOutput, "threshold") == "0.25")
            #expect(text.standardOutput.contains("training       (no record: not trained by sentiment)"))
            let json = try SentimentBinary.run(["info", "--format", "json", "-m", path.path])
            let config = try #require(try jsonObject(json.standardOutput)["config"] as? [String: Any])
            #expect(config["training"] == nil)
            #expect(config["threshold"] as? Double == 0.25)
            #expect(config["temperature"] == nil)
        }
    }

    @Test func temperatureIsShown() throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("hot.safetensors")
            try TestModelFiles.writeConstantModel(logit: 1, temperature: 1.5, to: path)
            let text = try SentimentBinary.run(["info", "-m", path.path])
            #expect(
                tableValue(text.standardOutput, "temperature")
                    == "1.5 (the logit is divided by it before the sigmoid)")
            let json = try SentimentBinary.run(["info", "--format", "json", "-m", path.path])
            let config = try #require(try jsonObject(json.standardOutput)["config"] as? [String: Any])
            #expect(config["temperature"] as? Double == 1.5)
            // σ(1 / 1.5), whatever the text.
            let score = try SentimentBinary.run(["score", "-m", path.path], input: Array("good\n".utf8))
            let probability = try #require(Double(score.standardOutput.split(separator: "\t")[0]))
            #expect(abs(probability - 1 / (1 + exp(-1 / 1.5))) < 1e-6)
        }
    }

    @Test func corruptModelIsNamed() throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("broken.safetensors")
            try Data([1, 0, 0, 0, 0, 0, 0, 0, 0x7B]).write(to: path)
            let result = try SentimentBinary.run(["info", "-m", path.path])
            #expect(result.status != 0)
            #expect(result.standardOutput == "")
            #expect(result.standardError.hasPrefix("Error: \(path.path): not a usable model file: "))
        }
    }
}
