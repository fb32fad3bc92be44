import CZlib
import Foundation

/// A file's bytes, read in large chunks through zlib, which passes plain files through unchanged and
/// inflates gzip-compressed ones, so every vector format may come compressed or not. Lines and fixed
/// runs of bytes are handed out as views into the chunk buffer, valid until the next call.
final class ByteStream {
    let path: String
    private let file: gzFile
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var reachedEnd = false
    private static let chunkSize = 1 << 22

    init(path: String) throws {
        self.path = path
        try Self.checkIsFile(path)
        guard let file = gzopen(path, "rb") else {
            throw VectorFileError(path: path, reason: "cannot open: \(String(cString: strerror(errno)))")
        }
        gzbuffer(file, 1 << 18)
        self.file = file
        buffer = [UInt8](repeating: 0, count: Self.chunkSize)
    }

    deinit { gzclose(file) }

    /// Throws, naming `path`, unless it exists and is not a directory.
    static func checkIsFile(_ path: String) throws {
        var status = stat()
        if stat(path, &status) != 0 {
            throw VectorFileError(path: path, reason: String(cString: strerror(errno)))
        }
        if (status.st_mode & S_IFMT) == S_IFDIR {
            throw VectorFileError(path: path, reason: "is a directory, not a vectors file")
        }
    }

    /// The next line without its "\n" (and a "\r" before it), or nil at the end; `body` sees its bytes.
    func nextLine<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) throws -> Result? {
        while true {
            if let newline = buffer.withUnsafeBufferPointer({ all -> Int? in
                guard end > start else { return nil }
                let base = UnsafeRawPointer(all.baseAddress!)
                let found = memchr(base + start, 0x0A, end - start)
                return found.map { UnsafeRawPointer($0) - base }
            }) {
                var lineEnd = newline
                if lineEnd > start && buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                let result = try buffer.withUnsafeBufferPointer {
                    try body(UnsafeBufferPointer(rebasing: $0[start..<lineEnd]))
                }
                start = newline + 1
                return result
            }
            if reachedEnd {
                guard end > start else { return nil }
                var lineEnd = end
                if buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                let result = try buffer.withUnsafeBufferPointer {
                    try body(UnsafeBufferPointer(rebasing: $0[start..<lineEnd]))
                }
                start = end
                return result
            }
            try refill()
        }
    }

    /// The next `count` bytes, or nil when fewer are left; `body` sees them.
    func next<Result>(_ count: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> Result) throws -> Result? {
        while end - start < count {
            if reachedEnd { return nil }
            try refill(atLeast: count)
        }
        let result = try buffer.withUnsafeBufferPointer {
            try body(UnsafeBufferPointer(rebasing: $0[start..<start + count]))
        }
        start += count
        return result
    }

    /// Every byte not yet read.
    func remainingBytes() throws -> [UInt8] {
        while !reachedEnd { try refill() }
        let rest = Array(buffer[start..<end])
        start = end
        return rest
    }

    /// The next byte without consuming it, or nil at the end.
    func peekByte() throws -> UInt8? {
        while end == start {
            if reachedEnd { return nil }
            try refill()
        }
        return buffer[start]
    }

    /// Moves the unread bytes to the front and reads more after them, growing the buffer for a line or
    /// record longer than it.
    private func refill(atLeast needed: Int = 0) throws {
        if start > 0 {
            buffer.withUnsafeMutableBufferPointer { all in
                _ = memmove(all.baseAddress!, all.baseAddress! + start, end - start)
            }
            end -= start
            start = 0
        }
        if end == buffer.count || buffer.count < needed {
            buffer += [UInt8](repeating: 0, count: max(buffer.count, needed))
        }
        let room = buffer.count - end
        let read = buffer.withUnsafeMutableBufferPointer { all in
            gzread(file, all.baseAddress! + end, UInt32(min(room, Int(Int32.max))))
        }
        if read < 0 {
            var code: Int32 = 0
            let message = gzerror(file, &code).map { String(cString: $0) } ?? "read error"
            throw VectorFileError(path: path, reason: "cannot read: \(message)")
        }
        if read == 0 {
            var code: Int32 = 0
            _ = gzerror(file, &code)
            if code == Z_BUF_ERROR {
                throw VectorFileError(path: path, reason: "the compressed file is cut short")
            }
            reachedEnd = true
        }
        end += Int(read)
    }
}
