import Foundation
import GRUClassifier
import SentimentKit
import Testing
import Tokenizer

/// A model file's parts before they are written: tensors by PyTorch name and the two metadata strings,
/// so a test can spoil one of them and write the file with `SafeTensorsFile`.
private struct ModelFileParts {
    var tensors: [String: Tensor]
    var metadata: [String: String]

    /// The parts of a freshly initialised model over `tokens` ("<pad>", "<unk>" prepended) with only the
    /// four required config keys.
    init(tokens: [String], embedding: Int = 3, hidden: Int = 2, cell: GRUCellVariant = .resetAfter) throws {
        let vocabulary = ["<pad>", "<unk>"] + tokens
        let configuration = ClassifierConfiguration(
            vocabularySize: vocabulary.count, embeddingDim: embedding, hidden: hidden, layers: 1, cell: cell)
        tensors = try BiGRUClassifier(configuration: configuration, seed: 5).parameterDictionary()
        let vocabularyJSON = String(decoding: try JSONEncoder().encode(vocabulary), as: UTF8.self)
        metadata = [
            "vocab": vocabularyJSON,
            "config": #"{"embedding_dim": \#(embedding), "hidden": \#(hidden), "layers": 1, "#
                + #""cell": "\#(cell.rawValue)"}"#,
        ]
    }

    func write(to url: URL) throws {
        try SafeTensorsFile(tensors: tensors.map { ($0.key, $0.value) }, metadata: metadata).write(to: url)
    }
}

/// The message of the error thrown when loading `url` as a model, or nil if it loaded.
private func loadingError(_ url: URL) -> String? {
    do {
        _ = try SentimentModel(contentsOf: url, threadCount: 1)
        return nil
    } catch {
        return "\(error)"
    }
}

private func bits(_ tensor: Tensor) -> [UInt32] { tensor.values.map(\.bitPattern) }

@Suite struct ModelFileTests {
    @Test func writeThenReadKeepsEveryTensorBitForBitAndAllSettings() throws {
        let scratch = try ScratchDirectory()
        let url = scratch.url.appendingPathComponent("model.safetensors")
        let configuration = ClassifierConfiguration(
            vocabularySize: 6, embeddingDim: 3, hidden: 2, layers: 2, cell: .resetBefore, dropout: 0.25,
            embeddingDropout: 0.125)
        var parameters = try BiGRUClassifier(configuration: configuration, seed: 9).parameterDictionary()
        // Values a lossy path (text, rounding, normalisation of zeros) would not keep.
        parameters["out.weight"]!.values = [
            -0.0, .leastNonzeroMagnitude, SentimentModel.maximumParameterMagnitude.nextDown, 1e-38,
        ]
        // (NaN, infinities and values beyond ±1e6 are refused: CraftedModelFileTests.)
        let classifier = try BiGRUClassifier(configuration: configuration, parameters: parameters)
        var record = TrainingRecord()
        record.finishedAt = "2025-01-02T03:04:05Z"
        record.programVersion = "9.8.7"
        record.trainingFiles = ["a.tsv", "b.csv"]
        record.validationFiles = ["dev.tsv"]
        record.unlabelledFiles = ["more.txt"]
        record.unlabelledDocuments = 789
        record.trainingExamples = 1234
        record.validationExamples = 56
        record.epochsRun = 4
        record.bestEpoch = 3
        record.validationAccuracy = 0.875
        record.validationLoss = 0.3125
        record.seconds = 12.5
        record.options = ["lr": "0.002", "batch": "64"]
        record.initializedFrom = "old.safetensors"
        let settings = TokenizerSettings(locale: "th", keepCase: true, recognizesEmoticons: false)
        let model = try SentimentModel(
            tokenizerSettings: settings,
            vocabulary: try Vocabulary(tokens: ["<pad>", "<unk>", "a", "b", "ç", "😀"]),
            classifier: classifier, maxLength: 123, headLength: 23, threshold: 0.375, temperature: 1.75,
            trainingRecord: record)
        try model.write(to: url)
        #expect(try scratch.contents() == ["model.safetensors"])

        let loaded = try SentimentModel(contentsOf: url)
        #expect(loaded.vocabulary.tokens == ["<pad>", "<unk>", "a", "b", "ç", "😀"])
        #expect(loaded.tokenizerSettings == settings)
        #expect(loaded.maxLength == 123)
        #expect(loaded.headLength == 23)
        #expect(loaded.threshold == 0.375)
        #expect(loaded.temperature == 1.75)
        #expect(loaded.trainingRecord == record)
        #expect(loaded.classifier.configuration == configuration)
        #expect(loaded.fileConfiguration == model.fileConfiguration)
        let written = model.classifier.namedParameters()
        let read = loaded.classifier.namedParameters()
        #expect(read.map(\.name) == written.map(\.name))
        for (original, copy) in zip(written, read) {
            #expect(copy.tensor.shape == original.tensor.shape, "\(original.name)")
            #expect(bits(copy.tensor) == bits(original.tensor), "\(original.name) changed")
        }
        // The file holds the tensors under their PyTorch names, nothing else.
        let file = try SafeTensorsFile(contentsOf: url)
        #expect(Set(file.tensors.map(\.name)) == Set(written.map(\.name)))
        #expect(Set(file.metadata.keys) == ["format_version", "vocab", "config"])
    }

    @Test func aModelWithANonFiniteOrHugeParameterIsNotWritten() throws {
        let scratch = try ScratchDirectory()
        let url = scratch.url.appendingPathComponent("model.safetensors")
        let configuration = ClassifierConfiguration(vocabularySize: 4, embeddingDim: 3, hidden: 2, layers: 1)
        let start = try BiGRUClassifier(configuration: configuration, seed: 9).parameterDictionary()
        /// The message of writing the model with `start`'s parameters after `spoil`.
        func writingError(_ spoil: (inout [String: Tensor]) -> Void) throws -> String? {
            var parameters = start
            spoil(&parameters)
            let model = try SentimentModel(
                tokenizerSettings: TokenizerSettings(),
                vocabulary: try Vocabulary(tokens: ["<pad>", "<unk>", "a", "b"]),
                classifier: try BiGRUClassifier(configuration: configuration, parameters: parameters),
                maxLength: 10, headLength: 2)
            do {
                try model.write(to: url)
                return nil
            } catch {
                return "\(error)"
            }
        }
        let nonFinite = try #require(
            try writingError {
                $0["gru.bias_hh_l0"]!.values[4] = .infinity
                $0["gru.bias_hh_l0"]!.values[5] = .nan
            })
        #expect(
            nonFinite.contains("tensor 'gru.bias_hh_l0' holds 2 non-finite values (the first, at element 4")
                && nonFinite.contains("training diverged, so no model is written"), "\(nonFinite)")
        let huge = try #require(try writingError { $0["out.bias"]!.values[0] = 3e7 })
        #expect(huge.contains("no model is written: tensor 'out.bias' holds 1 value beyond ±1e6"), "\(huge)")
        #expect(try scratch.contents() == [])
        // The untouched parameters are written.
        #expect(try writingError { _ in } == nil)
        #expect(try scratch.contents() == ["model.safetensors"])
    }

    @Test func configWithOnlyTheRequiredKeysLoadsWithDefaultsAndScores() throws {
        let scratch = try ScratchDirectory()
        let url = scratch.url.appendingPathComponent("minimal.safetensors")
        let parts = try ModelFileParts(tokens: ["good", "bad", "film"])
        try parts.write(to: url)

        let model = try SentimentModel(contentsOf: url, threadCount: 1)
        #expect(model.maxLength == 400)
        #expect(model.headLength == nil)
        #expect(model.threshold == 0.5)
        #expect(model.temperature == nil)
        #expect(model.tokenizerSettings == TokenizerSettings())
        #expect(model.trainingRecord == nil)
        #expect(model.classifier.configuration.dropout == 0)
        #expect(model.classifier.configuration.embeddingDropout == 0)
        #expect(model.vocabulary.tokens == ["<pad>", "<unk>", "good", "bad", "film"])
        // Default tokenizer: case folded, so "GOOD" is the token "good" (id 2).
        let scorer = try TextScorer(model: model, threads: 1)
        #expect(scorer.tokenIDs(for: ["GOOD film, zebra"]) == [[2, 4, 1, 1]])
        let texts = ["GOOD film", "bad", ""]
        let probabilities = try scorer.probabilities(for: texts)
        let reference = try BiGRUClassifier(
            configuration: model.classifier.configuration, parameters: parts.tensors, threadCount: 1)
        #expect(probabilities == (try reference.probabilities(for: [[2, 4], [3], []])))
        #expect(probabilities.allSatisfy { $0 > 0 && $0 < 1 })
    }

    @Test func fileInPythonsLayoutWithPyTorchNamesLoads() throws {
        // What `safetensors.torch.save_file(model.state_dict(), path, metadata)` writes: F32 tensors under
        // the state_dict names, sorted, plus the "format": "pt" entry Python adds.
        let scratch = try ScratchDirectory()
        let url = scratch.url.appendingPathComponent("torch.safetensors")
        let parts = try ModelFileParts(
            tokens: ["great", "awful"], embedding: 4, hidden: 3, cell: .resetAfter)
        let expectedNames = [
            "embedding.weight", "gru.bias_hh_l0", "gru.bias_hh_l0_reverse", "gru.bias_ih_l0",
            "gru.bias_ih_l0_reverse", "gru.weight_hh_l0", "gru.weight_hh_l0_reverse", "gru.weight_ih_l0",
            "gru.weight_ih_l0_reverse", "out.bias", "out.weight",
        ]
        #expect(parts.tensors.keys.sorted() == expectedNames)
        #expect(parts.tensors["gru.weight_ih_l0"]?.shape == [9, 4])
        #expect(parts.tensors["gru.weight_hh_l0_reverse"]?.shape == [9, 3])
        #expect(parts.tensors["out.weight"]?.shape == [1, 6])
        #expect(parts.tensors["out.bias"]?.shape == [1])
        var metadata = parts.metadata
        metadata["format"] = "pt"
        metadata["config"] =
            #"{"vocab_size": 4, "embedding_dim": 4, "hidden": 3, "layers": 1, "cell": "reset_after", "#
            + #""dropout": 0.3, "max_len": 7, "threshold": 0.4, "tokenizer": {"keep_case": true}}"#
        let bytes = try SafeTensorsFile(
            tensors: expectedNames.map { ($0, parts.tensors[$0]!) }, metadata: metadata
        ).serialized()
        try bytes.write(to: url)

        let model = try SentimentModel(contentsOf: url, threadCount: 1)
        #expect(model.maxLength == 7)
        #expect(model.threshold == 0.4)
        #expect(model.classifier.configuration.dropout == 0.3)
        #expect(model.tokenizerSettings == TokenizerSettings(locale: "root", keepCase: true))
        #expect(
            try TextScorer(model: model, threads: 1).tokenIDs(for: ["great Great awful a b c d e f"])
                == [[2, 1, 3, 1, 1, 1, 1]])
        let reference = try BiGRUClassifier(
            configuration: model.classifier.configuration, parameters: parts.tensors, threadCount: 1)
        let ids: [[Int32]] = [[2, 3], [3], []]
        #expect(try model.classifier.logits(for: ids) == (try reference.logits(for: ids)))
    }

    @Test(
        "a PyTorch model in Python's layout scores like PyTorch",
        .enabled(
            if: goldenAvailable, "../shared/golden/bigru_reference.json not found (set SENTIMENT_SHARED)"))
    func goldenParametersInPythonsLayout() throws {
        let scratch = try ScratchDirectory()
        for golden in try GoldenCase.load() {
            let url = scratch.url.appendingPathComponent("\(golden.variant.rawValue).safetensors")
            let tokens = ["<pad>", "<unk>"] + (2..<golden.configuration.vocabularySize).map { "w\($0)" }
            let metadata = [
                "format": "pt",
                "vocab": String(decoding: try JSONEncoder().encode(tokens), as: UTF8.self),
                "config":
                    #"{"embedding_dim":\#(golden.configuration.embeddingDim),"#
                    + #""hidden":\#(golden.configuration.hidden),"layers":1,"#
                    + #""cell":"\#(golden.variant.rawValue)"}"#,
            ]
            try SafeTensorsFile(tensors: golden.parameters.map { ($0.key, $0.value) }, metadata: metadata)
                .write(to: url)
            let model = try SentimentModel(contentsOf: url, threadCount: 1)
            #expect(model.classifier.configuration.cell == golden.variant)
            let logits = try model.classifier.logits(for: golden.batch)
            let worst = zip(logits, golden.logits).map { abs(Double($0) - $1) }.max() ?? .infinity
            #expect(worst <= 1e-5, "\(golden.variant): logits differ from PyTorch's by \(worst)")
        }
    }

    // MARK: Broken files

    /// Writes `parts` after `spoil` changes them and returns the loading error's message.
    private func error(
        _ spoil: (inout ModelFileParts) -> Void, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> String {
        let scratch = try ScratchDirectory()
        let url = scratch.url.appendingPathComponent("broken.safetensors")
        var parts = try ModelFileParts(tokens: ["good", "bad"])
        spoil(&parts)
        try parts.write(to: url)
        let message = loadingError(url)
        #expect(message != nil, "the broken file loaded", sourceLocation: sourceLocation)
        return message ?? ""
    }

    @Test func missingMetadataIsNamed() throws {
        #expect(try error { $0.metadata["vocab"] = nil }.contains("no \"vocab\" metadata"))
        #expect(try error { $0.metadata["config"] = nil }.contains("no \"config\" metadata"))
        #expect(try error { $0.metadata = [:] }.contains("not a sentiment model file"))
    }

    @Test func badJSONInTheMetadataIsNamed() throws {
        #expect(try error { $0.metadata["vocab"] = "[\"<pad>\", \"<unk>\"" }.contains("\"vocab\""))
        #expect(try error { $0.metadata["vocab"] = "{\"a\": 1}" }.contains("not a JSON array of strings"))
        #expect(try error { $0.metadata["config"] = "{embedding_dim: 3" }.contains("\"config\""))
        #expect(try error { $0.metadata["config"] = "[1, 2]" }.contains("\"config\" metadata is not valid"))
    }

    @Test func configMissingARequiredKeyOrHoldingABadValueIsNamed() throws {
        let missingHidden = try error {
            $0.metadata["config"] = "{\"embedding_dim\": 3, \"layers\": 1, \"cell\": \"reset_after\"}"
        }
        #expect(missingHidden.contains("missing key \"hidden\""), "\(missingHidden)")
        let badCell = try error {
            $0.metadata["config"] = "{\"embedding_dim\": 3, \"hidden\": 2, \"layers\": 1, \"cell\": \"lstm\"}"
        }
        #expect(
            badCell.contains(#"bad value at "cell": "lstm" is not one of "reset_after", "reset_before""#),
            "\(badCell)")
        #expect(!badCell.contains("GRUCellVariant"))
        let textForNumber = try error {
            $0.metadata["config"] =
                "{\"embedding_dim\": \"3\", \"hidden\": 2, \"layers\": 1, \"cell\": \"reset_after\"}"
        }
        #expect(textForNumber.contains("embedding_dim"), "\(textForNumber)")
        func config(_ extra: String) -> String {
            "{\"embedding_dim\": 3, \"hidden\": 2, \"layers\": 1, \"cell\": \"reset_after\", \(extra)}"
        }
        #expect(try error { $0.metadata["config"] = config("\"max_len\": 0") }.contains("max_len"))
        #expect(
            try error { $0.metadata["config"] = config("\"max_len\": 5, \"head_len\": 6") }.contains(
                "head_len"))
        #expect(try error { $0.metadata["config"] = config("\"head_len\": -1") }.contains("head_len"))
        #expect(try error { $0.metadata["config"] = config("\"threshold\": 1.5") }.contains("threshold"))
        for temperature in ["0", "-1", "\"hot\""] {
            let message = try error { $0.metadata["config"] = config("\"temperature\": \(temperature)") }
            #expect(message.contains("temperature"), "\(message)")
        }
        #expect(try error { $0.metadata["config"] = config("\"dropout\": 1") }.contains("dropout"))
        // Named by the file's key, not the Swift property's name.
        let embeddingDropout = try error { $0.metadata["config"] = config("\"embedding_dropout\": 1") }
        #expect(
            embeddingDropout.contains(
                "\"config\" metadata is not valid: embedding_dropout must lie in [0, 1)"),
            "\(embeddingDropout)")
        #expect(!embeddingDropout.contains("embeddingDropout"))
        let zeroLayers = try error {
            $0.metadata["config"] =
                "{\"embedding_dim\": 3, \"hidden\": 2, \"layers\": 0, \"cell\": \"reset_after\"}"
        }
        #expect(zeroLayers.contains("layers"), "\(zeroLayers)")
        // Sizes far beyond the tensors must be refused before anything of that size is allocated.
        let huge = try error {
            $0.metadata["config"] =
                #"{"embedding_dim": 16777216, "hidden": 16777216, "layers": 1024, "cell": "reset_after"}"#
        }
        #expect(huge.contains("embedding.weight"), "\(huge)")
    }

    @Test func aNewerFormatVersionIsRefusedAndAnOlderOrAbsentOneLoads() throws {
        let newer = try error { $0.metadata["format_version"] = "3" }
        #expect(
            newer
                == "format_version 3 is newer than this version of sentiment reads (format_version 2 and older); "
                + "use a newer sentiment for this model")
        #expect(
            try error { $0.metadata["format_version"] = "one" }
                == #"format_version "one" is not a positive whole number"#)
        let scratch = try ScratchDirectory()
        for version in ["2", "1", nil] {
            var parts = try ModelFileParts(tokens: ["good", "bad"])
            parts.metadata["format_version"] = version
            let url = scratch.url.appendingPathComponent("v\(version ?? "-").safetensors")
            try parts.write(to: url)
            #expect(loadingError(url) == nil)
        }
    }

    @Test func configKeysThisVersionDoesNotUnderstandAreRefused() throws {
        let base = #"{"embedding_dim": 3, "hidden": 2, "layers": 1, "cell": "reset_after""#
        let unknown = try error {
            $0.metadata["config"] = base + #", "attention": true, "bidirectional": 2}"#
        }
        #expect(
            unknown
                == #"the "config" metadata has keys this version of sentiment does not understand ("attention", "#
                + #""bidirectional"): the file comes from a newer version or another program, and scoring "#
                + "without those settings could give wrong probabilities")
        let tokenizer = try error {
            $0.metadata["config"] = base + #", "tokenizer": {"locale": "root", "strip_accents": true}}"#
        }
        #expect(tokenizer.contains(#"("tokenizer.strip_accents")"#), "\(tokenizer)")
        // vocab_size, which PyTorch writers add, is understood and checked.
        let wrongSize = try error { $0.metadata["config"] = base + #", "vocab_size": 9}"# }
        #expect(
            wrongSize.contains(#"bad value at "vocab_size": 9, but the "vocab" metadata has 4 tokens"#),
            "\(wrongSize)")
        // The training record only describes the run: a newer version's fields in it are harmless.
        let scratch = try ScratchDirectory()
        var parts = try ModelFileParts(tokens: ["good", "bad"])
        parts.metadata["config"] = base + #", "training": {"epochs_run": 2, "gpu": "none"}}"#
        let url = scratch.url.appendingPathComponent("record.safetensors")
        try parts.write(to: url)
        #expect(loadingError(url) == nil)
    }

    @Test func writtenFilesCarryTheFormatVersion() throws {
        let scratch = try ScratchDirectory()
        let url = scratch.url.appendingPathComponent("m.safetensors")
        let parts = try ModelFileParts(tokens: ["good"])
        try parts.write(to: url)
        try SentimentModel(contentsOf: url).write(to: url)
        // Without the wide channel nothing needs format 2 (CompactModelFileTests: with it, 2).
        #expect(try SafeTensorsFile(contentsOf: url).metadata["format_version"] == "1")
        #expect(SentimentModel.formatVersion == 2)
    }

    @Test func vocabularyThatDoesNotFitTheEmbeddingIsNamed() throws {
        let shorter = try error { $0.metadata["vocab"] = "[\"<pad>\", \"<unk>\", \"good\"]" }
        #expect(shorter.contains("embedding.weight"), "\(shorter)")
        #expect(shorter.contains("[4, 3]") && shorter.contains("[3, 3]"), "\(shorter)")
        let duplicate = try error { $0.metadata["vocab"] = "[\"<pad>\", \"<unk>\", \"good\", \"good\"]" }
        #expect(duplicate.contains("good"), "\(duplicate)")
        let noSpecials = try error { $0.metadata["vocab"] = "[\"a\", \"b\", \"good\", \"bad\"]" }
        #expect(noSpecials.contains("<pad>"), "\(noSpecials)")
    }

    @Test func wrongMissingOrExtraTensorsAreNamed() throws {
        let wrongShape = try error {
            $0.tensors["gru.weight_hh_l0"] = Tensor(shape: [2, 6], values: [Float](repeating: 0, count: 12))
        }
        #expect(wrongShape.contains("gru.weight_hh_l0"), "\(wrongShape)")
        #expect(wrongShape.contains("[6, 2]"), "\(wrongShape)")
        let flattened = try error { $0.tensors["out.weight"]!.shape = [4] }
        #expect(flattened.contains("out.weight"), "\(flattened)")
        let missing = try error { $0.tensors["out.bias"] = nil }
        #expect(missing.contains("out.bias") && missing.contains("missing"), "\(missing)")
        let missingReverse = try error { $0.tensors["gru.weight_ih_l0_reverse"] = nil }
        #expect(missingReverse.contains("gru.weight_ih_l0_reverse"), "\(missingReverse)")
        let extra = try error {
            $0.tensors["gru.weight_ih_l1"] = Tensor(shape: [6, 4], values: .init(repeating: 1, count: 24))
        }
        #expect(extra.contains("gru.weight_ih_l1") && extra.contains("unexpected"), "\(extra)")
        let noTensors = try error { $0.tensors = [:] }
        #expect(noTensors.contains("embedding.weight"), "\(noTensors)")
    }

    @Test func truncatedFilesGiveErrorsNotCrashes() throws {
        let scratch = try ScratchDirectory()
        let complete = scratch.url.appendingPathComponent("complete.safetensors")
        try ModelFileParts(tokens: ["good", "bad"]).write(to: complete)
        let bytes = try Data(contentsOf: complete)
        let headerLength = Int(bytes.prefix(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        #expect(loadingError(complete) == nil)
        // Every cut in the length field and the header's start, then a spread through header and data.
        let dataStart = 8 + headerLength
        let cuts =
            Array(0..<64) + Array(stride(from: 64, to: dataStart, by: 5))
            + Array(stride(from: dataStart, to: bytes.count, by: 13)) + [dataStart - 1, bytes.count - 1]
        let truncated = scratch.url.appendingPathComponent("truncated.safetensors")
        for cut in cuts {
            try bytes.prefix(cut).write(to: truncated)
            #expect(loadingError(truncated) != nil, "a file cut to \(cut) of \(bytes.count) bytes loaded")
        }
        let missing = scratch.url.appendingPathComponent("nothere.safetensors")
        #expect(loadingError(missing)?.contains("cannot read") == true)
        let text = scratch.url.appendingPathComponent("text.safetensors")
        try Data("label\ttext\n1\tnot a model\n".utf8).write(to: text)
        #expect(loadingError(text) != nil)
    }
}

@Suite("Cutting long documents")
struct TruncationTests {
    let vocabulary = try! Vocabulary(tokens: ["<pad>", "<unk>"] + (0..<10).map { "t\($0)" })
    let tokens = (0..<10).map { "t\($0)" }

    func ids(_ tokens: [String], maxLength: Int, headLength: Int?) -> [String] {
        SentimentModel.encode(tokens, vocabulary: vocabulary, maxLength: maxLength, headLength: headLength)
            .map { vocabulary.token(for: $0)! }
    }

    @Test func keepsTheHeadAndTheTail() {
        #expect(ids(tokens, maxLength: 4, headLength: 1) == ["t0", "t7", "t8", "t9"])
        #expect(ids(tokens, maxLength: 4, headLength: 3) == ["t0", "t1", "t2", "t9"])
        #expect(ids(tokens, maxLength: 4, headLength: 0) == ["t6", "t7", "t8", "t9"])
        #expect(ids(tokens, maxLength: 4, headLength: 4) == ["t0", "t1", "t2", "t3"])
        #expect(ids(tokens, maxLength: 4, headLength: nil) == ["t0", "t1", "t2", "t3"])
    }

    @Test func shortDocumentsAreWhole() {
        #expect(ids(tokens, maxLength: 10, headLength: 2) == tokens)
        #expect(ids(Array(tokens[..<3]), maxLength: 4, headLength: 1) == ["t0", "t1", "t2"])
        #expect(ids([], maxLength: 4, headLength: 1) == [])
    }

    @Test func aModelCutsAsItsFileSays() throws {
        let classifier = try BiGRUClassifier(
            configuration: ClassifierConfiguration(
                vocabularySize: vocabulary.count, embeddingDim: 4, hidden: 3),
            seed: 1)
        let model = try SentimentModel(
            tokenizerSettings: TokenizerSettings(), vocabulary: vocabulary, classifier: classifier,
            maxLength: 3, headLength: 1)
        let scorer = try TextScorer(model: model, threads: 1)
        #expect(
            scorer.tokenIDs(for: ["t0 t1 t2 t3 t4"])[0].map { vocabulary.token(for: $0)! } == [
                "t0", "t3", "t4",
            ])
        #expect(throws: ModelFileError.self) {
            try SentimentModel(
                tokenizerSettings: TokenizerSettings(), vocabulary: vocabulary, classifier: classifier,
                maxLength: 3, headLength: 4)
        }
    }
}
