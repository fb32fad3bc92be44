import ArgumentParser
import Foundation
import SentimentKit

/// Tokenizer options shared by the commands that tokenize with settings of their own (`tokenize`,
/// `vocab`, `train`); scoring always uses the settings stored in the model.
struct TokenizerOptions: ParsableArguments {
    @Option(help: "ICU locale whose word-break rules are used (e.g. root, ja, th).")
    var locale = "root"

    @Flag(help: "Keep letter case instead of case folding.")
    var keepCase = false

    @Flag(help: "Do not treat ASCII emoticons such as :) as single tokens.")
    var noEmoticons = false

    var settings: TokenizerSettings {
        TokenizerSettings(locale: locale, keepCase: keepCase, recognizesEmoticons: !noEmoticons)
    }
}

/// How labelled corpus files are read (`vocab`, `train`, `eval`).
struct CorpusOptions: ParsableArguments {
    @Option(
        name: .customLong("input-format"),
        help: """
            Input format: \(CorpusFormat.allCases.map(\.rawValue).joined(separator: ", ")) \
            (default: from the extension, else from the first line).
            """)
    var format: CorpusFormat?

    @Option(help: "Text column of TSV/CSV (1-based index or header name) or key of JSON Lines.")
    var textColumn: ColumnSelector?

    @Option(help: "Label column of TSV/CSV (1-based index or header name) or key of JSON Lines.")
    var labelColumn: ColumnSelector?

    @Flag(help: "Skip lines that cannot be read (they are counted and reported) instead of stopping.")
    var skipBadLines = false

    @Option(
        help: """
            CSV field separator: ',', ';' or tab (default: found from the first lines).
            """)
    var delimiter: FieldDelimiter?

    @OptionGroup var encodingOptions: EncodingOptions

    func readerOptions(requiresLabels: Bool) -> CorpusReaderOptions {
        CorpusReaderOptions(
            format: format, labelColumn: labelColumn, textColumn: textColumn, requiresLabels: requiresLabels,
            skipBadLines: skipBadLines, encoding: encodingOptions.encoding, delimiter: delimiter?.byte)
    }
}

/// The `--encoding` option of every command that reads text.
struct EncodingOptions: ParsableArguments {
    @Option(
        help: """
            Character encoding of the input: any name ICU knows (utf-8, latin1, windows-1252, \
            utf-16, gb18030, big5, shift_jis, euc-kr, ...). Default: a byte order mark, \
            else UTF-8 when valid, else detected.
            """)
    var encoding: String?

    func validate() throws {
        if let encoding {
            do {
                try InputFile.checkEncoding(encoding, file: "--encoding")
            } catch {
                throw ValidationError("\(error)")
            }
        }
    }
}

/// A `--delimiter` value: one ASCII character, or "tab".
struct FieldDelimiter: ExpressibleByArgument {
    let byte: UInt8

    init?(argument: String) {
        switch argument.lowercased() {
        case "tab", "\\t", "\t": byte = 0x09
        default:
            guard argument.utf8.count == 1, let byte = argument.utf8.first, byte >= 0x20, byte < 0x7F,
                byte != 0x22
            else { return nil }
            self.byte = byte
        }
    }
}

/// The `--threads` option.
struct ThreadOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Number of threads (default: all cores).")
    var threads: Int?

    var count: Int { threads ?? max(1, ProcessInfo.processInfo.activeProcessorCount) }

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }
}

extension CorpusFormat: ExpressibleByArgument {}
extension ColumnSelector: ExpressibleByArgument {}

/// `--precision` of `train` and `convert`: f32 or f16.
extension ModelFilePrecision: ExpressibleByArgument {}
