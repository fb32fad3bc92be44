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
    var minCount = 2

    @Option(parsing: .unconditional, help: "At most this many entries, <pad> and <unk> included.")
    var maxSize = 30000

    @OptionGroup(title: "Tokenizer") var tokenizerOptions: TokenizerOptions

    @OptionGroup(title: "Input") var corpusOptions: CorpusOptions

    @OptionGroup var threadOptions: ThreadOptions

    /// Documents tokenized together, split across the threads.
    static let batchSize = 4096

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
            let counts = try Self.count(reader, pool: pool, into: &builder, batchSize: Self.batchSize)
            documentCount += counts
            reader.reportSkippedAndRepairedLines()
        }
        let vocabulary = builder.build(minCount: minCount, maxSize: maxSize)
        let table = Self.table(of: vocabulary, counts: builder)
        if let output {
            try AtomicFile.write(Data(table), to: URL(fileURLWithPath: output))
        } else {
            try FileWriting.writeToStandardOutput(table)
        }
        FileWriting.printError(
            "vocab: \(documentCount) documents, \(builder.totalCount) tokens, \(builder.distinctCount) distinct; "
                + "\(vocabulary.count) entries (<pad>, <unk> and tokens seen at least \(minCount) times)"
                + (output.map { " written to \($0)" } ?? ""))
    }

    /// Tokenizes every document of `reader` and counts the tokens into `builder`, a batch of documents at
    /// a time split across the pool's threads. Returns the number of documents.
    static func count(
        _ reader: CorpusReader, pool: TokenizerPool, into builder: inout VocabularyBuilder, batchSize: Int
    ) throws -> Int {
        var documentCount = 0
        var batch: [String] = []
        batch.reserveCapacity(batchSize)
        var finished = false
        while !finished {
            batch.removeAll(keepingCapacity: true)
            while batch.count < batchSize {
                guard let document = try reader.next() else {
                    finished = true
                    break
                }
                batch.append(document.text)
            }
            documentCount += batch.count
            let workers = min(pool.count, max(1, batch.count / 64))
            let texts = batch
            let partial = pool.concurrentMap(workers: workers) { worker, tokenizer in
                var counts = VocabularyBuilder()
                let range = (texts.count * worker / workers)..<(texts.count * (worker + 1) / workers)
                for text in texts[range] { counts.add(tokenizer.tokens(in: text)) }
                return counts
            }
            for counts in partial { builder.merge(counts) }
        }
        return documentCount
    }

    /// The vocabulary file: "token<TAB>count" per line in id order; <pad> counts 0, <unk> counts the
    /// token occurrences the vocabulary does not keep.
    static func table(of vocabulary: Vocabulary, counts: VocabularyBuilder) -> [UInt8] {
        var keptOccurrences = 0
        for token in vocabulary.tokens.dropFirst(2) { keptOccurrences += counts.count(of: token) }
        var bytes: [UInt8] = []
        for (id, token) in vocabulary.tokens.enumerated() {
            let count: Int
            switch id {
            case Int(Vocabulary.paddingID): count = 0
            case Int(Vocabulary.unknownID): count = counts.totalCount - keptOccurrences
            default: count = counts.count(of: token)
            }
            bytes.append(contentsOf: token.utf8)
            bytes.append(0x09)
            bytes.append(contentsOf: String(count).utf8)
            bytes.append(0x0A)
        }
        return bytes
    }
}
