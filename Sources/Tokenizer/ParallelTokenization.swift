import Dispatch

/// Carries a value into `DispatchQueue.concurrentPerform`'s `@Sendable` closure. Only for values whose
/// concurrent use is safe by construction: here every iteration touches only its own index of a
/// pre-sized buffer or array of tokenizers, and the closure returns before the caller goes on.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
}

extension Tokenizer {
    /// Runs `body(worker, tokenizer)` for each worker in `0..<workers` concurrently, each with a tokenizer
    /// of its own, and returns the results in worker order. This is the way to tokenize on several
    /// threads: split the input into `workers` parts and let each worker handle part `worker`.
    /// - Throws: `TokenizerError` when the settings are unusable (checked before anything runs).
    public static func concurrentMap<Result>(
        settings: TokenizerSettings, workers: Int, _ body: (Int, Tokenizer) -> Result
    ) throws -> [Result] {
        let workers = max(workers, 1)
        var tokenizers: [Tokenizer] = []
        for _ in 0..<workers { tokenizers.append(try Tokenizer(settings: settings)) }
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

/// Tokenizes newline-separated UTF-8 text on several threads and keeps the line order: the parallel path
/// for large inputs (the `tokenize` command, corpus preparation).
///
/// Use from one thread at a time; it fans out internally.
public final class ParallelLineTokenizer {
    public let settings: TokenizerSettings
    public let threads: Int
    private var tokenizers: [Tokenizer]

    /// - Throws: `TokenizerError` when the settings are unusable.
    public init(settings: TokenizerSettings = TokenizerSettings(), threads: Int) throws {
        self.settings = settings
        self.threads = max(threads, 1)
        tokenizers = try (0..<self.threads).map { _ in try Tokenizer(settings: settings) }
    }

    /// One output line per input line of `text` (tokens joined by single spaces, then "\n"), in input
    /// order, and the number of lines with invalid UTF-8. A final line without "\n" counts as a line.
    public func tokenizeLines(_ text: UnsafeRawBufferPointer) -> (
        output: [UInt8], lines: Int, linesWithInvalidUTF8: Int
    ) {
        let parts = Self.split(text, into: text.count < 65536 ? 1 : threads)
        var outputs = [[UInt8]](repeating: [], count: parts.count)
        var counts = [(lines: Int, linesWithInvalidUTF8: Int)](repeating: (0, 0), count: parts.count)
        if parts.count == 1 {
            outputs[0].reserveCapacity(text.count + text.count / 4 + 16)
            counts[0] = tokenizers[0].appendTokenizedLines(ofUTF8: text, to: &outputs[0])
        } else {
            let tokenizers = self.tokenizers
            outputs.withUnsafeMutableBufferPointer { outputs in
                counts.withUnsafeMutableBufferPointer { counts in
                    let shared = UncheckedSendable(value: (outputs, counts, tokenizers, text))
                    // Each iteration writes only its own slots.
                    DispatchQueue.concurrentPerform(iterations: parts.count) { part in
                        let (outputs, counts, tokenizers, text) = shared.value
                        let range = parts[part]
                        var output: [UInt8] = []
                        output.reserveCapacity(range.count + range.count / 4 + 16)
                        counts[part] = tokenizers[part].appendTokenizedLines(
                            ofUTF8: UnsafeRawBufferPointer(rebasing: text[range]), to: &output)
                        outputs[part] = output
                    }
                }
            }
        }
        var joined: [UInt8] = []
        joined.reserveCapacity(outputs.reduce(0) { $0 + $1.count })
        for output in outputs { joined.append(contentsOf: output) }
        return (joined, counts.reduce(0) { $0 + $1.lines }, counts.reduce(0) { $0 + $1.linesWithInvalidUTF8 })
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
