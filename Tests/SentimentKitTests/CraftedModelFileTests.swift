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
        var fields = [#""__metadata__": {"vocab": \#(quoted(vocab)), "config": \#(quoted(config))}"#]
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

private func float32Bytes(_ values: [Float]) -> [UInt8] {
    values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian) { Array($0) } }
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

/// The loading error of `file` after `craft` changes it; records an issue when it loads.
private func refusal(
    _ craft: (inout CraftedModelFile) -> Void, sourceLocation: SourceLocation = #_sourceLocation
) throws -> String {
    var file = CraftedModelFile()
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
        for dtype in ["I64", "F8_E4M3", "BOOL", "f32"] {
            let message = try refusal { file in file.entries[file.index(of: "out.bias")].dtype = dtype }
            #expect(message.contains("dtype '\(dtype)' is not supported"), "\(message)")
            #expect(message.contains("'out.bias'"), "\(message)")
        }
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
