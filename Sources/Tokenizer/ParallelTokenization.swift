import Dispatch

/// Carries a value into `DispatchQueue.concurrentPerform`'s `@Sendable` closure. Only for values whose
/// concurrent use is safe by construction: here every iteration touches only its own index of a
/// pre-sized buffer or array of tokenizers, and the closure returns before the caller goes on.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
}

/// One tokenizer per worker thread, for tokenizing on several cores: `concurrentMap` runs a closure on
/// each worker at once, each with its own tokenizer, and returns the results in worker order. Split the
/// input into `count` parts and let worker `i` handle part `i`.
///
/// Use the pool itself from one thread at a time; it fans out internally.
public final class TokenizerPool {
    public let settings: TokenizerSettings
    private let tokenizers: [Tokenizer]

    /// Number of workers (at least 1).
    public var count: Int { tokenizers.count }

    /// - Throws: `TokenizerError` when the settings are unusable.
    public init(settings: TokenizerSettings = TokenizerSettings(), count: Int) throws {
        self.settings = settings
        tokenizers = try (0..<max(count, 1)).map { _ in try Tokenizer(settings: settings) }
    }

    /// Runs `body(worker, tokenizer)` for every worker in `0..<workers` (all of them by default, at most
    /// `count`) concurrently and returns the results in worker order. `body` must only touch state of its
    /// own worker (or state safe to share).
    public func concurrentMap<Result>(workers: Int? = nil, _ body: (Int, Tokenizer) -> Result) -> [Result] {
        let workers = max(1, min(workers ?? tokenizers.count, tokenizers.count))
        if workers == 1 { return [body(0, tokenizers[0])] }
        let results = UnsafeMutablePointer<Result?>.allocate(capacity: workers)
        results.initialize(repeating: nil, count: workers)
        defer {
            results.deinitialize(count: workers)
            results.deallocate()
        }
        return withoutActuallyEscaping(body) { body in
            let shared = UncheckedSendable(value: (results: results, tokenizers: tokenizers, body: body))
            // Each iteration touches only its own tokenizer and its own result slot.
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                let (results, tokenizers, body) = shared.value
                results[worker] = body(worker, tokenizers[worker])
            }
            return (0..<workers).map { results[$0]! }
        }
    }
}

extension TokenizerPool {
    /// The tokens of each text, in order, tokenized on the pool's threads in contiguous chunks (one
    /// thread when there are fewer than `minimumPerWorker` texts per thread, where fan-out costs more
    /// than it saves).
    public func tokens(of texts: [String], minimumPerWorker: Int = 256) -> [[String]] {
        let workers = min(count, max(1, texts.count / max(minimumPerWorker, 1)))
        let parts = concurrentMap(workers: workers) { worker, tokenizer in
            let range = (texts.count * worker / workers)..<(texts.count * (worker + 1) / workers)
            return texts[range].map { tokenizer.tokens(in: $0) }
        }
        return Array(parts.joined())
    }
}

/// Tokenizes newline-separated UTF-8 text on several threads and keeps the line order: the parallel path
/// for large inputs (the `tokenize` command, corpus preparation).
///
/// Use from one thread at a time; it fans out internally.
public final class ParallelLineTokenizer {
    public var settings: TokenizerSettings { pool.settings }
    public var threads: Int { pool.count }
    private let pool: TokenizerPool
    /// Inputs smaller than this are not worth splitting across threads.
    static let minimumParallelBytes = 65536

    /// - Throws: `TokenizerError` when the settings are unusable.
    public init(settings: TokenizerSettings = TokenizerSettings(), threads: Int) throws {
        pool = try TokenizerPool(settings: settings, count: threads)
    }

    /// One output line per input line of `text` (tokens joined by single spaces, then "\n"), in input
    /// order, and the number of lines with invalid UTF-8. A final line without "\n" counts as a line.
    public func tokenizeLines(_ text: UnsafeRawBufferPointer) -> (
        output: [UInt8], lines: Int, linesWithInvalidUTF8: Int
    ) {
        let parts = Self.split(text, into: text.count < Self.minimumParallelBytes ? 1 : pool.count)
        if parts.isEmpty { return ([], 0, 0) }
        let shared = UncheckedSendable(value: text)
        let results = pool.concurrentMap(workers: parts.count) {
            worker, tokenizer -> (output: [UInt8], lines: Int, invalid: Int) in
            let range = parts[worker]
            var output: [UInt8] = []
            output.reserveCapacity(range.count + range.count / 4 + 16)
            let counts = tokenizer.appendTokenizedLines(
                ofUTF8: UnsafeRawBufferPointer(rebasing: shared.value[range]), to: &output)
            return (output, counts.lines, counts.linesWithInvalidUTF8)
        }
        if results.count == 1 { return (results[0].output, results[0].lines, results[0].invalid) }
        var joined: [UInt8] = []
        joined.reserveCapacity(results.reduce(0) { $0 + $1.output.count })
        for result in results { joined.append(contentsOf: result.output) }
        return (joined, results.reduce(0) { $0 + $1.lines }, results.reduce(0) { $0 + $1.invalid })
    }

    /// Up to `parts` ranges of about equal size that cover `text` and end just after a newline (the last
    /// one at the end of the text).
    static func split(_ text: UnsafeRawBufferPointer, into parts: Int) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        for part in 1...max(parts, 1) {
            guard start < text.count else { break }
            var end = part == parts ? text.count : max(start, text.count * part / parts)
            while end < text.count && (end == 0 || text[end - 1] != 0x0A) { end += 1 }
            if end > start { ranges.append(start..<end) }
            start = end
        }
        return ranges
    }
}
