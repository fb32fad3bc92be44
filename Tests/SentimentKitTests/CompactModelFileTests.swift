import Embedding
import Foundation
import GRUClassifier
import Testing
import Tokenizer

@testable import SentimentKit

/// A model with a 64-bucket wide channel whose weights and scales are set by hand: six buckets differ
/// from (weight 0, the common scale −0.05) — a weight of −0.0 among them, which only a bit-exact sparse
/// form keeps — and the other 58 do not.
private func handSetWideModel(record: TrainingRecord? = nil) throws -> SentimentModel {
    let configuration = ClassifierConfiguration(
        vocabularySize: 6, embeddingDim: 3, hidden: 2, layers: 1, ngramBuckets: 64)
    var parameters = try BiGRUClassifier(configuration: configuration, seed: 3).parameterDictionary()
    var weight = [Float](repeating: 0, count: 64)
    var scale = [Float](repeating: -0.05, count: 64)
    (weight[3], scale[3]) = (0.25, 0.7)
    weight[10] = -0.5
    scale[20] = 1.2
    weight[40] = 0.125
    weight[50] = -0.0
    scale[63] = -2
    parameters[BiGRUClassifier.wideWeightName] = Tensor(shape: [64], values: weight)
    parameters[BiGRUClassifier.wideScaleName] = Tensor(shape: [64], values: scale)
    return try SentimentModel(
        tokenizerSettings: TokenizerSettings(),
        vocabulary: try Vocabulary(tokens: ["<pad>", "<unk>", "good", "bad", "film", "plot"]),
        classifier: try BiGRUClassifier(configuration: configuration, parameters: parameters),
        maxLength: 5, headLength: 2, temperature: 1.25, trainingRecord: record)
}

private let texts = ["good film", "bad bad plot", "", "good good good bad film plot film good", "zebra"]

/// The model's probabilities for `texts`.
private func probabilities(_ model: SentimentModel) throws -> [Float] {
    try TextScorer(model: model, threads: 1).probabilities(for: texts)
}

@Suite("Compact model files: the sparse wide channel and float16")
struct CompactModelFileTests {
    @Test func theWideChannelIsStoredSparseAndLoadsBitForBit() throws {
        let scratch = try ScratchDirectory()
        let url = scratch.url.appendingPathComponent("m.safetensors")
        let model = try handSetWideModel()
        try model.write(to: url)

        let file = try SafeTensorsFile(contentsOf: url)
        #expect(file.metadata["format_version"] == "2")
        #expect(file["wide.weight"] == nil && file["wide.scale"] == nil)
        #expect(file.integerTensor(named: "wide.indices")?.values == [3, 10, 20, 40, 50, 63])
        #expect(file.dtype(of: "wide.indices") == .i32)
        #expect(
            file["wide.weight_values"]?.values.map(\.bitPattern)
                == [Float(0.25), -0.5, 0, 0.125, -0.0, 0].map(\.bitPattern))
        #expect(file["wide.scale_values"]?.values == [0.7, -0.05, 1.2, -0.05, -0.05, -2])
        #expect(file["wide.scale_fill"]?.values == [-0.05])
        #expect(file["wide.scale_fill"]?.shape == [1])

        let loaded = try SentimentModel(contentsOf: url, threadCount: 1)
        #expect(parameterBits(loaded) == parameterBits(model))
        #expect(try probabilities(loaded) == probabilities(model))
        // The same bytes without a file, and back.
        #expect(try model.serialized() == Data(contentsOf: url))
        #expect(
            parameterBits(try SentimentModel(data: model.serialized(precision: .f32))) == parameterBits(model)
        )
        #expect(
            loaded.fileStorage
                == ModelFileStorage(weightDTypes: ["F32"], storedWideBuckets: 6, formatVersion: 2))
        #expect(loaded.precision == .f32)
    }

    @Test func aWideChannelWithEveryBucketOccupiedOrNoneRoundTrips() throws {
        let scratch = try ScratchDirectory()
        let url = scratch.url.appendingPathComponent("m.safetensors")
        for fill in [Float(1), 0] {
            let model = try handSetWideModel()
            // All weights nonzero (every bucket stored), or all zero with one scale (none stored).
            model.classifier.parameters.wide!.weights = (0..<64).map { fill * Float($0 + 1) / 64 }
            if fill == 0 { model.classifier.parameters.wideScale = [Float](repeating: 0.5, count: 64) }
            try model.write(to: url)
            let loaded = try SentimentModel(contentsOf: url, threadCount: 1)
            #expect(loaded.fileStorage?.storedWideBuckets == (fill == 0 ? 0 : 64))
            #expect(parameterBits(loaded) == parameterBits(model))
        }
    }

    @Test func aModelWithoutTheWideChannelIsStillWrittenAsFormat1() throws {
        let scratch = try ScratchDirectory()
        let url = scratch.url.appendingPathComponent("m.safetensors")
        let configuration = ClassifierConfiguration(vocabularySize: 3, embeddingDim: 2, hidden: 2)
        let model = try SentimentModel(
            tokenizerSettings: TokenizerSettings(),
            vocabulary: try Vocabulary(tokens: ["<pad>", "<unk>", "a"]),
            classifier: try BiGRUClassifier(configuration: configuration, seed: 1))
        try model.write(to: url)
        let file = try SafeTensorsFile(contentsOf: url)
        #expect(file.metadata["format_version"] == "1")
        #expect(file.integerTensors.isEmpty && !file.tensors.contains { $0.name.hasPrefix("wide.") })
        let loaded = try SentimentModel(contentsOf: url)
        #expect(
            loaded.fileStorage
                == ModelFileStorage(weightDTypes: ["F32"], storedWideBuckets: nil, formatVersion: 1))
    }

    /// Fixtures/reference_model.safetensors was written by the version before the sparse form (dense
    /// `wide.weight` and `wide.scale`, no `format_version`).
    @Test func anOldDenseFileLoadsAsWrittenAndConvertsToTheSameModel() throws {
        let fixture = ReferenceProbabilityTests.fixtures.appendingPathComponent("reference_model.safetensors")
        let raw = try SafeTensorsFile(contentsOf: fixture)
        #expect(raw["wide.weight"]?.count == 64 && raw.metadata["format_version"] == nil)
        let dense = try SentimentModel(contentsOf: fixture, threadCount: 1)
        #expect(
            dense.fileStorage
                == ModelFileStorage(weightDTypes: ["F32"], storedWideBuckets: nil, formatVersion: 1))
        // Every parameter is the file's tensor bit for bit, and the network scores as one built from them.
        for (name, tensor) in dense.classifier.namedParameters() {
            #expect(tensor.values.map(\.bitPattern) == raw[name]?.values.map(\.bitPattern), "\(name)")
        }
        let direct = try BiGRUClassifier(
            configuration: dense.classifier.configuration,
            parameters: Dictionary(uniqueKeysWithValues: raw.tensors.map { ($0.name, $0.tensor) }),
            threadCount: 1)
        let tokenizer = try Tokenizer(settings: dense.tokenizerSettings)
        let encoded = texts.map { dense.encodeDocument(tokenizer.tokens(in: $0)) }
        #expect(
            try dense.classifier.logits(for: encoded.map(\.ids), ngrams: encoded.map(\.ngrams))
                == direct.logits(for: encoded.map(\.ids), ngrams: encoded.map(\.ngrams)))

        let scratch = try ScratchDirectory()
        let converted = scratch.url.appendingPathComponent("sparse.safetensors")
        let storage = try dense.convert(to: converted)
        #expect(
            storage.formatVersion == 2 && storage.storedWideBuckets != nil && storage.weightDTypes == ["F32"])
        let sparse = try SentimentModel(contentsOf: converted, threadCount: 1)
        #expect(parameterBits(sparse) == parameterBits(dense))
        #expect(try probabilities(sparse) == probabilities(dense))
        #expect(sparse.fileConfiguration == dense.fileConfiguration)
        #expect(sparse.vocabulary.tokens == dense.vocabulary.tokens)
    }

    @Test func float16StoresTheRoundedWeightsAndFloat32GetsThemBackExactly() throws {
        let scratch = try ScratchDirectory()
        let f16 = scratch.url.appendingPathComponent("f16.safetensors")
        let model = try handSetWideModel()
        model.precision = .f16
        try model.write(to: f16)

        let file = try SafeTensorsFile(contentsOf: f16)
        #expect(Set(file.tensors.map { file.dtype(of: $0.name) }) == [.f16])
        #expect(file.dtype(of: "wide.indices") == .i32)
        let loaded = try SentimentModel(contentsOf: f16, threadCount: 1)
        #expect(loaded.precision == .f16)
        #expect(
            loaded.fileStorage
                == ModelFileStorage(weightDTypes: ["F16"], storedWideBuckets: 6, formatVersion: 2))
        // Each weight is the original rounded to the nearest float16.
        let rounded = parameterBits(model).mapValues { bits in
            bits.map {
                HalfPrecision.float(fromBits: HalfPrecision.bits(from: Float(bitPattern: $0))).bitPattern
            }
        }
        #expect(parameterBits(loaded) == rounded)
        #expect(parameterBits(loaded) != parameterBits(model), "float16 rounded nothing")
        for (exact, half) in zip(try probabilities(model), try probabilities(loaded)) {
            #expect(abs(exact - half) < 1e-3, "\(exact) vs \(half)")
        }

        // Written again it is the same file; in float32 it holds the same values exactly.
        let again = scratch.url.appendingPathComponent("again.safetensors")
        try loaded.write(to: again)
        #expect(try Data(contentsOf: again) == Data(contentsOf: f16))
        let f32 = scratch.url.appendingPathComponent("f32.safetensors")
        #expect(try loaded.convert(to: f32, precision: .f32).weightDTypes == ["F32"])
        let widened = try SentimentModel(contentsOf: f32, threadCount: 1)
        #expect(parameterBits(widened) == parameterBits(loaded))
        #expect(widened.precision == .f32)
    }

    @Test func float16RefusesAWeightBeyondItsRangeNamingTheTensor() throws {
        let scratch = try ScratchDirectory()
        let url = scratch.url.appendingPathComponent("m.safetensors")
        let model = try handSetWideModel()
        // Within the model's limit of ±1e6, beyond float16's ±65504.
        model.classifier.parameters.wide!.weights[10] = -70000
        do {
            _ = try model.convert(to: url, precision: .f16)
            Issue.record("a weight of -70000 was written in float16")
        } catch let error as ModelFileError {
            #expect(
                "\(error)"
                    == "no model is written: tensor 'wide.weight_values' holds 1 value beyond float16's range of"
                    + " ±65504 (the first, at element 1, is -70000.0); store it in float32")
        }
        #expect(try scratch.contents() == [])
        #expect(throws: ModelFileError.self) { try model.serialized(precision: .f16) }
        // float32 holds it.
        #expect(try model.convert(to: url, precision: .f32).weightDTypes == ["F32"])
        #expect(try SentimentModel(contentsOf: url).classifier.parameters.wide!.weights[10] == -70000)
    }

    @Test func convertingKeepsTheVocabularyConfigAndTrainingRecordAndMayReplaceItsSource() throws {
        let scratch = try ScratchDirectory()
        let url = scratch.url.appendingPathComponent("m.safetensors")
        var record = TrainingRecord()
        record.programVersion = "0.0.9"
        record.options = ["lr": "0.002"]
        record.epochsRun = 3
        let original = try handSetWideModel(record: record)
        try original.write(to: url)
        let loaded = try SentimentModel(contentsOf: url)
        let storage = try loaded.convert(to: url, precision: .f16)
        #expect(storage.precision == .f16)
        let converted = try SentimentModel(contentsOf: url)
        #expect(converted.fileConfiguration == original.fileConfiguration)
        #expect(converted.trainingRecord == record)
        #expect(converted.vocabulary.tokens == original.vocabulary.tokens)
        #expect(try scratch.contents() == ["m.safetensors"])
    }
}
