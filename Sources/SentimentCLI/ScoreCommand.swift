import ArgumentParser
import Foundation
import SentimentKit

/// `sentiment score`: the probability and label of every input line.
struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score text: one probability and label per input line.",
        // The full list of options is too wide for an 80-column terminal; OPTIONS lists them.
        usage: "sentiment score [<options>] [<files> ...]",
        discussion: """
            Reads standard input when no file is given; text in another encoding than UTF-8 (Latin-1, \
            GB18030, UTF-16 with a byte order mark, …) is detected from the first block, decoded and \
            named on standard error (--encoding NAME sets it). Every input line gives exactly one output line, \
            in order, empty lines and lines with invalid UTF-8 included (invalid bytes are replaced with \
            U+FFFD and counted on standard error). Output is "probability<TAB>label" with label positive \
            or negative at the threshold; --format jsonl gives {"probability": …, "label": …} objects. \
            Input streams: memory stays flat however large it is, and lines are written as soon as they \
            are scored when input trickles in from a terminal or a pipe.

            -o FILE is written atomically: until the end FILE keeps its old contents, and SIGINT or \
            SIGTERM removes the temporary file and exits 130 or 143 leaving FILE as it was.

            \(ModelLocation.lookupDescription)

            With --text-column N each line is a TSV row and its N-th column is scored; a first row whose \
            N-th column is a header name (text, review, sentence, …) is a header: TSV output gives it a \
            header row too, JSON Lines output skips it. An empty line is scored as empty text; a non-empty \
            line without an N-th column stops the run with its file and line. Without --text-column, a \
            file whose first line is a TSV header naming a text column (label<TAB>text, say) has that \
            column scored, as stderr says; a header without one stops the run.

            --no-header reads line 1 as data like every other line: no header is guessed, so a first \
            line that looks like one (label<TAB>text, say) is scored. Use it wherever lines come from \
            a program rather than a file with a header (Spark's RDD.pipe, Hadoop Streaming, xargs).

            --id-column N echoes the N-th tab-separated column of each line as the line's id: the \
            first TSV column of the output, or an "id" string in JSON Lines, so results can be joined \
            back without trusting their order. The text is then the line without its id column (a \
            text holding tabs comes through whole), or the --text-column if given. A line without \
            the id column, or without a tab beside it, stops the run with its file and line.

            Examples:
              echo "great film" | sentiment score
              sentiment score a.txt b.txt -o scores.tsv
              sentiment score --format jsonl --with-text reviews.txt
              sentiment score --text-column 2 test.tsv
              printf '17\\tgreat film\\n' | sentiment score --no-header --id-column 1
            """
    )

    @Argument(help: "Files to score, one text per line (\"-\" for standard input; standard input when none).")
    var files: [String] = []

    @Option(
        name: .shortAndLong, help: ArgumentHelp(ModelLocation.optionHelp))
    var model: String?

    @Option(help: "Output format: tsv or jsonl.")
    var format: ScoreOutputFormat = .tsv

    @Flag(help: "Add the scored text to each output line.")
    var withText = false

    @Option(name: .shortAndLong, help: "Write to this file (atomically) instead of standard output.")
    var output: String?

    @Option(parsing: .unconditional, help: "Score the N-th tab-separated column (1-based) of each line.")
    var textColumn: Int?

    @Option(
        parsing: .unconditional,
        help: "Echo the N-th tab-separated column (1-based) of each line as its id; the text is the rest.")
    var idColumn: Int?

    @Flag(help: "Read line 1 as data: never guess a header.")
    var noHeader = false

    @Option(
        parsing: .unconditional,
        help: "Probability at or above which a text is labelled positive (default: the model's).")
    var threshold: Float?

    @OptionGroup var threadOptions: ThreadOptions

    @OptionGroup(title: "Input") var encodingOptions: EncodingOptions

    func validate() throws {
        do {
            _ = try LineLayout(textColumn: textColumn, idColumn: idColumn)
        } catch {
            throw ValidationError("\(error)")
        }
        if let threshold, !(threshold >= 0 && threshold <= 1) {
            throw ValidationError("--threshold must be in [0, 1]")
        }
    }

    func run() throws {
        // The output file's temporary is created first: an unwritable -o stops the run before any work.
        let writer = try output.map { path in
            do {
                return try AtomicFileWriter(destination: URL(fileURLWithPath: path))
            } catch {
                throw CommandFailure("\(error)")
            }
        }
        // A signal must not leave the temporary file behind: it is removed and the old output kept.
        let interrupts = output.map { path in
            InterruptSignals(
                .stopNow(message: "interrupted: \(path) was not written (a file already there is untouched)"))
        }
        defer { withExtendedLifetime(interrupts) {} }
        let sentimentModel = try loadModel(at: ModelLocation.resolve(model), threads: threadOptions.count)
        let stream = try LineScoringStream(
            scorer: TextScorer(model: sentimentModel, threads: threadOptions.count, threshold: threshold),
            textColumn: textColumn, idColumn: idColumn, guessesHeader: !noHeader, format: format,
            withText: withText)
        let inputs = try TextInputs(paths: files, encoding: encodingOptions.encoding)
        do {
            try inputs.forEach { input in
                try stream.score(input, note: { StandardStreams.printError($0) }) { bytes in
                    if let writer {
                        try bytes.withUnsafeBytes { try writer.write(bytes: $0) }
                    } else {
                        try StandardStreams.writeToStandardOutput(bytes)
                    }
                }
            }
            try writer?.commit()
        } catch {
            writer?.abort()
            throw error
        }
    }
}

extension ScoreOutputFormat: ExpressibleByArgument {}
