import SentimentKit

/// The input files of a command that reads lines of text (`score`, `explain`, `tokenize`): all opened
/// before any work (a missing one stops the run before any output), then read one after the other, each
/// with its encoding decided and, when it is not plain UTF-8, named on standard error.
struct TextInputs {
    let files: [InputFile]

    /// Opens `paths`, or standard input when there are none ("-" is standard input too).
    init(paths: [String], encoding: String?) throws {
        files = try (paths.isEmpty ? ["-"] : paths).map { try InputFile(path: $0, encoding: encoding) }
    }

    /// Runs `read` on each file in turn; `read` returns how many of the file's lines had invalid UTF-8,
    /// which is reported once the file is read.
    func forEach(_ read: (InputFile) throws -> Int) throws {
        for input in files {
            try input.decideEncoding()
            if let note = input.encodingNote { StandardStreams.printError(note) }
            InvalidUTF8Report.print(file: input.name, lines: try read(input))
        }
    }
}

/// The one wording, for every command, of the lines of a file whose invalid UTF-8 was replaced.
enum InvalidUTF8Report {
    static func print(file: String, lines: Int) {
        guard lines > 0 else { return }
        StandardStreams.printError(
            "\(file): \(lines) line\(lines == 1 ? "" : "s") had invalid UTF-8 (replaced with U+FFFD)")
    }
}
