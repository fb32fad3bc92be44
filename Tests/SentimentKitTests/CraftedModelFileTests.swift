import Foundation
import GRUClassifier
import SentimentKit
import Testing

/// A model file assembled byte by byte, so a test can craft what no writer would produce: any header
/// text, dtype, shape, offsets and tensor bytes. The default is a valid tiny model (vocabulary of 3,
/// embedding 2, hidden 1, one layer) that loads.
private struct CraftedModelFile {
    struct Entry {
        var name: String
        var dtype = "F32"
        var shape: [Int]
        var bytes: [UInt8]
        /// Explicit `data_offsets`; nil places the tensor right after the previous one.
        var offsets: (Int, Int)?
    }

    static let configuration = ClassifierConfiguration(
        vocabularySize: 3, embeddingDim: 2, hidden: 1, layers: 1, cell: .resetAfter)

    var vocab = #"["<pad>", "<unk>", "good"]"#
    var config = #"{"embedding_dim": 2, "hidden": 1, "layers": 1, "cell": "reset_after"}"#
    var entries: [Entry]
    /// The `format_version` metadata, when set.
    var formatVersion: String?
    /// Replaces the whole header text when set.
    var header: String?

    init() {
        entries = BiGRUClassifier.parameterShapes(for: Self.configuration).enumerated().map { index, item in
            let count = item.shape.reduce(1, *)
            let values = (0..<count).map { Float(index + 1) * 0.01 + Float($0) * 0.001 }
            return Entry(name: item.name, shape: item.shape, bytes: float32Bytes(values))
        }
    }

    func index(of name: String) -> Int { entries.firstIndex { $0.name == name }! }

    func bytes() -> Data {
        func quoted(_ text: String) -> String {
            String(decoding: try! JSONEncoder().encode(text), as: UTF8.self)
        }
        let version = formatVersion.map { #", "format_version": \#(quoted($0))"# } ?? ""
        var fields = [
            #""__metadata__": {"vocab": \#(quoted(vocab)), "config": \#(quoted(config))\#(version)}"#
        ]
        var data: [UInt8] = []
        for entry in entries {
            let (begin, end) = entry.offsets ?? (data.count, data.count + entry.bytes.count)
            let shape = entry.shape.map(String.init).joined(separator: ", ")
            fields.append(
                #"\#(quoted(entry.name)): {"dtype": "\#(entry.dtype)", "shape": [\#(shape)], "#
                    + #""data_offsets": [\#(begin), \#(end)]}"#)
            data += entry.bytes
        }
        let headerBytes = Array((header ?? "{" + fields.joined(separator: ", ") + "}").utf8)
        var file = Data()
        withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(contentsOf: headerBytes)
        file.append(contentsOf: data)
        return file
    }
}

extension CraftedModelFile {
    /// The default model with a sparse wide channel of 8 buckets, of which 1, 3 and 6 are stored.
    static func withSparseWideChannel() -> CraftedModelFile {
        var file = CraftedModelFile()
        file.config =
            #"{"embedding_dim": 2, "hidden": 1, "layers": 1, "cell": "reset_after", "ngram_buckets": 8}"#
        file.entries += [
            Entry(
                name: "wide.indices", dtype: "I32", shape: [3], bytes: littleEndianBytes([Int32(1), 3, 6])),
            Entry(name: "wide.weight_values", shape: [3], bytes: float32Bytes([0.5, -0.25, 0.125])),
            Entry(name: "wide.scale_values", shape: [3], bytes: float32Bytes([1, 2, -1])),
            Entry(name: "wide.scale_fill", shape: [1], bytes: float32Bytes([0.1])),
        ]
        return file
    }
}

private func float32Bytes(_ values: [Float]) -> [UInt8] {
    values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian) { Array($0) } }
}

private func littleEndianBytes<Value: FixedWidthInteger>(_ values: [Value]) -> [UInt8] {
    values.flatMap { value in withUnsafeBytes(of: value.littleEndian) { Array($0) } }
}

/// Loads the bytes as a model file; the error's message, or nil when it loaded.
private func loadingError(_ bytes: Data) throws -> String? {
    let scratch = try ScratchDirectory()
    let url = scratch.url.appendingPathComponent("crafted.safetensors")
    try bytes.write(to: url)
    do {
        _ = try SentimentModel(contentsOf: url, threadCount: 1)
        return nil
    } catch {
        return "\(error)"
    }
}

/// The loading error of `file` (by default the uncrafted one) after `craft` changes it; records an
/// issue when it loads.
private func refusal(
    of start: CraftedModelFile = CraftedModelFile(), _ craft: (inout CraftedModelFile) -> Void,
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> String {
    var file = start
    craft(&file)
    let message = try loadingError(file.bytes())
    #expect(message != nil, "the crafted file loaded", sourceLocation: sourceLocation)
    return message ?? ""
}

@Suite("Crafted model files get clear errors")
struct CraftedModelFileTests {
    @Test func theUncraftedFileLoads() throws {
        #expect(try loadingError(CraftedModelFile().bytes()) == nil)
    }

    @Test func aNaNWeightIsRefusedNamingTheTensor() throws {
        let message = try refusal { file in
            let entry = file.index(of: "gru.weight_hh_l0_reverse")
            file.entries[entry].bytes.replaceSubrange(4..<8, with: float32Bytes([.nan]))
        }
        #expect(message.contains("'gru.weight_hh_l0_reverse'"), "\(message)")
        #expect(message.contains("1 non-finite value") && message.contains("element 1"), "\(message)")
    }

    @Test func infiniteWeightsAreRefusedNamingTheTensor() throws {
        let message = try refusal { file in
            let entry = file.index(of: "embedding.weight")
            file.entries[entry].bytes = float32Bytes([0, 0, .infinity, 1, -.infinity, 2])
        }
        #expect(message.contains("'embedding.weight' holds 2 non-finite values"), "\(message)")
        #expect(message.contains("element 2, is inf"), "\(message)")
    }

    @Test func infiniteFloat16EmbeddingValuesAreRefusedNamingTheTensor() throws {
        // A float16 embedding is read in place, checked without widening it first.
        let message = try refusal { file in
            let entry = file.index(of: "embedding.weight")
            file.entries[entry].dtype = "F16"
            file.entries[entry].bytes = littleEndianBytes([UInt16(0), 0, 0x7C00, 0x3C00, 0xFC00, 0x4000])
        }
        #expect(message.contains("'embedding.weight' holds 2 non-finite values"), "\(message)")
        #expect(message.contains("element 2, is inf"), "\(message)")
    }

    @Test func hugeFiniteWeightsAreRefusedNamingTheTensor() throws {
        let message = try refusal { file in
            let entry = file.index(of: "gru.weight_ih_l0")
            file.entries[entry].bytes.replaceSubrange(8..<16, with: float32Bytes([-2e30, 7e6]))
        }
        #expect(message.contains("'gru.weight_ih_l0' holds 2 values beyond ±1e6"), "\(message)")
        #expect(message.contains("element 2, is -2e+30"), "\(message)")
        // The limit itself is allowed.
        var atTheLimit = CraftedModelFile()
        let entry = atTheLimit.index(of: "out.bias")
        atTheLimit.entries[entry].bytes = float32Bytes([SentimentModel.maximumParameterMagnitude])
        #expect(try loadingError(atTheLimit.bytes()) == nil)
    }

    /// The model-file fuzzer's first finding (2026-11-28): finite weights up to 10³⁷ loaded, and
    /// overflowed to NaN probabilities when scoring "awful, awful plot :(". Now refused on loading.
    @Test func theFuzzersHugeWeightModelIsRefused() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/fuzz_model_file_huge_weights.safetensors")
        let message = try #require(try loadingError(Data(contentsOf: url)))
        #expect(message.contains("beyond ±1e6") && message.contains("the file is damaged"), "\(message)")
    }

    @Test func halfInfinityAndADoubleBeyondFloatRangeAreRefused() throws {
        let half = try refusal { file in
            let entry = file.index(of: "out.bias")
            file.entries[entry].dtype = "F16"
            file.entries[entry].bytes = [0x00, 0x7C]  // binary16 +infinity
        }
        #expect(half.contains("'out.bias'") && half.contains("non-finite"), "\(half)")
        let double = try refusal { file in
            let entry = file.index(of: "out.bias")
            file.entries[entry].dtype = "F64"
            file.entries[entry].bytes = withUnsafeBytes(of: (1e300).bitPattern.littleEndian) { Array($0) }
        }
        #expect(double.contains("'out.bias'") && double.contains("non-finite"), "\(double)")
    }

    @Test func aDeeplyNestedHeaderIsRefused() throws {
        let message = try refusal { file in
            file.header =
                #"{"a": "# + String(repeating: "[", count: 50_000) + String(repeating: "]", count: 50_000)
                + "}"
        }
        #expect(message.contains("nesting deeper than"), "\(message)")
    }

    @Test func aDeeplyNestedConfigIsRefusedBeforeDecoding() throws {
        let message = try refusal { file in
            file.config =
                #"{"embedding_dim": 2, "hidden": 1, "layers": 1, "cell": "reset_after", "training": "#
                + String(repeating: #"{"a": "#, count: 50_000) + "1" + String(repeating: "}", count: 50_000)
                + "}"
        }
        #expect(message.contains("\"config\" metadata is not valid JSON"), "\(message)")
        #expect(message.contains("nesting deeper than"), "\(message)")
    }

    @Test func aDeeplyNestedVocabularyIsRefused() throws {
        let message = try refusal { file in
            file.vocab = String(repeating: "[", count: 50_000) + String(repeating: "]", count: 50_000)
        }
        #expect(message.contains("\"vocab\" metadata is not a JSON array of strings"), "\(message)")
    }

    @Test func unsupportedDtypesAreNamed() throws {
        for dtype in ["U8", "F8_E4M3", "BOOL", "f32"] {
            let message = try refusal { file in file.entries[file.index(of: "out.bias")].dtype = dtype }
            #expect(message.contains("dtype '\(dtype)' is not supported"), "\(message)")
            #expect(message.contains("'out.bias'"), "\(message)")
        }
        // Integers are read, but only a sparse wide channel's bucket numbers may be integers.
        let integer = try refusal { file in file.entries[file.index(of: "out.bias")].dtype = "I32" }
        #expect(
            integer
                == "tensor 'out.bias' holds integers (I32), but only 'wide.indices' may: weights are floating-point",
            "\(integer)")
    }

    @Test func aTensorALaterFormatMayHoldIsReportedAsANewerFormat() throws {
        let newer = try refusal { file in
            file.formatVersion = "3"
            file.entries[file.index(of: "out.bias")].dtype = "U8"
        }
        #expect(
            newer
                == "format_version 3 is newer than this version of sentiment reads (format_version 2 and older);"
                + " use a newer sentiment for this model")
        // In a file of a version this one reads, the tensor itself is named.
        let current = try refusal { file in
            file.formatVersion = "2"
            file.entries[file.index(of: "out.bias")].dtype = "U8"
        }
        #expect(current.contains("tensor 'out.bias': dtype 'U8' is not supported"), "\(current)")
    }

    // MARK: The sparse wide channel

    @Test func theSparseWideChannelLoadsWithI32OrI64IndicesAndFloat32OrFloat16Values() throws {
        #expect(try loadingError(CraftedModelFile.withSparseWideChannel().bytes()) == nil)
        var wideIndices = CraftedModelFile.withSparseWideChannel()
        let indices = wideIndices.index(of: "wide.indices")
        wideIndices.entries[indices].dtype = "I64"
        wideIndices.entries[indices].bytes = littleEndianBytes([Int64(1), 3, 6])
        #expect(try loadingError(wideIndices.bytes()) == nil)
        var half = CraftedModelFile.withSparseWideChannel()
        let values = half.index(of: "wide.weight_values")
        half.entries[values].dtype = "F16"
        half.entries[values].bytes = littleEndianBytes([UInt16(0x3800), 0xB400, 0x3000])
        #expect(try loadingError(half.bytes()) == nil)
        // Stored none: every bucket is (0, the fill).
        var empty = CraftedModelFile.withSparseWideChannel()
        for name in ["wide.indices", "wide.weight_values", "wide.scale_values"] {
            empty.entries[empty.index(of: name)].shape = [0]
            empty.entries[empty.index(of: name)].bytes = []
        }
        #expect(try loadingError(empty.bytes()) == nil)
    }

    /// The refusal of the sparse model after `indices` replace its `wide.indices`.
    private func indicesRefusal(_ indices: [Int32], sourceLocation: SourceLocation = #_sourceLocation)
        throws -> String
    {
        try refusal(
            of: .withSparseWideChannel(),
            { file in file.entries[file.index(of: "wide.indices")].bytes = littleEndianBytes(indices) },
            sourceLocation: sourceLocation)
    }

    @Test func bucketsOutOfRangeUnsortedOrRepeatedAreRefusedNamingTheTensor() throws {
        #expect(
            try indicesRefusal([1, 3, 8])
                == "tensor 'wide.indices' holds 1 bucket outside [0, 8) (the first, at element 2, is 8): the file"
                + " is damaged")
        #expect(
            try indicesRefusal([-1, 3, 1 << 30])
                == "tensor 'wide.indices' holds 2 buckets outside [0, 8) (the first, at element 0, is -1): the"
                + " file is damaged")
        #expect(
            try indicesRefusal([3, 1, 6])
                == "tensor 'wide.indices' is not in ascending order (element 1, 1, follows 3): the file is damaged"
        )
        #expect(
            try indicesRefusal([1, 3, 3])
                == "tensor 'wide.indices' holds bucket 3 twice (elements 1 and 2): the file is damaged")
    }

    @Test func sparseTensorsOfTheWrongKindShapeOrCompanyAreNamed() throws {
        let sparse = CraftedModelFile.withSparseWideChannel()
        let floatIndices = try refusal(of: sparse) { file in
            let indices = file.index(of: "wide.indices")
            file.entries[indices].dtype = "F32"
            file.entries[indices].bytes = float32Bytes([1, 3, 6])
        }
        #expect(
            floatIndices
                == "tensor 'wide.indices' holds F32, but bucket numbers must be integers (I32 or I64)",
            "\(floatIndices)")
        let missing = try refusal(of: sparse) { file in
            file.entries.remove(at: file.index(of: "wide.scale_fill"))
        }
        #expect(
            missing
                == "the sparse wide channel lacks 'wide.scale_fill' (it needs 'wide.indices', 'wide.weight_values',"
                + " 'wide.scale_values', 'wide.scale_fill')")
        let onlyValues = try refusal { file in
            file.config = sparse.config
            file.entries.append(sparse.entries[sparse.index(of: "wide.weight_values")])
        }
        #expect(onlyValues.hasPrefix("the sparse wide channel lacks 'wide.indices', 'wide.scale_values'"))
        let both = try refusal(of: sparse) { file in
            file.entries.append(
                .init(name: "wide.weight", shape: [8], bytes: float32Bytes(.init(repeating: 0, count: 8))))
        }
        #expect(
            both
                == "the file holds both the dense 'wide.weight' and the sparse 'wide.indices': the wide channel must"
                + " be stored in one form")
        let noBuckets = try refusal(of: sparse) { file in file.config = CraftedModelFile().config }
        #expect(
            noBuckets
                == "tensor 'wide.indices' belongs to the wide channel, but the config has no ngram_buckets")
        /// The refusal of the sparse model with tensor `name` holding `values`, shape `[values.count]`.
        func refusalReplacing(_ name: String, with values: [Float]) throws -> String {
            try refusal(of: sparse) { file in
                let entry = file.index(of: name)
                file.entries[entry].shape = [values.count]
                file.entries[entry].bytes = float32Bytes(values)
            }
        }
        #expect(
            try refusalReplacing("wide.scale_values", with: [1, 2])
                == "tensor 'wide.scale_values' has shape [2], but 'wide.indices' has 3 buckets: [3] expected")
        #expect(
            try refusalReplacing("wide.scale_fill", with: [1, 2])
                == "tensor 'wide.scale_fill' has shape [2], not [1]")
        let matrix = try refusal(of: sparse) { file in
            file.entries[file.index(of: "wide.indices")].shape = [3, 1]
        }
        #expect(
            matrix.hasPrefix("tensor 'wide.indices' has shape [3, 1], but the sparse wide channel needs [K]"))
        let moreThanBuckets = try refusal(of: sparse) { file in
            file.config = file.config.replacingOccurrences(
                of: #""ngram_buckets": 8"#, with: #""ngram_buckets": 2"#)
        }
        #expect(moreThanBuckets.contains("K at most ngram_buckets = 2"), "\(moreThanBuckets)")
    }

    @Test func nonFiniteOrHugeSparseValuesAreRefusedNamingTheTensor() throws {
        let sparse = CraftedModelFile.withSparseWideChannel()
        let nan = try refusal(of: sparse) { file in
            file.entries[file.index(of: "wide.weight_values")].bytes = float32Bytes([0.5, .nan, 1])
        }
        #expect(
            nan.hasPrefix("tensor 'wide.weight_values' holds 1 non-finite value (the first, at element 1"))
        let huge = try refusal(of: sparse) { file in
            file.entries[file.index(of: "wide.scale_fill")].bytes = float32Bytes([-3e6])
        }
        #expect(huge.hasPrefix("tensor 'wide.scale_fill' holds 1 value beyond ±1e6"), "\(huge)")
        let halfInfinity = try refusal(of: sparse) { file in
            let values = file.index(of: "wide.scale_values")
            file.entries[values].dtype = "F16"
            file.entries[values].bytes = littleEndianBytes([UInt16(0x3C00), 0xFC00, 0x3C00])
        }
        #expect(
            halfInfinity.hasPrefix("tensor 'wide.scale_values' holds 1 non-finite value"), "\(halfInfinity)")
    }

    @Test func overlappingOffsetsAreRefused() throws {
        let message = try refusal { file in
            // out.bias claims the last 4 bytes of out.weight instead of its own.
            let weight = file.index(of: "out.weight")
            let end =
                file.entries[..<weight].reduce(0) { $0 + $1.bytes.count } + file.entries[weight].bytes.count
            file.entries[file.index(of: "out.bias")].offsets = (end - 4, end)
        }
        #expect(message.contains("overlap"), "\(message)")
        #expect(message.contains("'out.weight'") && message.contains("'out.bias'"), "\(message)")
    }

    @Test func offsetsPastTheDataAreRefused() throws {
        let message = try refusal { file in
            let entry = file.index(of: "out.bias")
            file.entries[entry].offsets = (1_000_000, 1_000_004)
        }
        #expect(message.contains("'out.bias'") && message.contains("run past the end"), "\(message)")
        let huge = try refusal { file in
            file.entries[file.index(of: "out.bias")].offsets = (Int.max - 3, Int.max)
        }
        #expect(huge.contains("'out.bias'"), "\(huge)")
    }

    @Test func aShapeThatDisagreesWithTheConfigIsNamed() throws {
        let config = try refusal { file in
            file.config = #"{"embedding_dim": 2, "hidden": 2, "layers": 1, "cell": "reset_after"}"#
        }
        #expect(config.contains("gru.weight_ih_l0") && config.contains("[6, 2]"), "\(config)")
        let transposed = try refusal { file in
            file.entries[file.index(of: "embedding.weight")].shape = [2, 3]
        }
        #expect(transposed.contains("embedding.weight") && transposed.contains("[3, 2]"), "\(transposed)")
    }

    @Test func negativeSizesInTheConfigAreRefused() throws {
        // Each size key with a negative value, and the words its refusal names it by.
        for (key, named) in [
            ("embedding_dim", "embedding_dim must be at least 1"), ("hidden", "hidden must be at least 1"),
            ("layers", "layers must be at least 1"), ("max_len", "max_len must be at least 1"),
            ("ngram_buckets", "ngram_buckets must be 0 or lie in"),
        ] {
            var sizes = ["embedding_dim": 2, "hidden": 1, "layers": 1]
            sizes[key] = -3
            let members = sizes.sorted { $0.key < $1.key }.map { #""\#($0.key)": \#($0.value)"# }
            let message = try refusal { file in
                file.config = "{" + (members + [#""cell": "reset_after""#]).joined(separator: ", ") + "}"
            }
            #expect(message.contains(named) && message.contains("-3"), "\(key): \(message)")
            #expect(!message.contains("do not match"), "\(key): \(message)")
        }
    }

    @Test func absurdSizesAreRefusedWithoutAllocatingThem() throws {
        // Config sizes whose tensors would need petabytes: refused by comparison with the file's tensors.
        let config = try refusal { file in
            file.config =
                #"{"embedding_dim": 16777216, "hidden": 16777216, "layers": 1024, "cell": "reset_after", "#
                + #""ngram_buckets": 67108864}"#
        }
        #expect(config.contains("embedding.weight"), "\(config)")
        // Beyond what any size may be, or beyond Int: refused as values.
        let beyond = try refusal { file in
            file.config = #"{"embedding_dim": 2, "hidden": 1, "layers": 100000000000, "cell": "reset_after"}"#
        }
        #expect(beyond.contains("sizes too large") || beyond.contains("layers"), "\(beyond)")
        let notAnInt = try refusal { file in
            file.config = #"{"embedding_dim": 1e30, "hidden": 1, "layers": 1, "cell": "reset_after"}"#
        }
        #expect(notAnInt.contains("embedding_dim"), "\(notAnInt)")
        // A header shape of 2⁴⁰ × 2²⁰ floats backed by 8 bytes: refused by the offsets, nothing allocated.
        let shape = try refusal { file in
            file.entries[file.index(of: "out.bias")].shape = [1 << 40, 1 << 20]
        }
        #expect(shape.contains("'out.bias'") && shape.contains("needs"), "\(shape)")
    }

    @Test func aVocabularyThatIsNotAnArrayOfStringsIsRefused() throws {
        for vocab in [
            #"{"<pad>": 0, "<unk>": 1, "good": 2}"#, #""<pad> <unk> good""#, "3", #"["<pad>", "<unk>", 7]"#,
        ] {
            let message = try refusal { $0.vocab = vocab }
            #expect(
                message.contains("\"vocab\" metadata is not a JSON array of strings"), "\(vocab): \(message)")
        }
    }

    @Test func aVocabularyWithDuplicatesIsRefused() throws {
        let message = try refusal { $0.vocab = #"["<pad>", "<unk>", "<unk>"]"# }
        #expect(message.contains("\"<unk>\" appears twice"), "\(message)")
    }

    @Test func devicesDirectoriesAndPipesAreNotReadAsModels() throws {
        // /dev/zero would otherwise be read until memory ran out; opening a FIFO without a writer would
        // wait for one.
        let fifo = FileManager.default.temporaryDirectory.appendingPathComponent("model-fifo-\(getpid())")
        guard mkfifo(fifo.path, 0o600) == 0 else {
            Issue.record("mkfifo failed: \(String(cString: strerror(errno)))")
            return
        }
        defer { unlink(fifo.path) }
        for path in ["/dev/zero", "/tmp", fifo.path] {
            do {
                _ = try SentimentModel(path: path, threadCount: 1)
                Issue.record("\(path) loaded as a model")
            } catch {
                #expect("\(error)".contains("cannot read the file: it is"), "\(error)")
            }
        }
    }
}
