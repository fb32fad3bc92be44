#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writing for the commands: data to standard output, diagnostics to standard error, and result files
/// written atomically (a temporary file in the same directory, renamed over the target once complete).
enum FileWriting {
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

    /// Writes a line (a newline is added) to standard error, ignoring failures.
    static func printError(_ message: String) {
        var line = Array(message.utf8)
        line.append(0x0A)
        line.withUnsafeBytes { _ = try? writeAll($0, to: 2, name: "<stderr>") }
    }

    /// Replaces (or creates) `path` with `bytes` so that readers see either the old or the new file,
    /// never a partial one.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let directory: String
        if let slash = path.lastIndex(of: "/") {
            directory = slash == path.startIndex ? "/" : String(path[..<slash])
        } else {
            directory = "."
        }
        let fileName = path.split(separator: "/").last.map(String.init) ?? "output"
        var template = Array("\(directory)/.\(fileName).XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw WriteError(file: path, reason: String(cString: strerror(errno))) }
        let temporaryPath = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var isOpen = true
        do {
            try bytes.withUnsafeBytes { try writeAll($0, to: descriptor, name: path) }
            // Regular permissions (mkstemp creates 0600), subject to the umask like any new file.
            let mask = umask(0)
            umask(mask)
            fchmod(descriptor, 0o666 & ~mask)
            guard fsync(descriptor) == 0 else {
                throw WriteError(file: path, reason: String(cString: strerror(errno)))
            }
            close(descriptor)
            isOpen = false
            guard rename(temporaryPath, path) == 0 else {
                throw WriteError(file: path, reason: String(cString: strerror(errno)))
            }
        } catch {
            if isOpen { close(descriptor) }
            unlink(temporaryPath)
            throw error
        }
    }
}
