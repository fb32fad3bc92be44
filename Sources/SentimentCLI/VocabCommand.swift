import ArgumentParser
import Foundation
import SentimentKit

/// `sentiment vocab`: counts the tokens of corpus files and writes a vocabulary.
struct VocabCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vocab",
        abstract: "Build a vocabulary (token<TAB>count lines in id order) from corpus files.",
        // The full list of options is too wide for an 80-column terminal; OPTIONS lists them.
        usage: "sentiment vocab [<options>] <files> ...",
        discussion: """
            Reads TSV, CSV (RFC 4180 quoting), JSON Lines ("text"/"label" keys), fastText \
            (__label__X text) or plain text (one document per line); the format comes from the \
            extension (.tsv .csv .jsonl/.ndjson .ft, .txt) or, failing that, from the first line, and \
            --input-format overrides both. Only the text is tokenized; labels are checked but not needed. \
            Text in another encoding than UTF-8 is detected and decoded (--encoding NAME sets it).

            Line 1 is <pad> (id 0, count 0) and line 2 is <unk> (id 1); the count of <unk> is the number \
            of token occurrences in the corpus that the vocabulary does not keep, i.e. that will be read \
            as <unk>. Then come the tokens seen at least --min-count times, most frequent first, ties in \
            byte order of their UTF-8 form, so the same corpus always gives the same ids. --max-size \
            counts <pad> and <unk>.

            Examples:
              sentiment vocab train.tsv -o vocab.tsv
              sentiment vocab reviews.csv --text-column review --min-count 5 \\
                  --max-size 20000
              cat *.txt | sentiment vocab --input-format text -
            """
    )

    @Argument(help: "Corpus files (\"-\" for standard input).")
    var files: [String]

    @Option(
        name: .shortAndLong, help: "Write the vocabulary here (atomically) instead of to standard output.")
    var output: String?

    @Option(parsing: .unconditional, help: "Keep tokens seen at least this many times.")
    var minCount = ModelTrainingOptions().minCount

    @Option(parsing: .unconditional, help: "At most this many entries, <pad> and <unk> included.")
    var maxSize = ModelTrainingOptions().maxVocabulary

    @OptionGroup(title: "Tokenizer") var tokenizerOptions: TokenizerOptions

    @OptionGroup(title: "Input") var corpusOptions: CorpusOptions

    @OptionGroup var threadOptions: ThreadOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one corpus file (\"-\" for standard input)") }
        if minCount < 1 { throw ValidationError("--min-count must be at least 1") }
        if maxSize < 2 { throw ValidationError("--max-size must be at least 2 (<pad> and <unk>)") }
    }

    func run() throws {
        // An unwritable -o stops the run before any work.
        if let output { try AtomicFile.checkWritable(URL(fileURLWithPath: output)) }
        let pool = try TokenizerPool(settings: tokenizerOptions.settings, count: threadOptions.count)
        let options = corpusOptions.readerOptions(requiresLabels: false)
        // Open every file first, so that a missing one stops the run before any work.
        let readers = try files.map { try CorpusReader(path: $0, options: options) }
        var builder = VocabularyBuilder()
        var documentCount = 0
        for reader in readers {
            reader.reportEncoding()
            documentCount += try builder.count(reader, pool: pool)
            reader.reportSkippedAndRepairedLines()
        }
        let vocabulary = builder.build(minCount: minCount, maxSize: maxSize)
        let table = vocabulary.table(counts: builder)
        if let output {
            try AtomicFile.write(Data(table), to: URL(fileURLWithPath: output))
        } else {
            try StandardStreams.writeToStandardOutput(table)
        }
        StandardStreams.printError(
            "vocab: \(documentCount) documents, \(builder.totalCount) tokens, \(builder.distinctCount) distinct; "
                + "\(vocabulary.count) entries (<pad>, <unk> and tokens seen at least \(minCount) times)"
                + (output.map { " written to \($0)" } ?? ""))
    }
}
