/// Errors about input files, worded for the command line: each names the file (and the line, when
/// there is one).
public enum InputError: Error, Equatable, CustomStringConvertible {
    case cannotOpen(file: String, reason: String)
    case readFailed(file: String, reason: String)
    /// Something wrong at a line of a file, e.g. `reviews.csv:17: label "maybe" is not one of ...`.
    case badLine(file: String, line: Int, message: String)
    /// Something wrong with a file as a whole (unknown columns, undetectable layout).
    case badFile(file: String, message: String)
    /// A file that cannot be read as a labelled corpus, shown at the line that tells (a header without a
    /// label column, a first line without a label, plain text): unlike `badLine`, never skipped.
    case unreadableLayout(file: String, line: Int, message: String)
    /// An encoding ICU's converters do not know (given with `--encoding`).
    case unknownEncoding(file: String, name: String)

    public var description: String {
        switch self {
        case .cannotOpen(let file, let reason): return "\(file): cannot open: \(reason)"
        case .readFailed(let file, let reason): return "\(file): read error: \(reason)"
        case .badLine(let file, let line, let message): return "\(file):\(line): \(message)"
        case .badFile(let file, let message): return "\(file): \(message)"
        case .unreadableLayout(let file, let line, let message): return "\(file):\(line): \(message)"
        case .unknownEncoding(let file, let name):
            return "\(file): unknown encoding \"\(name)\": give a name ICU knows, such as utf-8, latin1, "
                + "windows-1252, utf-16, gb18030, big5, shift_jis or euc-kr"
        }
    }
}
