import CZlib
import Foundation
import Testing

@testable import WordVectors

/// A scratch folder per test, removed at the end.
final class VectorScratch {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("wordvectors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }

    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = url.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func write(_ name: String, _ text: String) throws -> String { try write(name, Array(text.utf8)) }

    /// `bytes` gzip-compressed by zlib.
    func writeGzip(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = url.appendingPathComponent(name).path
        let file = try #require(gzopen(path, "wb"))
        let written = bytes.withUnsafeBytes { gzwrite(file, $0.baseAddress, UInt32($0.count)) }
        #expect(Int(written) == bytes.count)
        gzclose(file)
        return path
    }
}

@Suite struct VectorFileReaderTests {
    let glove = "the 0.418 0.24968 -0.41242\n, 0.013441 0.23682 -0.16899\ngood -3.5e-1 1E2 +0.5\n"

    @Test func readsGloVeTextValueForValue() throws {
        let scratch = try VectorScratch()
        let vectors = try VectorFileReader.read(path: try scratch.write("g.txt", glove))
        #expect(vectors.words == ["the", ",", "good"])
        #expect(vectors.dimension == 3)
        #expect(vectors.values == [0.418, 0.24968, -0.41242, 0.013441, 0.23682, -0.16899, -0.35, 100, 0.5])
        #expect(vectors.source.format == .glove)
        #expect(vectors.source.name == "g.txt")
    }

    @Test func readsWord2VecAndFastTextTextWithTheirHeaderAndTrailingSpaces() throws {
        let scratch = try VectorScratch()
        let text = "2 3\r\nthe 0.1 0.2 0.3 \r\nbad -1 -2 -3 \r\n"
        let vectors = try VectorFileReader.read(path: try scratch.write("f.vec", text))
        #expect(vectors.words == ["the", "bad"])
        #expect(vectors.values == [0.1, 0.2, 0.3, -1, -2, -3])
        #expect(vectors.source.format == .word2vecText)
    }

    @Test func aWordMayHoldASpace() throws {
        let scratch = try VectorScratch()
        let vectors = try VectorFileReader.read(path: try scratch.write("s.txt", "a 1 2\n. . . 3 4\n"))
        #expect(vectors.words == ["a", ". . ."])
        #expect(vectors.values == [1, 2, 3, 4])
    }

    @Test func gzipCompressedFilesReadTheSameAndTheDigestIsOfTheStoredBytes() throws {
        let scratch = try VectorScratch()
        let plainPath = try scratch.write("g.txt", glove)
        let gzipPath = try scratch.writeGzip("g.txt.gz", Array(glove.utf8))
        let plain = try VectorFileReader.read(path: plainPath)
        let compressed = try VectorFileReader.read(path: gzipPath)
        #expect(plain.words == compressed.words)
        #expect(plain.values == compressed.values)
        #expect(plain.source.sha256 != compressed.source.sha256)
        // The digest `sha256sum` prints for the file.
        #expect(plain.source.sha256 == (try shellSHA256(plainPath)))
        #expect(compressed.source.sha256 == (try shellSHA256(gzipPath)))
    }

    @Test func readsWord2VecBinary() throws {
        let scratch = try VectorScratch()
        var bytes = Array("2 2\n".utf8)
        for (word, row) in [("good", [Float(0.5), -1.25]), ("não", [3, 1e-3])] {
            bytes += Array(word.utf8) + [0x20]
            for value in row { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 } }
            bytes.append(0x0A)
        }
        let vectors = try VectorFileReader.read(path: try scratch.write("w.bin", bytes))
        #expect(vectors.source.format == .word2vecBinary)
        #expect(vectors.words == ["good", "não"])
        #expect(vectors.values == [0.5, -1.25, 3, 1e-3])
    }

    @Test func theCompactFormRoundTripsAtFloat16Precision() throws {
        let scratch = try VectorScratch()
        let original = try VectorFileReader.read(path: try scratch.write("g.txt", glove))
        let path = try scratch.write("g.skv", CompactVectors.encode(original))
        let compact = try VectorFileReader.read(path: path)
        #expect(compact.source.format == .compact)
        #expect(compact.words == original.words)
        for (a, b) in zip(compact.values, original.values) {
            #expect(a == Float(Float16(b)))
        }
        let gzipped = try VectorFileReader.read(
            path: try scratch.writeGzip("g.skv.gz", CompactVectors.encode(original)))
        #expect(gzipped.values == compact.values)
    }

    @Test func keepsOnlyTheWordsAskedForAndTheLeadingOnes() throws {
        let scratch = try VectorScratch()
        let path = try scratch.write("g.txt", glove)
        let some = try VectorFileReader.read(path: path, keeping: { $0 == "good" }, leadingWords: 1)
        #expect(some.words == ["the", "good"])
        #expect(some.values == [0.418, 0.24968, -0.41242, -0.35, 100, 0.5])
        let none = try VectorFileReader.read(path: path, keeping: { _ in false })
        #expect(none.count == 0)
    }

    /// Each damaged file and the message naming its line.
    @Test(arguments: [
        ("", "f: empty file: no vectors"),
        ("\n", "f:1: an empty line"),
        ("a 1 2\nb 1\n", "f:2: 1 values where the file has 2"),
        ("a 1 2\nb 1 2 3\n", "f:2: 3 values where the file has 2"),
        ("a 1 2\nb 1 nan\n", "f:2: value 2 of \"b\", \"nan\", is not a finite number"),
        ("a 1 2\nb inf 1\n", "f:2: value 1 of \"b\", \"inf\", is not a finite number"),
        ("a 1 2\nb 1e999 1\n", "f:2: value 1 of \"b\", \"1e999\", is not a finite number"),
        ("a 1 2\nb 1 x\n", "f:2: value 2 of \"b\", \"x\", is not a number"),
        ("a 1 2\nb 1 2\na 3 4\n", "f:3: the word \"a\" again"),
        ("3 2\na 1 2\nb 1 2\n", "f:1: the first line announces 3 words, the file holds 2"),
        ("1 0\n", "f:1: a dimension of 0: no values"),
        ("1 100000\na 1\n", "f:1: a dimension of 100000, beyond 10000: not a vectors file?"),
        ("justaword\n", "f:1: a word without values (or a value without a word)"),
        ("a 1 2\n 1 2\n", "f:2: 1 values where the file has 2"),
    ])
    func damagedFilesNameTheLine(text: String, message: String) throws {
        let scratch = try VectorScratch()
        let path = try scratch.write("f", text)
        let error = #expect(throws: VectorFileError.self) { try VectorFileReader.read(path: path) }
        #expect(error.map { $0.description.replacingOccurrences(of: path, with: "f") } == message)
    }

    @Test func aWordThatIsNotUTF8IsRefused() throws {
        let scratch = try VectorScratch()
        let path = try scratch.write("f", Array("a 1\n".utf8) + [0xFF, 0x20, 0x31, 0x0A])
        let error = #expect(throws: VectorFileError.self) { try VectorFileReader.read(path: path) }
        #expect(error?.line == 2)
        #expect(error?.reason == "the word is not valid UTF-8")
    }

    @Test func aTruncatedGzipFileIsRefused() throws {
        let scratch = try VectorScratch()
        let text = String(repeating: glove, count: 1)
            + (0..<2000).map { "w\($0) 0.5 0.25 0.125\n" }.joined()
        let whole = try scratch.writeGzip("whole.gz", Array(text.utf8))
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: whole)))
        let cut = try scratch.write("cut.gz", Array(bytes.prefix(bytes.count / 2)))
        let error = #expect(throws: VectorFileError.self) { try VectorFileReader.read(path: cut) }
        #expect(error?.reason == "the compressed file is cut short")
    }

    @Test func missingFilesAndFoldersAreNamed() throws {
        let scratch = try VectorScratch()
        let missing = scratch.url.appendingPathComponent("nope.txt").path
        let error = #expect(throws: VectorFileError.self) { try VectorFileReader.read(path: missing) }
        #expect(error?.description == "\(missing): No such file or directory")
        let folder = #expect(throws: VectorFileError.self) { try VectorFileReader.read(path: scratch.url.path) }
        #expect(folder?.reason == "is a directory, not a vectors file")
    }

    @Test func damagedCompactFilesAreRefused() throws {
        let scratch = try VectorScratch()
        let good = CompactVectors.encode(try VectorFileReader.read(path: try scratch.write("g.txt", glove)))
        let shortPath = try scratch.write("short.skv", Array(good.dropLast()))
        #expect(throws: VectorFileError.self) { try VectorFileReader.read(path: shortPath) }
        var infinite = good
        infinite[infinite.count - 1] = 0x7C  // float16 +inf is 0x7C00
        infinite[infinite.count - 2] = 0x00
        let infinitePath = try scratch.write("inf.skv", infinite)
        let error = #expect(throws: VectorFileError.self) { try VectorFileReader.read(path: infinitePath) }
        #expect(error?.reason == "value 3 of \"good\" is not a finite number")
    }

    /// What coreutils' `sha256sum` prints for the file.
    private func shellSHA256(_ path: String) throws -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return output.split(separator: " ").first.map(String.init)
    }
}

@Suite struct DecimalParsingTests {
    @Test func agreesWithStrtofOnManySpellings() {
        var generator = SystemRandomNumberGenerator()
        var spellings = ["0", "-0", "0.0", "1", "-1.5", "3.4028235e38", "1e-45", "0.000001234", "123456789012345678901234",
                         "1.00000000000000000000001", "-.5", "5.", "2.5E-3", "7e+2", "0.418", "-0.41242"]
        for _ in 0..<5000 {
            let value = Float.random(in: -10...10, using: &generator) * pow(10, Float(Int.random(in: -8...8, using: &generator)))
            spellings.append(String(format: "%.\(Int.random(in: 1...9, using: &generator))g", value))
            spellings.append(String(format: "%.\(Int.random(in: 0...8, using: &generator))f", value))
        }
        for spelling in spellings {
            let bytes = Array(spelling.utf8)
            let parsed = bytes.withUnsafeBufferPointer { DecimalParsing.parse($0.baseAddress!, 0, $0.count) }
            #expect(parsed == strtof(spelling, nil), "\(spelling)")
        }
    }

    @Test func refusesWhatIsNotOneNumber() {
        for spelling in ["", "-", ".", "e5", "1e", "1e+", "1.2.3", "1 2", "0x10", "nan", "inf", "--1", "1-"] {
            let bytes = Array(spelling.utf8)
            let parsed = bytes.withUnsafeBufferPointer { buffer -> Float? in
                guard let base = buffer.baseAddress else { return nil }
                return DecimalParsing.parse(base, 0, buffer.count)
            }
            #expect(parsed == nil, "\(spelling)")
        }
    }
}
