import Embedding
import Foundation
import GRUClassifier
import SentimentKit
import Testing

/// A file assembled by hand: length field (the header's own length unless overridden), header text, data.
private func handMadeFile(header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) -> Data {
    handMadeFile(headerBytes: Array(header.utf8), data: data, declaredLength: declaredLength)
}

private func handMadeFile(headerBytes: [UInt8], data: [UInt8] = [], declaredLength: UInt64? = nil) -> Data {
    var file = Data()
    withUnsafeBytes(of: (declaredLength ?? UInt64(headerBytes.count)).littleEndian) {
        file.append(contentsOf: $0)
    }
    file.append(contentsOf: headerBytes)
    file.append(contentsOf: data)
    return file
}

/// Little-endian bytes of Float32 values.
private func float32Bytes(_ values: [Float]) -> [UInt8] {
    values.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
}

/// The error thrown when parsing `data`, or nil if it parsed.
private func parseError(_ data: Data) -> SafeTensorsError? {
    do {
        _ = try SafeTensorsFile(data: data)
        return nil
    } catch let error as SafeTensorsError {
        return error
    } catch {
        Issue.record("unexpected error type: \(error)")
        return nil
    }
}

private func expectError(
    _ kind: SafeTensorsError.Kind, mentioning fragments: [String] = [], in data: Data,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    guard let error = parseError(data) else {
        Issue.record("expected a \(kind) error, but the file parsed", sourceLocation: sourceLocation)
        return
    }
    #expect(error.kind == kind, "\(error.message)", sourceLocation: sourceLocation)
    for fragment in fragments {
        #expect(error.message.contains(fragment), "\(error.message)", sourceLocation: sourceLocation)
    }
}

private func makeScratchDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("safetensors-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
    return url
}

/// A file with several shapes, a scalar, an empty tensor and metadata that needs JSON escaping.
private let sampleFile = SafeTensorsFile(
    tensors: [
        ("gru.weight_ih_l0", Tensor(shape: [3, 2], values: [1, -2, 3.5, 0, -0.0, 1e-30])),
        ("embedding.weight", Tensor(shape: [2, 2], values: [.pi, -.infinity, .greatestFiniteMagnitude, 7])),
        ("bias", Tensor(shape: [3], values: [0.25, 0.5, 0.75])),
        ("scalar", Tensor(shape: [], values: [42])),
        ("empty", Tensor(shape: [0, 4], values: [])),
        ("ünïcode 名前", Tensor(shape: [1], values: [-1])),
    ],
    metadata: [
        "format": "pt",
        "vocabulary": "line one\nline \"two\"\ttab \\ backslash \u{01} control é 😀",
        "": "empty key",
    ])

@Suite struct SafeTensorsTests {
    @Test func roundTripThroughAFile() throws {
        let directory = try makeScratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("model.safetensors")
        try sampleFile.write(to: url)
        let read = try SafeTensorsFile(contentsOf: url)

        #expect(read.metadata == sampleFile.metadata)
        // Read back in file order, which the writer sorts by name (as bytes).
        #expect(
            read.tensors.map(\.name) == [
                "bias", "embedding.weight", "empty", "gru.weight_ih_l0", "scalar", "ünïcode 名前",
            ])
        for (name, tensor) in sampleFile.tensors {
            let stored = try #require(read[name], "\(name) missing")
            #expect(stored.shape == tensor.shape)
            // Bit patterns, so that -0.0 and infinities are compared exactly.
            #expect(stored.values.map(\.bitPattern) == tensor.values.map(\.bitPattern), "\(name)")
        }
        #expect(try Data(contentsOf: url) == sampleFile.serialized())
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["model.safetensors"])
    }

    @Test func freeFunctionsWriteAndRead() throws {
        let directory = try makeScratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("m.safetensors")
        let weight = Tensor(shape: [2], values: [1, 2])
        try writeSafeTensors(tensors: [(name: "w", tensor: weight)], metadata: ["k": "v"], to: url)
        let read = try readSafeTensors(from: url)
        #expect(read == SafeTensorsFile(tensors: [("w", weight)], metadata: ["k": "v"]))
    }

    @Test func layoutMatchesPythonByteForByte() throws {
        let file = SafeTensorsFile(
            tensors: [
                ("b", Tensor(shape: [2], values: [3, 4])), ("a", Tensor(shape: [1, 2], values: [1, 2])),
            ],
            metadata: ["format": "pt"])
        let bytes = [UInt8](try file.serialized())
        let json =
            #"{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[1,2],"data_offsets":[0,8]},"#
            + #""b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}"#
        let paddedLength = (json.utf8.count + 7) / 8 * 8
        #expect(json.utf8.count % 8 != 0, "the example should need padding")

        let declared = bytes[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
        #expect(declared == paddedLength)
        #expect(Array(bytes[8..<8 + json.utf8.count]) == Array(json.utf8))
        #expect(bytes[8 + json.utf8.count..<8 + paddedLength].allSatisfy { $0 == UInt8(ascii: " ") })
        #expect(Array(bytes[(8 + paddedLength)...]) == float32Bytes([1, 2, 3, 4]))
    }

    @Test func headerWithoutMetadataOmitsTheKey() throws {
        let file = SafeTensorsFile(tensors: [("x", Tensor(shape: [1], values: [1]))])
        let bytes = [UInt8](try file.serialized())
        let json = #"{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
        #expect(Array(bytes[8..<8 + json.utf8.count]) == Array(json.utf8))
        #expect((bytes.count - 8 - 4) % 8 == 0)
    }

    @Test func emptyFileHasJustAnEmptyObject() throws {
        let bytes = [UInt8](try SafeTensorsFile(tensors: []).serialized())
        #expect(bytes == [8, 0, 0, 0, 0, 0, 0, 0] + Array("{}      ".utf8))
        let read = try SafeTensorsFile(data: Data(bytes))
        #expect(read.tensors.isEmpty && read.metadata.isEmpty)
    }

    @Test func readsFromADataSliceThatDoesNotStartAtZero() throws {
        let serialized = try sampleFile.serialized()
        let padded = Data([1, 2, 3]) + serialized
        let slice = padded[3...]
        #expect(slice.startIndex == 3)
        let read = try SafeTensorsFile(data: slice)
        #expect(read["bias"]?.values == [0.25, 0.5, 0.75])
    }

    @Test func readerAcceptsUnpaddedHeadersUnsortedEntriesAndEscapes() throws {
        // Entries out of offset order, no padding, whitespace, and \u escapes including a surrogate pair.
        let header =
            #" { "b\u00e9" : {"shape":[1],"dtype":"F32","data_offsets":[4,8]}, "#
            + #""a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"#
            + #""__metadata__":{"e":"\ud83d\ude00\/","f":"ab\"cd\\ef\tgh\"\"é"}}"#
        let file = try SafeTensorsFile(data: handMadeFile(header: header, data: float32Bytes([1, 2])))
        #expect(file.tensors.map(\.name) == ["a", "bé"])
        #expect(file["bé"]?.values == [2])
        #expect(file.metadata == ["e": "😀/", "f": "ab\"cd\\ef\tgh\"\"é"])
    }

    @Test func convertsHalfBFloatAndDoubleToFloat() throws {
        let halfBits: [UInt16] = [0x3C00, 0xC000, 0x0001, 0x7BFF, 0x7C00, 0x8000, 0x3555]
        let bfloatBits: [UInt16] = [0x3F80, 0xC040]
        let doubles: [Double] = [0.1, -1e300]
        var data: [UInt8] = []
        for bits in halfBits + bfloatBits { withUnsafeBytes(of: bits.littleEndian) { data += $0 } }
        for value in doubles { withUnsafeBytes(of: value.bitPattern.littleEndian) { data += $0 } }
        let header =
            #"{"h":{"dtype":"F16","shape":[7],"data_offsets":[0,14]},"#
            + #""bf":{"dtype":"BF16","shape":[2],"data_offsets":[14,18]},"#
            + #""d":{"dtype":"F64","shape":[2],"data_offsets":[18,34]}}"#
        let file = try SafeTensorsFile(data: handMadeFile(header: header, data: data))
        let half = try #require(file["h"]).values
        #expect(Array(half[0..<5]) == [1, -2, 0x1p-24, 65504, .infinity])
        #expect(half[5] == 0 && half[5].sign == .minus)
        #expect(half[6] == 0.333_251_953_125)  // 0x3555 is the half closest to 1/3
        #expect(file["bf"]?.values == [1, -3])
        #expect(file["d"]?.values == [Float(0.1), -.infinity])
    }

    // MARK: Malformed files

    @Test func tooShortForTheLengthField() {
        expectError(.fileTooShort, mentioning: ["0 bytes"], in: Data())
        expectError(.fileTooShort, mentioning: ["7 bytes"], in: Data([2, 0, 0, 0, 0, 0, 0]))
    }

    @Test func headerLengthAbsurdOrBeyondTheFile() {
        expectError(
            .headerLengthOutOfRange, mentioning: ["limit"],
            in: handMadeFile(header: "{}", declaredLength: .max))
        expectError(
            .headerLengthOutOfRange, mentioning: ["100000001"],
            in: handMadeFile(header: "{}", declaredLength: 100_000_001))
        expectError(
            .headerLengthOutOfRange, mentioning: ["header length 100", "2 bytes"],
            in: handMadeFile(header: "{}", declaredLength: 100))
    }

    @Test func headerNotUTF8() {
        expectError(
            .headerNotUTF8, in: handMadeFile(headerBytes: [UInt8(ascii: "{"), 0xFF, UInt8(ascii: "}")]))
        // An overlong encoding of "/" is not UTF-8 either.
        expectError(
            .headerNotUTF8, in: handMadeFile(headerBytes: Array(#"{"a":""#.utf8) + [0xC0, 0xAF, 0x22, 0x7D]))
    }

    @Test func headerNotJSON() {
        for header in [
            "", "   ", "{", #"{"a":"#, #"{"a":1,}"#, "{} x", "{'a':1}", #"{"a":tru}"#, #"{"a":01}"#,
            #"{"a":"\x"}"#,
            #"{"a":"\ud800"}"#, "{\"a\":\"line\nbreak\"}", #"{"__metadata__":{},"__metadata__":{}}"#,
            "{\"a\":\"x\\\"line\nbreak\"}", #"{"a":"x\"y"#,
        ] {
            expectError(.headerNotJSON, mentioning: ["header byte"], in: handMadeFile(header: header))
        }
        expectError(
            .headerNotJSON, mentioning: ["duplicate key \"t\""], in: handMadeFile(header: #"{"t":1,"t":2}"#))
        // Deep nesting is refused before it can exhaust the stack.
        let deep =
            #"{"a":"# + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        expectError(.headerNotJSON, mentioning: ["nesting"], in: handMadeFile(header: deep))
    }

    @Test func headerNotAnObject() {
        expectError(.headerNotObject, mentioning: ["an array"], in: handMadeFile(header: "[]"))
        expectError(.headerNotObject, mentioning: ["a string"], in: handMadeFile(header: #""tensors""#))
        expectError(.headerNotObject, in: handMadeFile(header: "null"))
    }

    @Test func malformedTensorEntries() {
        expectError(
            .invalidTensorEntry, mentioning: ["'w'", "a number"], in: handMadeFile(header: #"{"w":5}"#))
        expectError(
            .invalidTensorEntry, mentioning: ["missing shape, data_offsets"],
            in: handMadeFile(header: #"{"w":{"dtype":"F32"}}"#))
        expectError(
            .invalidTensorEntry, mentioning: ["unexpected key 'strides'"],
            in: handMadeFile(header: #"{"w":{"dtype":"F32","shape":[],"data_offsets":[0,4],"strides":[]}}"#))
        expectError(
            .invalidTensorEntry, mentioning: ["dtype is a number"],
            in: handMadeFile(header: #"{"w":{"dtype":32,"shape":[],"data_offsets":[0,4]}}"#))
        expectError(
            .invalidTensorEntry, mentioning: ["shape is an object"],
            in: handMadeFile(header: #"{"w":{"dtype":"F32","shape":{},"data_offsets":[0,4]}}"#))
    }

    @Test func unsupportedDtypes() {
        for dtype in ["U32", "I16", "U8", "BOOL", "F8_E4M3", "f32", ""] {
            expectError(
                .unsupportedDtype, mentioning: ["'\(dtype)'", "F32"],
                in: handMadeFile(
                    header: #"{"w":{"dtype":""# + dtype + #"","shape":[1],"data_offsets":[0,8]}}"#))
        }
    }

    @Test func invalidShapes() {
        func header(shape: String) -> Data {
            handMadeFile(header: #"{"w":{"dtype":"F32","shape":"# + shape + #","data_offsets":[0,4]}}"#)
        }
        expectError(.invalidShape, mentioning: ["-1"], in: header(shape: "[2,-1]"))
        expectError(.invalidShape, mentioning: ["1.5"], in: header(shape: "[1.5]"))
        expectError(.invalidShape, mentioning: ["1e2"], in: header(shape: "[1e2]"))
        expectError(.invalidShape, mentioning: ["a boolean"], in: header(shape: "[true]"))
        expectError(.invalidShape, mentioning: ["a string"], in: header(shape: #"["4"]"#))
        expectError(.invalidShape, in: header(shape: "[99999999999999999999]"))  // beyond Int
        // 2³² · 2³² overflows the element count; 2⁶¹ elements overflow the byte count at 4 bytes each.
        expectError(
            .invalidShape, mentioning: ["too many elements"], in: header(shape: "[4294967296,4294967296]"))
        expectError(
            .invalidShape, mentioning: ["too many elements"], in: header(shape: "[2305843009213693952]"))
    }

    @Test func offsetsThatDoNotMatchTheShape() {
        func header(_ shape: String, _ offsets: String) -> Data {
            handMadeFile(
                header: #"{"w":{"dtype":"F32","shape":"# + shape + #","data_offsets":"# + offsets + "}}",
                data: [UInt8](repeating: 0, count: 16))
        }
        expectError(.offsetsMismatch, mentioning: ["span 4 bytes", "needs 8"], in: header("[2]", "[0,4]"))
        expectError(.offsetsMismatch, mentioning: ["span 16 bytes", "needs 8"], in: header("[2]", "[0,16]"))
        expectError(.offsetsMismatch, mentioning: ["begin ≤ end"], in: header("[2]", "[8,0]"))
        expectError(.offsetsMismatch, in: header("[2]", "[0,8,16]"))
        expectError(.offsetsMismatch, in: header("[2]", "[-8,0]"))
        expectError(.offsetsMismatch, in: header("[2]", "[0]"))
        expectError(.offsetsMismatch, in: header("[2]", #"{"begin":0}"#))
        expectError(.offsetsMismatch, in: header("[2]", "[0.0,8.0]"))
        // end − begin must not overflow even for extreme values.
        expectError(.offsetsMismatch, in: header("[2]", "[0,9223372036854775807]"))
    }

    @Test func offsetsPastTheEndOfTheFile() {
        let file = handMadeFile(
            header: #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: float32Bytes([1]))
        expectError(.offsetsOutOfBounds, mentioning: ["'w'", "4-byte data region"], in: file)
        let far = handMadeFile(
            header:
                #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[9223372036854775800,9223372036854775804]}}"#,
            data: float32Bytes([1]))
        expectError(.offsetsOutOfBounds, in: far)
    }

    @Test func overlappingTensors() {
        let file = handMadeFile(
            header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"#
                + #""b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#,
            data: float32Bytes([1, 2, 3]))
        expectError(.overlappingTensors, mentioning: ["'a'", "'b'"], in: file)
        // An empty tensor placed inside another one also overlaps it.
        let inside = handMadeFile(
            header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"#
                + #""e":{"dtype":"F32","shape":[0],"data_offsets":[4,4]}}"#,
            data: float32Bytes([1, 2]))
        expectError(.overlappingTensors, in: inside)
        let same = handMadeFile(
            header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"#
                + #""b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#,
            data: float32Bytes([1]))
        expectError(.overlappingTensors, in: same)
    }

    @Test func holesInTheDataRegion() {
        let gap = handMadeFile(
            header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"#
                + #""b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#,
            data: float32Bytes([1, 2, 3]))
        expectError(.holeInData, mentioning: ["4..<8", "'b'"], in: gap)
        let late = handMadeFile(
            header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: float32Bytes([1, 2]))
        expectError(.holeInData, mentioning: ["0..<4"], in: late)
        let trailing = handMadeFile(
            header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: float32Bytes([1, 2]))
        expectError(.holeInData, mentioning: ["4..<8"], in: trailing)
        expectError(.holeInData, in: handMadeFile(header: "{}", data: [0]))
    }

    @Test func metadataMustBeAnObjectOfStrings() {
        expectError(
            .invalidMetadata, mentioning: ["'epochs'", "a number"],
            in: handMadeFile(header: #"{"__metadata__":{"ok":"yes","epochs":3}}"#))
        expectError(.invalidMetadata, in: handMadeFile(header: #"{"__metadata__":{"nested":{}}}"#))
        expectError(.invalidMetadata, in: handMadeFile(header: #"{"__metadata__":{"n":null}}"#))
        expectError(
            .invalidMetadata, mentioning: ["a string"], in: handMadeFile(header: #"{"__metadata__":"pt"}"#))
    }

    @Test func unreadableFileIsAnError() throws {
        let missing = URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)/model.safetensors")
        let error = #expect(throws: SafeTensorsError.self) { try SafeTensorsFile(contentsOf: missing) }
        #expect(error?.kind == .unreadable)

        let directory = try makeScratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let empty = directory.appendingPathComponent("empty.safetensors")
        try Data().write(to: empty)
        let emptyError = #expect(throws: SafeTensorsError.self) { try SafeTensorsFile(contentsOf: empty) }
        #expect(emptyError?.kind == .fileTooShort)
    }

    @Test func writerRejectsTensorsItCannotStore() throws {
        let one = Tensor(shape: [1], values: [1])
        let duplicate = #expect(throws: SafeTensorsError.self) {
            try SafeTensorsFile(tensors: [("w", one), ("w", one)]).serialized()
        }
        #expect(duplicate?.kind == .invalidTensorForWriting)
        #expect(duplicate?.message.contains("'w'") == true)
        #expect(throws: SafeTensorsError.self) {
            try SafeTensorsFile(tensors: [("__metadata__", one)]).serialized()
        }
        var reshaped = Tensor(shape: [2], values: [1, 2])
        reshaped.shape = [3]
        #expect(throws: SafeTensorsError.self) {
            try SafeTensorsFile(tensors: [("r", reshaped)]).serialized()
        }
        var negative = Tensor(shape: [1], values: [1])
        negative.shape = [-1, -1]  // the product is still 1
        #expect(throws: SafeTensorsError.self) {
            try SafeTensorsFile(tensors: [("n", negative)]).serialized()
        }

        // A failed write leaves no file behind.
        let directory = try makeScratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(throws: SafeTensorsError.self) {
            try SafeTensorsFile(tensors: [("w", one), ("w", one)]).write(
                to: directory.appendingPathComponent("x"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    // MARK: Robustness

    @Test func everyTruncationIsRejectedWithoutCrashing() throws {
        let file = try SafeTensorsFile(
            tensors: [
                ("a", Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])),
                ("b", Tensor(shape: [2], values: [7, 8])),
            ],
            metadata: ["k": "v"]
        ).serialized()
        for cut in 0..<file.count {
            let error = parseError(file.prefix(cut))
            #expect(error != nil, "a file cut to \(cut) of \(file.count) bytes parsed")
        }
        #expect(parseError(file) == nil)
    }

    @Test func randomByteFlipsInTheHeaderNeverCrash() throws {
        let file = try [UInt8](sampleFile.serialized())
        let headerEnd = 8 + file[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
        var generator = SplitMix64(seed: 2024)
        let jsonBytes = Array(#"{}[]",:0123456789-." aF\"#.utf8)
        var rejected = 0
        let trials = 3000
        for _ in 0..<trials {
            var mutated = file
            for _ in 0..<Int(1 + generator.next() % 3) {
                let position = Int(generator.next() % UInt64(headerEnd))
                // Mostly printable replacements, so that some mutants stay JSON and reach later checks.
                if generator.next() % 4 == 0 {
                    mutated[position] = UInt8(truncatingIfNeeded: generator.next())
                } else {
                    mutated[position] = jsonBytes[Int(generator.next() % UInt64(jsonBytes.count))]
                }
            }
            if parseError(Data(mutated)) != nil { rejected += 1 }
        }
        // Most mutations must be caught; the rest (e.g. inside a metadata string) are harmless.
        #expect(rejected > trials / 2)
    }
}
