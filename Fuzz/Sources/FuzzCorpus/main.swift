import CFuzzDriver
import Foundation
import SentimentKit

/// The corpus readers (TSV, CSV, JSON Lines, fastText, plain text) with format sniffing. The first input
/// byte picks the options: the format (sniffed, from the extension, or given), whether labels are
/// required and whether bad lines are skipped. Either reading stops with an error that names the file,
/// or every document read is well formed: a label of 0 or 1 when labels are required, and a line number
/// within the file.
func fuzzCorpus(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    guard size > 0 else { return 0 }
    let selector = Int(data[0])
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let formats: [CorpusFormat?] = [nil] + CorpusFormat.allCases.map { $0 }
    let names = ["fuzz", "fuzz.tsv", "fuzz.csv", "fuzz.jsonl", "fuzz.ft", "fuzz.txt"]
    let options = CorpusReaderOptions(
        format: formats[selector % formats.count], requiresLabels: selector & 0x40 == 0,
        skipBadLines: selector & 0x80 != 0)
    let name = names[(selector >> 3) % names.count]
    let lineCount = bytes.reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
    do {
        let reader = try CorpusReader(file: InputFile(bytes: bytes, name: name), options: options)
        while let document = try reader.next() {
            precondition((1...lineCount).contains(document.line), "line \(document.line) of \(lineCount)")
            if options.requiresLabels {
                precondition(
                    document.label == 0 || document.label == 1, "label \(String(describing: document.label))")
            }
        }
    } catch {
        precondition("\(error)".contains(name), "an error that does not name the file: \(error)")
    }
    return 0
}

var argumentCount = CommandLine.argc
var argumentValues = Optional(CommandLine.unsafeArgv)
exit(LLVMFuzzerRunDriver(&argumentCount, &argumentValues) { fuzzCorpus($0, $1) })
