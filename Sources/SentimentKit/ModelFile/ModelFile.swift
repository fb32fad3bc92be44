import Foundation
import Embedding
import GRUClassifier
import Tokenizer

/// The `config` metadata of a model file: the network's configuration plus the settings scoring needs.
/// The network's keys (`embedding_dim`, `hidden`, `layers`, `cell`, `dropout`, `embedding_dropout`) sit
/// at the top level, as a PyTorch user would write them; its vocabulary size is the length of the file's
/// `vocab`. `ngram_buckets` (absent: 0) gives the wide channel's size; `temperature` (absent: 1) divides
/// the logit before the sigmoid (temperature scaling, fitted by `sentiment train` on the validation
/// set). Every key beyond `embedding_dim`, `hidden`, `layers` and `cell` has a default, so a file
/// written from PyTorch with only those keys (and `vocab`) loads and scores.
public struct ModelFileConfiguration: Codable, Sendable, Equatable {
    public static let defaultMaxLength = 400
    public static let defaultThreshold: Float = 0.5
    /// The `userInfo` key under which decoding is given the vocabulary size (an `Int`).
    public static let vocabularySizeKey = CodingUserInfoKey(rawValue: "vocabularySize")!

    /// The network: shape, cell and the dropout it was trained with.
    public var network: ClassifierConfiguration
    /// Tokens kept per document.
    public var maxLen: Int
    /// Of the `maxLen` tokens kept from a longer document, how many come from its start (the rest from
    /// its end); absent: the first `maxLen`.
    public var headLen: Int?
    /// Decision threshold on the probability.
    public var threshold: Float
    /// What the logit is divided by before the sigmoid; absent: 1.
    public var temperature: Float?
    /// How text was tokenized.
    public var tokenizer: TokenizerSettings
    /// The version of the rule that marks the tokens inside a negation scope (`NegationScope`), with
    /// `network.negationTransform`; absent: nothing is marked.
    public var negationCues: NegationScope?
    /// How the model was trained; absent for files not written by `sentiment train`.
    public var training: TrainingRecord?

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case embeddingDim = "embedding_dim", hidden, layers, cell, dropout,
            embeddingDropout = "embedding_dropout", ngramBuckets = "ngram_buckets", pooling,
            negationTransform = "negation_transform", negationCues = "negation_cues",
            maxLen = "max_len",
            headLen = "head_len", threshold, temperature,
            tokenizer, training,
            // Never written (the vocabulary's length says it), but a PyTorch writer may add it.
            vocabSize = "vocab_size"
    }

    /// Any key of a JSON object, to find the keys a `CodingKeys` does not know.
    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(
        network: ClassifierConfiguration, maxLen: Int = defaultMaxLength, headLen: Int? = nil,
        threshold: Float = defaultThreshold, temperature: Float? = nil,
        tokenizer: TokenizerSettings = TokenizerSettings(), negationCues: NegationScope? = nil,
        training: TrainingRecord? = nil
    ) {
        self.network = network
        self.negationCues = negationCues
        self.maxLen = maxLen
        self.headLen = headLen
        self.threshold = threshold
        self.temperature = temperature
        self.tokenizer = tokenizer
        self.training = training
    }

    /// Decodes `config`; the decoder's `userInfo[vocabularySizeKey]` gives the network's vocabulary size.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard let vocabularySize = decoder.userInfo[Self.vocabularySizeKey] as? Int else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: [], debugDescription: "the vocabulary size was not given to the decoder"))
        }
        try Self.refuseUnknownKeys(decoder)
        if let stated = try container.decodeIfPresent(Int.self, forKey: .vocabSize), stated != vocabularySize
        {
            throw DecodingError.dataCorruptedError(
                forKey: .vocabSize, in: container,
                debugDescription: "\(stated), but the \"vocab\" metadata has \(vocabularySize) tokens")
        }
        let cellName = try container.decode(String.self, forKey: .cell)
        guard let cell = GRUCellVariant(rawValue: cellName) else {
            throw DecodingError.dataCorruptedError(
                forKey: .cell, in: container,
                debugDescription:
                    "\"\(cellName)\" is not one of "
                    + GRUCellVariant.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))
        }
        network = ClassifierConfiguration(
            vocabularySize: vocabularySize,
            embeddingDim: try container.decode(Int.self, forKey: .embeddingDim),
            hidden: try container.decode(Int.self, forKey: .hidden),
            layers: try container.decode(Int.self, forKey: .layers),
            cell: cell,
            dropout: try container.decodeIfPresent(Float.self, forKey: .dropout) ?? 0,
            embeddingDropout: try container.decodeIfPresent(Float.self, forKey: .embeddingDropout) ?? 0,
            ngramBuckets: try container.decodeIfPresent(Int.self, forKey: .ngramBuckets) ?? 0,
            pooling: try container.decodeIfPresent(HeadPooling.self, forKey: .pooling) ?? .final,
            negationTransform: try container.decodeIfPresent(NegationTransform.self, forKey: .negationTransform))
        if let version = try? container.decodeIfPresent(Int.self, forKey: .negationCues),
            NegationScope(rawValue: version) == nil
        {
            throw ModelFileError.invalid(
                "negation_cues \(version) is a rule this version of sentiment does not know (it knows "
                    + NegationScope.allCases.map { "\($0.rawValue)" }.joined(separator: ", ")
                    + "); use a newer sentiment for this model")
        }
        negationCues = try container.decodeIfPresent(NegationScope.self, forKey: .negationCues)
        maxLen = try container.decodeIfPresent(Int.self, forKey: .maxLen) ?? Self.defaultMaxLength
        headLen = try container.decodeIfPresent(Int.self, forKey: .headLen)
        threshold = try container.decodeIfPresent(Float.self, forKey: .threshold) ?? Self.defaultThreshold
        temperature = try container.decodeIfPresent(Float.self, forKey: .temperature)
        tokenizer =
            try container.decodeIfPresent(TokenizerSettings.self, forKey: .tokenizer) ?? TokenizerSettings()
        training = try container.decodeIfPresent(TrainingRecord.self, forKey: .training)
    }

    /// Throws for keys of the config, or of its `tokenizer`, that this version does not know: a newer
    /// version's setting, ignored, would score differently from the model's own program. (The
    /// `training` record only describes the run, so its unknown keys are let through.)
    private static func refuseUnknownKeys(_ decoder: any Decoder) throws {
        let all = try decoder.container(keyedBy: AnyKey.self)
        let known = Set(CodingKeys.allCases.map(\.rawValue))
        var unknown = all.allKeys.map(\.stringValue).filter { !known.contains($0) }
        let tokenizerKey = AnyKey(stringValue: CodingKeys.tokenizer.rawValue)
        if all.contains(tokenizerKey),
            let tokenizer = try? all.nestedContainer(keyedBy: AnyKey.self, forKey: tokenizerKey)
        {
            unknown += tokenizer.allKeys.map(\.stringValue).filter {
                !TokenizerSettings.keyNames.contains($0)
            }
            .map { "tokenizer.\($0)" }
        }
        guard !unknown.isEmpty else { return }
        throw ModelFileError.invalid(
            "the \"config\" metadata has keys this version of sentiment does not understand ("
                + unknown.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
                + "): the file comes from a newer version or another program, and scoring without "
                + "those settings could give wrong probabilities")
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(network.embeddingDim, forKey: .embeddingDim)
        try container.encode(network.hidden, forKey: .hidden)
        try container.encode(network.layers, forKey: .layers)
        try container.encode(network.cell, forKey: .cell)
        try container.encode(network.dropout, forKey: .dropout)
        try container.encode(network.embeddingDropout, forKey: .embeddingDropout)
        // Absent for the pure BiGRU, so its files read as they always did.
        if network.ngramBuckets > 0 { try container.encode(network.ngramBuckets, forKey: .ngramBuckets) }
        // Absent for the final states alone, likewise.
        if network.pooling != .final { try container.encode(network.pooling, forKey: .pooling) }
        // Absent without negation marks, likewise.
        try container.encodeIfPresent(network.negationTransform, forKey: .negationTransform)
        try container.encodeIfPresent(negationCues, forKey: .negationCues)
        try container.encode(maxLen, forKey: .maxLen)
        try container.encodeIfPresent(headLen, forKey: .headLen)
        try container.encode(threshold, forKey: .threshold)
        try container.encodeIfPresent(temperature, forKey: .temperature)
        try container.encode(tokenizer, forKey: .tokenizer)
        try container.encodeIfPresent(training, forKey: .training)
    }
}

/// What `sentiment train` records about a run, stored in the model file's `config.training`. Every
/// field is optional so that records from other versions load.
public struct TrainingRecord: Codable, Sendable, Equatable {
    /// When training finished (ISO 8601).
    public var finishedAt: String?
    /// Version of the program that trained the model.
    public var programVersion: String?
    public var trainingFiles: [String]?
    public var validationFiles: [String]?
    /// Files of unlabelled text that joined the vocabulary and the pre-training (`--unlabelled`).
    public var unlabelledFiles: [String]?
    public var unlabelledDocuments: Int?
    public var trainingExamples: Int?
    public var validationExamples: Int?
    public var epochsRun: Int?
    public var bestEpoch: Int?
    public var validationAccuracy: Double?
    public var validationLoss: Double?
    public var seconds: Double?
    /// Training options (learning rate, batch size, optimizer, ...) as given.
    public var options: [String: String]?
    /// The model training started from (`--init`), if any.
    public var initializedFrom: String?
    /// The pre-trained word vectors offered to the embedding: which, how well they covered the training
    /// tokens and whether they were used.
    public var vectors: WordVectorsSummary?

    public init() {}

    private enum CodingKeys: String, CodingKey {
        case finishedAt = "finished_at", programVersion = "program_version", trainingFiles = "training_files",
            validationFiles = "validation_files", unlabelledFiles = "unlabelled_files",
            unlabelledDocuments = "unlabelled_documents", trainingExamples = "training_examples",
            validationExamples = "validation_examples", epochsRun = "epochs_run", bestEpoch = "best_epoch",
            validationAccuracy = "validation_accuracy", validationLoss = "validation_loss", seconds, options,
            initializedFrom = "initialized_from", vectors
    }
}

/// The owner of bytes that live as long as the process (compiled into the executable).
private final class PermanentBytes: Sendable {
    static let shared = PermanentBytes()
}

/// What the two halves of loading that run at once found (`SentimentModel.init(file:threadCount:)`);
/// each half writes its own field, and both are read after both have finished.
private final class LoadingHalves: @unchecked Sendable {
    var vocabulary: Result<Vocabulary, any Error>?
    var borrowedEmbeddingWithinLimit = true
}

/// A model file that cannot be read or does not describe a valid model.
public enum ModelFileError: Error, Equatable, CustomStringConvertible {
    case invalid(String)

    public var description: String {
        switch self {
        case .invalid(let message): message
        }
    }
}

extension SentimentModel {
    /// Metadata keys of the model file.
    static let vocabularyKey = "vocab"
    static let configurationKey = "config"
    static let formatVersionKey = "format_version"
    /// The newest model file format this version reads and writes: 2, whose wide channel is stored
    /// sparse (`SparseWideChannel`). A file is written with the oldest version that reads it: 1 for a
    /// model without the wide channel. A file without `format_version` is format 1 (as are files
    /// written from PyTorch by hand).
    public static let formatVersion = 2

    /// Loads a model file: a safetensors file with PyTorch-named float32 or float16 tensors (the wide
    /// channel dense or sparse) and `vocab` / `config` metadata. Every offset and shape is checked;
    /// errors do not name the file (callers add it).
    ///
    /// The embedding (float32 or float16) is read where the file is mapped rather than copied, which
    /// makes loading a large model several times faster; the file stays mapped while the model lives, so
    /// replace a model file by renaming a new one over it, not by writing into it.
    /// `makeIndependentOfFile()` copies the embedding, for a long-lived process.
    public convenience init(contentsOf url: URL, threadCount: Int? = nil) throws {
        let file = try Self.reading {
            try SafeTensorsFile(contentsOf: url, borrowing: [BiGRUClassifier.embeddingName])
        } bytes: {
            try? Data(contentsOf: url, options: .alwaysMapped)
        }
        try self.init(file: file, threadCount: threadCount)
    }

    /// Loads a model from bytes that stay where they are, unchanged, for the whole process (a model
    /// compiled into the executable): the embedding is read from them in place, as from a mapped file.
    static func reading(permanentBytes bytes: UnsafeRawBufferPointer, threadCount: Int?) throws -> SentimentModel {
        let file = try Self.reading {
            try SafeTensorsReader.read(
                bytes, borrowing: [BiGRUClassifier.embeddingName], owner: PermanentBytes.shared)
        } bytes: {
            Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: bytes.baseAddress!), count: bytes.count, deallocator: .none)
        }
        return try SentimentModel(file: file, threadCount: threadCount)
    }

    /// Loads a model from the bytes of a model file (see `init(contentsOf:threadCount:)`): a model
    /// bundled as a resource, say.
    public convenience init(data: Data, threadCount: Int? = nil) throws {
        let file = try Self.reading {
            try SafeTensorsFile(data: data)
        } bytes: {
            data
        }
        try self.init(file: file, threadCount: threadCount)
    }

    /// `read()`, except that a tensor entry it cannot read (a dtype it does not know, say) in a file
    /// whose `format_version` is newer than this program reads is reported as that: what a later
    /// format changes is likely to be the tensors.
    private static func reading(_ read: () throws -> SafeTensorsFile, bytes: () -> Data?) throws
        -> SafeTensorsFile
    {
        do {
            return try read()
        } catch let error as SafeTensorsError
            where error.kind == .unsupportedDtype || error.kind == .invalidTensorEntry
        {
            if let metadata = bytes().flatMap(SafeTensorsFile.headerMetadata(of:)) {
                _ = try formatVersion(of: metadata)
            }
            throw error
        }
    }

    /// The `format_version` of a file with these metadata (1 when absent).
    /// - Throws: `ModelFileError` for a version that is not a positive whole number or is newer than
    ///   `formatVersion`.
    private static func formatVersion(of metadata: [String: String]) throws -> Int {
        guard let version = metadata[formatVersionKey] else { return 1 }
        guard let number = Int(version), number >= 1 else {
            throw ModelFileError.invalid("format_version \"\(version)\" is not a positive whole number")
        }
        guard number <= formatVersion else {
            throw ModelFileError.invalid(
                "format_version \(number) is newer than this version of sentiment reads (format_version "
                    + "\(formatVersion) and older); use a newer sentiment for this model")
        }
        return number
    }

    private convenience init(file: SafeTensorsFile, threadCount: Int?) throws {
        guard let vocabularyJSON = file.metadata[Self.vocabularyKey] else {
            throw ModelFileError.invalid("no \"vocab\" metadata: not a sentiment model file")
        }
        guard let configurationJSON = file.metadata[Self.configurationKey] else {
            throw ModelFileError.invalid("no \"config\" metadata: not a sentiment model file")
        }
        let formatVersion = try Self.formatVersion(of: file.metadata)
        // The header's own strict JSON parser: several times faster than JSONDecoder on a 30,000-token
        // array, which matters for the start-up time of `sentiment score`.
        guard case .array(let elements)? = try? HeaderJSONParser.parse(Array(vocabularyJSON.utf8)) else {
            throw ModelFileError.invalid("the \"vocab\" metadata is not a JSON array of strings")
        }
        var tokens: [String] = []
        tokens.reserveCapacity(elements.count)
        for element in elements {
            guard case .string(let token) = element else {
                throw ModelFileError.invalid("the \"vocab\" metadata is not a JSON array of strings")
            }
            tokens.append(token)
        }
        // The header's depth-limited parser first: a crafted config nested thousands of levels deep is
        // refused here rather than handed to JSONDecoder, whose recursion the file would control.
        let configurationTree: HeaderJSON
        do {
            configurationTree = try HeaderJSONParser.parse(Array(configurationJSON.utf8))
        } catch {
            throw ModelFileError.invalid(
                "the \"config\" metadata is not valid JSON: \(error.message) at byte \(error.offset)")
        }
        try Self.refuseNonIntegerSizes(configurationTree)
        let configuration: ModelFileConfiguration
        do {
            let decoder = JSONDecoder()
            decoder.userInfo[ModelFileConfiguration.vocabularySizeKey] = tokens.count
            configuration = try decoder.decode(
                ModelFileConfiguration.self, from: Data(configurationJSON.utf8))
        } catch let error as ModelFileError {
            throw error
        } catch {
            throw ModelFileError.invalid("the \"config\" metadata is not valid: \(Self.describe(error))")
        }
        // The two longest steps of loading a large model, at once: hashing every token into the
        // vocabulary's dictionary, and checking every value of an embedding read in place.
        let halves = LoadingHalves()
        let borrowedValues = file.borrowed[BiGRUClassifier.embeddingName]?.values
        let vocabularyTokens = tokens
        ParallelWork.run(parts: borrowedValues == nil ? 1 : 2) { part in
            if part == 0 {
                halves.vocabulary = Result { try Vocabulary(tokens: vocabularyTokens) }
            } else if let values = borrowedValues {
                halves.borrowedEmbeddingWithinLimit = SentimentModel.isWithinMagnitudeLimit(values)
            }
        }
        let vocabulary: Vocabulary
        do {
            vocabulary = try halves.vocabulary!.get()
        } catch {
            throw ModelFileError.invalid("the \"vocab\" metadata is not a valid vocabulary: \(error)")
        }
        var parameters: [String: Tensor] = [:]
        for (name, tensor) in file.tensors {
            if !Self.isWithinMagnitudeLimit(tensor.values) {
                try Self.refuseNonFinite(tensor, named: name)
                try Self.refuseHuge(tensor, named: name)
            }
            parameters[name] = tensor
        }
        var borrowedEmbedding: ReadOnlyValues?
        for (name, borrowed) in file.borrowed {
            let values = borrowed.values
            let withinLimit =
                values === borrowedValues
                ? halves.borrowedEmbeddingWithinLimit
                : Self.isWithinMagnitudeLimit(values)
            if !withinLimit {
                let tensor = Tensor(shape: borrowed.shape, values: values.array)
                try Self.refuseNonFinite(tensor, named: name)
                try Self.refuseHuge(tensor, named: name)
            }
            let embeddingShape = [configuration.network.vocabularySize, configuration.network.embeddingDim]
            if name == BiGRUClassifier.embeddingName, borrowed.shape == embeddingShape {
                borrowedEmbedding = values
            } else {
                // Only an embedding of the right shape is read in place; anything else is copied, and a
                // wrong shape is then named as for any tensor.
                parameters[name] = Tensor(shape: borrowed.shape, values: values.array)
            }
        }
        do {
            try configuration.network.validate()
        } catch ClassifierError.invalidConfiguration(let message) {
            throw ModelFileError.invalid("the \"config\" metadata is not valid: \(Self.inFileTerms(message))")
        }
        let storedWideBuckets = try SparseWideChannel.expand(
            &parameters, from: file, buckets: configuration.network.ngramBuckets)
        let classifier: BiGRUClassifier
        do {
            classifier = try BiGRUClassifier(
                configuration: configuration.network, parameters: parameters, borrowedEmbedding: borrowedEmbedding,
                threadCount: threadCount)
        } catch {
            throw ModelFileError.invalid("the tensors do not match the config and vocab: \(error)")
        }
        try self.init(
            tokenizerSettings: configuration.tokenizer, vocabulary: vocabulary, classifier: classifier,
            maxLength: configuration.maxLen, headLength: configuration.headLen,
            threshold: configuration.threshold, temperature: configuration.temperature,
            negationScope: configuration.negationCues, trainingRecord: configuration.training)
        let storage = ModelFileStorage(
            weightDTypes: Set(
                (file.tensors.map(\.name) + file.borrowed.keys).map { file.dtypes[$0]?.rawValue ?? "f32" }
            ).sorted(),
            storedWideBuckets: storedWideBuckets, formatVersion: formatVersion)
        fileStorage = storage
        precision = storage.precision
    }

    /// Loads the model file at `path` (see `init(contentsOf:threadCount:)`).
    public convenience init(path: String, threadCount: Int? = nil) throws {
        try self.init(contentsOf: URL(fileURLWithPath: path), threadCount: threadCount)
    }

    /// The `config` metadata this model is written with.
    public var fileConfiguration: ModelFileConfiguration {
        ModelFileConfiguration(
            network: classifier.configuration, maxLen: maxLength, headLen: headLength, threshold: threshold,
            temperature: temperature, tokenizer: tokenizerSettings, negationCues: negationScope,
            training: trainingRecord)
    }

    /// Writes the model file atomically: an interrupted write never leaves a broken file at `url`. The
    /// weights are stored at `precision`, the wide channel sparse (`SparseWideChannel`).
    /// - Throws: `ModelFileError` without writing anything when a parameter is NaN, infinite or beyond
    ///   ±`maximumParameterMagnitude` (a diverged training run): loading would refuse the file; or, in
    ///   float16, beyond its ±65504.
    public func write(to url: URL) throws {
        try write(to: url, precision: precision)
    }

    /// `write(to:)` with the weights stored at `precision`.
    func write(to url: URL, precision: ModelFilePrecision) throws {
        try storing(at: precision) { try $0.write(to: url) }
    }

    /// The bytes `write(to:)` would write, with the weights stored at `precision` (nil: `precision`):
    /// a model to bundle or send without a file. `init(data:)` reads them.
    /// - Throws: what `write(to:)` throws for a model it would not write.
    public func serialized(precision: ModelFilePrecision? = nil) throws -> Data {
        try storing(at: precision ?? self.precision) { try $0.serialized() }
    }

    /// Hands the file of the model at `precision` to `body`, which writes it out, after refusing a
    /// parameter that is NaN, infinite or beyond ±`maximumParameterMagnitude`; a value the stored dtype
    /// cannot hold is refused naming the tensor.
    private func storing<Result>(
        at precision: ModelFilePrecision, _ body: (SafeTensorsFile) throws -> Result
    ) throws -> Result {
        for (name, tensor) in classifier.namedParameters() where !Self.isWithinMagnitudeLimit(tensor.values) {
            if let problem = Self.nonFiniteValues(tensor, named: name) {
                throw ModelFileError.invalid(
                    "\(problem): training diverged, so no model is written (a lower learning rate may help)")
            }
            if let problem = Self.hugeValues(tensor, named: name) {
                throw ModelFileError.invalid(
                    "no model is written: \(problem), far past what training gives: training diverged (a lower"
                        + " learning rate may help)")
            }
        }
        do {
            return try body(try safeTensorsFile(precision: precision))
        } catch let error as SafeTensorsError where error.kind == .invalidTensorForWriting {
            throw ModelFileError.invalid(
                "no model is written: \(error.message)" + (precision == .f16 ? "; store it in float32" : ""))
        }
    }

    /// The model as `write(to:)` writes it: metadata, and the tensors in the stored form at `precision`.
    private func safeTensorsFile(precision: ModelFilePrecision) throws -> SafeTensorsFile {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var tensors = classifier.namedParameters()
        var integerTensors: [(name: String, tensor: IntegerTensor)] = []
        // The oldest format that reads the file: 1 reads everything but the sparse wide channel.
        var formatVersion = 1
        let denseNames = [BiGRUClassifier.wideWeightName, BiGRUClassifier.wideScaleName]
        if let weight = tensors.first(where: { $0.name == denseNames[0] })?.tensor,
            let scale = tensors.first(where: { $0.name == denseNames[1] })?.tensor
        {
            let sparse = SparseWideChannel.sparse(weight: weight.values, scale: scale.values)
            tensors.removeAll { denseNames.contains($0.name) }
            tensors += [
                (SparseWideChannel.weightValuesName, sparse.weightValues),
                (SparseWideChannel.scaleValuesName, sparse.scaleValues),
                (SparseWideChannel.scaleFillName, sparse.scaleFill),
            ]
            integerTensors.append((SparseWideChannel.indicesName, sparse.indices))
            formatVersion = 2
        }
        let metadata = [
            Self.formatVersionKey: String(formatVersion),
            Self.vocabularyKey: String(decoding: try encoder.encode(vocabulary.tokens), as: UTF8.self),
            Self.configurationKey: String(decoding: try encoder.encode(fileConfiguration), as: UTF8.self),
        ]
        let dtypes = Dictionary(uniqueKeysWithValues: tensors.map { ($0.name, precision.dtype) })
        return SafeTensorsFile(
            tensors: tensors, integerTensors: integerTensors, metadata: metadata, dtypes: dtypes)
    }

    /// Throws for a NaN or infinite value: one would turn every probability the model gives into NaN
    /// (or a constant) without any other sign that the file is damaged.
    private static func refuseNonFinite(_ tensor: Tensor, named name: String) throws {
        guard let problem = nonFiniteValues(tensor, named: name) else { return }
        throw ModelFileError.invalid(
            "\(problem): the file is damaged or came from a diverged training run")
    }

    /// The largest parameter magnitude a model file may hold. Trained models stay below about 5; values
    /// past 10⁶ are damage, and far enough past it (10³⁰, say) finite weights overflow the network's sums
    /// to ±∞ and NaN (found by the model-file fuzzer).
    public static let maximumParameterMagnitude: Float = 1e6

    /// Throws for a value beyond ±`maximumParameterMagnitude`.
    private static func refuseHuge(_ tensor: Tensor, named name: String) throws {
        guard let problem = hugeValues(tensor, named: name) else { return }
        throw ModelFileError.invalid("\(problem), far past what training gives: the file is damaged")
    }

    /// Whether every value is finite and within ±`maximumParameterMagnitude`, in one pass over the bit
    /// patterns: without its sign a float's bits order as its magnitude does, and those of ∞ and NaN lie
    /// above every finite limit. `limit − bits` turns negative for a value past the limit (both lie
    /// below 2³¹); OR-ing them keeps the sign, in integer operations that vectorise even on the baseline
    /// x86-64 target. The two checks that name a problem were a noticeable share of scoring one line
    /// (BENCHMARKS.md, "Speed"); they now run only when this fails.
    static func isWithinMagnitudeLimit(_ values: [Float]) -> Bool {
        values.withUnsafeBufferPointer { isWithinMagnitudeLimit($0) }
    }

    /// `isWithinMagnitudeLimit` of values read in place. Every finite float16 is within the limit
    /// (±65504), so for those only an all-ones exponent (an infinity or NaN) fails.
    static func isWithinMagnitudeLimit(_ values: ReadOnlyValues) -> Bool {
        if let floats = values.floats { return isWithinMagnitudeLimit(floats) }
        var exponents: UInt16 = 0
        for half in values.halves! { exponents |= ((half & 0x7C00) &+ 0x0400) & 0x8000 }
        return exponents == 0
    }

    static func isWithinMagnitudeLimit(_ floats: UnsafeBufferPointer<Float>) -> Bool {
        let limitBits = Int32(bitPattern: maximumParameterMagnitude.bitPattern)
        return floats.withMemoryRebound(to: Int32.self) { bits in
            var signs: Int32 = 0
            for pattern in bits { signs |= limitBits &- (pattern & 0x7FFF_FFFF) }
            return signs >= 0
        }
    }

    /// "tensor 'out.bias' holds 1 value beyond ±1e6 (the first, at element 0, is 3e+07)", or nil.
    private static func hugeValues(_ tensor: Tensor, named name: String) -> String? {
        let limit = maximumParameterMagnitude
        guard let index = tensor.values.firstIndex(where: { abs($0) > limit }) else { return nil }
        let count = tensor.values.reduce(0) { abs($1) > limit ? $0 + 1 : $0 }
        return
            "tensor '\(name)' holds \(count) value\(count == 1 ? "" : "s") beyond ±1e6 (the first, at element"
            + " \(index), is \(tensor.values[index]))"
    }

    /// "tensor 'out.bias' holds 1 non-finite value (the first, at element 0, is nan)", or nil.
    private static func nonFiniteValues(_ tensor: Tensor, named name: String) -> String? {
        guard let index = tensor.values.firstIndex(where: { !$0.isFinite }) else { return nil }
        let count = tensor.values.reduce(0) { $1.isFinite ? $0 : $0 + 1 }
        return
            "tensor '\(name)' holds \(count) non-finite value\(count == 1 ? "" : "s") (the first, at element"
            + " \(index), is \(tensor.values[index]))"
    }

    /// A network configuration message in the file's terms: "embedding_dropout must lie in [0, 1), …"
    /// rather than the Swift property's name.
    static func inFileTerms(_ message: String) -> String {
        let keys = [
            "vocabularySize": "the vocabulary's size", "embeddingDim": "embedding_dim",
            "embeddingDropout": "embedding_dropout", "ngramBuckets": "ngram_buckets",
        ]
        let name = message.prefix { $0 != " " }
        guard let key = keys[String(name)] else { return message }
        return key + message.dropFirst(name.count)
    }

    /// The config keys that hold whole numbers.
    private static let integerConfigurationKeys: Set = [
        "embedding_dim", "hidden", "layers", "ngram_buckets", "max_len", "head_len", "vocab_size", "negation_cues",
    ]

    /// Throws for a size such as `1e30` or `2.5`: JSONDecoder would only say the data is not valid JSON.
    private static func refuseNonIntegerSizes(_ configuration: HeaderJSON) throws {
        guard case .object(let members) = configuration else { return }
        for (key, value) in members where integerConfigurationKeys.contains(key) {
            if case .number(let text) = value, value.integer == nil {
                throw ModelFileError.invalid(
                    "the \"config\" metadata is not valid: \"\(key)\" is \(text), not a whole number in range"
                )
            }
        }
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "missing key \"\(key.stringValue)\""
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
            DecodingError.dataCorrupted(let context):
            "bad value at \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\": \(context.debugDescription)"
        default: "\(error)"
        }
    }
}
