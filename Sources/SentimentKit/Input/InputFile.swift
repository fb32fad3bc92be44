#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file (or standard input, or bytes in memory for tests) read in large chunks, so that inputs of any
/// size stream through a bounded buffer, as UTF-8: the encoding is decided from the first block (see
/// `TextEncoding` and `EncodingDetector`), text in any other encoding is decoded block by block with an
/// ICU converter, and a byte order mark is dropped. UTF-8 passes through without conversion.
public final class InputFile {
    /// The name used in messages: the path as given, or "<stdin>".
    public let name: String
    /// The encoding named by the caller, if any (else it is detected).
    public let requestedEncoding: String?
    /// The encoding in use, once the first block has been read (see `decideEncoding()`).
    public private(set) var encoding: TextEncoding?
    /// The converter for an encoding other than UTF-8.
    private var decoder: CharsetDecoder?
    /// Decoded bytes of the first block not yet handed out, and whether the raw input has ended.
    private var pending: [UInt8] = []
    private var rawInputEnded = false
    /// Bytes read for the decision of the encoding (one read(2): a pipe is not waited on).
    static let sampleSize = 64 << 10
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private var memory: [UInt8]?
    private var memoryOffset = 0
    /// Where read(2) puts bytes before they are appended to the caller's buffer (kept between calls).
    private var scratch: [UInt8] = []

    private init(
        name: String, descriptor: Int32, ownsDescriptor: Bool, memory: [UInt8]?, encoding: String? = nil
    ) {
        self.name = name
        self.requestedEncoding = encoding
        self.descriptor = descriptor
        self.ownsDescriptor = ownsDescriptor
        self.memory = memory
    }

    /// Opens `path` for reading; "-" means standard input. `encoding` (any charset name ICU's
    /// converters know) overrides the detection.
    /// - Throws: `InputError.cannotOpen` naming the file and the system's reason;
    ///   `InputError.unknownEncoding` for an encoding ICU does not know.
    public convenience init(path: String, encoding: String? = nil) throws {
        try Self.checkEncoding(encoding, file: path == "-" ? "<stdin>" : path)
        if path == "-" {
            self.init(name: "<stdin>", descriptor: 0, ownsDescriptor: false, memory: nil, encoding: encoding)
            return
        }
        var info = stat()
        if stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
            throw InputError.cannotOpen(file: path, reason: "is a directory")
        }
        let opened = open(path, O_RDONLY | O_CLOEXEC)
        guard opened >= 0 else {
            throw InputError.cannotOpen(file: path, reason: String(cString: strerror(errno)))
        }
        self.init(name: path, descriptor: opened, ownsDescriptor: true, memory: nil, encoding: encoding)
    }

    /// Standard input.
    public static func standardInput() -> InputFile {
        InputFile(name: "<stdin>", descriptor: 0, ownsDescriptor: false, memory: nil)
    }

    /// Bytes in memory, read as if from a file called `name`.
    /// - Throws: `InputError.unknownEncoding` for an encoding ICU does not know.
    public convenience init(bytes: [UInt8], name: String, encoding: String? = nil) throws {
        try Self.checkEncoding(encoding, file: name)
        self.init(name: name, descriptor: -1, ownsDescriptor: false, memory: bytes, encoding: encoding)
    }

    /// Bytes in memory in UTF-8 (or with their encoding detected), read as if from a file called `name`.
    public convenience init(bytes: [UInt8], name: String) {
        self.init(name: name, descriptor: -1, ownsDescriptor: false, memory: bytes)
    }

    /// Throws `InputError.unknownEncoding` unless ICU has a converter for `encoding` (nil: detection).
    public static func checkEncoding(_ encoding: String?, file: String) throws {
        if let encoding, CharsetDecoder(charset: encoding) == nil {
            throw InputError.unknownEncoding(file: file, name: encoding)
        }
    }

    deinit {
        if ownsDescriptor { close(descriptor) }
    }

    /// The encoding of the input, reading its first block if that has not been done yet (from a pipe
    /// or terminal, whatever one read returns).
    /// - Throws: `InputError.readFailed` when the system reports an error.
    @discardableResult
    public func decideEncoding() throws -> TextEncoding {
        if let encoding { return encoding }
        var sample: [UInt8] = []
        if try readRaw(into: &sample, maximumCount: Self.sampleSize) == 0 { rawInputEnded = true }
        let decided: TextEncoding
        var body = sample[...]
        if let requestedEncoding {
            decided = TextEncoding(name: requestedEncoding, source: .requested)
        } else if let mark = sample.withUnsafeBytes({ EncodingDetector.byteOrderMark($0) }) {
            decided = TextEncoding(name: mark.name, source: .byteOrderMark)
            body = sample.dropFirst(mark.length)
        } else {
            decided = sample.withUnsafeBytes { EncodingDetector.decide(sample: $0) }
        }
        if !decided.isUTF8 {
            // The name was checked at opening or comes from ICU itself, so the converter opens.
            guard let converter = CharsetDecoder(charset: decided.name) else {
                throw InputError.unknownEncoding(file: name, name: decided.name)
            }
            decoder = converter
            body.withUnsafeBytes { converter.decode($0, isLast: rawInputEnded, into: &pending) }
        } else {
            pending = Array(body)
        }
        // A byte order mark the decoder kept (e.g. --encoding UTF-16LE on a file that has one).
        if pending.starts(with: [0xEF, 0xBB, 0xBF]) { pending.removeFirst(3) }
        encoding = decided
        return decided
    }

    /// A line for standard error about the encoding when it is not plain UTF-8 and was not asked for
    /// (`name: read as windows-1252 (a guess: …); --encoding NAME reads it otherwise`); nil otherwise.
    public var encodingNote: String? {
        guard let encoding, !encoding.isUTF8, encoding.source != .requested else { return nil }
        return "\(name): not UTF-8: read as \(encoding); --encoding NAME reads it as another encoding"
    }

    /// Appends up to `maximumCount` bytes of UTF-8 to `buffer` (a decoded block may give more); returns
    /// how many (0 at the end of the input).
    /// - Throws: `InputError.readFailed` when the system reports an error.
    public func read(into buffer: inout [UInt8], maximumCount: Int) throws -> Int {
        if encoding == nil { try decideEncoding() }
        if !pending.isEmpty {
            let count = pending.count
            buffer.append(contentsOf: pending)
            pending = []
            return count
        }
        if rawInputEnded { return 0 }
        guard let decoder else {
            let count = try readRaw(into: &buffer, maximumCount: maximumCount)
            if count == 0 { rawInputEnded = true }
            return count
        }
        let start = buffer.count
        // A read may end inside a character, which gives no output yet: read on until some comes.
        while buffer.count == start && !rawInputEnded {
            var raw: [UInt8] = []
            let count = try readRaw(into: &raw, maximumCount: maximumCount)
            if count == 0 { rawInputEnded = true }
            raw.withUnsafeBytes { decoder.decode($0, isLast: count == 0, into: &buffer) }
        }
        return buffer.count - start
    }

    /// Appends up to `maximumCount` bytes as they are in the input; returns how many (0 at its end).
    private func readRaw(into buffer: inout [UInt8], maximumCount: Int) throws -> Int {
        if let memory {
            let count = min(maximumCount, memory.count - memoryOffset)
            buffer.append(contentsOf: memory[memoryOffset..<memoryOffset + count])
            memoryOffset += count
            return count
        }
        if scratch.count < maximumCount { scratch = [UInt8](repeating: 0, count: maximumCount) }
        var received = 0
        repeat {
            received = scratch.withUnsafeMutableBytes {
                systemRead(descriptor, $0.baseAddress!, maximumCount)
            }
        } while received < 0 && errno == EINTR
        guard received >= 0 else {
            throw InputError.readFailed(file: name, reason: String(cString: strerror(errno)))
        }
        buffer.append(contentsOf: scratch[0..<received])
        return received
    }
}

/// read(2), named apart from `InputFile.read`.
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
