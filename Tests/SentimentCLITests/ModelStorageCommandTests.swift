import Foundation
import GRUClassifier
import SentimentKit
import Testing

/// The `storage` line of `sentiment info`.
private func storageLine(_ model: URL) throws -> String? {
    let result = try SentimentBinary.run(["info", "-m", model.path])
    #expect(result.status == 0, "\(result.standardError)")
    return outputLines(result.standardOutput).first { $0.hasPrefix("storage ") }.map {
        String($0.dropFirst("storage".count).trimmingCharacters(in: .whitespaces))
    }
}

/// `score`'s output for `lines` with the model at `model`.
private func scores(_ lines: String, model: URL) throws -> String {
    let result = try SentimentBinary.run(["score", "-m", model.path], input: Array(lines.utf8))
    #expect(result.status == 0, "\(result.standardError)")
    return result.standardOutput
}

private func fileSize(_ url: URL) throws -> Int {
    try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int)
}

private let lines = "a wonderful film\nterrible and boring\n\nthe plot is thin but the cast is great\n"

@Suite("Model storage: convert, train --precision, info")
struct ModelStorageCommandTests {
    @Test func convertWritesFloat16AndBackAndInfoSaysHowTheFileStoresTheModel() throws {
        let trained = try TestModelFiles.trained.get()
        let stored = try #require(
            try SafeTensorsFile(contentsOf: trained).integerTensor(named: "wide.indices"))
        let buckets = String(stored.values.count)
        let sparse = try #require(try storageLine(trained))
        #expect(sparse.hasPrefix("float32 (F32), wide channel sparse ("), "\(sparse)")
        #expect(
            sparse.replacingOccurrences(of: ",", with: "").contains(
                "(\(buckets) of 1048576 buckets stored) format 2"),
            "\(sparse)")
        try withTemporaryDirectory { directory in
            let half = directory.appendingPathComponent("half.safetensors")
            let convert = try SentimentBinary.run([
                "convert", trained.path, "-o", half.path, "--precision", "f16",
            ])
            #expect(convert.status == 0, "\(convert.standardError)")
            #expect(convert.standardOutput == "")
            #expect(
                convert.standardError.hasPrefix(
                    "converted \(trained.path) (float32 (F32), wide channel sparse"),
                "\(convert.standardError)")
            #expect(convert.standardError.contains(") to \(half.path) (float16 (F16), wide channel sparse"))
            #expect(try storageLine(half)?.hasPrefix("float16 (F16), wide channel sparse") == true)
            // The weights take half the space (the bucket numbers stay 4 bytes each).
            let (halfSize, singleSize) = (try fileSize(half), try fileSize(trained))
            #expect(halfSize < singleSize * 2 / 3, "\(halfSize) and \(singleSize) bytes")
            // The same labels; probabilities within float16's rounding.
            let exact = outputLines(try scores(lines, model: trained)).map { $0.split(separator: "\t") }
            let rounded = outputLines(try scores(lines, model: half)).map { $0.split(separator: "\t") }
            #expect(exact.map { $0[1] } == rounded.map { $0[1] })
            for (a, b) in zip(exact, rounded) {
                #expect(abs(Double(a[0])! - Double(b[0])!) < 0.01, "\(a) vs \(b)")
            }
            // Without --precision a model keeps its file's; with f32 it is widened exactly.
            let again = directory.appendingPathComponent("again.safetensors")
            #expect(try SentimentBinary.run(["convert", half.path, "-o", again.path]).status == 0)
            #expect(try Data(contentsOf: again) == Data(contentsOf: half))
            let single = directory.appendingPathComponent("single.safetensors")
            #expect(
                try SentimentBinary.run(["convert", half.path, "-o", single.path, "--precision", "f32"])
                    .status == 0)
            #expect(try storageLine(single)?.hasPrefix("float32 (F32), wide channel sparse") == true)
            #expect(try scores(lines, model: single) == scores(lines, model: half))
            let json = try SentimentBinary.run(["info", "--format", "json", "-m", half.path])
            let report = try #require(
                try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
            let storage = try #require(report["storage"] as? [String: Any])
            #expect(storage["precision"] as? String == "f16")
            #expect(storage["weight_dtypes"] as? [String] == ["F16"])
            #expect(storage["stored_wide_buckets"] as? Int == stored.values.count)
            #expect(storage["format_version"] as? Int == 2)
        }
    }

    @Test func anOldDenseModelConvertsToTheSparseFormAndScoresTheSame() throws {
        let old = TestModelFiles.repositoryRoot.appendingPathComponent(
            "Tests/SentimentKitTests/Fixtures/reference_model.safetensors")
        #expect(try storageLine(old) == "float32 (F32), wide channel dense, format 1")
        try withTemporaryDirectory { directory in
            let sparse = directory.appendingPathComponent("sparse.safetensors")
            let convert = try SentimentBinary.run(["convert", old.path, "-o", sparse.path])
            #expect(convert.status == 0, "\(convert.standardError)")
            #expect(try storageLine(sparse)?.contains("wide channel sparse") == true)
            #expect(try scores(lines, model: sparse) == scores(lines, model: old))
        }
    }

    @Test func trainPrecisionF16WritesFloat16() throws {
        try withTemporaryDirectory { directory in
            let model = directory.appendingPathComponent("half.safetensors")
            let train = try SentimentBinary.run(
                [
                    "train", TestModelFiles.englishCorpus.path, "--model", model.path, "--precision", "f16",
                    "--epochs", "1", "--pretrain-epochs", "0",
                ] + TestModelFiles.tinyNetwork)
            #expect(train.status == 0, "\(train.standardError)")
            #expect(try storageLine(model)?.hasPrefix("float16 (F16), wide channel sparse") == true)
            let file = try SafeTensorsFile(contentsOf: model)
            #expect(Set(file.tensors.map { file.dtype(of: $0.name) }) == [.f16])
        }
    }

    @Test func errorsNameTheFileAndNothingIsWritten() throws {
        try withTemporaryDirectory { directory in
            let output = directory.appendingPathComponent("out.safetensors")
            let missing = try SentimentBinary.run(["convert", "nothere.safetensors", "-o", output.path])
            #expect(missing.status == 1)
            #expect(missing.standardError.hasPrefix("Error: nothere.safetensors: no such model file"))
            // Within the model's ±1e6, beyond float16's ±65504.
            let large = directory.appendingPathComponent("large.safetensors")
            try TestModelFiles.writeConstantModel(logit: 70000, to: large)
            let refused = try SentimentBinary.run([
                "convert", large.path, "-o", output.path, "--precision", "f16",
            ])
            #expect(refused.status == 1)
            #expect(
                refused.standardError
                    == "Error: \(output.path): no model is written: tensor 'out.bias' holds 1 value beyond float16's"
                    + " range of ±65504 (the first, at element 0, is 70000.0); store it in float32\n",
                "\(refused.standardError)")
            let noDirectory = directory.appendingPathComponent("missing/out.safetensors")
            let unwritable = try SentimentBinary.run(["convert", large.path, "-o", noDirectory.path])
            #expect(unwritable.status == 1)
            #expect(
                unwritable.standardError.contains("\(noDirectory.path): cannot write the model"),
                "\(unwritable.standardError)")
            let badPrecision = try SentimentBinary.run([
                "convert", large.path, "-o", output.path, "--precision", "f8",
            ])
            #expect(badPrecision.status == 64)
            #expect(
                try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["large.safetensors"])
        }
    }
}
