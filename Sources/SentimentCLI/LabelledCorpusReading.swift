import SentimentKit

extension CorpusReader {
    /// Says on standard error which encoding the file is read in when it is not UTF-8 and was not given.
    func reportEncoding() {
        if let encodingNote { StandardStreams.printError(encodingNote) }
    }

    /// Reports on standard error the lines whose invalid UTF-8 was replaced and the bad lines skipped.
    func reportSkippedAndRepairedLines() {
        InvalidUTF8Report.print(file: fileName, lines: documentsWithInvalidUTF8)
        if skippedLineCount > 0 {
            StandardStreams.printError("\(fileName): skipped \(skippedLineCount) bad lines:")
            for message in skippedLineMessages { StandardStreams.printError("  \(message)") }
            if skippedLineCount > skippedLineMessages.count {
                StandardStreams.printError("  ...")
            }
        }
    }
}

extension CorpusReader {
    /// Every document of the labelled files at `paths`, in order, reporting skipped and repaired lines of
    /// each file on standard error.
    static func readLabelledDocuments(_ paths: [String], options: CorpusReaderOptions) throws
        -> [CorpusDocument]
    {
        try labelledDocuments(paths, options: options, opened: { $0.reportEncoding() }) {
            $0.reportSkippedAndRepairedLines()
        }
    }
}

extension CorpusReader {
    /// `readLabelledDocuments`, with the file and line of each document.
    static func readLabelledCorpus(_ paths: [String], options: CorpusReaderOptions) throws -> LabelledCorpus {
        try labelledCorpus(paths, options: options, opened: { $0.reportEncoding() }) {
            $0.reportSkippedAndRepairedLines()
        }
    }
}
