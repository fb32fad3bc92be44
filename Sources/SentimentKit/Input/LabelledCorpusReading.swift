/// Where a document of a corpus comes from: its file and the line where it starts.
public struct DocumentSource: Sendable, Equatable, CustomStringConvertible {
    /// The path as given ("<stdin>" for standard input).
    public var file: String
    /// The line where the document starts, from 1.
    public var line: Int

    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    /// `FILE:LINE`, as error messages name places.
    public var description: String { "\(file):\(line)" }
}

/// Labelled documents and where each comes from (`sources[i]` is the place of `documents[i]`).
public struct LabelledCorpus: Sendable {
    public var documents: [CorpusDocument]
    public var sources: [DocumentSource]
}

extension CorpusReader {
    /// Every document of the labelled files at `paths` ("-": standard input), in order, as training and
    /// evaluation take them. Labels are required whatever `options` says. `opened` sees each file's
    /// reader once it is open (to report its encoding), `finished` once it is read (to report its
    /// skipped and repaired lines).
    public static func labelledDocuments(
        _ paths: [String], options: CorpusReaderOptions = CorpusReaderOptions(),
        opened: (CorpusReader) -> Void = { _ in }, finished: (CorpusReader) -> Void = { _ in }
    ) throws -> [CorpusDocument] {
        try labelledCorpus(paths, options: options, opened: opened, finished: finished).documents
    }

    /// `labelledDocuments`, with the file and line of each document.
    public static func labelledCorpus(
        _ paths: [String], options: CorpusReaderOptions = CorpusReaderOptions(),
        opened: (CorpusReader) -> Void = { _ in }, finished: (CorpusReader) -> Void = { _ in }
    ) throws -> LabelledCorpus {
        var options = options
        options.requiresLabels = true
        var corpus = LabelledCorpus(documents: [], sources: [])
        for path in paths {
            let reader = try CorpusReader(path: path, options: options)
            opened(reader)
            while let document = try reader.next() {
                // The reader refuses unlabelled input when labels are required; this guards the promise.
                guard let label = document.label else {
                    throw InputError.badLine(file: reader.fileName, line: document.line, message: "no label")
                }
                corpus.documents.append(CorpusDocument(text: document.text, label: label))
                corpus.sources.append(DocumentSource(file: reader.fileName, line: document.line))
            }
            finished(reader)
        }
        return corpus
    }
}
