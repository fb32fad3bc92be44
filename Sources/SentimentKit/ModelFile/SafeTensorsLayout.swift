import Embedding
import GRUClassifier

/// The validated byte layout of a safetensors file about to be written: every name, shape, dtype and
/// value checked before the first byte goes out, the tensors in Python's order.
struct SafeTensorsLayout {
    /// One tensor's values and how they are stored.
    private struct Slot {
        enum Values {
            case floats([Float])
            case integers([Int64])
        }
        let name: String
        let dtype: SafeTensorsDType
        let shape: [Int]
        let values: Values

        var byteCount: Int {
            switch values {
            case .floats(let floats): floats.count * dtype.byteSize
            case .integers(let integers): integers.count * dtype.byteSize
            }
        }
    }

    let header: [UInt8]
    /// The tensors in data order.
    private let slots: [Slot]

    var fileSize: Int { 8 + header.count + slots.reduce(0) { $0 + $1.byteCount } }

    init(_ file: SafeTensorsFile) throws {
        var names: Set<String> = []
        func checkName(_ name: String, shape: [Int], count: Int) throws {
            guard name != SafeTensorsFile.metadataKey else {
                throw SafeTensorsError(
                    .invalidTensorForWriting, "'\(name)' is reserved and cannot name a tensor")
            }
            guard names.insert(name).inserted else {
                throw SafeTensorsError(.invalidTensorForWriting, "two tensors are named '\(name)'")
            }
            // Tensor's fields are public vars, so the shape may have been changed after construction.
            var elementCount = 1
            for extent in shape {
                let (product, overflow) = elementCount.multipliedReportingOverflow(by: extent)
                guard extent >= 0, !overflow else { elementCount = -1; break }
                elementCount = product
            }
            guard elementCount == count else {
                throw SafeTensorsError(
                    .invalidTensorForWriting, "tensor '\(name)' has shape \(shape) but \(count) values")
            }
        }
        var slots: [Slot] = []
        for (name, tensor) in file.tensors {
            try checkName(name, shape: tensor.shape, count: tensor.values.count)
            let dtype = file.dtypes[name] ?? .f32
            guard !dtype.isInteger, dtype.isWritable else {
                throw Self.unwritable(name, dtype, "F32 or F16 for floating-point values")
            }
            if dtype == .f16 { try Self.refuseBeyondHalfRange(tensor.values, named: name) }
            slots.append(Slot(name: name, dtype: dtype, shape: tensor.shape, values: .floats(tensor.values)))
        }
        for (name, tensor) in file.integerTensors {
            try checkName(name, shape: tensor.shape, count: tensor.values.count)
            let dtype = file.dtypes[name] ?? .i32
            guard dtype.isInteger else { throw Self.unwritable(name, dtype, "I32 or I64 for integers") }
            if dtype == .i32, let index = tensor.values.firstIndex(where: { Int32(exactly: $0) == nil }) {
                throw SafeTensorsError(
                    .invalidTensorForWriting,
                    "tensor '\(name)' holds \(tensor.values[index]) (element \(index)), beyond I32's range")
            }
            slots.append(
                Slot(name: name, dtype: dtype, shape: tensor.shape, values: .integers(tensor.values)))
        }
        // Python's order: widest dtype first (so every tensor starts aligned to its element size, the
        // header being padded to 8 bytes), then by name as bytes.
        slots.sort {
            $0.dtype.pythonOrder != $1.dtype.pythonOrder
                ? $0.dtype.pythonOrder > $1.dtype.pythonOrder
                : $0.name.utf8.lexicographicallyPrecedes($1.name.utf8)
        }

        var json = HeaderJSONWriter()
        json.append(raw: "{")
        var needsComma = false
        if !file.metadata.isEmpty {
            // Python's order here follows a hash map; sorted keys keep our files reproducible.
            json.append(string: SafeTensorsFile.metadataKey)
            json.append(raw: ":{")
            let keys = file.metadata.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (index, key) in keys.enumerated() {
                if index > 0 { json.append(raw: ",") }
                json.append(string: key)
                json.append(raw: ":")
                json.append(string: file.metadata[key] ?? "")
            }
            json.append(raw: "}")
            needsComma = true
        }
        // Entries in data order, as Python writes them.
        var offset = 0
        for slot in slots {
            if needsComma { json.append(raw: ",") }
            needsComma = true
            let end = offset + slot.byteCount
            json.append(string: slot.name)
            json.append(raw: ":{\"dtype\":\"\(slot.dtype.rawValue)\",\"shape\":")
            json.append(integers: slot.shape)
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
        self.slots = slots
    }

    private static func unwritable(_ name: String, _ dtype: SafeTensorsDType, _ accepted: String)
        -> SafeTensorsError
    {
        SafeTensorsError(
            .invalidTensorForWriting, "tensor '\(name)' cannot be written as \(dtype.rawValue) (\(accepted))")
    }

    /// Throws for a finite value float16 cannot hold, naming the tensor: rounding it to an infinity
    /// would write a different model. (NaN and infinities are stored as such.)
    private static func refuseBeyondHalfRange(_ values: [Float], named name: String) throws {
        let limit = HalfPrecision.largestFinite
        func beyond(_ value: Float) -> Bool { value.isFinite && abs(value) > limit }
        guard let index = values.firstIndex(where: beyond) else { return }
        let count = values.reduce(0) { beyond($1) ? $0 + 1 : $0 }
        throw SafeTensorsError(
            .invalidTensorForWriting,
            "tensor '\(name)' holds \(count) value\(count == 1 ? "" : "s") beyond float16's range of ±65504"
                + " (the first, at element \(index), is \(values[index]))")
    }

    /// Hands the file's bytes to `sink` in order, in pieces of at most a few hundred kilobytes beyond
    /// the float32 tensors (which go out whole).
    func emit(_ sink: (UnsafeRawBufferPointer) -> Void) {
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { sink($0) }
        header.withUnsafeBytes { sink($0) }
        for slot in slots {
            switch (slot.values, slot.dtype) {
            case (.floats(let floats), .f32):
                #if _endian(little)
                    floats.withUnsafeBytes { sink($0) }
                #else
                    Self.emit(floats, sink) { $0.bitPattern.littleEndian }
                #endif
            case (.floats(let floats), _):
                Self.emit(floats, sink) { HalfPrecision.bits(from: $0).littleEndian }
            case (.integers(let integers), .i32):
                Self.emit(integers, sink) { Int32(truncatingIfNeeded: $0).littleEndian }
            case (.integers(let integers), _):
                Self.emit(integers, sink) { $0.littleEndian }
            }
        }
    }

    /// Converts `values` chunk by chunk and hands each converted chunk to `sink`.
    private static func emit<Value, Stored>(
        _ values: [Value], _ sink: (UnsafeRawBufferPointer) -> Void, _ convert: (Value) -> Stored
    ) {
        let chunk = 1 << 16
        var buffer: [Stored] = []
        buffer.reserveCapacity(min(chunk, values.count))
        for start in stride(from: 0, to: values.count, by: chunk) {
            buffer.removeAll(keepingCapacity: true)
            for value in values[start..<min(start + chunk, values.count)] { buffer.append(convert(value)) }
            buffer.withUnsafeBytes { sink($0) }
        }
    }
}
