/// How `sentiment score` writes each scored line.
public enum ScoreOutputFormat: String, CaseIterable, Sendable {
    /// `[id<TAB>]probability<TAB>label[<TAB>text]`, with a header row for a header line.
    case tsv
    /// `{["id":…,]"probability":…,"label":…[,"text":…]}` per line; a header line gives none.
    case jsonl
}

/// `sentiment score` as one call: every line of a text stream scored in order, in batches, and written
/// as TSV or JSON Lines as each batch is scored, so memory stays flat however long the stream is and
/// lines trickling in from a pipe come out as they arrive.
public struct LineScoringStream {
    /// Most lines scored together.
    public static let maximumBatch = 1024

    public let scorer: TextScorer
    /// The columns given (`--text-column`, `--id-column`).
    public let layout: LineLayout
    /// Whether line 1 may be a header (false: `--no-header`, every line is data).
    public let guessesHeader: Bool
    public let format: ScoreOutputFormat
    /// Whether each output line carries the text scored.
    public let withText: Bool

    /// - Throws: `LineLayout.Invalid` for columns that cannot work together.
    public init(
        scorer: TextScorer, textColumn: Int? = nil, idColumn: Int? = nil, guessesHeader: Bool = true,
        format: ScoreOutputFormat = .tsv, withText: Bool = false
    ) throws(LineLayout.Invalid) {
        self.scorer = scorer
        layout = try LineLayout(textColumn: textColumn, idColumn: idColumn)
        self.guessesHeader = guessesHeader
        self.format = format
        self.withText = withText
    }

    /// Scores every line of `input` (its encoding detected from the first block unless given), handing
    /// each batch's output to `write` and what a reader should know about the file's first line (a
    /// header whose column is scored, a line that looks labelled) to `note`. Returns how many lines held invalid UTF-8
    /// (replaced with U+FFFD before scoring). Throws `InputError` naming the file and line for a line
    /// without the layout's columns.
    public func score(
        _ input: InputFile, note: (String) -> Void, write: ([UInt8]) throws -> Void
    ) throws -> Int {
        let lines = LineReader(file: input)
        let layout = try self.layout(reading: lines, file: input.name, note: note)
        var invalidLines = 0
        while let batch = try lines.nextBatch(maximumCount: Self.maximumBatch) {
            let scored = try scorer.score(
                lines: batch, layout: layout, guessesHeader: guessesHeader, file: input.name)
            invalidLines += scored.count(where: \.hadInvalidUTF8)
            try write(output(scored))
        }
        return invalidLines
    }

    /// The layout of `file`'s lines: the columns given, or, without a text column and with header
    /// guessing, the text column a header on line 1 names.
    private func layout(reading lines: LineReader, file: String, note: (String) -> Void) throws -> LineLayout
    {
        guard layout.textColumn == nil, guessesHeader,
            let column = try Self.headerTextColumn(lines, file: file, idColumn: layout.idColumn, note: note)
        else { return layout }
        return try layout.scoring(column: column)
    }

    /// Without a text column: the column named by a header on line 1 (a labelled TSV file, whose label
    /// must not be scored as text), announced through `note`; nil when line 1 is no such header. A first
    /// line that looks like `label<TAB>text` (beside its id column, if any) without a header gets a note.
    static func headerTextColumn(
        _ lines: LineReader, file: String, idColumn: Int?, note: (String) -> Void
    ) throws -> Int? {
        guard let first = try lines.peek(1).first, first.number == 1 else { return nil }
        switch try FirstLineGuess(firstLine: first.bytes, idColumn: idColumn, file: file) {
        case .header(let column, let name):
            note(
                "\(file):1: a header: scoring its column \(column) (\"\(name)\") on every line; "
                    + "--text-column N chooses another")
            return column
        case .labelledLine(let text):
            note(
                "\(file):1: looks like a labelled line; the whole \(idColumn == nil ? "line" : "text") is "
                    + "scored, label included (--text-column \(text) scores the text alone)")
            return nil
        case .data:
            return nil
        }
    }

    /// The output lines of scored lines: a header row gets a header line in TSV and none in JSON Lines.
    public func output(_ lines: [ScoredLine]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(lines.count * (withText ? 96 : 24))
        for line in lines {
            guard let prediction = line.prediction else {
                if format == .tsv {
                    if let id = line.id { output.append(contentsOf: "\(id)\t".utf8) }
                    output.append(contentsOf: "probability\tlabel\(withText ? "\ttext" : "")\n".utf8)
                }
                continue
            }
            switch format {
            case .tsv:
                if let id = line.id { output.append(contentsOf: "\(id)\t".utf8) }
                output.append(contentsOf: "\(prediction.probability)\t\(prediction.label)".utf8)
                if withText {
                    output.append(0x09)
                    output.append(contentsOf: String(decoding: line.text, as: UTF8.self).utf8)
                }
            case .jsonl:
                output.append(0x7B)
                if let id = line.id {
                    output.append(contentsOf: "\"id\":".utf8)
                    JSONText.appendString(id, to: &output)
                    output.append(0x2C)
                }
                output.append(contentsOf: "\"probability\":\(prediction.probability),".utf8)
                output.append(contentsOf: "\"label\":\"\(prediction.label)\"".utf8)
                if withText {
                    output.append(contentsOf: ",\"text\":".utf8)
                    JSONText.appendString(String(decoding: line.text, as: UTF8.self), to: &output)
                }
                output.append(0x7D)
            }
            output.append(0x0A)
        }
        return output
    }
}
