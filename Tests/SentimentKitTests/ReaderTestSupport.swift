import Foundation

@testable import SentimentKit

/// A reader over `text` as if it were the file `name`.
func reader(_ text: String, name: String, options: CorpusReaderOptions = CorpusReaderOptions()) throws
    -> CorpusReader
{
    try CorpusReader(file: InputFile(bytes: Array(text.utf8), name: name), options: options)
}

/// A reader over raw bytes.
func reader(bytes: [UInt8], name: String, options: CorpusReaderOptions = CorpusReaderOptions()) throws
    -> CorpusReader
{
    try CorpusReader(file: InputFile(bytes: bytes, name: name), options: options)
}

/// The documents of `text` read as the file `name`.
func documents(_ text: String, name: String, options: CorpusReaderOptions = CorpusReaderOptions()) throws
    -> [CorpusRecord]
{
    try reader(text, name: name, options: options).readAll()
}

/// (text, label) pairs, for compact expectations.
func pairs(_ documents: [CorpusRecord]) -> [Pair] {
    documents.map { Pair(text: $0.text, label: $0.label) }
}

struct Pair: Equatable, CustomStringConvertible {
    var text: String
    var label: Float?
    var description: String { "(\(text.debugDescription), \(label.map { String($0) } ?? "nil"))" }
}

func p(_ text: String, _ label: Float?) -> Pair { Pair(text: text, label: label) }

/// The message of the `InputError` thrown by `body`, or nil.
func inputErrorMessage(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch let error as InputError {
        return error.description
    } catch {
        return "unexpected error: \(error)"
    }
}
