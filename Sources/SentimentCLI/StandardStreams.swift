#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writing for the commands: data to standard output, diagnostics to standard error. (Result files
/// are written atomically with SentimentKit's `AtomicFile`.)
enum StandardStreams {
    /// Why writing failed, naming the file.
    struct WriteError: Error, CustomStringConvertible {
        var file: String
        var reason: String
        var description: String { "\(file): cannot write: \(reason)" }
    }

    /// Writes all of `bytes` to a file descriptor, retrying after interruptions and short writes.
    static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32, name: String) throws {
        var offset = 0
        while offset < bytes.count {
            let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw WriteError(file: name, reason: String(cString: strerror(errno)))
            }
            offset += written
        }
    }

    static func writeToStandardOutput(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try writeAll($0, to: 1, name: "<stdout>") }
    }

    /// Writes a message to standard error (a newline is added unless `newline` is false), ignoring
    /// failures.
    static func printError(_ message: String, newline: Bool = true) {
        var line = Array(message.utf8)
        if newline { line.append(0x0A) }
        line.withUnsafeBytes { _ = try? writeAll($0, to: 2, name: "<stderr>") }
    }
}
