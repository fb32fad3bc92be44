import Embedding
import GRUClassifier

/// Parses and validates safetensors bytes. All arithmetic on values taken from the file is checked, and
/// every tensor is validated before any value is copied.
enum SafeTensorsReader {
    /// One tensor entry of the header, validated on its own.
    struct Entry {
        let name: String
        let dtype: SafeTensorsDType
        let shape: [Int]
        let elementCount: Int
        let begin: Int
        let end: Int
    }

    /// The tensors of `file`. Float32 and float16 tensors named in `borrowing` whose bytes lie aligned
    /// are not copied but read in place (`SafeTensorsFile.borrowed`), for as long as `owner` keeps `file`
    /// mapped.
    static func read(_ file: UnsafeRawBufferPointer, borrowing: Set<String> = [], owner: AnyObject? = nil)
        throws -> SafeTensorsFile
    {
        let (members, headerLength) = try parseHeader(file)
        var metadata: [String: String] = [:]
        var entries: [Entry] = []
        for (key, value) in members {
            if key == SafeTensorsFile.metadataKey {
                metadata = try parseMetadata(value)
            } else {
                entries.append(try parseEntry(name: key, value))
            }
        }

        let dataRegion = UnsafeRawBufferPointer(rebasing: file[(8 + headerLength)...])
        let ordered = try checkCoverage(entries, dataSize: dataRegion.count)

        var tensors: [(name: String, tensor: Tensor)] = []
        var integerTensors: [(name: String, tensor: IntegerTensor)] = []
        var borrowed: [String: SafeTensorsFile.BorrowedTensor] = [:]
        var dtypes: [String: SafeTensorsDType] = [:]
        tensors.reserveCapacity(ordered.count)
        for entry in ordered {
            let bytes = UnsafeRawBufferPointer(rebasing: dataRegion[entry.begin..<entry.end])
            dtypes[entry.name] = entry.dtype
            if let owner, borrowing.contains(entry.name),
                let values = borrowable(bytes, dtype: entry.dtype, count: entry.elementCount, owner: owner)
            {
                borrowed[entry.name] = SafeTensorsFile.BorrowedTensor(shape: entry.shape, values: values)
            } else if entry.dtype.isInteger {
                let values = decodeIntegers(bytes, dtype: entry.dtype, count: entry.elementCount)
                integerTensors.append((entry.name, IntegerTensor(shape: entry.shape, values: values)))
            } else {
                let values = decode(bytes, dtype: entry.dtype, count: entry.elementCount)
                tensors.append((entry.name, Tensor(shape: entry.shape, values: values)))
            }
        }
        var file = SafeTensorsFile(
            tensors: tensors, integerTensors: integerTensors, metadata: metadata, dtypes: dtypes)
        file.borrowed = borrowed
        return file
    }

    /// Float32 or float16 bytes as values in place: on a little-endian machine, when they are aligned
    /// (they are in a mapped file, whose wider tensors come first, as every writer orders them); nil
    /// for other dtypes.
    private static func borrowable(
        _ bytes: UnsafeRawBufferPointer, dtype: SafeTensorsDType, count: Int, owner: AnyObject
    ) -> ReadOnlyValues? {
        #if _endian(little)
            guard let base = bytes.baseAddress else { return nil }
            switch dtype {
            case .f32 where Int(bitPattern: base) % MemoryLayout<Float>.alignment == 0:
                return ReadOnlyValues(float32: base.assumingMemoryBound(to: Float.self), count: count, owner: owner)
            case .f16 where Int(bitPattern: base) % MemoryLayout<UInt16>.alignment == 0:
                return ReadOnlyValues(float16: base.assumingMemoryBound(to: UInt16.self), count: count, owner: owner)
            default:
                return nil
            }
        #else
            return nil
        #endif
    }

    /// The header's members, after checking its length, encoding and JSON, and its length in bytes.
    private static func parseHeader(_ file: UnsafeRawBufferPointer) throws -> (
        members: [(key: String, value: HeaderJSON)], length: Int
    ) {
        guard file.count >= 8 else {
            throw SafeTensorsError(
                .fileTooShort,
                "file is \(file.count) bytes, shorter than the 8-byte header length of a safetensors file")
        }
        let declaredLength = UInt64(littleEndian: file.loadUnaligned(as: UInt64.self))
        let available = file.count - 8
        guard declaredLength <= UInt64(SafeTensorsFile.maximumHeaderLength) else {
            throw SafeTensorsError(
                .headerLengthOutOfRange,
                "header length \(declaredLength) is over the limit of \(SafeTensorsFile.maximumHeaderLength) bytes"
                    + " (not a safetensors file?)")
        }
        let headerLength = Int(declaredLength)
        guard headerLength <= available else {
            throw SafeTensorsError(
                .headerLengthOutOfRange,
                "header length \(headerLength) runs past the end of the file (\(available) bytes follow the"
                    + " length field; truncated file?)")
        }
        let headerBytes = Array(file[8..<8 + headerLength])
        guard String(validating: headerBytes, as: UTF8.self) != nil else {
            throw SafeTensorsError(.headerNotUTF8, "header is not valid UTF-8")
        }
        let json: HeaderJSON
        do {
            json = try HeaderJSONParser.parse(headerBytes)
        } catch {
            throw SafeTensorsError(
                .headerNotJSON, "header is not valid JSON: \(error.message) at header byte \(error.offset)")
        }
        guard case .object(let members) = json else {
            throw SafeTensorsError(.headerNotObject, "header is \(json.kindName), not a JSON object")
        }
        return (members, headerLength)
    }

    /// The `__metadata__` strings alone, without reading the tensors; nil when the header itself cannot
    /// be read. For a message about a file whose tensors the reader refused.
    static func metadata(_ file: UnsafeRawBufferPointer) -> [String: String]? {
        guard let (members, _) = try? parseHeader(file) else { return nil }
        guard let value = members.first(where: { $0.key == SafeTensorsFile.metadataKey })?.value else {
            return [:]
        }
        return try? parseMetadata(value)
    }

    private static func parseMetadata(_ value: HeaderJSON) throws -> [String: String] {
        guard case .object(let members) = value else {
            throw SafeTensorsError(
                .invalidMetadata,
                "\(SafeTensorsFile.metadataKey) is \(value.kindName), not an object of strings")
        }
        var metadata: [String: String] = [:]
        for (key, value) in members {
            guard case .string(let text) = value else {
                throw SafeTensorsError(
                    .invalidMetadata,
                    "\(SafeTensorsFile.metadataKey) value for '\(key)' is \(value.kindName), not a string")
            }
            metadata[key] = text
        }
        return metadata
    }

    private static func parseEntry(name: String, _ value: HeaderJSON) throws -> Entry {
        func entryError(_ problem: String) -> SafeTensorsError {
            SafeTensorsError(.invalidTensorEntry, "tensor '\(name)': \(problem)")
        }
        guard case .object(let fields) = value else {
            throw entryError("entry is \(value.kindName), not an object")
        }
        var dtypeValue: HeaderJSON?
        var shapeValue: HeaderJSON?
        var offsetsValue: HeaderJSON?
        for (field, fieldValue) in fields {
            switch field {
            case "dtype": dtypeValue = fieldValue
            case "shape": shapeValue = fieldValue
            case "data_offsets": offsetsValue = fieldValue
            default: throw entryError("unexpected key '\(field)'")
            }
        }
        guard let dtypeValue, let shapeValue, let offsetsValue else {
            let missing = [("dtype", dtypeValue), ("shape", shapeValue), ("data_offsets", offsetsValue)]
                .filter { $0.1 == nil }.map { $0.0 }
            throw entryError("missing \(missing.joined(separator: ", "))")
        }

        guard case .string(let dtypeName) = dtypeValue else {
            throw entryError("dtype is \(dtypeValue.kindName), not a string")
        }
        guard let dtype = SafeTensorsDType(rawValue: dtypeName) else {
            let supported = SafeTensorsDType.allCases.map(\.rawValue).joined(separator: ", ")
            throw SafeTensorsError(
                .unsupportedDtype,
                "tensor '\(name)': dtype '\(dtypeName)' is not supported (only \(supported))")
        }

        guard case .array(let extents) = shapeValue else {
            throw entryError("shape is \(shapeValue.kindName), not an array")
        }
        var shape: [Int] = []
        var elementCount = 1
        for extentValue in extents {
            guard let extent = extentValue.integer, extent >= 0 else {
                let found: String
                if case .number(let text) = extentValue { found = text } else { found = extentValue.kindName }
                throw SafeTensorsError(
                    .invalidShape, "tensor '\(name)': shape entry \(found) is not a non-negative integer")
            }
            let (product, overflow) = elementCount.multipliedReportingOverflow(by: extent)
            guard !overflow else {
                throw SafeTensorsError(
                    .invalidShape, "tensor '\(name)': shape \(shape + [extent]) has too many elements")
            }
            shape.append(extent)
            elementCount = product
        }
        let (byteCount, byteOverflow) = elementCount.multipliedReportingOverflow(by: dtype.byteSize)
        guard !byteOverflow else {
            throw SafeTensorsError(.invalidShape, "tensor '\(name)': shape \(shape) has too many elements")
        }

        guard case .array(let offsets) = offsetsValue, offsets.count == 2,
            let begin = offsets[0].integer, let end = offsets[1].integer, begin >= 0, begin <= end
        else {
            throw SafeTensorsError(
                .offsetsMismatch, "tensor '\(name)': data_offsets must be [begin, end] with 0 ≤ begin ≤ end")
        }
        // begin ≤ end and both are non-negative, so the difference cannot overflow.
        guard end - begin == byteCount else {
            throw SafeTensorsError(
                .offsetsMismatch,
                "tensor '\(name)': data_offsets [\(begin), \(end)] span \(end - begin) bytes, but shape \(shape)"
                    + " of \(dtype.rawValue) needs \(byteCount)")
        }
        return Entry(
            name: name, dtype: dtype, shape: shape, elementCount: elementCount, begin: begin, end: end)
    }

    /// The spec requires tensors to tile the data region exactly: no byte outside a tensor, none in two.
    /// Returns the entries in file order.
    private static func checkCoverage(_ entries: [Entry], dataSize: Int) throws -> [Entry] {
        for entry in entries where entry.end > dataSize {
            throw SafeTensorsError(
                .offsetsOutOfBounds,
                "tensor '\(entry.name)': data_offsets [\(entry.begin), \(entry.end)] run past the end of the"
                    + " \(dataSize)-byte data region (truncated file?)")
        }
        let ordered = entries.sorted { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var covered = 0
        var previous: Entry?
        for entry in ordered {
            if entry.begin < covered, let previous {
                throw SafeTensorsError(
                    .overlappingTensors,
                    "tensors '\(previous.name)' [\(previous.begin), \(previous.end)] and '\(entry.name)'"
                        + " [\(entry.begin), \(entry.end)] overlap")
            }
            if entry.begin > covered {
                throw SafeTensorsError(
                    .holeInData,
                    "data bytes \(covered)..<\(entry.begin) belong to no tensor (before '\(entry.name)')")
            }
            covered = entry.end
            previous = entry
        }
        if covered != dataSize {
            throw SafeTensorsError(
                .holeInData, "data bytes \(covered)..<\(dataSize) at the end of the file belong to no tensor")
        }
        return ordered
    }

    /// Copies little-endian floating-point elements into Floats. `bytes.count` is
    /// `count × dtype.byteSize` (validated).
    private static func decode(_ bytes: UnsafeRawBufferPointer, dtype: SafeTensorsDType, count: Int)
        -> [Float]
    {
        [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            switch dtype {
            case .f32:
                #if _endian(little)
                    if let source = bytes.baseAddress, let target = buffer.baseAddress {
                        UnsafeMutableRawPointer(target).copyMemory(from: source, byteCount: count * 4)
                    }
                #else
                    for index in 0..<count {
                        let bits = bytes.loadUnaligned(fromByteOffset: 4 * index, as: UInt32.self)
                        buffer[index] = Float(bitPattern: UInt32(littleEndian: bits))
                    }
                #endif
            case .f16:
                #if _endian(little)
                    // A mapped file's tensors are aligned: read them as UInt16s, a loop that vectorises.
                    if let base = bytes.baseAddress, Int(bitPattern: base) % 2 == 0 {
                        let halves = base.assumingMemoryBound(to: UInt16.self)
                        for index in 0..<count {
                            buffer[index] = HalfPrecision.float(fromBits: halves[index])
                        }
                        break
                    }
                #endif
                for index in 0..<count {
                    let bits = bytes.loadUnaligned(fromByteOffset: 2 * index, as: UInt16.self)
                    buffer[index] = HalfPrecision.float(fromBits: UInt16(littleEndian: bits))
                }
            case .bf16:
                for index in 0..<count {
                    let bits = bytes.loadUnaligned(fromByteOffset: 2 * index, as: UInt16.self)
                    buffer[index] = Float(bitPattern: UInt32(UInt16(littleEndian: bits)) << 16)
                }
            case .f64:
                for index in 0..<count {
                    let bits = bytes.loadUnaligned(fromByteOffset: 8 * index, as: UInt64.self)
                    buffer[index] = Float(Double(bitPattern: UInt64(littleEndian: bits)))
                }
            case .i32, .i64:
                preconditionFailure("integer tensors are read by decodeIntegers")
            }
            initialized = count
        }
    }

    /// Copies little-endian integer elements into Int64s. `bytes.count` is `count × dtype.byteSize`.
    private static func decodeIntegers(_ bytes: UnsafeRawBufferPointer, dtype: SafeTensorsDType, count: Int)
        -> [Int64]
    {
        [Int64](unsafeUninitializedCapacity: count) { buffer, initialized in
            for index in 0..<count {
                buffer[index] =
                    dtype == .i32
                    ? Int64(
                        Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * index, as: Int32.self)))
                    : Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8 * index, as: Int64.self))
            }
            initialized = count
        }
    }
}
