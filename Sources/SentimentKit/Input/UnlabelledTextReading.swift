extension CorpusReader {
    /// The texts of the files at `paths`, in order, for `ModelTraining`'s `unlabelled` texts: one
    /// document per line, or any corpus file, whose labels are then not read. `opened` and `finished`
    /// see each file's reader as in `labelledDocuments`. A file without any text is an error
    /// (`InputError.badFile`): it was given for its text.
    public static func unlabelledTexts(
        _ paths: [String], options: CorpusReaderOptions = CorpusReaderOptions(),
        opened: (CorpusReader) -> Void = { _ in }, finished: (CorpusReader) -> Void = { _ in }
    ) throws -> [String] {
        var options = options
        options.requiresLabels = false
        var texts: [String] = []
        for path in paths {
            let reader = try CorpusReader(path: path, options: options)
            opened(reader)
            let before = texts.count
            while let document = try reader.next() { texts.append(document.text) }
            finished(reader)
            if texts.count == before { throw InputError.badFile(file: path, message: "no unlabelled text in it") }
        }
        return texts
    }
}
