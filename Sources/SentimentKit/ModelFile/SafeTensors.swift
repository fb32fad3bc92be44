#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation
import Embedding
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
        /// A dtype other than F32, F16, BF16, F64, I32 and I64.
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
        /// matching the values, a dtype the writer does not store or one the values do not fit).
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
/// Files written here match Python's `safetensors` layout: tensors stored back to back in its order
/// (by dtype, widest first, then by name as bytes), the header's entries sorted by name and padded with
/// spaces to a multiple of 8 bytes. Reading converts F32, F16, BF16 and F64 to Float (F64 values beyond
/// Float's range become infinities) and reads I32 and I64 exactly; any other dtype is an error.
public struct SafeTensorsFile: Sendable, Equatable {
    /// Floating-point tensors, in file order (ascending data offset) when read; any order when writing.
    public var tensors: [(name: String, tensor: Tensor)]
    /// Integer tensors, likewise.
    public var integerTensors: [(name: String, tensor: IntegerTensor)]
    /// The `__metadata__` strings.
    public var metadata: [String: String]
    /// A float32 or float16 tensor read in place (from a mapped file) rather than copied.
    public struct BorrowedTensor: Sendable {
        public var shape: [Int]
        public var values: ReadOnlyValues
    }

    /// Float32 and float16 tensors read in place (see `init(contentsOf:borrowing:)`), by name; they are
    /// not in `tensors`. Empty unless asked for.
    public var borrowed: [String: BorrowedTensor] = [:]

    /// Each tensor's dtype in the file, as read; when writing, how a tensor is stored (see
    /// `dtype(of:)` for the default). The writer stores F32 and F16 floating-point tensors and I32 and
    /// I64 integer ones, and refuses a value its dtype cannot hold (a float beyond float16's ±65504, an
    /// integer beyond I32's range) naming the tensor.
    public var dtypes: [String: SafeTensorsDType]

    /// Python refuses headers above this size; so does this reader, before allocating anything.
    public static let maximumHeaderLength = 100_000_000

    /// The reserved header key holding the metadata strings.
    static let metadataKey = "__metadata__"

    public init(
        tensors: [(name: String, tensor: Tensor)],
        integerTensors: [(name: String, tensor: IntegerTensor)] = [],
        metadata: [String: String] = [:], dtypes: [String: SafeTensorsDType] = [:]
    ) {
        self.tensors = tensors
        self.integerTensors = integerTensors
        self.metadata = metadata
        self.dtypes = dtypes
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

    /// Reads and validates the file at `url` as `init(contentsOf:)` does, except that the float32 and
    /// float16 tensors named in `names` are not copied: they are read where the file is mapped, which stays
    /// mapped while they are referenced (`borrowed`). Loading a large embedding this way costs no
    /// allocation; the file must not be rewritten in place while they are in use (see `MappedFile`).
    /// - Throws: `SafeTensorsError` describing the first problem found.
    public init(contentsOf url: URL, borrowing names: Set<String>) throws {
        let mapped = try MappedFile(path: url.path)
        self = try SafeTensorsReader.read(mapped.bytes, borrowing: names, owner: mapped)
    }

    /// Parses and validates a complete safetensors file held in memory.
    /// - Throws: `SafeTensorsError` describing the first problem found.
    public init(data: Data) throws {
        self = try data.withUnsafeBytes { try SafeTensorsReader.read($0) }
    }

    /// The `__metadata__` strings of the safetensors bytes `data` alone, without reading or checking
    /// the tensors; nil when the header itself cannot be read.
    public static func headerMetadata(of data: Data) -> [String: String]? {
        data.withUnsafeBytes { SafeTensorsReader.metadata($0) }
    }

    /// The first floating-point tensor called `name`.
    public subscript(name: String) -> Tensor? {
        tensors.first { $0.name == name }?.tensor
    }

    /// The first integer tensor called `name`.
    public func integerTensor(named name: String) -> IntegerTensor? {
        integerTensors.first { $0.name == name }?.tensor
    }

    /// The dtype of the tensor called `name`: `dtypes[name]`, else F32 for a floating-point tensor and
    /// I32 for an integer one; nil when there is no such tensor.
    public func dtype(of name: String) -> SafeTensorsDType? {
        if let dtype = dtypes[name] { return dtype }
        if self[name] != nil { return .f32 }
        return integerTensor(named: name) != nil ? .i32 : nil
    }

    /// Equal metadata and the same named tensors in the same order, stored with the same dtypes.
    public static func == (lhs: SafeTensorsFile, rhs: SafeTensorsFile) -> Bool {
        lhs.metadata == rhs.metadata
            && lhs.borrowed.keys.sorted() == rhs.borrowed.keys.sorted()
            && lhs.borrowed.allSatisfy { name, tensor in
                rhs.borrowed[name].map { $0.shape == tensor.shape && $0.values.array == tensor.values.array } ?? false
            }
            && lhs.tensors.elementsEqual(rhs.tensors) {
                $0.name == $1.name && $0.tensor == $1.tensor
                    && lhs.dtype(of: $0.name) == rhs.dtype(of: $1.name)
            }
            && lhs.integerTensors.elementsEqual(rhs.integerTensors) {
                $0.name == $1.name && $0.tensor == $1.tensor
                    && lhs.dtype(of: $0.name) == rhs.dtype(of: $1.name)
            }
    }

    /// The complete file contents.
    /// - Throws: `SafeTensorsError` (kind `.invalidTensorForWriting`) for duplicate or reserved names, a
    ///   shape that does not match the values, or a dtype the writer does not store or the values do not
    ///   fit.
    public func serialized() throws -> Data {
        let layout = try SafeTensorsLayout(self)
        var data = Data()
        data.reserveCapacity(layout.fileSize)
        layout.emit { data.append(contentsOf: $0) }
        return data
    }

    /// Writes the file atomically (temporary file in the same directory, fsync, rename).
    /// - Throws: `SafeTensorsError` for tensors that cannot be stored, `AtomicFileError` for I/O failures.
    public func write(to url: URL) throws {
        let layout = try SafeTensorsLayout(self)
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
