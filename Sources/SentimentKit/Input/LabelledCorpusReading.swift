extension CorpusReader {
    /// Every document of the labelled files at `paths` ("-": standard input), in order, as training and
    /// evaluation take them. Labels are required whatever `options` says. `finished` sees each file's
    /// reader once it is read (to report its skipped and repaired lines).
    public static func labelledDocuments(
        _ paths: [String], options: CorpusReaderOptions = CorpusReaderOptions(),
        finished: (CorpusReader) -> Void = { _ in }
    ) throws -> [CorpusDocument] {
        var options = options
        options.requiresLabels = true
        var documents: [CorpusDocument] = []
        for path in paths {
            let reader = try CorpusReader(path: path, options: options)
            while let document = try reader.next() {
                // The reader guarantees a label when labels are required.
                documents.append(CorpusDocument(text: document.text, label: document.label ?? 0))
            }
            finished(reader)
        }
        return documents
    }
}
