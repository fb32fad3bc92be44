#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation
import GRUClassifier

/// Why a safetensors file could not be read or written. `description` is a one-line message without the
/// file path, so a caller can prefix it ("model.safetensors: header length ...").
public struct SafeTensorsError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// The category of problem, for callers and tests that need to tell them apart.
    public enum Kind: Sendable, Equatable {
        /// The file could not be read from disk.
        case unreadable
        /// Fewer than the 8 bytes of the header-length field.
        case fileTooShort
        /// The declared header length is over the limit or past the end of the file.
        case headerLengthOutOfRange
        /// The header is not valid UTF-8.
        case headerNotUTF8
        /// The header is not valid JSON.
        case headerNotJSON
        /// The header is JSON but not an object.
        case headerNotObject
        /// A tensor entry is not an object with exactly `dtype`, `shape` and `data_offsets` of the right
        /// types.
        case invalidTensorEntry
        /// A dtype other than F32, F16, BF16 and F64.
        case unsupportedDtype
        /// A negative or non-integer shape entry, or a shape whose element count overflows.
        case invalidShape
        /// `data_offsets` that are not two integers with begin ≤ end, or whose span is not the shape's
        /// element count times the dtype size.
        case offsetsMismatch
        /// A tensor whose bytes run past the end of the file.
        case offsetsOutOfBounds
        /// Two tensors share bytes.
        case overlappingTensors
        /// Bytes of the data region that belong to no tensor (including trailing bytes).
        case holeInData
        /// `__metadata__` is not an object of string values.
        case invalidMetadata
        /// Tensors handed to the writer that cannot be stored (duplicate or reserved names, shape not
        /// matching the values).
        case invalidTensorForWriting
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
    public var errorDescription: String? { message }
}

/// Tensors and string metadata in the safetensors format
/// (https://github.com/huggingface/safetensors): an 8-byte little-endian header length, a JSON header
/// mapping names to dtype, shape and byte offsets (plus optional `__metadata__` strings), then the raw
/// little-endian data, contiguous and without gaps.
///
/// Files written here match Python's `safetensors` layout: tensors sorted by name (byte order; all are
/// F32), stored back to back, and the header padded with spaces to a multiple of 8 bytes. Reading
/// accepts F32, and converts F16, BF16 and F64 to Float (F64 values beyond Float's range become
/// infinities); any other dtype is an error.
public struct SafeTensorsFile: Sendable, Equatable {
    /// Tensors in file order (ascending data offset) when read; any order when writing.
    public var tensors: [(name: String, tensor: Tensor)]
    /// The `__metadata__` strings.
    public var metadata: [String: String]

    /// Python refuses headers above this size; so does this reader, before allocating anything.
    public static let maximumHeaderLength = 100_000_000

    /// The reserved header key holding the metadata strings.
    static let metadataKey = "__metadata__"

    public init(tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// Reads and validates the file at `url`. The file is memory-mapped, so the only copy made is into
    /// the tensors' value arrays.
    /// - Throws: `SafeTensorsError` describing the first problem found.
    public init(contentsOf url: URL) throws {
        // A device or pipe (`--model /dev/zero`) would be read until memory runs out: only regular files,
        // whose size bounds everything the reader allocates, are read.
        var info = stat()
        guard stat(url.path, &info) == 0 else {
            // Said here rather than by Data(contentsOf:), whose failure path leaks a buffer (found by
            // LeakSanitizer) and whose message is longer.
            throw SafeTensorsError(.unreadable, "cannot read the file: \(String(cString: strerror(errno)))")
        }
        if (info.st_mode & S_IFMT) != S_IFREG {
            let kind = (info.st_mode & S_IFMT) == S_IFDIR ? "a directory" : "not a regular file"
            throw SafeTensorsError(.unreadable, "cannot read the file: it is \(kind)")
        }
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw SafeTensorsError(.unreadable, "cannot read the file: \(error.localizedDescription)")
        }
        try self.init(data: data)
    }

    /// Parses and validates a complete safetensors file held in memory.
    /// - Throws: `SafeTensorsError` describing the first problem found.
    public init(data: Data) throws {
        self = try data.withUnsafeBytes { try SafeTensorsReader.read($0) }
    }

    /// The first tensor called `name`.
    public subscript(name: String) -> Tensor? {
        tensors.first { $0.name == name }?.tensor
    }

    /// Equal metadata and the same named tensors in the same order.
    public static func == (lhs: SafeTensorsFile, rhs: SafeTensorsFile) -> Bool {
        lhs.metadata == rhs.metadata
            && lhs.tensors.elementsEqual(rhs.tensors) { $0.name == $1.name && $0.tensor == $1.tensor }
    }

    /// The complete file contents.
    /// - Throws: `SafeTensorsError` (kind `.invalidTensorForWriting`) for duplicate or reserved names or a
    ///   shape that does not match the values.
    public func serialized() throws -> Data {
        let layout = try SafeTensorsLayout(tensors: tensors, metadata: metadata)
        var data = Data()
        data.reserveCapacity(layout.fileSize)
        layout.emit { data.append(contentsOf: $0) }
        return data
    }

    /// Writes the file atomically (temporary file in the same directory, fsync, rename).
    /// - Throws: `SafeTensorsError` for tensors that cannot be stored, `AtomicFileError` for I/O failures.
    public func write(to url: URL) throws {
        let layout = try SafeTensorsLayout(tensors: tensors, metadata: metadata)
        let writer = try AtomicFileWriter(destination: url)
        var failure: (any Error)?
        layout.emit { bytes in
            guard failure == nil else { return }
            do { try writer.write(bytes: bytes) } catch { failure = error }
        }
        if let failure { throw failure }
        try writer.commit()
    }
}

/// Writes `tensors` and `metadata` to `url` as a safetensors file, atomically.
/// See `SafeTensorsFile.write(to:)`.
public func writeSafeTensors(
    tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:], to url: URL
) throws {
    try SafeTensorsFile(tensors: tensors, metadata: metadata).write(to: url)
}

/// Reads and validates the safetensors file at `url`. See `SafeTensorsFile.init(contentsOf:)`.
public func readSafeTensors(from url: URL) throws -> SafeTensorsFile {
    try SafeTensorsFile(contentsOf: url)
}

/// The validated byte layout of a file about to be written.
private struct SafeTensorsLayout {
    let header: [UInt8]
    let orderedTensors: [Tensor]

    var fileSize: Int { 8 + header.count + orderedTensors.reduce(0) { $0 + 4 * $1.values.count } }

    init(tensors: [(name: String, tensor: Tensor)], metadata: [String: String]) throws {
        var names: Set<String> = []
        for (name, tensor) in tensors {
            guard name != SafeTensorsFile.metadataKey else {
                throw SafeTensorsError(
                    .invalidTensorForWriting, "'\(name)' is reserved and cannot name a tensor")
            }
            guard names.insert(name).inserted else {
                throw SafeTensorsError(.invalidTensorForWriting, "two tensors are named '\(name)'")
            }
            // Tensor's fields are public vars, so the shape may have been changed after construction.
            var elementCount = 1
            for extent in tensor.shape {
                let (product, overflow) = elementCount.multipliedReportingOverflow(by: extent)
                guard extent >= 0, !overflow else { elementCount = -1; break }
                elementCount = product
            }
            guard elementCount == tensor.values.count else {
                throw SafeTensorsError(
                    .invalidTensorForWriting,
                    "tensor '\(name)' has shape \(tensor.shape) but \(tensor.values.count) values")
            }
        }
        // Python sorts by dtype alignment, then by name as bytes; every tensor here is F32.
        let sorted = tensors.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }

        var json = HeaderJSONWriter()
        json.append(raw: "{")
        var needsComma = false
        if !metadata.isEmpty {
            // Python's order here follows a hash map; sorted keys keep our files reproducible.
            json.append(string: SafeTensorsFile.metadataKey)
            json.append(raw: ":{")
            let keys = metadata.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (index, key) in keys.enumerated() {
                if index > 0 { json.append(raw: ",") }
                json.append(string: key)
                json.append(raw: ":")
                json.append(string: metadata[key] ?? "")
            }
            json.append(raw: "}")
            needsComma = true
        }
        var offset = 0
        for (name, tensor) in sorted {
            if needsComma { json.append(raw: ",") }
            needsComma = true
            let end = offset + 4 * tensor.values.count
            json.append(string: name)
            json.append(raw: ":{\"dtype\":\"F32\",\"shape\":")
            json.append(integers: tensor.shape)
            json.append(raw: ",\"data_offsets\":")
            json.append(integers: [offset, end])
            json.append(raw: "}")
            offset = end
        }
        json.append(raw: "}")
        var header = json.bytes
        // Padding keeps the data region 8-byte aligned in the file, as Python does.
        header.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8))
        self.header = header
        self.orderedTensors = sorted.map(\.tensor)
    }

    /// Hands the file's bytes to `sink` in order, in a few large pieces.
    func emit(_ sink: (UnsafeRawBufferPointer) -> Void) {
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { sink($0) }
        header.withUnsafeBytes { sink($0) }
        for tensor in orderedTensors {
            #if _endian(little)
                tensor.values.withUnsafeBytes { sink($0) }
            #else
                tensor.values.map { $0.bitPattern.littleEndian }.withUnsafeBytes { sink($0) }
            #endif
        }
    }
}
