import ArgumentParser
import Foundation
import SentimentKit

/// `sentiment tokenize`: prints the tokens of each input line.
struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Print the tokens of each input line, separated by spaces.",
        // The full list of options is too wide for an 80-column terminal; OPTIONS lists them.
        usage: "sentiment tokenize [<options>] [<files> ...]",
        discussion: """
            Text is normalised (Unicode NFKC, typographic apostrophes to ', full case folding unless \
            --keep-case) and split into words by ICU, which also segments Chinese, Japanese, Thai, Lao, \
            Khmer and Burmese. Punctuation marks, emoji sequences and emoticons such as :) are tokens of \
            their own; white space is dropped. Each input line gives exactly one output line (an empty \
            one when it has no tokens), in input order, also with several threads. Text in another \
            encoding than UTF-8 (Latin-1, GB18030, UTF-16 with a byte order mark, …) is detected, \
            decoded and named on standard error; --encoding NAME sets it. Invalid UTF-8 is replaced \
            with U+FFFD and the number of affected lines is reported on standard error.

            Examples:
              echo "I didn’t LIKE it :)" | sentiment tokenize      # i didn't like it :)
              sentiment tokenize reviews.txt --threads 2 > tokens.txt
              sentiment tokenize --locale th thai.txt
            """
    )

    @Argument(help: "Files to read, one text per line (\"-\" for standard input; standard input when none).")
    var files: [String] = []

    @OptionGroup(title: "Tokenizer") var tokenizerOptions: TokenizerOptions

    @OptionGroup var threadOptions: ThreadOptions

    @OptionGroup(title: "Input") var encodingOptions: EncodingOptions

    /// Bytes read before a block of whole lines is tokenized.
    static let blockSize = 4 << 20

    func run() throws {
        let tokenizer = try ParallelLineTokenizer(
            settings: tokenizerOptions.settings, threads: threadOptions.count)
        // Open every file first, so that a missing one stops the run before any output.
        try TextInputs(paths: files, encoding: encodingOptions.encoding).forEach { input in
            try Self.tokenize(input, with: tokenizer, blockSize: Self.blockSize) {
                try StandardStreams.writeToStandardOutput($0)
            }
        }
    }

    /// Streams `input` through `tokenizer` in blocks of whole lines, passing each block's output to
    /// `write`. Returns the number of lines with invalid
    /// UTF-8.
    static func tokenize(
        _ input: InputFile, with tokenizer: ParallelLineTokenizer, blockSize: Int,
        write: ([UInt8]) throws -> Void
    ) throws -> Int {
        var buffer: [UInt8] = []
        var invalidLines = 0
        var reachedEnd = false
        var target = blockSize
        while !reachedEnd {
            while buffer.count < target {
                if try input.read(into: &buffer, maximumCount: blockSize) == 0 {
                    reachedEnd = true
                    break
                }
            }
            // Whole lines only, until the input ends; a line longer than a block makes the block grow.
            var end = buffer.count
            if !reachedEnd {
                guard let lastNewline = buffer.lastIndex(of: 0x0A) else {
                    target = buffer.count + blockSize
                    continue
                }
                end = lastNewline + 1
            }
            target = blockSize
            guard end > 0 else { continue }
            let result = buffer.withUnsafeBytes {
                tokenizer.tokenizeLines(UnsafeRawBufferPointer(rebasing: $0[0..<end]))
            }
            invalidLines += result.linesWithInvalidUTF8
            try write(result.output)
            buffer.removeFirst(end)
        }
        return invalidLines
    }
}
