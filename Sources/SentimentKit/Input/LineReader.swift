/// Splits an `InputFile` into lines, numbered from 1, reading 1 MiB at a time. The "\n" and a "\r"
/// before it are removed (the file has already dropped a byte order mark and turned other encodings
/// into UTF-8). Lines are UTF-8 bytes, possibly invalid: replacing invalid UTF-8 is up to the caller.
public final class LineReader {
    /// A line without its line break, numbered from 1.
    public struct Line {
        public var number: Int
        public var bytes: [UInt8]

        public var isBlank: Bool { bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D } }
    }

    public let file: InputFile
    private var buffer: [UInt8] = []
    private var position = 0
    private var reachedEnd = false
    private var lineNumber = 0
    private var peeked: [Line] = []
    static let chunkSize = 1 << 20

    /// Lines of `file`.
    public init(file: InputFile) { self.file = file }

    /// The next line, or nil at the end of the input.
    public func next() throws -> Line? {
        if !peeked.isEmpty { return peeked.removeFirst() }
        return try readLine()
    }

    /// The first `count` lines still to come (fewer at the end), without consuming them.
    public func peek(_ count: Int) throws -> [Line] {
        while peeked.count < count, let line = try readLine() { peeked.append(line) }
        return Array(peeked.prefix(count))
    }

    /// True when `next()` can return a line without reading more input (so a caller can gather a batch
    /// of lines already at hand without waiting on a slow pipe).
    public var hasBufferedLine: Bool {
        !peeked.isEmpty || (reachedEnd && position < buffer.count) || buffer[position...].contains(0x0A)
    }

    /// The next batch of at most `maximumCount` lines, or nil at the end of the input: the next line
    /// (waiting for it), then the lines already at hand. Lines that trickle in from a terminal or a pipe
    /// are thus answered as they come, and a file is read in full batches.
    public func nextBatch(maximumCount: Int) throws -> [Line]? {
        guard let first = try next() else { return nil }
        var batch = [first]
        while batch.count < maximumCount, hasBufferedLine, let line = try next() { batch.append(line) }
        return batch
    }

    private func readLine() throws -> Line? {
        while true {
            if let newline = buffer[position...].firstIndex(of: 0x0A) {
                return makeLine(end: newline, next: newline + 1)
            }
            if reachedEnd {
                guard position < buffer.count else { return nil }
                return makeLine(end: buffer.count, next: buffer.count)
            }
            if position > 0 {
                buffer.removeFirst(position)
                position = 0
            }
            if try file.read(into: &buffer, maximumCount: Self.chunkSize) == 0 { reachedEnd = true }
        }
    }

    private func makeLine(end: Int, next: Int) -> Line {
        let start = position
        var end = end
        if end > start && buffer[end - 1] == 0x0D { end -= 1 }
        lineNumber += 1
        position = next
        return Line(number: lineNumber, bytes: Array(buffer[start..<end]))
    }
}
