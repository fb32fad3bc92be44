#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file (or standard input, or bytes in memory for tests) read in large chunks, so that inputs of any
/// size stream through a bounded buffer.
public final class InputFile {
    /// The name used in messages: the path as given, or "<stdin>".
    public let name: String
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private var memory: [UInt8]?
    private var memoryOffset = 0
    /// Where read(2) puts bytes before they are appended to the caller's buffer (kept between calls).
    private var scratch: [UInt8] = []

    private init(name: String, descriptor: Int32, ownsDescriptor: Bool, memory: [UInt8]?) {
        self.name = name
        self.descriptor = descriptor
        self.ownsDescriptor = ownsDescriptor
        self.memory = memory
    }

    /// Opens `path` for reading; "-" means standard input.
    /// - Throws: `InputError.cannotOpen` naming the file and the system's reason.
    public convenience init(path: String) throws {
        if path == "-" {
            self.init(name: "<stdin>", descriptor: 0, ownsDescriptor: false, memory: nil)
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
        self.init(name: path, descriptor: opened, ownsDescriptor: true, memory: nil)
    }

    /// Standard input.
    public static func standardInput() -> InputFile {
        InputFile(name: "<stdin>", descriptor: 0, ownsDescriptor: false, memory: nil)
    }

    /// Bytes in memory, read as if from a file called `name`.
    public convenience init(bytes: [UInt8], name: String) {
        self.init(name: name, descriptor: -1, ownsDescriptor: false, memory: bytes)
    }

    deinit {
        if ownsDescriptor { close(descriptor) }
    }

    /// Appends up to `maximumCount` bytes to `buffer`; returns how many (0 at the end of the input).
    /// - Throws: `InputError.readFailed` when the system reports an error.
    public func read(into buffer: inout [UInt8], maximumCount: Int) throws -> Int {
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
