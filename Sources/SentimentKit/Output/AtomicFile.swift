import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why an atomic write failed. The description names the path first and then the step and the
/// operating-system reason (`out.tsv: cannot write: No space left on device`), so a command-line tool can
/// print it as is.
public struct AtomicFileError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// The step that failed.
    public enum Operation: String, Sendable, Equatable {
        case createTemporaryFile = "cannot create a temporary file beside it"
        case write = "cannot write"
        case sync = "cannot flush to disk"
        case close = "cannot close the temporary file"
        case rename = "cannot replace it"
        case notOpen = "the writer is no longer open"
    }

    /// The step that failed.
    public let operation: Operation
    /// The destination the caller asked for (not the temporary file).
    public let path: String
    /// The `errno` value reported by the system, or 0 when the failure is a misuse of the writer.
    public let errorNumber: Int32
    /// What the error number means here, found when the error happened (the state of the directory).
    private let hint: String?

    init(operation: Operation, path: String, errorNumber: Int32) {
        self.operation = operation
        self.path = path
        self.errorNumber = errorNumber
        hint = Self.hint(operation: operation, path: path, errorNumber: errorNumber)
    }

    public var description: String { "\(path): \(reason)" }

    /// The description without the path: the step, the system's reason and what it means here.
    public var reason: String {
        var message = operation.rawValue
        if errorNumber != 0 {
            message += ": " + String(cString: strerror(errorNumber))
        } else if operation == .notOpen {
            message += " (it was already committed, aborted or failed)"
        }
        if let hint { message += " (\(hint))" }
        return message
    }

    public var errorDescription: String? { description }

    /// Why the system's answer is what it is, when it is not plain from `strerror`.
    private static func hint(operation: Operation, path: String, errorNumber: Int32) -> String? {
        let directory = Self.directory(of: path)
        var info = stat()
        let directoryExists = stat(directory, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
        switch errorNumber {
        case ENOENT, ENOTDIR:
            // Creating a file in /proc or /sys fails with ENOENT although the directory exists.
            return directoryExists
                ? "the directory '\(directory)' exists but does not accept new files"
                : "the directory '\(directory)' does not exist"
        case EACCES, EPERM: return "the directory '\(directory)' is not writable"
        case EISDIR: return "the destination is a directory"
        default: return nil
        }
    }

    static func directory(of path: String) -> String {
        let directory = (path as NSString).deletingLastPathComponent
        return directory.isEmpty ? "." : directory
    }
}

/// Writes a file so that readers see either the old contents or the complete new contents, never a
/// partial file: bytes go to a uniquely named temporary file in the destination's directory (so the final
/// rename stays on one filesystem), which is flushed to disk and then renamed over the destination.
///
/// Writes are buffered (64 KiB by default) to keep system calls few when many small pieces are written,
/// e.g. one line per scored document. If the writer is aborted, fails, or is released without `commit()`,
/// the temporary file is removed and the destination is left untouched.
///
/// The new file gets the usual permissions for a newly created file (0666 minus the umask); an existing
/// destination's permissions are not carried over, and a symbolic link at the destination is replaced by
/// the file rather than followed.
public final class AtomicFileWriter {
    /// Where the contents end up on `commit()`.
    public let destination: URL

    private enum State { case open, committed, closed }

    private var state: State = .open
    private var fileDescriptor: Int32
    private let temporaryPath: String
    /// Allocated once; `bufferedCount` bytes of it are pending.
    private let buffer: UnsafeMutableRawBufferPointer
    private var bufferedCount = 0

    /// Creates the temporary file next to `destination`.
    /// - Throws: `AtomicFileError` when the directory is missing or not writable.
    public init(destination: URL, bufferCapacity: Int = 64 * 1024) throws {
        self.destination = destination
        let path = destination.path
        let directory = AtomicFileError.directory(of: path)
        let baseName = (path as NSString).lastPathComponent
        var descriptor: Int32 = -1
        var candidate = ""
        // A random suffix plus O_EXCL makes the name unique even with concurrent writers; retry a few
        // times on the (unlikely) clash.
        for _ in 0..<16 {
            let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 16)
            candidate = directory + "/." + baseName + ".tmp-" + suffix
            descriptor = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if descriptor >= 0 || errno != EEXIST { break }
        }
        guard descriptor >= 0 else {
            throw AtomicFileError(operation: .createTemporaryFile, path: path, errorNumber: errno)
        }
        fileDescriptor = descriptor
        temporaryPath = candidate
        PendingTemporaryFiles.shared.insert(candidate)
        buffer = .allocate(byteCount: max(1, bufferCapacity), alignment: 16)
    }

    deinit {
        abort()
        buffer.deallocate()
    }

    /// Appends `data` to the file. After a failure the temporary file is already removed and the writer
    /// is closed.
    public func write(_ data: Data) throws {
        try data.withUnsafeBytes { try write(bytes: $0) }
    }

    /// Appends the UTF-8 encoding of `string`.
    public func write(_ string: String) throws {
        var string = string
        try string.withUTF8 { try write(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// Appends raw bytes. Pieces at least as large as the buffer bypass it.
    public func write(bytes: UnsafeRawBufferPointer) throws {
        guard state == .open else { throw misuse() }
        if bytes.count > buffer.count - bufferedCount {
            try flushBuffer()
            if bytes.count >= buffer.count {
                try writeToFile(bytes)
                return
            }
        }
        guard let source = bytes.baseAddress, let start = buffer.baseAddress else { return }
        (start + bufferedCount).copyMemory(from: source, byteCount: bytes.count)
        bufferedCount += bytes.count
    }

    /// Flushes buffered bytes, syncs the temporary file to disk and renames it over the destination.
    /// On failure the temporary file is removed and the destination keeps its old contents.
    public func commit() throws {
        guard state == .open else { throw misuse() }
        try flushBuffer()
        if fsync(fileDescriptor) != 0 {
            throw fail(.sync, errno)
        }
        let descriptor = fileDescriptor
        fileDescriptor = -1
        if close(descriptor) != 0 {
            throw fail(.close, errno)
        }
        if rename(temporaryPath, destination.path) != 0 {
            throw fail(.rename, errno)
        }
        PendingTemporaryFiles.shared.remove(temporaryPath)
        state = .committed
        syncDirectory()
    }

    /// Discards everything written and removes the temporary file; the destination is untouched.
    /// Does nothing after `commit()` or a previous abort.
    public func abort() {
        guard state == .open else { return }
        state = .closed
        if fileDescriptor >= 0 {
            close(fileDescriptor)
            fileDescriptor = -1
        }
        unlink(temporaryPath)
        PendingTemporaryFiles.shared.remove(temporaryPath)
        bufferedCount = 0
    }

    /// Removes the temporary file of every writer not yet committed or aborted, leaving each destination
    /// with its old contents. For a signal handler about to end the process, which would otherwise leave
    /// `.NAME.tmp-…` files behind; the writers themselves must not be used afterwards.
    public static func removeTemporaryFiles() {
        PendingTemporaryFiles.shared.removeAll()
    }

    private func flushBuffer() throws {
        guard bufferedCount > 0 else { return }
        let pending = UnsafeRawBufferPointer(rebasing: buffer[0..<bufferedCount])
        bufferedCount = 0
        try writeToFile(pending)
    }

    private func writeToFile(_ bytes: UnsafeRawBufferPointer) throws {
        guard var next = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let written = systemWrite(fileDescriptor, next, remaining)
            if written < 0 {
                if errno == EINTR { continue }
                throw fail(.write, errno)
            }
            if written == 0 { throw fail(.write, EIO) }
            next += written
            remaining -= written
        }
    }

    /// Closes and removes the temporary file, then returns the error to throw.
    private func fail(_ operation: AtomicFileError.Operation, _ errorNumber: Int32) -> AtomicFileError {
        let error = AtomicFileError(operation: operation, path: destination.path, errorNumber: errorNumber)
        abort()
        return error
    }

    private func misuse() -> AtomicFileError {
        AtomicFileError(operation: .notOpen, path: destination.path, errorNumber: 0)
    }

    /// Makes the rename itself durable. Best effort: the file is already in place, and some filesystems
    /// refuse to sync a directory.
    private func syncDirectory() {
        let directory = open(AtomicFileError.directory(of: destination.path), O_RDONLY | O_CLOEXEC)
        guard directory >= 0 else { return }
        _ = fsync(directory)
        close(directory)
    }
}

/// The POSIX `write`, named apart from `AtomicFileWriter.write`.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
        return Glibc.write(descriptor, bytes, count)
    #elseif canImport(Musl)
        return Musl.write(descriptor, bytes, count)
    #else
        return Darwin.write(descriptor, bytes, count)
    #endif
}

/// One-shot atomic writes.
public enum AtomicFile {
    /// Throws the error writing to `url` would meet at its start: the directory is missing or does not
    /// accept a new file, or the destination is a directory. Nothing is left behind. Lets a program that
    /// will write its result after long work find out first.
    public static func checkWritable(_ url: URL) throws {
        var info = stat()
        if stat(url.path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
            throw AtomicFileError(operation: .rename, path: url.path, errorNumber: EISDIR)
        }
        try AtomicFileWriter(destination: url, bufferCapacity: 1).abort()
    }

    /// Replaces the file at `url` with `data` atomically (see `AtomicFileWriter`).
    public static func write(_ data: Data, to url: URL) throws {
        let writer = try AtomicFileWriter(destination: url)
        try writer.write(data)
        try writer.commit()
    }
}

/// The temporary files of open writers, so that a process ended by a signal can remove them
/// (`AtomicFileWriter.removeTemporaryFiles()`). A lock guards the set: the remover runs on another thread.
private final class PendingTemporaryFiles: @unchecked Sendable {
    static let shared = PendingTemporaryFiles()
    private let lock = NSLock()
    private var paths: Set<String> = []

    func insert(_ path: String) { lock.withLock { _ = paths.insert(path) } }
    func remove(_ path: String) { lock.withLock { _ = paths.remove(path) } }

    func removeAll() {
        lock.withLock {
            for path in paths { unlink(path) }
            paths.removeAll()
        }
    }
}
